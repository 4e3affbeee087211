# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_clv_horizon_months = fields.Integer(
        related="company_id.crm_clv_horizon_months", readonly=False
    )
    crm_churn_horizon_days = fields.Integer(
        related="company_id.crm_churn_horizon_days", readonly=False
    )
    crm_response_days = fields.Integer(related="company_id.crm_response_days", readonly=False)
    crm_campaign_window_days = fields.Integer(
        related="company_id.crm_campaign_window_days", readonly=False
    )
