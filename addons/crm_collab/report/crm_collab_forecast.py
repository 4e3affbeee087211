# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CrmCollabForecast(models.Model):
    """Shared pipeline forecast per agreement: expected revenue by month of the shared
    opportunities and of the leads handed off under it, seen by both companies."""

    _name = "crm.collab.forecast"
    _description = "Shared Pipeline Forecast"
    _auto = False
    _order = "month, agreement_id"

    agreement_id = fields.Many2one("crm.collab.agreement", readonly=True)
    owner_company_id = fields.Many2one("res.company", readonly=True)
    partner_company_id = fields.Many2one("res.company", readonly=True)
    source = fields.Selection([("shared", "Shared"), ("handoff", "Handed off")], readonly=True)
    month = fields.Date(readonly=True)
    lead_count = fields.Integer(readonly=True, aggregator="sum")
    expected_revenue = fields.Float(readonly=True, aggregator="sum")
    prorated_revenue = fields.Float(readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
            SELECT row_number() OVER () AS id, t.* FROM (
                SELECT a.id AS agreement_id, a.owner_company_id, a.partner_company_id,
                       src.source,
                       date_trunc('month', COALESCE(l.date_deadline, l.create_date::date))::date AS month,
                       count(*) AS lead_count,
                       sum(COALESCE(l.expected_revenue, 0)) AS expected_revenue,
                       sum(COALESCE(l.expected_revenue, 0) * COALESCE(l.probability, 0) / 100.0)
                           AS prorated_revenue
                  FROM crm_collab_agreement a
                  JOIN (
                      SELECT s.agreement_id, s.res_id AS lead_id, 'shared' AS source
                        FROM crm_collab_share s WHERE s.res_model = 'crm.lead'
                      UNION ALL
                      SELECT c.collab_handoff_agreement_id, c.id, 'handoff'
                        FROM crm_lead c WHERE c.collab_handoff_agreement_id IS NOT NULL
                  ) src ON src.agreement_id = a.id
                  JOIN crm_lead l ON l.id = src.lead_id
                 WHERE l.active AND l.type = 'opportunity'
                 GROUP BY 1, 2, 3, 4, 5
            ) t)""",
                SQL.identifier(self._table),
            )
        )
