# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 through the web client: archiving a plan, sending a reply template."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "crm_ops_followup", "crm_ops_http")
class TestFollowupWebClient(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env["crm.followup.plan"].search([]).active = False
        cls.manager = new_test_user(
            cls.env,
            login="fu_http_manager",
            groups="sales_team.group_sale_manager,helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Carla Customer", "email": "carla@example.com"}
        )
        cls.plan = cls.env["crm.followup.plan"].create(
            {
                "name": "Archived soon",
                "step_ids": [
                    (0, 0, {"name": "Call", "action_type": "activity"}),
                    (0, 0, {"name": "Ask", "action_type": "satisfaction", "delay_days": 3}),
                ],
            }
        )
        product = cls.env["product.product"].create({"name": "Shelf", "list_price": 50.0})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.manager.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        cls.order.action_confirm()

    def _call(self, route, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            route, {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}
        )

    def test_archiving_a_plan_stops_its_pending_followups(self):
        items = self.env["crm.followup.item"].search([("order_id", "=", self.order.id)])
        self.assertEqual(set(items.mapped("state")), {"pending"})
        self.authenticate("fu_http_manager", "fu_http_manager")
        # the list view's Action > Archive
        self._call(
            "/web/dataset/call_kw/crm.followup.plan/action_archive",
            "crm.followup.plan",
            "action_archive",
            [self.plan.ids],
        )
        items.invalidate_recordset()
        self.assertEqual(set(items.mapped("state")), {"cancelled"})
        self.assertEqual(set(items.mapped("note")), {"Plan archived"})
        # the scheduled job later finds nothing to do for the order
        items.sudo().write({"due_date": "2000-01-01 00:00:00"})
        Item = self.env["crm.followup.item"]
        while Item._execute_batch(batch_size=50):
            pass
        self.assertFalse(self.order.activity_ids)
        self.assertFalse(
            self.env["rating.rating"].search(
                [("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)]
            )
        )
        # a new order is not planned by the archived plan
        new_order = self.order.copy()
        new_order.action_confirm()
        self.assertFalse(self.env["crm.followup.item"].search([("order_id", "=", new_order.id)]))

    def test_reply_template_placeholders_are_filled(self):
        template = self.env["crm.ops.reply.template"].create(
            {
                "name": "Parcel",
                "body": '<p>Dear <t t-out="object.partner_id.name">customer</t>, about '
                '<t t-out="object.name"/>: your parcel is on its way.</p>',
            }
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Where is my shelf?",
                "description": "<p>Late</p>",
                "partner_id": self.customer.id,
                "crm_reply_template_id": template.id,
            }
        )
        self.authenticate("fu_http_manager", "fu_http_manager")
        self._call(
            "/web/dataset/call_button",
            "helpdesk.ticket",
            "action_crm_send_reply",
            [ticket.ids],
        )
        message = ticket.message_ids.filtered(lambda m: "on its way" in str(m.body))
        self.assertEqual(len(message), 1)
        body = str(message.body)
        self.assertIn("Dear Carla Customer, about Where is my shelf?", body)
        self.assertNotIn("t-out", body)
        self.assertIn(self.customer, message.partner_ids)
        # the shipped acknowledgement greets the customer by name too
        ticket.crm_reply_template_id = self.env.ref("crm_ops.reply_template_complaint_ack")
        self._call(
            "/web/dataset/call_button",
            "helpdesk.ticket",
            "action_crm_send_reply",
            [ticket.ids],
        )
        ack = ticket.message_ids.filtered(lambda m: "expectations" in str(m.body))
        self.assertIn("Hello Carla Customer,", str(ack.body))
