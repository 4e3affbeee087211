# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .crm_customer_metric import SEGMENT_SELECTION


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Stored so that crm_ops follow-up conditions (and any domain) can say
    # [("crm_segment", "=", "champions")]. A partner has one value: the segment
    # computed by its own company (partner.company_id) or, for partners shared
    # between companies (no company), by the default company (the one with the
    # lowest id). Contacts take the segment of their commercial partner.
    crm_segment = fields.Selection(
        SEGMENT_SELECTION, string="Customer segment", index=True, readonly=True, copy=False
    )
    crm_metric_ids = fields.One2many("crm.customer.metric", "partner_id", string="Metrics")
    crm_metric_id = fields.Many2one(
        "crm.customer.metric",
        string="Customer metrics",
        compute="_compute_crm_metric_id",
        help="Metrics of the commercial partner in the current company.",
    )
    crm_rfm_score = fields.Char(string="RFM", compute="_compute_crm_metric_id")
    crm_currency_id = fields.Many2one(
        "res.currency", string="Metrics currency", compute="_compute_crm_metric_id"
    )
    crm_clv = fields.Monetary(
        string="Lifetime value",
        currency_field="crm_currency_id",
        compute="_compute_crm_metric_id",
    )
    crm_p_alive = fields.Float(string="P(alive)", compute="_compute_crm_metric_id")
    crm_churn_probability = fields.Float(
        string="Churn probability", compute="_compute_crm_metric_id"
    )
    crm_response_probability = fields.Float(
        string="Response probability", compute="_compute_crm_metric_id"
    )
    crm_cluster_id = fields.Many2one(
        "crm.customer.cluster", string="Cluster", compute="_compute_crm_metric_id"
    )

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_crm_metric_id(self):
        metrics = self.env["crm.customer.metric"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {m.partner_id.id: m for m in metrics}
        empty = self.env["crm.customer.metric"]
        for partner in self:
            metric = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.crm_metric_id = metric
            partner.crm_rfm_score = metric.rfm_score
            partner.crm_currency_id = metric.currency_id or self.env.company.currency_id
            partner.crm_clv = metric.clv
            partner.crm_p_alive = metric.p_alive
            partner.crm_churn_probability = metric.churn_probability
            partner.crm_response_probability = metric.response_probability
            partner.crm_cluster_id = metric.cluster_id

    def unlink(self):
        # crm.customer.metric has no foreign keys (see its docstring): its rows go with
        # the partners, once the ORM has checked that the user may delete them.
        ids = self.ids
        res = super().unlink()
        self.env["crm.customer.metric"]._delete_rows("partner_id", ids)
        return res

    @api.model
    def _crm_partner_by_email_sql(self, email, company):
        """SQL of the id of the contact a normalised ``email`` (SQL expression) stands
        for in ``company`` (SQL expression), as Odoo finds a partner from an email
        (``mail.thread._partner_find_from_emails``): active contacts with that
        ``email_normalized``, the company's own before the shared ones, then the oldest.
        One index lookup (crm_ops indexes ``res_partner.email_normalized``)."""
        return SQL(
            """(SELECT pe.id FROM res_partner pe
                 WHERE pe.email_normalized = %(email)s AND pe.active
                   AND (pe.company_id = %(company)s OR pe.company_id IS NULL)
                 ORDER BY pe.company_id IS NULL, pe.id
                 LIMIT 1)""",
            email=email,
            company=company,
        )

    @api.model
    def _crm_mailing_recipient_sql(self, trace, company):
        """SQL of the contact a mailing trace (alias ``trace``) was sent to: the partner
        itself, a lead's partner, or a mailing list contact's partner found by its email
        (see ``_crm_partner_by_email_sql``) in ``company`` (SQL expression). NULL for
        other recipients."""
        tr = SQL.identifier(trace)
        return SQL(
            """(CASE %(tr)s.model
                  WHEN 'res.partner' THEN %(tr)s.res_id
                  WHEN 'crm.lead' THEN (SELECT l.partner_id FROM crm_lead l
                                         WHERE l.id = %(tr)s.res_id)
                  WHEN 'mailing.contact' THEN (SELECT %(by_email)s FROM mailing_contact mc
                                                WHERE mc.id = %(tr)s.res_id)
               END)""",
            tr=tr,
            by_email=self._crm_partner_by_email_sql(SQL("mc.email_normalized"), company),
        )

    def _crm_analytics_sync_segment(self, company):
        """Copy the segments of ``company``'s published metrics onto the partners."""
        self.flush_model(["crm_segment", "company_id", "commercial_partner_id"])
        default_company = self.env["res.company"].sudo().search([], order="id", limit=1)
        own = SQL("p2.company_id = %s", company.id)
        if company == default_company:
            own = SQL("(p2.company_id = %s OR p2.company_id IS NULL)", company.id)
        # One pass: the segment of the published run, or NULL for partners of the
        # company that are not in it (any more).
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p SET crm_segment = n.segment
                  FROM (SELECT p2.id, m.segment
                          FROM res_partner p2
                          LEFT JOIN crm_customer_metric m
                                 ON m.run_id = %(run)s AND m.partner_id = p2.commercial_partner_id
                         WHERE %(own)s
                           AND (p2.crm_segment IS NOT NULL OR m.segment IS NOT NULL)
                           AND p2.crm_segment IS DISTINCT FROM m.segment) n
                 WHERE p.id = n.id
                """,
                run=company.crm_analytics_run_id.id or 0,
                own=own,
            )
        )
        self.invalidate_model(["crm_segment"])
