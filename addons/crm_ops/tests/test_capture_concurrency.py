# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Capture under load: what two workers (two real cursors) do at the same time."""

import threading

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmOpsCommittedCase, CrmOpsCommon
from .test_lead_import_jobs import wait_for_lock_wait


@tagged("post_install", "-at_install", "crm_ops_capture", "crm_ops_concurrency")
class TestRateLimitConcurrency(CrmOpsCommittedCase):
    """Requests of one API key in two workers: the counter never makes one fail.

    The counters are committed; the cleanup removes them.
    """

    KEY = "api:key:crm-ops-concurrency-test"

    def _cleanup(self):
        with self.env.registry.cursor() as cr:
            cr.execute("DELETE FROM crm_ops_rate_limit WHERE key = %s", [self.KEY])

    def test_request_begun_earlier_still_counts(self):
        """Request B's transaction began before request A counted and committed: B's
        count is not a serialization failure (it was under REPEATABLE READ in the
        request's transaction), and both hits are counted."""
        registry = self.env.registry
        with self._two_cursors() as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            cr_b.execute("SELECT 1")  # B's request has its snapshot
            self.assertEqual(env_a["crm.ops.rate.limit"]._hit(self.KEY, 2, 3600), 0)
            cr_a.commit()  # pylint: disable=invalid-commit  # A's request ends
            self.assertEqual(env_b["crm.ops.rate.limit"]._hit(self.KEY, 2, 3600), 0)
            # a third request is over the limit of 2
            self.assertGreater(env_b["crm.ops.rate.limit"]._hit(self.KEY, 2, 3600), 0)
            cr_b.rollback()  # B's request fails later: its hits stay counted
        with registry.cursor() as cr:
            cr.execute("SELECT sum(hits) FROM crm_ops_rate_limit WHERE key = %s", [self.KEY])
            self.assertEqual(cr.fetchone()[0], 3)


@tagged("crm_ops_capture")
class TestMergedLeadScoring(CrmOpsCommon):
    """A merged lead is archived, not lost: predictive lead scoring does not count it."""

    def _lost_counts(self):
        frequencies = self.env["crm.lead.scoring.frequency"].search([])
        return sum(frequencies.mapped("lost_count"))

    def test_merge_and_undo_leave_lead_scoring_alone(self):
        user = self._create_company_user("pls_merge")
        Lead = self.env["crm.lead"].with_user(user)
        values = {"email": "pls@merge.example", "contact_name": "Pia Lopez", "partner_name": "PLS"}
        first = Lead._crm_ops_capture(dict(values), "api")
        self.assertEqual(first["status"], "created")
        before = self._lost_counts()
        second = Lead._crm_ops_capture(dict(values), "api")
        self.assertEqual(second["status"], "merged")
        merged = self.env["crm.lead"].with_context(active_test=False).browse(second["id"])
        self.assertFalse(merged.active)
        self.env.flush_all()
        self.assertEqual(self._lost_counts(), before, "a merged lead is not a lost lead")
        merged.with_user(user).action_crm_ops_undo_merge()
        self.assertTrue(merged.active)
        self.env.flush_all()
        self.assertEqual(self._lost_counts(), before)
        # a lead really lost still counts
        self.env["crm.lead"].browse(first["id"]).action_set_lost()
        self.env.flush_all()
        self.assertGreater(self._lost_counts(), before)


@tagged("post_install", "-at_install", "crm_ops_capture", "crm_ops_concurrency")
class TestCaptureRace(CrmOpsCommittedCase):
    """Two requests (two real cursors) capture the same new contact, or name the same
    new UTM source, at the same time. The data is committed; the cleanup removes it."""

    EMAIL = "race.contact@crm-ops-race.example"
    SOURCE = "CRM ops race source"

    def _cleanup(self):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["crm.lead"].search([("email_from", "=", self.EMAIL)]).unlink()
            env["utm.source"].search([("name", "=", self.SOURCE)]).unlink()

    def _two_requests(self, values):
        """A captures and holds its transaction open; B (whose transaction began
        earlier) captures the same values, then A commits. Returns B's outcome."""
        admin = self.env.ref("base.user_admin").id
        registry = self.env.registry
        result = {}
        with self._two_cursors(admin) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            cr_b.execute("SELECT pg_backend_pid()")  # B's snapshot is taken
            pid_b = cr_b.fetchone()[0]
            first = env_a["crm.lead"]._crm_ops_capture(dict(values), "api")
            self.assertEqual(first["status"], "created")

            def end_request_a():
                result["b_waited"] = wait_for_lock_wait(registry, pid_b, timeout=10)
                cr_a.commit()  # pylint: disable=invalid-commit  # A's request ends

            thread = threading.Thread(target=end_request_a)
            thread.start()
            try:
                result["b"] = env_b["crm.lead"]._crm_ops_capture(dict(values), "api")
            except SerializationFailure as e:
                result["b"] = e
            finally:
                thread.join(30)
            cr_b.rollback()
            # Odoo (or queue_job) runs B again, in a new transaction
            result["b_again"] = env_b["crm.lead"]._crm_ops_capture(dict(values), "api")
            result["first"] = first
            cr_b.commit()  # pylint: disable=invalid-commit  # B's retry ends
        return result

    def test_same_new_contact_at_once_is_not_created_twice(self):
        result = self._two_requests({"email": self.EMAIL, "contact_name": "Rita Race"})
        self.assertTrue(result["b_waited"], "B waited for A's capture of the same contact")
        self.assertIsInstance(result["b"], SerializationFailure, "B is run again")
        self.assertEqual(result["b_again"]["status"], "merged")
        self.assertEqual(result["b_again"]["merged_into"], result["first"]["id"])
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["crm.lead"].search_count([("email_from", "=", self.EMAIL)]), 1)

    def test_contact_captured_after_the_snapshot_is_seen(self):
        """B's transaction began (its snapshot is taken), then A captured the same new
        contact and committed before B reached its lock: B does not create a second
        lead unseen; it runs again and merges into A's."""
        values = {"email": self.EMAIL, "contact_name": "Rita Race"}
        admin = self.env.ref("base.user_admin").id
        with self._two_cursors(admin) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            cr_b.execute("SELECT 1")  # B's snapshot is taken
            first = env_a["crm.lead"]._crm_ops_capture(dict(values), "api")
            cr_a.commit()  # pylint: disable=invalid-commit  # A's request ends
            with self.assertRaises(SerializationFailure):
                env_b["crm.lead"]._crm_ops_capture(dict(values), "api")
            cr_b.rollback()
            again = env_b["crm.lead"]._crm_ops_capture(dict(values), "api")
            self.assertEqual(again["status"], "merged")
            self.assertEqual(again["merged_into"], first["id"])
            cr_b.commit()  # pylint: disable=invalid-commit  # B's retry ends
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["crm.lead"].search_count([("email_from", "=", self.EMAIL)]), 1)

    def test_same_new_utm_source_at_once(self):
        """B's first capture naming the source fails on its unique name: B is run
        again (not answered 422) and then uses A's source."""
        values = {"email": self.EMAIL, "contact_name": "Rita Race", "utm_source": self.SOURCE}
        admin = self.env.ref("base.user_admin").id
        with self._two_cursors(admin) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            cr_b.execute("SELECT 1")  # B's snapshot is taken
            first = env_a["crm.lead"]._crm_ops_capture(dict(values), "api")
            cr_a.commit()  # pylint: disable=invalid-commit  # A's request ends
            other = dict(values, email="other." + self.EMAIL)
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                env_b["crm.lead"]._crm_ops_capture(other, "api")
            cr_b.rollback()
            again = env_b["crm.lead"]._crm_ops_capture(dict(other, email=self.EMAIL), "api")
            lead_a = env_b["crm.lead"].browse(first["id"])
            self.assertEqual(env_b["crm.lead"].browse(again["id"]).source_id, lead_a.source_id)
            cr_b.rollback()
