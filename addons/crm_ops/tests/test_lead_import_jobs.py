# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Real workers on real cursors: a lead import whose worker is killed mid-chunk, and two
API requests racing with the same idempotency key.

The data is committed (other cursors must see it) and removed in the cleanup.
"""

import base64
import contextlib
import threading
import time
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_ops.models import crm_lead_import
from odoo.addons.queue_job.controllers.main import RunJobController

from .common import CrmOpsCommittedCase

ROWS = 30
CHUNK = 10


def wait_for_lock_wait(registry, pid, timeout=30):
    """Wait until backend ``pid`` waits for a lock (it is blocked mid-run).

    Polled in a transaction of its own each time: PostgreSQL keeps the activity
    statistics a transaction first read until it ends.
    """
    deadline = time.time() + timeout
    with registry.cursor() as cr:
        while time.time() < deadline:
            cr.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cr.fetchone()
            cr.rollback()
            if row and row[0] == "Lock":
                return True
            time.sleep(0.1)
    return False


@tagged("post_install", "-at_install", "crm_ops_import", "crm_ops_concurrency")
class TestLeadImportKilledWorker(TransactionCase):
    def setUp(self):
        super().setUp()
        patcher_chunk = patch.object(crm_lead_import, "IMPORT_CHUNK", CHUNK)
        patcher_bg = patch.object(crm_lead_import, "BACKGROUND_ROWS", 20)
        patcher_chunk.start()
        patcher_bg.start()
        self.addCleanup(patcher_chunk.stop)
        self.addCleanup(patcher_bg.stop)
        rows = "\r\n".join(f"Killed {i};k{i}@killed.example" for i in range(ROWS))
        content = f"Name;Email\r\n{rows}\r\n".encode()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            imp = env["crm.lead.import"].create(
                {"file": base64.b64encode(content), "filename": "killed.csv"}
            )
            imp.action_load()
            imp.action_import()
            self.import_id = imp.id
            cr.commit()  # pylint: disable=invalid-commit  # real workers need committed data
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["crm.lead"].search([("email_from", "like", "@killed.example")]).unlink()
            env["queue.job"].search(
                [("identity_key", "=like", f"crm.lead.import,{self.import_id},%")]
            ).unlink()
            env["crm.lead.import"].browse(self.import_id).unlink()
            cr.commit()  # pylint: disable=invalid-commit  # real workers need committed data

    def _job_uuid(self, env, start):
        job = env["queue.job"].search(
            [("identity_key", "=", f"crm.lead.import,{self.import_id},{start}")]
        )
        self.assertEqual(len(job), 1)
        # what the job runner does before it calls the worker
        env.cr.execute(
            "UPDATE queue_job SET state = 'enqueued', date_enqueued = now() WHERE id = %s",
            [job.id],
        )
        return job.uuid

    def _run_job(self, env, uuid):
        """Run a job as queue_job's /queue_job/runjob does, without its error handling:
        a killed worker has none. ``env`` is made beforehand in the main thread (a new
        cursor's first environment looks the registry up, which the test runner holds)."""
        job = RunJobController._acquire_job(env, uuid)
        RunJobController._try_perform_job(env, job)

    def _read(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["crm.lead.import"].browse(self.import_id)

    def test_killed_worker_fails_the_import_and_the_next_run_resumes(self):
        registry = self.env.registry
        # one chunk runs to its end
        with registry.cursor() as cr:
            uuid = self._job_uuid(api.Environment(cr, SUPERUSER_ID, {}), CHUNK)
            cr.commit()  # pylint: disable=invalid-commit  # real workers need committed data
            self._run_job(api.Environment(cr, SUPERUSER_ID, {}), uuid)
            cr.commit()  # pylint: disable=invalid-commit  # the job's transaction ends
        with registry.cursor() as cr:
            imp = self._read(cr)
            self.assertEqual(
                (imp.state, imp.processed_count, imp.chunks_done), ("running", 10, "10")
            )

        # the first chunk's worker is blocked mid-run (its rows captured, not committed)...
        with registry.cursor() as cr:
            uuid = self._job_uuid(api.Environment(cr, SUPERUSER_ID, {}), 0)
        blocker = registry.cursor()
        worker = registry.cursor()
        errors = []
        try:
            blocker.execute(
                "SELECT id FROM crm_lead_import WHERE id = %s FOR UPDATE", [self.import_id]
            )
            worker_env = api.Environment(worker, SUPERUSER_ID, {})
            worker.execute("SELECT pg_backend_pid()")
            pid = worker.fetchone()[0]

            def work():
                try:
                    self._run_job(worker_env, uuid)
                except Exception as e:  # the connection dies with the worker
                    errors.append(e)

            thread = threading.Thread(target=work)
            thread.start()
            self.assertTrue(wait_for_lock_wait(registry, pid), "the worker reached its update")

            # ... a check meanwhile leaves a live worker alone (it holds the job's lock)
            with (
                registry.cursor() as cr,
                patch.object(crm_lead_import, "DEAD_JOB_GRACE", crm_lead_import.timedelta(0)),
            ):
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["crm.lead.import"]._cron_check_imports()
                self.assertEqual(self._read(cr).state, "running")
                cr.rollback()

            # ... and is killed (out of memory, time limit: its connection is gone)
            with mute_logger("odoo.sql_db"):
                with registry.cursor() as cr:
                    # wait (up to 10 s) until the backend is gone and its locks are released
                    cr.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
                thread.join(30)
            self.assertFalse(thread.is_alive())
            self.assertTrue(errors, "the worker died")
        finally:
            blocker.rollback()
            blocker.close()
            # the killed connection may refuse to close
            with contextlib.suppress(Exception):
                worker.close()

        with registry.cursor() as cr:
            imp = self._read(cr)
            self.assertEqual(imp.state, "running", "nothing noticed the death yet")
            # the scheduled check (after the grace period) marks it failed with its reason
            with patch.object(crm_lead_import, "DEAD_JOB_GRACE", crm_lead_import.timedelta(0)):
                imp.env["crm.lead.import"]._cron_check_imports()
            jobs = imp._jobs()
            self.assertEqual(
                imp.state,
                "failed",
                [(j.identity_key, j.state, str(j.date_started)) for j in jobs]
                + [str(crm_lead_import.datetime.now()), imp._dead_job_ids(jobs)],
            )
            self.assertIn("rows 2 to 11", imp.failure_reason)
            self.assertIn("killed, time limit or out of memory", imp.failure_reason)
            jobs = imp._jobs()
            self.assertEqual(
                sorted(jobs.mapped("state")), ["cancelled", "cancelled", "done"], "not rerun"
            )
            self.assertEqual(imp.processed_count, 10, "the dead chunk's rows were rolled back")
            cr.commit()  # pylint: disable=invalid-commit  # real workers need committed data

        # the next run resumes with the chunks not done: every row once, none twice
        with registry.cursor() as cr:
            imp = self._read(cr).with_context(crm_ops_sync=True)
            imp.action_import()
            self.assertEqual(imp.state, "done")
            self.assertEqual((imp.processed_count, imp.created_count), (ROWS, ROWS))
            leads = (
                imp.env["crm.lead"]
                .with_context(active_test=False)
                .search([("email_from", "like", "@killed.example")])
            )
            self.assertEqual(len(leads), ROWS)
            self.assertEqual(len(set(leads.mapped("email_from"))), ROWS)
            cr.commit()  # pylint: disable=invalid-commit  # real workers need committed data


@tagged("post_install", "-at_install", "crm_ops_import", "crm_ops_concurrency")
class TestIdempotencyRace(CrmOpsCommittedCase):
    KEY = "race-key-crm-ops"

    def _cleanup(self):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["crm.lead"].search([("crm_ops_idempotency_key", "=", self.KEY)]).unlink()
            cr.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data

    def test_two_requests_with_one_key_at_once(self):
        """Request B began before request A committed its lead: B answers A's lead as a
        duplicate request, not an error."""
        admin = self.env.ref("base.user_admin").id
        registry = self.env.registry
        result = {}
        with self._two_cursors(admin) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            values = {"email": "race@race.example", "contact_name": "Race Condition"}
            # B's transaction starts (its snapshot has no lead with the key)
            self.assertFalse(env_b["crm.lead"]._crm_ops_find_idempotent(env_b.company, self.KEY))
            cr_b.execute("SELECT pg_backend_pid()")
            pid_b = cr_b.fetchone()[0]
            first = env_a["crm.lead"]._crm_ops_capture(dict(values), "api", self.KEY)
            self.assertEqual(first["status"], "created")

            def end_request_a():
                # A's request ends once B waits for A's insert
                result["b_waited"] = wait_for_lock_wait(registry, pid_b)
                cr_a.commit()  # pylint: disable=invalid-commit  # A's request ends

            thread = threading.Thread(target=end_request_a)
            thread.start()
            # B in this thread: a new cursor's first environment looks the registry up,
            # which the test runner holds in its main thread
            try:
                with mute_logger("odoo.sql_db"):  # B's insert fails: the key is taken
                    result["b"] = env_b["crm.lead"]._crm_ops_capture(dict(values), "api", self.KEY)
            finally:
                thread.join(30)
            self.assertTrue(result["b_waited"], "B waited for A's insert")
            self.assertEqual(result["b"]["status"], "duplicate_request")
            self.assertEqual(result["b"]["id"], first["id"])
            cr_b.commit()  # pylint: disable=invalid-commit  # B's request ends
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            self.assertEqual(
                env["crm.lead"].search_count([("crm_ops_idempotency_key", "=", self.KEY)]), 1
            )
