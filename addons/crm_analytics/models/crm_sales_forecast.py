# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmSalesForecast(models.Model):
    """Monthly sales: actual months and the forecast months of the last run.

    One series per company (``dimension = company``), per sales team of the
    orders (``team``; orders without a team form their own series, ``team_id``
    empty) and per product category of the order lines (``category``; products
    without a category likewise). Every dimension adds up to the company's
    sales, so totals must be read within one dimension.
    """

    _name = "crm.sales.forecast"
    _description = "Sales trend and forecast"
    _order = "company_id, dimension, date, kind"

    date = fields.Date(string="Month", required=True)
    kind = fields.Selection(
        [("actual", "Actual"), ("forecast", "Forecast")], required=True, default="actual"
    )
    dimension = fields.Selection(
        [
            ("company", "Company total"),
            ("team", "Sales team"),
            ("category", "Product category"),
        ],
        string="Breakdown",
        required=True,
        default="company",
        index=True,
        help="Which series the row belongs to: the company total, one sales team or one "
        "product category. Sum rows of one breakdown only.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index="btree_not_null",
        ondelete="set null",
        help="Sales team of the orders (breakdown by sales team; empty: orders without a team).",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index="btree_not_null",
        ondelete="set null",
        help="Category of the products sold (breakdown by product category; empty: products "
        "without a category).",
    )
    amount = fields.Monetary(string="Sales", aggregator="sum")
    lower = fields.Monetary(string="Lower bound (90%)", aggregator="sum")
    upper = fields.Monetary(string="Upper bound (90%)", aggregator="sum")
    method = fields.Char(help="Forecasting method chosen for the series")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    run_id = fields.Many2one("crm.analytics.run", index=True, ondelete="cascade")
