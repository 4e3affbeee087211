# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Capture under load: what two workers (two real cursors) do at the same time."""

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRateLimitConcurrency(TransactionCase):
    """Requests of one API key in two workers: the counter never makes one fail.

    The counters are committed; the cleanup removes them.
    """

    KEY = "api:key:crm-ops-concurrency-test"

    def setUp(self):
        super().setUp()
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.env.registry.cursor() as cr:
            cr.execute("DELETE FROM crm_ops_rate_limit WHERE key = %s", [self.KEY])

    def test_request_begun_earlier_still_counts(self):
        """Request B's transaction began before request A counted and committed: B's
        count is not a serialization failure (it was under REPEATABLE READ in the
        request's transaction), and both hits are counted."""
        registry = self.env.registry
        cr_a, cr_b = registry.cursor(), registry.cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            cr_b.execute("SELECT 1")  # B's request has its snapshot
            self.assertEqual(env_a["crm.ops.rate.limit"]._hit(self.KEY, 2, 3600), 0)
            cr_a.commit()  # pylint: disable=invalid-commit  # A's request ends
            self.assertEqual(env_b["crm.ops.rate.limit"]._hit(self.KEY, 2, 3600), 0)
            # a third request is over the limit of 2
            self.assertGreater(env_b["crm.ops.rate.limit"]._hit(self.KEY, 2, 3600), 0)
            cr_b.rollback()  # B's request fails later: its hits stay counted
        finally:
            cr_a.close()
            cr_b.close()
        with registry.cursor() as cr:
            cr.execute("SELECT sum(hits) FROM crm_ops_rate_limit WHERE key = %s", [self.KEY])
            self.assertEqual(cr.fetchone()[0], 3)


@tagged("post_install", "-at_install")
class TestMergedLeadScoring(TransactionCase):
    """A merged lead is archived, not lost: predictive lead scoring does not count it."""

    def _lost_counts(self):
        frequencies = self.env["crm.lead.scoring.frequency"].search([])
        return sum(frequencies.mapped("lost_count"))

    def test_merge_and_undo_leave_lead_scoring_alone(self):
        user = new_test_user(
            self.env,
            login="pls_merge",
            groups="sales_team.group_sale_salesman",
            company_id=self.env.company.id,
            company_ids=[self.env.company.id],
        )
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
