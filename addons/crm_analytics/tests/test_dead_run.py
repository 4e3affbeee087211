# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A run whose job died (worker killed, out of memory, time limit) does not stay
"running" for ever and does not hold the next run back."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import config, mute_logger

from ..models.crm_analytics_run import RUN_LOCK_NAMESPACE

# What the worker running a stage does with the run (``_run_stage`` -> ``_lock``):
# hold the run's advisory lock in an open transaction while it works.
WORKER = """
import sys, time
import psycopg2
dsn, namespace, run_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conn = psycopg2.connect(dsn)
cr = conn.cursor()
cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (namespace, run_id))
print("working", flush=True)
time.sleep(600)
"""


@tagged("post_install", "-at_install", "crm_analytics_run", "crm_analytics_concurrency")
class TestDeadRun(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["crm.analytics.run"]
        cls.company = cls.env["res.company"].create({"name": "Dead run company"})

    def _dsn(self):
        parts = {
            "dbname": self.env.cr.dbname,
            "host": config["db_host"],
            "port": config["db_port"],
            "user": config["db_user"],
            "password": config["db_password"],
        }
        return " ".join(f"{k}={v}" for k, v in parts.items() if v)

    def _running_run(self):
        """A run started through the queue whose first stage's job has started."""
        run = self.Run._start(self.company)
        self.assertEqual(run.state, "queued")
        self.assertTrue(run.job_graph_uuid)
        jobs = self.env["queue.job"].search([("graph_uuid", "=", run.job_graph_uuid)])
        self.assertEqual(len(jobs), 7)
        first = jobs.filtered(lambda j: j.args == ["rfm"] or j.args == ("rfm",))
        self.assertEqual(len(first), 1)
        started = fields.Datetime.now() - timedelta(minutes=10)
        first.write({"state": "started", "date_started": started})
        run.write({"state": "running", "stage": "rfm", "heartbeat": started})
        return run, first

    def test_killed_worker_fails_the_run_and_the_next_starts(self):
        run, __ = self._running_run()
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, self._dsn(), str(RUN_LOCK_NAMESPACE), str(run.id)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            self.assertEqual(worker.stdout.readline().strip(), "working")
            # Working (for ten minutes already): the run is alive, asking again shows it.
            self.assertEqual(self.Run._start(self.company), run)
            self.assertEqual(run.state, "running")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.stdout.close()
        # PostgreSQL releases the dead worker's lock once it sees its connection gone.
        deadline = time.monotonic() + 30
        with mute_logger("odoo.addons.crm_analytics.models.crm_analytics_run"):
            while True:
                new = self.Run._start(self.company)
                if new != run or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
        self.assertEqual(run.state, "failed")
        self.assertIn("rfm: the job running it stopped", run.error)
        self.assertTrue(run.date_end)
        self.assertNotEqual(new, run)
        self.assertEqual(new.state, "queued")
        self.assertEqual(new.company_id, self.company)

    def test_failed_job_fails_the_run(self):
        """The job failed outside the run's own error handling (queue_job gave up on it
        after its worker died too often): the run says so."""
        run, first = self._running_run()
        first.write(
            {
                "state": "failed",
                "exc_name": "JobFoundDead",
                "exc_message": "Job found dead after too many retries",
            }
        )
        with mute_logger("odoo.addons.crm_analytics.models.crm_analytics_run"):
            new = self.Run._start(self.company)
        self.assertEqual(run.state, "failed")
        self.assertIn("rfm: its job failed: Job found dead after too many retries", run.error)
        self.assertNotEqual(new, run)

    def test_waiting_and_just_started_runs_are_alive(self):
        run = self.Run._start(self.company)
        # Jobs waiting for a worker, however long.
        run.heartbeat = fields.Datetime.now() - timedelta(days=2)
        self.assertEqual(self.Run._start(self.company), run)
        # A job started a moment ago, about to take the lock.
        jobs = self.env["queue.job"].search([("graph_uuid", "=", run.job_graph_uuid)])
        jobs[:1].write({"state": "started", "date_started": fields.Datetime.now()})
        self.assertEqual(self.Run._start(self.company), run)
        self.assertEqual(run.state, "queued")

    def test_run_without_jobs_and_stale_heartbeat(self):
        """A run of a shell / benchmark (no queue jobs) whose process stopped."""
        run = self.Run.create(
            {
                "company_id": self.company.id,
                "state": "running",
                "stage": "clv",
                "heartbeat": fields.Datetime.now() - timedelta(hours=1),
            }
        )
        with mute_logger("odoo.addons.crm_analytics.models.crm_analytics_run"):
            new = self.Run._start(self.company)
        self.assertEqual(run.state, "failed")
        self.assertIn("clv: no sign of life since", run.error)
        self.assertNotEqual(new, run)
