# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One recompute of the customer analytics of a company.

Pipeline (one queue_job per stage, chained per company; companies run in
parallel on as many workers as the ``root.crm`` channel allows):

``rfm`` (extract with SQL, RFM + segments, bulk INSERT of the new rows, inactive)
→ ``clv`` (BG/NBD + Gamma-Gamma) → ``churn`` → ``response`` → ``clusters``
→ ``forecast`` → ``publish`` (one transaction: delete the company's previous
rows, point the company at the new run, update ``res.partner.crm_segment``).

Readers only see the rows of the company's current run, so under PostgreSQL's MVCC they see the old set
or the new set, never a half-finished run. A failed stage leaves the previous
results in place.

A run never wedges: the transaction running a stage holds the run's advisory
lock (released by PostgreSQL when the transaction ends, also when its process is
killed), and each stage leaves a heartbeat. A run still queued or running whose
lock nobody holds and whose jobs are neither waiting nor just started (the worker
was killed, ran out of memory or time, the job failed or is gone), or, without
jobs, whose heartbeat is older than a few minutes, is marked failed with the
reason when the next run is asked for (``_start``: the button, the daily job), and
the next run starts.
"""

import csv
import io
import logging
import time
from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.delay import chain
from odoo.addons.queue_job.job import identity_exact

_logger = logging.getLogger(__name__)

STAGES = ("rfm", "clv", "churn", "response", "clusters", "forecast", "publish")
# Months of actual sales kept next to the forecast.
FORECAST_HISTORY_MONTHS = 24
FORECAST_HORIZON_MONTHS = 6
# Months held out by the forecast backtest, and the history it needs before them.
FORECAST_BACKTEST_MONTHS = 6
FORECAST_BACKTEST_MIN_HISTORY = 12
FORECAST_METHODS = [
    ("holt_winters", "Holt-Winters (seasonal)"),
    ("seasonal_naive", "Seasonal naive"),
    ("mean", "Mean of the last months"),
]
# Reasons kept per propensity score.
N_REASONS = 3
# First key of the advisory lock a stage holds on its run (second key: the run's id).
RUN_LOCK_NAMESPACE = 0x43524D41  # "CRMA"
# A job started this long ago without holding its run's lock, or a run without jobs
# without heartbeat for this long, is dead.
RUN_GRACE_SECONDS = 120


def _copy_rows(cr, table, columns, rows):
    """Bulk INSERT ``rows`` (iterable of tuples) into ``table`` with COPY."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(["\\N" if v is None else v for v in row])
    buf.seek(0)
    cols = ", ".join(f'"{c}"' for c in columns)
    cr._obj.copy_expert(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf)


class CrmAnalyticsRun(models.Model):
    _name = "crm.analytics.run"
    _description = "Customer analytics run"
    _order = "id desc"

    # ------------------------------------------------------------------ fields
    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        index=True,
    )
    date = fields.Date(
        string="Observation end",
        required=True,
        default=fields.Date.context_today,
        help="Metrics are computed from the confirmed orders up to this day.",
    )
    stage = fields.Char(string="Current stage", readonly=True)
    progress = fields.Integer(string="Progress (%)", readonly=True)
    date_start = fields.Datetime(string="Started", readonly=True)
    date_end = fields.Datetime(string="Finished", readonly=True)
    duration = fields.Float(string="Duration (s)", digits=(16, 2), readonly=True)
    is_current = fields.Boolean(
        string="Published", compute="_compute_is_current", help="Its metrics are shown."
    )
    # counts
    transaction_count = fields.Integer(string="Customer-days read", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    cluster_count = fields.Integer(string="Clusters", readonly=True)
    scored_churn_count = fields.Integer(string="Churn scores", readonly=True)
    scored_response_count = fields.Integer(string="Response scores", readonly=True)
    # per-stage timings (seconds)
    rfm_seconds = fields.Float(string="RFM (s)", digits=(16, 2), readonly=True)
    clv_seconds = fields.Float(string="CLV (s)", digits=(16, 2), readonly=True)
    churn_seconds = fields.Float(string="Churn model (s)", digits=(16, 2), readonly=True)
    response_seconds = fields.Float(string="Response model (s)", digits=(16, 2), readonly=True)
    clusters_seconds = fields.Float(string="Clusters (s)", digits=(16, 2), readonly=True)
    forecast_seconds = fields.Float(string="Forecast (s)", digits=(16, 2), readonly=True)
    publish_seconds = fields.Float(string="Publish (s)", digits=(16, 2), readonly=True)
    # model quality
    churn_auc = fields.Float(string="Churn AUC (holdout)", digits=(16, 3), readonly=True)
    response_auc = fields.Float(string="Response AUC (holdout)", digits=(16, 3), readonly=True)
    forecast_method = fields.Selection(
        FORECAST_METHODS,
        string="Forecast method (backtest)",
        readonly=True,
        help="Method the forecast used for the company's total sales in the backtest.",
    )
    forecast_mae = fields.Float(
        string="Forecast MAE (backtest)",
        digits=(16, 2),
        readonly=True,
        help="Mean absolute error of the forecast of the company's monthly sales on the last "
        "complete months, held out and forecast from the months before them.",
    )
    forecast_naive_mae = fields.Float(
        string="Seasonal naive MAE (backtest)",
        digits=(16, 2),
        readonly=True,
        help="The same error for the seasonal naive benchmark (each month's sales = those of "
        "the same month a year earlier): the forecast is useful when its error is lower.",
    )
    forecast_team_mae = fields.Float(
        string="Forecast MAE per team (backtest)",
        digits=(16, 2),
        readonly=True,
        help="Mean absolute error of the monthly forecasts per sales team on the held-out "
        "months, averaged over the teams.",
    )
    forecast_team_naive_mae = fields.Float(
        string="Seasonal naive MAE per team (backtest)",
        digits=(16, 2),
        readonly=True,
        help="The same error per sales team for the seasonal naive benchmark.",
    )
    notes = fields.Text(readonly=True)
    error = fields.Text(readonly=True)
    heartbeat = fields.Datetime(
        string="Last sign of life",
        readonly=True,
        help="When a stage of the run last started or finished.",
    )
    job_graph_uuid = fields.Char(
        string="Jobs", readonly=True, copy=False, help="Graph of the run's queue jobs."
    )

    def _compute_name(self):
        for run in self:
            run.name = self.env._("Run %(id)s (%(date)s)", id=run.id or "", date=run.date or "")

    def _compute_is_current(self):
        for run in self:
            run.is_current = run.company_id.sudo().crm_analytics_run_id == run

    def unlink(self):
        # crm.customer.metric has no foreign keys (see its docstring)
        self.env["crm.customer.metric"]._delete_rows("run_id", self.ids)
        return super().unlink()

    # ------------------------------------------------------------------ entry points
    @api.model
    def _cron_recompute(self):
        """Scheduled job: one run per company, through queue_job."""
        companies = self.env["res.company"].search([])
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        for index, company in enumerate(companies, start=1):
            self._start(company)
            if in_cron:
                self.env["ir.cron"]._commit_progress(1, remaining=len(companies) - index)

    def action_recompute_now(self):
        """Button (list header, also with no line selected, and form): start a run for
        every company selected in the company switcher and show the runs. A record
        method, as the web client calls buttons with the ids (possibly none)."""
        runs = self.browse()
        for company in self.env.companies:
            runs |= self._start(company)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_analytics.crm_analytics_run_action"
        )
        action["domain"] = [("id", "in", runs.ids)]
        return action

    @api.model
    def _start(self, company, sync=False):
        """Create and launch a run for ``company``; reuse one already under way."""
        pending = self.search(
            [("company_id", "=", company.id), ("state", "in", ("queued", "running"))]
        )
        # A run whose job died does not hold the next one back.
        pending -= pending._fail_dead()
        if pending and not sync:
            return pending[:1]
        run = self.create({"company_id": company.id})
        if sync:
            run._run_all()
        else:
            run._enqueue()
        return run

    def _enqueue(self):
        """Chain one job per stage; identical pending jobs are not duplicated."""
        for run in self:
            delayables = [
                run.delayable(
                    channel="root.crm",
                    identity_key=identity_exact,
                    description=f"CRM analytics {run.company_id.name}: {stage}",
                )._run_stage(stage)
                for stage in STAGES
            ]
            chain(*delayables).delay()
            job = delayables[0]._generated_job
            run.write(
                {
                    "job_graph_uuid": getattr(job, "graph_uuid", False) or False,
                    "heartbeat": fields.Datetime.now(),
                }
            )

    # ------------------------------------------------------------------ liveness
    def _lock(self, wait=True):
        """Take the run's advisory lock for the current transaction: wait for it, or
        (``wait=False``) return whether it was free. The transaction running a stage
        holds it, so a run whose lock is free has no stage running."""
        self.ensure_one()
        function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        self.env.cr.execute(
            SQL("SELECT %s(%s, %s)", SQL.identifier(function), RUN_LOCK_NAMESPACE, self.id)
        )
        return wait or self.env.cr.fetchone()[0]

    def _death_reason(self, now):
        """Why the run (queued or running) can no longer finish, or None if it can."""
        self.ensure_one()
        if not self._lock(wait=False):
            return None  # a stage is running now
        grace = now - timedelta(seconds=RUN_GRACE_SECONDS)
        stage = self.stage or STAGES[0]
        last = self.heartbeat or self.create_date
        if last and last >= grace:
            return None  # just enqueued, or a stage just started or ended
        if not self.job_graph_uuid:
            # Run in one transaction (shell, benchmark) or not enqueued yet.
            if last:
                return self.env._(
                    "%(stage)s: no sign of life since %(date)s (its process stopped).",
                    stage=stage,
                    date=last,
                )
            return None
        # queue.job is readable by job managers only: the run reads the states of its
        # own jobs (found by the graph it stored) to tell whether they can still run.
        jobs = self.env["queue.job"].sudo().search([("graph_uuid", "=", self.job_graph_uuid)])
        for job in jobs.filtered(lambda j: j.state == "failed"):
            return self.env._(
                "%(stage)s: its job failed: %(error)s",
                stage=job.args[0] if job.args else stage,
                error=job.exc_message or job.exc_name or job.exc_info or "?",
            )
        for job in jobs.filtered(lambda j: j.state == "started"):
            if not job.date_started or job.date_started < grace:
                return self.env._(
                    "%(stage)s: the job running it stopped without finishing (worker "
                    "killed, out of memory or over its time limit).",
                    stage=job.args[0] if job.args else stage,
                )
            return None  # just started: about to take the lock
        if jobs.filtered(lambda j: j.state in ("pending", "enqueued", "wait_dependencies")):
            return None  # waiting for a worker
        return self.env._("%(stage)s: its jobs are gone or were cancelled.", stage=stage)

    def _fail_dead(self):
        """Mark failed, with the reason, the runs of ``self`` (queued or running) whose
        job died; return them."""
        now = fields.Datetime.now()
        dead = self.browse()
        for run in self.filtered(lambda r: r.state in ("queued", "running")):
            reason = run._death_reason(now)
            if reason:
                _logger.warning("CRM analytics run %s failed: %s", run.id, reason)
                run.write({"state": "failed", "error": reason, "date_end": now})
                dead |= run
        return dead

    def _run_all(self):
        """Run every stage in the current transaction (tests, benchmark, shell)."""
        for run in self:
            for stage in STAGES:
                run._run_stage(stage)
                if run.state == "failed":
                    break

    def _run_stage(self, stage):
        """Run one stage; a failure marks the run failed and keeps the old results."""
        self.ensure_one()
        # Held until this job's transaction ends: the run is seen alive meanwhile. A
        # run found dead meanwhile (and failed) is not resumed.
        self._lock()
        self.invalidate_recordset(["state"])
        if self.state in ("done", "failed"):
            return False
        started = time.perf_counter()
        vals = {"state": "running", "stage": stage, "heartbeat": fields.Datetime.now()}
        if not self.date_start:
            vals["date_start"] = fields.Datetime.now()
        self.write(vals)
        try:
            with self.env.cr.savepoint():
                extra = getattr(self, f"_stage_{stage}")() or {}
        except Exception as exc:
            _logger.exception("CRM analytics run %s failed in stage %s", self.id, stage)
            self.write(
                {
                    "state": "failed",
                    "error": f"{stage}: {exc}",
                    "date_end": fields.Datetime.now(),
                }
            )
            return False
        extra[f"{stage}_seconds"] = time.perf_counter() - started
        extra["progress"] = int(100 * (STAGES.index(stage) + 1) / len(STAGES))
        extra["heartbeat"] = fields.Datetime.now()
        self.write(extra)
        return True

    def _add_note(self, text):
        self.notes = f"{self.notes}\n{text}" if self.notes else text

    # ------------------------------------------------------------------ extraction
    def _copy_out(self, query, options=""):
        """The rows of ``query`` (an ``SQL``) as COPY writes them (text format by
        default; ``options`` e.g. ``WITH (FORMAT csv)``), in a buffer at its start."""
        cr = self.env.cr
        text = cr.mogrify(query.code, query.params).decode()
        buf = io.StringIO()
        cr._obj.copy_expert(f"COPY ({text}) TO STDOUT {options}", buf)
        buf.seek(0)
        return buf

    def _sql_frame(self, query, columns, dates=()):
        """Run ``query`` (an ``SQL``) and load its rows into a DataFrame via COPY."""
        buf = self._copy_out(query, "WITH (FORMAT csv)")
        if not buf.getvalue():
            frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
        else:
            frame = pd.read_csv(buf, names=list(columns), header=None)
        for column in dates:
            frame[column] = pd.to_datetime(frame[column])
        return frame

    def _transactions(self):
        """Net confirmed sales per customer (commercial partner) and day, as a frame.

        Columns ``customer_id, date, amount, n_orders``. Cached per run in the
        cursor so the stages of a synchronous run read the orders once.
        """
        self.ensure_one()
        key = ("crm_analytics_tx", self.id)
        if key in self.env.cr.cache:
            return self.env.cr.cache[key]
        self._flush_orders()
        query = SQL(
            """
            SELECT p.commercial_partner_id, so.date_order::date,
                   SUM(so.amount_untaxed::float8 * %s), COUNT(*)
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale' AND so.company_id = %s AND so.date_order < %s
             GROUP BY 1, 2
            """,
            self._order_rate_sql(),
            self.company_id.id,
            self.date + pd.Timedelta(days=1),
        )
        frame = self._sql_frame(query, ("customer_id", "date", "amount", "n_orders"), ("date",))
        frame["customer_id"] = frame["customer_id"].astype("int64")
        self.env.cr.cache[key] = frame
        return frame

    def _flush_orders(self):
        """Flush what the order queries read (orders, their rates and partners)."""
        self.env["sale.order"].flush_model(
            ["state", "company_id", "date_order", "amount_untaxed", "partner_id", "currency_rate"]
        )

    def _order_rate_sql(self):
        """Factor converting an order ``so`` into its company's currency at the order's
        date (see ``res.currency._crm_order_rate_sql``)."""
        return self.env["res.currency"]._crm_order_rate_sql("so")

    def _complaints(self):
        query = SQL(
            """
            SELECT p.commercial_partner_id, t.create_date::date
              FROM helpdesk_ticket t
              JOIN helpdesk_ticket_type tt ON tt.id = t.type_id AND tt.is_complaint
              JOIN res_partner p ON p.id = t.partner_id
             WHERE t.company_id = %s AND t.create_date < %s
            """,
            self.company_id.id,
            self.date + pd.Timedelta(days=1),
        )
        self.env["helpdesk.ticket"].flush_model(["type_id", "partner_id", "company_id"])
        frame = self._sql_frame(query, ("customer_id", "date"), ("date",))
        return frame if len(frame) else None

    def _mailings(self):
        """Mailings received by customers: partner recipients, lead recipients and
        mailing list contacts (the contact found by their email)."""
        self.env["mailing.trace"].flush_model()
        self.env["mailing.contact"].flush_model(["email_normalized"])
        self.env["crm.lead"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(
            ["email_normalized", "active", "company_id", "commercial_partner_id"]
        )
        company = self.company_id.id
        query = SQL(
            """
            SELECT p.commercial_partner_id, tr.sent_datetime::date,
                   (tr.open_datetime IS NOT NULL OR tr.trace_status IN ('open', 'reply'))::int,
                   (tr.links_click_datetime IS NOT NULL)::int
              FROM mailing_trace tr
              JOIN res_partner p ON p.id = %s
             WHERE tr.sent_datetime IS NOT NULL AND tr.sent_datetime < %s
               AND tr.trace_status NOT IN ('bounce', 'error', 'cancel')
               AND (p.company_id IS NULL OR p.company_id = %s)
            """,
            self.env["res.partner"]._crm_mailing_recipient_sql("tr", company),
            self.date + pd.Timedelta(days=1),
            company,
        )
        frame = self._sql_frame(
            query, ("customer_id", "sent_date", "opened", "clicked"), ("sent_date",)
        )
        return frame

    def _attributes(self):
        """Numeric external attributes per customer, one column per key."""
        query = SQL(
            """
            SELECT a.partner_id, a.key, a.value_float
              FROM crm_partner_attribute a
             WHERE a.company_id = %s AND a.value_float IS NOT NULL
            """,
            self.company_id.id,
        )
        self.env["crm.partner.attribute"].flush_model()
        frame = self._sql_frame(query, ("customer_id", "key", "value"))
        if frame.empty:
            return pd.DataFrame()
        return frame.pivot_table(index="customer_id", columns="key", values="value", aggfunc="mean")

    # ------------------------------------------------------------------ write-back
    def _update_metrics(self, frame, columns):
        """UPDATE this run's metric rows from ``frame`` (indexed by partner id)."""
        if frame.empty:
            return
        cr = self.env.cr
        self.env["crm.customer.metric"].flush_model()
        cr.execute(
            SQL(
                "CREATE TEMP TABLE crm_analytics_tmp ON COMMIT DROP AS "
                "SELECT partner_id, %s FROM crm_customer_metric WITH NO DATA",
                SQL(", ").join(SQL.identifier(c) for c in columns),
            )
        )
        rows = zip(frame.index.tolist(), *(frame[c].tolist() for c in columns), strict=True)
        _copy_rows(cr, "crm_analytics_tmp", ["partner_id", *columns], rows)
        cr.execute(
            SQL(
                """
                UPDATE crm_customer_metric m SET %s
                  FROM crm_analytics_tmp t
                 WHERE m.run_id = %s AND m.partner_id = t.partner_id
                """,
                SQL(", ").join(
                    SQL("%s = t.%s", SQL.identifier(c), SQL.identifier(c)) for c in columns
                ),
                self.id,
            )
        )
        cr.execute("DROP TABLE crm_analytics_tmp")
        self.env["crm.customer.metric"].invalidate_model(columns)

    @staticmethod
    def _reasons_text(scores):
        """'recency_days (+0.84), frequency (-0.31)' per row of propensity scores."""
        parts = []
        for i in range(1, N_REASONS + 1):
            name, contrib = f"reason_{i}", f"reason_{i}_contribution"
            if name not in scores:
                break
            parts.append(
                scores[name].astype(str) + " (" + scores[contrib].map("{:+.2f}".format) + ")"
            )
        if not parts:
            return pd.Series("", index=scores.index)
        text = parts[0]
        for part in parts[1:]:
            text = text + ", " + part
        return text

    # ------------------------------------------------------------------ stages
    def _rfm_values_sql(self):
        """Per customer, the RFM values by the engine's conventions (see
        ``crm_engine.rfm.rfm_table``), aggregated in the database: sales netted per
        customer and day (in float8, as the engine does; each order converted into the
        company's currency at its date), a day with a net amount
        >= 0 is a purchase day, recency from the last purchase day, monetary value
        net of refunds; customers with refunds only are left out. The last column,
        customer-days read, is counted and not stored."""
        end = self.date
        return SQL(
            """
            SELECT d.customer_id AS partner_id,
                   %(end)s - MAX(d.day) FILTER (WHERE d.amount >= 0) AS recency_days,
                   COUNT(*) FILTER (WHERE d.amount >= 0) AS frequency,
                   round(SUM(d.amount)::numeric, 2) AS monetary,
                   SUM(d.n_orders) AS order_count,
                   MIN(d.day) AS first_purchase,
                   MAX(d.day) FILTER (WHERE d.amount >= 0) AS last_purchase,
                   COUNT(*) AS days_read
              FROM (SELECT p.commercial_partner_id AS customer_id, so.date_order::date AS day,
                           SUM(so.amount_untaxed::float8 * %(rate)s) AS amount,
                           COUNT(*) AS n_orders
                      FROM sale_order so
                              JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale' AND so.company_id = %(company)s
                       AND so.date_order < %(until)s
                     GROUP BY 1, 2) d
             GROUP BY d.customer_id
            HAVING COUNT(*) FILTER (WHERE d.amount >= 0) > 0
            """,
            end=end,
            company=self.company_id.id,
            until=end + pd.Timedelta(days=1),
            rate=self._order_rate_sql(),
        )

    def _stage_rfm(self):
        """RFM values aggregated by SQL, scored by the engine, and the rows COPYed
        back: the values' text travels out and back untouched, only recency,
        frequency and monetary value are parsed."""
        from crm_engine.rfm import rfm_scores

        cr = self.env.cr
        self._flush_orders()
        self.env["crm.customer.metric"].flush_model()
        # A re-run of this stage (job retried) starts from a clean slate.
        cr.execute(SQL("DELETE FROM crm_customer_metric WHERE run_id = %s", self.id))
        out = self._copy_out(self._rfm_values_sql())
        lines = [line.rpartition("\t")[0] for line in out.getvalue().splitlines()]
        if not lines:
            self._add_note(self.env._("No confirmed order up to %s.", self.date))
            return {"transaction_count": 0, "customer_count": 0}
        values = pd.read_csv(
            out,
            sep="\t",
            header=None,
            names=[
                "partner_id",
                "recency",
                "frequency",
                "monetary",
                "order_count",
                "first_purchase",
                "last_purchase",
                "days_read",
            ],
            usecols=["partner_id", "recency", "frequency", "monetary", "days_read"],
            index_col="partner_id",
        )
        scores = rfm_scores(values)
        columns = [scores[c] for c in ("r_score", "f_score", "m_score", "rfm_score", "segment")]
        constants = f"{self.company_id.id}\t{self.id}\t{self.date}"
        # Tab-separated text by hand: several times faster than DataFrame.to_csv.
        text = "\n".join(
            "\t".join((*row, constants))
            for row in zip(lines, *(map(str, c.tolist()) for c in columns), strict=True)
        )
        cr._obj.copy_expert(
            """COPY crm_customer_metric (
                   partner_id, recency_days, frequency, monetary, order_count,
                   first_purchase, last_purchase,
                   r_score, f_score, m_score, rfm_score, segment, company_id, run_id, date)
               FROM STDIN""",
            io.StringIO(text),
        )
        self.env["crm.customer.metric"].invalidate_model()
        return {"transaction_count": int(values["days_read"].sum()), "customer_count": len(scores)}

    def _stage_clv(self):
        from crm_engine.clv import clv_table

        tx = self._transactions()
        if tx.empty:
            return {}
        try:
            table = clv_table(
                tx[["customer_id", "date", "amount"]],
                observation_end=self.date,
                horizon_months=self.company_id.crm_clv_horizon_months or 12,
            ).table
        except (ValueError, ArithmeticError) as exc:
            self._add_note(self.env._("CLV not computed: %s", exc))
            return {}
        table = table[["p_alive", "expected_purchases", "clv"]].astype("float64")
        table = table.replace([np.inf, -np.inf], np.nan).fillna(0.0).round(6)
        self._update_metrics(table, ["p_alive", "expected_purchases", "clv"])
        return {}

    def _attribute_features(self):
        """The imported numeric attributes as propensity features (``attr_<key>``), or None."""
        attributes = self._attributes()
        if attributes.empty:
            return None
        attributes.columns = [f"attr_{key}" for key in attributes.columns]
        attributes.index = attributes.index.astype("int64")
        return attributes

    def _stage_churn(self):
        from crm_engine.propensity import train_churn_model

        tx = self._transactions()
        if tx.empty:
            return {}
        mailings = self._mailings()
        try:
            result = train_churn_model(
                tx[["customer_id", "date", "amount"]],
                horizon_days=self.company_id.crm_churn_horizon_days or 90,
                observation_end=self.date,
                complaints=self._complaints(),
                mailings=mailings if len(mailings) else None,
                extra_features=self._attribute_features(),
                random_state=0,
                n_reasons=N_REASONS,
            )
        except ValueError as exc:
            self._add_note(self.env._("Churn model not trained: %s", exc))
            return {}
        scores = result.scores
        frame = pd.DataFrame(
            {
                "churn_probability": scores["probability"].round(6),
                "churn_factors": self._reasons_text(scores),
            },
            index=scores.index,
        )
        self._update_metrics(frame, ["churn_probability", "churn_factors"])
        auc = result.metrics.auc
        return {
            "churn_auc": 0.0 if auc is None else auc,
            "scored_churn_count": len(frame),
        }

    def _stage_response(self):
        from crm_engine.propensity import train_response_model

        tx = self._transactions()
        mailings = self._mailings()
        if tx.empty or mailings.empty:
            self._add_note(self.env._("Response model not trained: no mailing sent yet."))
            return {}
        try:
            result = train_response_model(
                tx[["customer_id", "date", "amount"]],
                mailings,
                horizon_days=self.company_id.crm_response_days or 30,
                observation_end=self.date,
                complaints=self._complaints(),
                extra_features=self._attribute_features(),
                random_state=0,
                n_reasons=N_REASONS,
            )
        except ValueError as exc:
            self._add_note(self.env._("Response model not trained: %s", exc))
            return {}
        scores = result.scores
        frame = pd.DataFrame(
            {
                "response_probability": scores["probability"].round(6),
                "response_factors": self._reasons_text(scores),
            },
            index=scores.index,
        )
        self._update_metrics(frame, ["response_probability", "response_factors"])
        auc = result.metrics.auc
        return {
            "response_auc": 0.0 if auc is None else auc,
            "scored_response_count": len(frame),
        }

    def _stage_clusters(self):
        from crm_engine.clusters import cluster_features, customer_features

        tx = self._transactions()
        if tx.empty:
            return {}
        feats = customer_features(tx[["customer_id", "date", "amount"]], observation_end=self.date)
        attributes = self._attributes()
        if not attributes.empty:
            attributes = attributes.reindex(feats.index)
            attributes = attributes.fillna(attributes.median()).fillna(0.0)
            feats = feats.join(attributes.add_prefix("attr_"))
        result = cluster_features(feats, random_state=0)
        desc = result.descriptions
        Cluster = self.env["crm.customer.cluster"].sudo()
        Cluster.with_context(active_test=False).search([("run_id", "=", self.id)]).unlink()
        clusters = Cluster.create(
            [
                {
                    "name": row["description"],
                    "number": int(number),
                    "active": False,
                    "company_id": self.company_id.id,
                    "run_id": self.id,
                    "size": int(row["size"]),
                    "share": float(row["share"]) * 100.0,
                    "avg_amount": float(row.get("avg_amount", 0.0)),
                    "n_purchases": float(row.get("n_purchases", 0.0)),
                    "recency_days": float(row.get("recency_days", 0.0)),
                    "tenure_days": float(row.get("tenure_days", 0.0)),
                }
                for number, row in desc.iterrows()
            ]
        )
        ids = {c.number: c.id for c in clusters}
        frame = pd.DataFrame({"cluster_id": result.labels.map(ids).astype("int64")})
        self._update_metrics(frame, ["cluster_id"])
        return {"cluster_count": len(clusters)}

    def _forecast_end(self):
        """Last month of history of the forecast and of its backtest: the last month
        complete on the run date (a month under way is not a month of sales)."""
        from crm_engine.forecast import last_complete_month

        return last_complete_month(self.date)

    def _monthly_sales_sql(self, end):
        """Confirmed sales per month up to the month ``end`` (a Timestamp, its first
        day) included, one series per company (orders' untaxed amounts), per sales team
        of the orders (0: no team) and per product category of the order lines (lines'
        untaxed subtotals; 0: no category), each order converted into the company's
        currency at its date. Columns ``dimension, team_id, categ_id, date, amount``."""
        return SQL(
            """
            WITH orders AS (
                SELECT so.id, so.team_id, %(rate)s AS rate, so.amount_untaxed,
                       date_trunc('month', so.date_order)::date AS month
                  FROM sale_order so
                     WHERE so.state = 'sale' AND so.company_id = %(company)s
                   AND so.date_order < %(until)s
            )
            SELECT 'company', 0, 0, o.month, SUM(o.amount_untaxed::float8 * o.rate)
              FROM orders o
             GROUP BY o.month
            UNION ALL
            SELECT 'team', COALESCE(o.team_id, 0), 0, o.month,
                   SUM(o.amount_untaxed::float8 * o.rate)
              FROM orders o
             GROUP BY COALESCE(o.team_id, 0), o.month
            UNION ALL
            SELECT 'category', 0, COALESCE(pt.categ_id, 0), o.month,
                   SUM(sol.price_subtotal::float8 * o.rate)
              FROM orders o
              JOIN sale_order_line sol ON sol.order_id = o.id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             GROUP BY COALESCE(pt.categ_id, 0), o.month
            """,
            company=self.company_id.id,
            until=end + pd.DateOffset(months=1),
            rate=self._order_rate_sql(),
        )

    def _forecast_backtest(self, sales, end):
        """Hold out the last complete months of the company total (and of the teams),
        up to ``end``, the last month the published forecast is made from, forecast
        them from the months before, and compare with the seasonal naive forecast.
        Returns the run's quality fields (none when the history is short)."""
        from crm_engine.forecast import backtest

        total = sales[sales["dimension"] == "company"]
        first = None if total.empty else total["date"].min().to_period("M")
        n_months = 0 if first is None else (end.to_period("M") - first).n + 1
        needed = FORECAST_BACKTEST_MONTHS + FORECAST_BACKTEST_MIN_HISTORY
        if n_months < needed:
            self._add_note(
                self.env._(
                    "Forecast not backtested: %(months)s complete month(s) of sales, "
                    "%(needed)s needed.",
                    months=n_months,
                    needed=needed,
                )
            )
            return {}

        def mae(value):
            return 0.0 if np.isnan(value) else float(value)

        result = backtest(
            total[["date", "amount"]],
            observation_end=end,
            holdout_months=FORECAST_BACKTEST_MONTHS,
        )
        method = result["method"].iloc[0]
        vals = {
            "forecast_method": method if method in dict(FORECAST_METHODS) else False,
            "forecast_mae": mae(result.loc["overall", "mae"]),
            "forecast_naive_mae": mae(result.loc["overall", "naive_mae"]),
        }
        teams = sales[sales["dimension"] == "team"]
        try:
            result = backtest(
                teams[["team_id", "date", "amount"]],
                group_cols="team_id",
                observation_end=end,
                holdout_months=FORECAST_BACKTEST_MONTHS,
            )
        except ValueError as exc:
            self._add_note(self.env._("Forecast per team not backtested: %s", exc))
        else:
            # Every team is scored on the same months: the pooled error is their mean.
            vals["forecast_team_mae"] = mae(result.loc["overall", "mae"])
            vals["forecast_team_naive_mae"] = mae(result.loc["overall", "naive_mae"])
        return vals

    def _stage_forecast(self):
        """Monthly sales per company, sales team and product category (SQL), each
        series forecast by the engine with its interval, the rows created in one
        batch (inactive until published), and the forecast backtested."""
        from crm_engine.forecast import forecast_sales, monthly_sales

        self._flush_orders()
        self.env["sale.order"].flush_model(["team_id"])
        self.env["sale.order.line"].flush_model(["order_id", "product_id", "price_subtotal"])
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        Forecast = self.env["crm.sales.forecast"].sudo()
        Forecast.with_context(active_test=False).search([("run_id", "=", self.id)]).unlink()
        reset = {
            "forecast_method": False,
            "forecast_mae": 0.0,
            "forecast_naive_mae": 0.0,
            "forecast_team_mae": 0.0,
            "forecast_team_naive_mae": 0.0,
        }
        # The forecast is made from the complete months only, as its backtest is: the
        # month of the run date, unless it is its last day, is the first month forecast.
        end = self._forecast_end()
        sales = self._sql_frame(
            self._monthly_sales_sql(end),
            ("dimension", "team_id", "categ_id", "date", "amount"),
            ("date",),
        )
        if sales.empty:
            self._add_note(
                self.env._("Sales not forecast: no confirmed order before %s.", end.date())
            )
            return reset
        groups = ["dimension", "team_id", "categ_id"]
        sales[["team_id", "categ_id"]] = sales[["team_id", "categ_id"]].astype("int64")
        actual = monthly_sales(sales, group_cols=groups, observation_end=end)
        first = end - pd.DateOffset(months=FORECAST_HISTORY_MONTHS - 1)
        actual = actual[actual["month"] >= first]
        forecast = forecast_sales(
            sales, group_cols=groups, observation_end=end, horizon_months=FORECAST_HORIZON_MONTHS
        )
        common = {"run_id": self.id, "company_id": self.company_id.id, "active": False}
        vals = [
            {
                **common,
                "dimension": row.dimension,
                "team_id": int(row.team_id) or False,
                "categ_id": int(row.categ_id) or False,
                "date": row.month.date(),
                "kind": "actual",
                "amount": float(row.amount),
            }
            for row in actual.itertuples()
        ] + [
            {
                **common,
                "dimension": row.dimension,
                "team_id": int(row.team_id) or False,
                "categ_id": int(row.categ_id) or False,
                "date": row.month.date(),
                "kind": "forecast",
                "amount": float(row.forecast),
                "lower": float(row.lower),
                "upper": float(row.upper),
                "method": row.method,
            }
            for row in forecast.itertuples()
        ]
        Forecast.create(vals)
        return {**reset, **self._forecast_backtest(sales, end)}

    def _stage_publish(self):
        """Swap the company's results in one transaction (this job's)."""
        cr = self.env.cr
        company = self.company_id
        for model in ("crm.customer.metric", "crm.customer.cluster", "crm.sales.forecast"):
            self.env[model].flush_model()
        for table in ("crm_customer_metric", "crm_customer_cluster", "crm_sales_forecast"):
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE company_id = %s AND (run_id IS NULL OR run_id != %s)",
                    SQL.identifier(table),
                    company.id,
                    self.id,
                )
            )
        for table in ("crm_customer_cluster", "crm_sales_forecast"):
            cr.execute(
                SQL("UPDATE %s SET active = TRUE WHERE run_id = %s", SQL.identifier(table), self.id)
            )
        # The metrics become visible by this pointer (see crm.customer.metric.active).
        company.sudo().crm_analytics_run_id = self
        company.flush_recordset(["crm_analytics_run_id"])
        self.env["res.partner"]._crm_analytics_sync_segment(company)
        for model in ("crm.customer.metric", "crm.customer.cluster", "crm.sales.forecast"):
            self.env[model].invalidate_model()
        now = fields.Datetime.now()
        return {
            "state": "done",
            "stage": False,
            "date_end": now,
            "duration": (now - self.date_start).total_seconds() if self.date_start else 0.0,
        }
