# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("crm_ops_after_sales")
class TestAfterSales(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.complaint_type = cls.env.ref("crm_ops.helpdesk_ticket_type_complaint")
        cls.customer = cls.env["res.partner"].create({"name": "Carl", "email": "carl@example.com"})
        cls.category = cls.env["helpdesk.ticket.category"].create({"name": "Delivery"})
        cls.other_category = cls.env["helpdesk.ticket.category"].create({"name": "Billing"})
        cls.delivery_reply = cls.env["crm.ops.reply.template"].create(
            {
                "name": "Late delivery",
                "category_id": cls.category.id,
                "body": "<p>Your parcel is on its way.</p>",
            }
        )
        cls.billing_reply = cls.env["crm.ops.reply.template"].create(
            {
                "name": "Invoice fix",
                "category_id": cls.other_category.id,
                "body": "<p>New invoice attached.</p>",
            }
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Where is my parcel?",
                "description": "<p>Late</p>",
                "partner_id": cls.customer.id,
                "category_id": cls.category.id,
                "type_id": cls.complaint_type.id,
            }
        )

    def test_complaint_type_flag(self):
        self.assertTrue(self.complaint_type.is_complaint)
        self.assertTrue(self.ticket.is_complaint)

    def test_reply_templates_per_category(self):
        templates = self.ticket.crm_reply_template_ids
        self.assertIn(self.delivery_reply, templates)
        self.assertNotIn(self.billing_reply, templates)
        self.assertIn(self.env.ref("crm_ops.reply_template_complaint_ack"), templates)

    def test_send_reply(self):
        with self.assertRaises(UserError):
            self.ticket.action_crm_send_reply()
        self.ticket.crm_reply_template_id = self.delivery_reply
        self.ticket.action_crm_send_reply()
        message = self.ticket.message_ids.filtered(lambda m: "on its way" in str(m.body))
        self.assertEqual(len(message), 1)
        self.assertIn(self.customer, message.partner_ids)
        self.assertFalse(self.ticket.crm_reply_template_id)

    def test_ticket_links_order_both_ways(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.ticket.sale_order_ids = order
        self.assertEqual(order.ticket_ids, self.ticket)
        self.assertEqual(order.ticket_count, 1)
