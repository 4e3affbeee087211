# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Published analytics run: its metrics are the ones readers see.
    crm_analytics_run_id = fields.Many2one(
        "crm.analytics.run", string="Current analytics run", readonly=True, copy=False
    )
    crm_churn_horizon_days = fields.Integer(
        string="Churn horizon (days)",
        default=90,
        help="A customer who buys nothing for this many days counts as churned.",
    )
    crm_response_days = fields.Integer(
        string="Offer response window (days)",
        default=30,
        help="A mailing recipient who buys within this many days after the send responded.",
    )
    crm_clv_horizon_months = fields.Integer(
        string="CLV horizon (months)",
        default=12,
        help="Customer lifetime value counts the purchases expected over this many months.",
    )
    crm_campaign_window_days = fields.Integer(
        string="Campaign purchase window (days)",
        default=30,
        help="In the campaign report, orders confirmed within this many days after a mailing "
        "is sent count as bought.",
    )

    _crm_analytics_settings_positive = models.Constraint(
        "CHECK(crm_churn_horizon_days > 0 AND crm_response_days > 0 "
        "AND crm_clv_horizon_months > 0 AND crm_campaign_window_days >= 0)",
        "The analytics horizons must be positive and the campaign window not negative.",
    )

    def unlink(self):
        # crm.customer.metric has no foreign keys (see its docstring)
        self.env["crm.customer.metric"]._delete_rows("company_id", self.ids)
        return super().unlink()
