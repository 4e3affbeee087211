# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_customer_metric import SEGMENT_SELECTION


class CrmPurchaseReport(models.Model):
    """Confirmed orders with the customer's segment, for purchases per period."""

    _name = "crm.purchase.report"
    _description = "Purchases per period"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(string="Order date", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    segment = fields.Selection(SEGMENT_SELECTION, readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    amount = fields.Float(
        string="Untaxed amount",
        readonly=True,
        digits=(16, 2),
        help="In the company's currency, each order converted at its date.",
    )

    def init(self):
        # each order in its company's currency, converted at its date
        rate = self.env["res.currency"]._crm_order_rate_sql("so")
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = SQL(
            """
            CREATE OR REPLACE VIEW %(table)s AS (
                SELECT so.id AS id,
                       so.id AS order_id,
                       so.date_order AS date,
                       p.commercial_partner_id AS partner_id,
                       so.company_id AS company_id,
                       so.team_id AS team_id,
                       so.user_id AS user_id,
                       m.segment AS segment,
                       1 AS order_count,
                       so.amount_untaxed * %(rate)s AS amount
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN res_company c ON c.id = so.company_id
                  LEFT JOIN crm_customer_metric m
                         ON m.partner_id = p.commercial_partner_id
                        AND m.run_id = c.crm_analytics_run_id
                 WHERE so.state = 'sale'
            )
            """,
            table=SQL.identifier(self._table),
            rate=rate,
        )
        self.env.cr.execute(query)
