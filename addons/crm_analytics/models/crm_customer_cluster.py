# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class CrmCustomerCluster(models.Model):
    _name = "crm.customer.cluster"
    _description = "Customer behaviour cluster"
    _order = "company_id, number"

    # ------------------------------------------------------------------ fields
    name = fields.Char(string="Description", required=True)
    number = fields.Integer(help="0 = largest cluster", required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    run_id = fields.Many2one("crm.analytics.run", index=True, ondelete="cascade")
    size = fields.Integer(string="Number of customers")
    share = fields.Float(string="Share (%)", digits=(16, 1))
    avg_amount = fields.Float(string="Average order value", digits=(16, 2))
    n_purchases = fields.Float(string="Purchases", digits=(16, 2))
    recency_days = fields.Float(string="Days since last purchase", digits=(16, 1))
    tenure_days = fields.Float(string="Customer for (days)", digits=(16, 1))
    metric_ids = fields.One2many("crm.customer.metric", "cluster_id", string="Customer metrics")

    _run_number_uniq = models.Constraint(
        "UNIQUE(run_id, number)", "A cluster number appears once per run."
    )

    def unlink(self):
        self.env["crm.customer.metric"].flush_model(["cluster_id"])
        self.env.cr.execute(
            SQL(
                "UPDATE crm_customer_metric SET cluster_id = NULL WHERE cluster_id = ANY(%s)",
                self.ids,
            )
        )
        self.env["crm.customer.metric"].invalidate_model(["cluster_id"])
        return super().unlink()
