# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


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
        # the link of the mails sent before the suite used Odoo's rating pages
        self.url = f"/crm_ops/satisfaction/{self.rating.access_token}"

    def _submit(self, token, rate, feedback="", complaint=False):
        """Answer on Odoo's rating page, as the customer's browser does."""
        # the session's CSRF token (a closed request's page has no form)
        page = self.url_open("/web/login")
        csrf = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text or "")
        data = {"rate": rate, "feedback": feedback, "csrf_token": csrf and csrf.group(1)}
        if complaint:
            data["complaint"] = "1"
        return self.url_open(f"/rate/{token}/submit_feedback", data=data)

    def _tickets(self):
        return self.env["helpdesk.ticket"].search([("sale_order_ids", "in", self.order.ids)])

    def test_valid_token_good_rating(self):
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertTrue(
            page.url.endswith(f"/rate/{self.rating.access_token}/3"), "the old link leads on"
        )
        self.assertIn("o_rating_page_submit", page.text)
        self.assertIn('name="complaint"', page.text, "an order's customer may file a complaint")
        res = self._submit(self.rating.access_token, 5, "Great service")
        self.assertIn("o_rating_page_thank_you", res.text)
        self.rating.invalidate_recordset()
        self.assertTrue(self.rating.consumed)
        self.assertEqual(self.rating.rating, 5)
        self.assertEqual(self.rating.feedback, "Great service")
        self.assertFalse(self._tickets())
        # noted on the order (rating.mixin): a note, the customer is not sent it back
        note = self.order.message_ids.filtered(lambda m: m.rating_id == self.rating)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.customer)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.rating_count, 1)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_rating_count, 1)
        self.assertEqual(self.customer.crm_rating_avg, 5)

    @mute_logger("odoo.http")
    def test_wrong_token(self):
        self.assertEqual(
            self.url_open("/crm_ops/satisfaction/notavalidtoken-0000000000").status_code, 404
        )
        self.assertEqual(self.url_open("/rate/notavalidtoken-0000000000/1").status_code, 404)
        self.assertEqual(self.url_open(self.url[:-1] + "x").status_code, 404)

    def test_expired_token(self):
        self.rating.crm_expiry_date = fields.Datetime.now() - timedelta(minutes=1)
        self.assertIn("crm_ops_satisfaction_expired", self.url_open(self.url).text)
        token = self.rating.access_token
        self.assertIn("crm_ops_satisfaction_expired", self.url_open(f"/rate/{token}/1").text)
        self.assertIn("crm_ops_satisfaction_expired", self._submit(token, 1, "late").text)
        # nor in code: Odoo's rating_apply leaves a closed request as it is
        self.order.rating_apply(1, token=token, feedback="late")
        self.rating.invalidate_recordset()
        self.assertFalse(self.rating.consumed)
        self.assertFalse(self._tickets())

    def test_double_submission(self):
        self._submit(self.rating.access_token, 5, "Fine")
        res = self._submit(self.rating.access_token, 1, "Changed my mind")
        self.assertIn("crm_ops_satisfaction_already", res.text)
        self.rating.invalidate_recordset()
        self.assertEqual(self.rating.rating, 5)
        self.assertEqual(self.rating.feedback, "Fine")
        self.assertIn("crm_ops_satisfaction_already", self.url_open(self.url).text)
        self.assertFalse(self._tickets())

    @mute_logger("odoo.http")
    def test_invalid_value_refused(self):
        self._submit(self.rating.access_token, 9)
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

    def test_neutral_rating_below_a_raised_threshold(self):
        """The threshold is the system parameter crm_ops.low_rating_threshold."""
        self._submit(self.rating.access_token, 3, "So-so")
        self.assertFalse(self._tickets())
        rating = self.order._crm_satisfaction_request(self.customer, validity_days=10)
        self.env["ir.config_parameter"].set_param("crm_ops.low_rating_threshold", 3)
        self._submit(rating.access_token, 3, "So-so again")
        self.assertEqual(self._tickets(), rating.crm_ticket_id)
        self.assertTrue(rating.crm_ticket_id)

    def test_complaint_with_good_rating_opens_ticket(self):
        self._submit(self.rating.access_token, 5, "Invoice address is wrong", complaint=True)
        self.assertEqual(len(self._tickets()), 1)
        self.assertIn("Complaint", self._tickets().name)
