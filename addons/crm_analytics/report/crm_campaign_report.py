# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

# Orders confirmed within this many days after the send count as bought, unless the
# company sets its own window (res.company.crm_campaign_window_days, in the CRM settings).
DEFAULT_WINDOW_DAYS = 30


class CrmCampaignReport(models.Model):
    """One row per mailing recipient (mailing trace), with what followed.

    The recipient is the contact mailed (``res.partner``), a lead's contact, or the
    contact a mailing list subscriber (``mailing.contact``) is, found by email as Odoo
    finds it (``res.partner._crm_partner_by_email_sql``). Bought: an order confirmed by
    the recipient's commercial entity within the window after the send; revenue in the
    company's currency (each order converted at its date)."""

    _name = "crm.campaign.report"
    _description = "Campaign report"
    _auto = False
    _order = "sent_date desc"

    mailing_id = fields.Many2one("mailing.mailing", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Recipient", readonly=True)
    segment = fields.Selection(
        related="partner_id.crm_segment", string="Segment (today)", readonly=True
    )
    sent_date = fields.Datetime(readonly=True)
    sent = fields.Integer(readonly=True)
    delivered = fields.Integer(readonly=True)
    opened = fields.Integer(readonly=True)
    clicked = fields.Integer(readonly=True)
    replied = fields.Integer(readonly=True)
    bounced = fields.Integer(readonly=True)
    buyer = fields.Integer(string="Bought", readonly=True, help="1 if the recipient bought")
    order_count = fields.Integer(string="Orders", readonly=True)
    revenue = fields.Float(readonly=True, digits=(16, 2))

    def _query(self):
        return SQL(
            """
            SELECT tr.id AS id,
                   tr.mass_mailing_id AS mailing_id,
                   tr.campaign_id AS campaign_id,
                   COALESCE(u.company_id, rp.company_id) AS company_id,
                   rp.id AS partner_id,
                   tr.sent_datetime AS sent_date,
                   (tr.trace_status NOT IN ('outgoing', 'process', 'error', 'cancel'))::int
                       AS sent,
                   (tr.trace_status IN ('sent', 'open', 'reply'))::int AS delivered,
                   (tr.trace_status IN ('open', 'reply') OR tr.open_datetime IS NOT NULL)::int
                       AS opened,
                   (tr.links_click_datetime IS NOT NULL)::int AS clicked,
                   (tr.trace_status = 'reply')::int AS replied,
                   (tr.trace_status = 'bounce')::int AS bounced,
                   (COALESCE(o.n, 0) > 0)::int AS buyer,
                   COALESCE(o.n, 0) AS order_count,
                   COALESCE(o.revenue, 0.0) AS revenue
              FROM mailing_trace tr
              JOIN mailing_mailing mm ON mm.id = tr.mass_mailing_id
              LEFT JOIN res_users u ON u.id = mm.user_id
              LEFT JOIN res_partner rp ON rp.id = %(recipient)s
              LEFT JOIN res_company c ON c.id = COALESCE(u.company_id, rp.company_id)
              LEFT JOIN LATERAL (
                    SELECT COUNT(*) AS n, SUM(so.amount_untaxed * %(rate)s) AS revenue
                      FROM sale_order so
                      JOIN res_partner sp ON sp.id = so.partner_id
                     WHERE sp.commercial_partner_id = rp.commercial_partner_id
                       AND so.state = 'sale'
                       AND so.company_id = COALESCE(u.company_id, rp.company_id)
                       AND tr.trace_status NOT IN ('bounce', 'error', 'cancel')
                       AND so.date_order >= tr.sent_datetime
                       AND so.date_order < tr.sent_datetime + make_interval(
                               days => COALESCE(c.crm_campaign_window_days, %(window)s))
              ) o ON TRUE
             WHERE tr.is_test_trace IS NOT TRUE
            """,
            recipient=self.env["res.partner"]._crm_mailing_recipient_sql("tr", SQL("u.company_id")),
            rate=self.env["res.currency"]._crm_order_rate_sql("so"),
            window=DEFAULT_WINDOW_DAYS,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
