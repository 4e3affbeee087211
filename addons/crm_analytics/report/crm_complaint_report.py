# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL


class CrmComplaintReport(models.Model):
    """Confirmed orders and complaint tickets side by side, for the complaint rate.

    One row per confirmed order (``order_count = 1``) and one per complaint
    ticket (``complaint_count = 1``, ticket type flagged "Complaint"). The
    product of a row is the main product (largest untaxed subtotal) of the
    order, or of the ticket's first linked order; the team is the order's
    sales team. ``complaint_rate`` = complaints / orders over any grouping.
    """

    _name = "crm.complaint.report"
    _description = "Complaint rate"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales team", readonly=True)
    product_id = fields.Many2one("product.product", string="Main product", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    complaint_count = fields.Integer(string="Complaints", readonly=True)
    complaint_rate = fields.Float(
        string="Complaints per order", readonly=True, aggregator="avg", digits=(16, 4)
    )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec != "complaint_rate:avg":
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "SUM(%(c)s)::float / NULLIF(SUM(%(o)s), 0)",
            c=self._field_to_sql(self._table, "complaint_count", query),
            o=self._field_to_sql(self._table, "order_count", query),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %s AS (
                WITH main_product AS (
                    SELECT DISTINCT ON (sol.order_id) sol.order_id, sol.product_id
                      FROM sale_order_line sol
                     WHERE sol.product_id IS NOT NULL
                     ORDER BY sol.order_id, sol.price_subtotal DESC, sol.id
                )
                SELECT so.id * 2 AS id,
                       so.date_order AS date,
                       so.company_id AS company_id,
                       so.team_id AS team_id,
                       mp.product_id AS product_id,
                       so.partner_id AS partner_id,
                       so.id AS order_id,
                       NULL::integer AS ticket_id,
                       1 AS order_count,
                       0 AS complaint_count,
                       0.0::float AS complaint_rate
                  FROM sale_order so
                  LEFT JOIN main_product mp ON mp.order_id = so.id
                 WHERE so.state = 'sale'
                UNION ALL
                SELECT t.id * 2 + 1 AS id,
                       t.create_date AS date,
                       t.company_id AS company_id,
                       so.team_id AS team_id,
                       mp.product_id AS product_id,
                       t.partner_id AS partner_id,
                       so.id AS order_id,
                       t.id AS ticket_id,
                       0 AS order_count,
                       1 AS complaint_count,
                       0.0::float AS complaint_rate
                  FROM helpdesk_ticket t
                  JOIN helpdesk_ticket_type tt ON tt.id = t.type_id AND tt.is_complaint
                  LEFT JOIN LATERAL (
                        SELECT rel.sale_order_id
                          FROM helpdesk_ticket_sale_order_rel rel
                         WHERE rel.helpdesk_ticket_id = t.id
                         ORDER BY rel.sale_order_id LIMIT 1
                  ) first_so ON TRUE
                  LEFT JOIN sale_order so ON so.id = first_so.sale_order_id
                  LEFT JOIN main_product mp ON mp.order_id = so.id
                 WHERE t.active
            )
            """,
                SQL.identifier(self._table),
            )
        )
