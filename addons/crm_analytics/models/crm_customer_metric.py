# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL, sql

from crm_engine.rfm import SEGMENTS

SEGMENT_SELECTION = [(s.key, s.label) for s in SEGMENTS]

# Partners per lead-creation batch.
LEAD_BATCH_STEP = 1000


class CrmCustomerMetric(models.Model):
    """Customer metrics of one partner in one company, computed by an analytics run.

    A run writes its rows tagged with its ``run_id``; only the rows of the
    company's current run (``res.company.crm_analytics_run_id``) are active.
    Publishing flips that pointer and deletes the previous rows in one
    transaction, so readers see either the old or the new set.

    The table is derived data, rewritten by every run (one row per customer), so
    it is laid out by :meth:`init` rather than by the ORM (``_auto = False``):
    the columns and indexes the ORM would make, and no foreign keys. Checking
    six foreign keys on each inserted row took longer than the whole RFM
    computation. Integrity is kept by the writers instead: runs insert ids read
    in the same transaction, and deleting a partner, a company, a run or a
    cluster deletes (or clears) its metric rows (see the ``unlink`` overrides).
    """

    _name = "crm.customer.metric"
    _description = "Customer metrics"
    _order = "clv desc, id"
    _rec_name = "partner_id"
    _auto = False
    _log_access = False

    # ------------------------------------------------------------------ keys
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    company_id = fields.Many2one("res.company", required=True)
    run_id = fields.Many2one("crm.analytics.run")
    # Published = belongs to the current run of its company (or to no run at all:
    # rows created by hand). Not stored: publishing a
    # run flips res.company.crm_analytics_run_id instead of rewriting every row.
    active = fields.Boolean(compute="_compute_active", search="_search_active")
    date = fields.Date(string="Computed on", help="Observation end of the run")
    currency_id = fields.Many2one(related="company_id.currency_id")
    # ------------------------------------------------------------------ RFM
    recency_days = fields.Integer(string="Days since last purchase", aggregator="avg")
    frequency = fields.Integer(string="Purchase days", aggregator="avg")
    monetary = fields.Monetary(string="Total spent", aggregator="sum")
    order_count = fields.Integer(string="Orders")
    first_purchase = fields.Date()
    last_purchase = fields.Date()
    r_score = fields.Integer(string="R score", aggregator="avg")
    f_score = fields.Integer(string="F score", aggregator="avg")
    m_score = fields.Integer(string="M score", aggregator="avg")
    rfm_score = fields.Char(string="RFM")
    segment = fields.Selection(SEGMENT_SELECTION)
    cluster_id = fields.Many2one("crm.customer.cluster")
    # ------------------------------------------------------------------ CLV
    clv = fields.Monetary(string="Lifetime value", aggregator="sum")
    p_alive = fields.Float(string="P(alive)", digits=(16, 3), aggregator="avg")
    expected_purchases = fields.Float(digits=(16, 2), aggregator="sum")
    # ------------------------------------------------------------------ propensity
    churn_probability = fields.Float(digits=(16, 3), aggregator="avg")
    churn_factors = fields.Char(string="Churn factors")
    response_probability = fields.Float(digits=(16, 3), aggregator="avg")
    response_factors = fields.Char(string="Response factors")

    # Few indexes on purpose: every run inserts a row per customer. The first keeps a
    # customer once per run and serves the lookups by partner; the others are scans of
    # at most two runs per company.
    _partner_run_key = models.UniqueIndex("(partner_id, run_id)")
    _cluster_id_index = models.Index("(cluster_id) WHERE cluster_id IS NOT NULL")

    def init(self):
        # The table as the ORM lays out an _auto model (columns from the fields, the
        # indexes above), without its foreign keys.
        cr = self.env.cr
        if not sql.table_exists(cr, self._table):
            sql.create_model_table(cr, self._table, self._description)
        existing = sql.table_columns(cr, self._table)
        for field in self._fields.values():
            if field.store and field.column_type and field.name not in existing:
                column_type = field.column_type[1] + (" NOT NULL" if field.required else "")
                sql.create_column(cr, self._table, field.name, column_type, field.string)
        self._add_sql_constraints()

    @api.model
    def _delete_rows(self, column, ids):
        """Delete the rows whose ``column`` is one of ``ids`` (no ORM, no cache)."""
        if not ids:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(self._table),
                SQL.identifier(column),
                list(ids),
            )
        )
        self.invalidate_model()

    def _current_run_ids(self):
        return self.env["res.company"].sudo().search([]).crm_analytics_run_id.ids

    def _compute_active(self):
        current = set(self._current_run_ids())
        for metric in self:
            metric.active = not metric.run_id or metric.run_id.id in current

    def _search_active(self, operator, value):
        if operator in ("in", "not in"):
            positive = (True in value) != (operator == "not in")
        elif operator in ("=", "!="):
            positive = bool(value) != (operator == "!=")
        else:
            return NotImplemented
        # Rows without a run (created by hand or by imports) are always shown.
        current = self._current_run_ids()
        if positive:
            return ["|", ("run_id", "=", False), ("run_id", "in", current)]
        return [("run_id", "!=", False), ("run_id", "not in", current)]

    # ------------------------------------------------------------------ actions
    def _target_partners(self):
        return self.partner_id

    def action_create_mailing(self):
        """Open a new mass mailing addressed to the partners of these metrics."""
        self.check_access("read")
        partners = self._target_partners()
        segments = set(self.mapped("segment")) - {False}
        labels = dict(self._fields["segment"]._description_selection(self.env))
        if len(segments) == 1:
            subject = self.env._("Offer for %s", labels[segments.pop()])
        else:
            subject = self.env._("Offer for %s customers", len(partners))
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": subject,
                "mailing_type": "mail",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", partners.ids)]),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": mailing.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_create_leads(self):
        """Create one lead per partner, skipping partners that have an open lead."""
        self.check_access("read")
        Lead = self.env["crm.lead"]
        leads = Lead.browse()
        labels = dict(self._fields["segment"]._description_selection(self.env))
        for company, metrics in self.grouped("company_id").items():
            partners = metrics.partner_id
            busy = Lead.with_context(active_test=True)._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "in", [company.id, False]),
                    ("won_status", "=", "pending"),
                ],
                ["partner_id"],
            )
            busy_ids = {partner.id for (partner,) in busy}
            vals_list = [
                {
                    "name": self.env._(
                        "%(segment)s: %(partner)s",
                        segment=labels.get(metric.segment, self.env._("Analytics")),
                        partner=metric.partner_id.display_name,
                    ),
                    "partner_id": metric.partner_id.id,
                    "company_id": company.id,
                    "type": "opportunity",
                    "expected_revenue": metric.clv,
                }
                for metric in metrics
                if metric.partner_id.id not in busy_ids
            ]
            for start in range(0, len(vals_list), LEAD_BATCH_STEP):
                leads |= Lead.create(vals_list[start : start + LEAD_BATCH_STEP])
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "name": self.env._("Leads from analytics"),
            "view_mode": "list,form",
            "domain": [("id", "in", leads.ids)],
            "context": {"default_type": "opportunity"},
        }
