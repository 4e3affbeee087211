# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "crm_ops_satisfaction", "crm_ops_http")
class TestSatisfactionPage(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="sat_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Rita Rater", "email": "rita@example.com"}
        )
        product = cls.env["product.product"].create({"name": "Lamp", "list_price": 40.0})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Complaints desk",
                "type_ids": [(4, cls.env.ref("crm_ops.helpdesk_ticket_type_complaint").id)],
            }
        )

    def setUp(self):
        super().setUp()
        self.rating = self.order._crm_satisfaction_request(self.customer, validity_days=10)
        self.url = f"/crm_ops/satisfaction/{self.rating.access_token}"

    def _submit(self, token, rate, comment="", complaint=False):
        data = {"rate": rate, "comment": comment, "csrf_token": "x"}
        if complaint:
            data["complaint"] = "1"
        return self.url_open(f"/crm_ops/satisfaction/{token}/submit", data=data)

    def _tickets(self):
        return self.env["helpdesk.ticket"].search([("sale_order_ids", "in", self.order.ids)])

    def test_valid_token_good_rating(self):
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("crm_ops_satisfaction_form", page.text)
        self.assertIn(self.order.name, page.text)
        res = self._submit(self.rating.access_token, 5, "Great service")
        self.assertIn("crm_ops_satisfaction_done", res.text)
        self.rating.invalidate_recordset()
        self.assertTrue(self.rating.consumed)
        self.assertEqual(self.rating.rating, 5)
        self.assertEqual(self.rating.feedback, "Great service")
        self.assertFalse(self._tickets())
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_rating_count, 1)
        self.assertEqual(self.customer.crm_rating_avg, 5)

    def test_wrong_token(self):
        self.assertEqual(
            self.url_open("/crm_ops/satisfaction/notavalidtoken-0000000000").status_code, 404
        )
        self.assertEqual(self._submit("notavalidtoken-0000000000", 1).status_code, 404)
        self.assertEqual(self.url_open(self.url[:-1] + "x").status_code, 404)

    def test_expired_token(self):
        self.rating.crm_expiry_date = fields.Datetime.now() - timedelta(minutes=1)
        self.assertIn("crm_ops_satisfaction_expired", self.url_open(self.url).text)
        self.assertIn(
            "crm_ops_satisfaction_expired", self._submit(self.rating.access_token, 1, "late").text
        )
        self.rating.invalidate_recordset()
        self.assertFalse(self.rating.consumed)
        self.assertFalse(self._tickets())

    def test_double_submission(self):
        self._submit(self.rating.access_token, 4, "Fine")
        res = self._submit(self.rating.access_token, 1, "Changed my mind")
        self.assertIn("crm_ops_satisfaction_already", res.text)
        self.rating.invalidate_recordset()
        self.assertEqual(self.rating.rating, 4)
        self.assertEqual(self.rating.feedback, "Fine")
        self.assertIn("crm_ops_satisfaction_already", self.url_open(self.url).text)

    def test_invalid_value_keeps_form(self):
        res = self._submit(self.rating.access_token, 9)
        self.assertIn("crm_ops_satisfaction_form", res.text)
        self.rating.invalidate_recordset()
        self.assertFalse(self.rating.consumed)

    def test_low_rating_opens_ticket(self):
        self._submit(self.rating.access_token, 1, "The lamp arrived broken")
        ticket = self._tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.team_id, self.team)
        self.assertTrue(ticket.is_complaint)
        self.assertIn("The lamp arrived broken", str(ticket.description))
        self.assertEqual(self.rating.crm_ticket_id, ticket)
        activity = self.order.activity_ids.filtered(lambda a: a.user_id == self.salesman)
        self.assertEqual(len(activity), 1, "the salesperson is told")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_complaint_count, 1)

    def test_complaint_with_good_rating_opens_ticket(self):
        self._submit(self.rating.access_token, 4, "Invoice address is wrong", complaint=True)
        self.assertEqual(len(self._tickets()), 1)
        self.assertIn("Complaint", self._tickets().name)
