# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user


class FollowupCommon(TransactionCase):
    """Plans, customers and salespeople shared by the follow-up tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        # the default plans are tested on their own
        cls.env["crm.followup.plan"].search([]).active = False
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="fu_salesman",
            groups="sales_team.group_sale_salesman",
            email="sales@example.com",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Ann Customer", "email": "ann@example.com"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Chair", "list_price": 100.0, "type": "consu", "invoice_policy": "order"}
        )
        cls.plan = cls.env["crm.followup.plan"].create(
            {
                "name": "Test plan",
                "trigger": "confirmed",
                "step_ids": [
                    (0, 0, {"name": "Call", "action_type": "activity", "sequence": 1}),
                    (
                        0,
                        0,
                        {
                            "name": "Call again",
                            "action_type": "activity",
                            "delay_days": 10,
                            "sequence": 2,
                        },
                    ),
                ],
            }
        )
        cls.step_now, cls.step_later = cls.plan.step_ids

    @classmethod
    def _order(cls, partner=None, qty=1, confirm=True, company=None, user=None):
        env = (
            cls.env
            if not company
            else cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        )
        order = env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "user_id": (user or cls.salesman).id,
                "company_id": (company or cls.company).id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": qty})],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _items(self, orders, step=None):
        domain = [("order_id", "in", orders.ids)]
        if step:
            domain.append(("step_id", "=", step.id))
        return self.env["crm.followup.item"].search(domain)

    def _run_all(self):
        """Execute every due follow-up like the cron does, without committing."""
        Item = self.env["crm.followup.item"]
        while Item._execute_batch(batch_size=50):
            pass
