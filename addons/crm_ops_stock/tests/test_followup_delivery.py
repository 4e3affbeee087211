# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFollowupDelivery(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.followup.plan"].search([]).active = False
        cls.plan = cls.env["crm.followup.plan"].create(
            {
                "name": "Delivered",
                "trigger": "delivered",
                "step_ids": [(0, 0, {"name": "Ask", "action_type": "activity", "delay_days": 3})],
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Dee", "email": "dee@example.com"})
        cls.product = cls.env["product.product"].create({"name": "Desk", "is_storable": True})
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.env.ref("stock.warehouse0").lot_stock_id, 10
        )

    def _deliver(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        self.assertFalse(order.crm_followup_item_ids)
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        picking.button_validate()
        return order, picking

    def test_delivery_plans_followups(self):
        order, _picking = self._deliver()
        self.assertEqual(order.crm_followup_item_ids.plan_id, self.plan)
        self.assertEqual(order.crm_followup_item_ids.state, "pending")

    def test_return_cancels_pending(self):
        order, picking = self._deliver()
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = 1
        ret = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        ret.move_ids.quantity = 1
        ret.button_validate()
        self.assertEqual(order.crm_followup_item_ids.state, "cancelled")
