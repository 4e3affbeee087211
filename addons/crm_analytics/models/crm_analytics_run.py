# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One recompute of the customer analytics of a company.

Pipeline (one queue_job per stage, chained per company; companies run in
parallel on as many workers as the ``root.crm`` channel allows):

``rfm`` (extract with SQL, RFM + segments, bulk INSERT of the new rows, inactive)
→ ``clv`` (BG/NBD + Gamma-Gamma) → ``churn`` → ``response`` → ``clusters``
→ ``forecast`` → ``publish`` (one transaction: delete the company's previous
rows, point the company at the new run, update ``res.partner.crm_segment``).

Readers only see the rows of the company's current run, so under PostgreSQL's
MVCC they see the old set or the new set, never a half-finished run. A failed
stage leaves the previous results in place.

The stages' computations are in ``crm_analytics_run_stages``, the SQL they read
and write with in ``crm_analytics_run_data`` (COPY through ``tools/pg_copy``).

A run never wedges: the transaction running a stage holds the run's advisory
lock (released by PostgreSQL when the transaction ends, also when its process is
killed), and each stage leaves a heartbeat. A run still queued or running whose
lock nobody holds and whose jobs are neither waiting nor just started (the worker
was killed, ran out of memory or time, the job failed or is gone), or, without
jobs, whose heartbeat is older than a few minutes, is marked failed with the
reason when the next run is asked for (``_start``: the button, the daily job), and
the next run starts.
"""

import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.delay import chain
from odoo.addons.queue_job.job import identity_exact

from . import crm_analytics_run_data as data
from . import crm_analytics_run_stages as stages

# Re-exported: the forecast constants and the reasons per score live with the stages.
from .crm_analytics_run_data import N_REASONS  # noqa: F401
from .crm_analytics_run_stages import (  # noqa: F401
    FORECAST_BACKTEST_MIN_HISTORY,
    FORECAST_BACKTEST_MONTHS,
    FORECAST_HISTORY_MONTHS,
    FORECAST_HORIZON_MONTHS,
    FORECAST_METHODS,
)

_logger = logging.getLogger(__name__)

STAGES = ("rfm", "clv", "churn", "response", "clusters", "forecast", "publish")
# First key of the advisory lock a stage holds on its run (second key: the run's id).
RUN_LOCK_NAMESPACE = 0x43524D41  # "CRMA"
# A job started this long ago without holding its run's lock, or a run without jobs
# without heartbeat for this long, is dead.
RUN_GRACE_SECONDS = 120


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

    # ------------------------------------------------------------------ data, stages
    # The run's reads (SQL in crm_analytics_run_data) and one method per computing
    # stage (crm_analytics_run_stages), the points to override: functions of the run
    # record, bound here as its methods.
    _transactions = data.transactions
    _mailings = data.mailings
    _attributes = data.attributes
    _stage_rfm = stages.rfm
    _stage_clv = stages.clv
    _stage_churn = stages.churn
    _stage_response = stages.response
    _stage_clusters = stages.clusters
    _stage_forecast = stages.forecast

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
