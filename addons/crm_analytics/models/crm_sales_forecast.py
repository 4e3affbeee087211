# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmSalesForecast(models.Model):
    """Monthly sales: actual months and the forecast months of the last run."""

    _name = "crm.sales.forecast"
    _description = "Sales trend and forecast"
    _order = "company_id, date, kind"

    date = fields.Date(string="Month", required=True)
    kind = fields.Selection(
        [("actual", "Actual"), ("forecast", "Forecast")], required=True, default="actual"
    )
    amount = fields.Monetary(string="Sales", aggregator="sum")
    lower = fields.Monetary(string="Lower bound (90%)", aggregator="sum")
    upper = fields.Monetary(string="Upper bound (90%)", aggregator="sum")
    method = fields.Char(help="Forecasting method chosen for the series")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    run_id = fields.Many2one("crm.analytics.run", index=True, ondelete="cascade")
