# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import tagged

from .common import CrmOpsCommittedCase


@tagged("post_install", "-at_install", "crm_ops_followup", "crm_ops_concurrency")
class TestFollowupConcurrency(CrmOpsCommittedCase):
    """Two workers (two real cursors) run the job at the same time: no duplicates.

    The data is committed in setUp and removed in the cleanup.
    """

    N = 20

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            partner = env["res.partner"].create(
                {"name": "Concurrent customer", "email": "cc@example.com"}
            )
            plan = env["crm.followup.plan"].create(
                {
                    "name": "Concurrency",
                    "step_ids": [(0, 0, {"name": "Call", "action_type": "activity"})],
                }
            )
            orders = env["sale.order"].create([{"partner_id": partner.id} for _i in range(self.N)])
            now = fields.Datetime.now()
            items = env["crm.followup.item"].create(
                [
                    {
                        "order_id": order.id,
                        "step_id": plan.step_ids.id,
                        "plan_id": plan.id,
                        "partner_id": partner.id,
                        "user_id": SUPERUSER_ID,
                        "company_id": order.company_id.id,
                        "trigger_date": now,
                        "due_date": now,
                    }
                    for order in orders
                ]
            )
            cr.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
        self.data = {
            "partner": partner.id,
            "plan": plan.id,
            "orders": orders.ids,
            "items": items.ids,
        }

    def _cleanup(self):
        if not hasattr(self, "data"):  # setUp failed before committing anything
            return
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["mail.activity"].search(
                [("res_model", "=", "sale.order"), ("res_id", "in", self.data["orders"])]
            ).unlink()
            env["crm.followup.item"].browse(self.data["items"]).unlink()
            env["crm.followup.run"].search(
                [("item_ids", "=", False), ("state", "=", "running")]
            ).unlink()
            env["sale.order"].browse(self.data["orders"]).unlink()
            env["crm.followup.plan"].browse(self.data["plan"]).unlink()
            env["res.partner"].browse(self.data["partner"]).unlink()
            cr.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data

    def _assert_each_order_acted_once(self):
        """Every follow-up done in one attempt: one activity on each order."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            items = env["crm.followup.item"].browse(self.data["items"])
            self.assertEqual(set(items.mapped("state")), {"done"})
            self.assertEqual(set(items.mapped("attempts")), {1})
            data = env["mail.activity"]._read_group(
                [("res_model", "=", "sale.order"), ("res_id", "in", self.data["orders"])],
                ["res_id"],
                ["__count"],
            )
            self.assertEqual(len(data), self.N)
            self.assertEqual({count for _res_id, count in data}, {1}, "one activity per order")

    def _add_steps(self, names, items):
        """Commit a step per name in the plan, and its follow-up on the order of each of
        ``items`` (ids), due with that item."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            plan = env["crm.followup.plan"].browse(self.data["plan"])
            steps = env["crm.followup.step"].create(
                [{"plan_id": plan.id, "name": name, "action_type": "activity"} for name in names]
            )
            added = env["crm.followup.item"].create(
                [
                    {
                        "order_id": item.order_id.id,
                        "step_id": step.id,
                        "plan_id": plan.id,
                        "partner_id": item.partner_id.id,
                        "user_id": SUPERUSER_ID,
                        "company_id": item.company_id.id,
                        "trigger_date": item.trigger_date,
                        "due_date": item.due_date,
                    }
                    for item in env["crm.followup.item"].browse(items)
                    for step in steps
                ]
            )
            self.data["items"] += added.ids

    def test_two_workers_skip_locked(self):
        with self._two_cursors() as (env1, env2):
            cr1, cr2 = env1.cr, env2.cr
            mine = set(self.data["items"])
            # worker 1 claims a batch and is still working on it (transaction open)
            claimed1 = env1["crm.followup.item"]._claim_due(12).filtered(lambda i: i.id in mine)
            # worker 2 claims at the same time: it skips the locked rows
            claimed2 = env2["crm.followup.item"]._claim_due(50).filtered(lambda i: i.id in mine)
            self.assertEqual(len(claimed1), 12)
            self.assertEqual(len(claimed2), self.N - 12)
            self.assertFalse(set(claimed1.ids) & set(claimed2.ids))
            claimed2._execute()
            cr2.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
            claimed1._execute()
            cr1.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
            # both run again: nothing left to do
            self.assertFalse(
                env1["crm.followup.item"]._claim_due(50).filtered(lambda i: i.id in mine)
            )
            self.assertFalse(
                env2["crm.followup.item"]._claim_due(50).filtered(lambda i: i.id in mine)
            )
            cr1.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
            cr2.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
        self._assert_each_order_acted_once()

    def test_second_worker_takes_the_next_orders(self):
        """Both workers ask for a batch of the same size: the second one passes over the
        orders the first is running and takes the next ones (it used to find only the
        first one's orders, all locked, and claim nothing)."""
        with self._two_cursors() as (env1, env2):
            mine = set(self.data["items"])
            claimed1 = env1["crm.followup.item"]._claim_due(12).filtered(lambda i: i.id in mine)
            claimed2 = env2["crm.followup.item"]._claim_due(12).filtered(lambda i: i.id in mine)
            self.assertEqual(len(claimed1), 12)
            self.assertEqual(len(claimed2), self.N - 12)
            self.assertFalse(set(claimed1.order_id.ids) & set(claimed2.order_id.ids))

    def test_batch_of_orders_of_different_sizes(self):
        """Orders with one due follow-up and orders with three: the batch holds whole
        orders, at least ``limit`` follow-ups and less than one order more."""
        self._add_steps(["Second call", "Third call"], self.data["items"][10:])
        with self._two_cursors() as (env1, _env2):
            mine = set(self.data["items"])
            claimed = env1["crm.followup.item"]._claim_due(12).filtered(lambda i: i.id in mine)
            self.assertGreaterEqual(len(claimed), 12)
            self.assertLess(len(claimed), 12 + 3)
            per_order = {
                order: len(claimed.filtered(lambda i, o=order: i.order_id == o))
                for order in claimed.order_id
            }
            everything = env1["crm.followup.item"].browse(self.data["items"])
            for order, count in per_order.items():
                self.assertEqual(
                    count, len(everything.filtered(lambda i, o=order: i.order_id == o))
                )

    def test_claim_after_another_worker_finished_the_orders(self):
        """Worker 2's transaction started before worker 1 committed the same follow-ups:
        PostgreSQL refuses the claim (nothing runs twice) and a new transaction finds
        nothing left."""
        with self._two_cursors() as (env1, env2):
            cr1, cr2 = env1.cr, env2.cr
            mine = set(self.data["items"])
            cr2.execute("SELECT count(*) FROM crm_followup_item")  # worker 2's snapshot
            env1["crm.followup.item"]._claim_due(50).filtered(lambda i: i.id in mine)._execute()
            cr1.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
            with self.assertRaises(SerializationFailure):
                env2["crm.followup.item"]._claim_due(50)
            cr2.rollback()
            self.assertFalse(
                env2["crm.followup.item"]._claim_due(50).filtered(lambda i: i.id in mine)
            )
        self._assert_each_order_acted_once()

    def test_cron_claims_again_after_losing_a_race(self):
        """The scheduled job's claim loses the race above: it claims again in a new
        transaction and runs everything once."""
        Item = self.env.registry["crm.followup.item"]
        claim_due = Item._claim_due
        mine = set(self.data["items"])
        claims = []  # what each claim of the job did

        def claim_after_a_race(items, limit):
            if not claims:
                items.env.cr.execute("SELECT count(*) FROM crm_followup_item")  # snapshot
                # meanwhile another worker runs the first orders and commits
                with self.env.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    claim_due(env["crm.followup.item"], 5).filtered(
                        lambda i: i.id in mine
                    )._execute()
            try:
                claimed = claim_due(items, limit)
            except SerializationFailure:
                claims.append("refused")
                raise
            claims.append(len(claimed.filtered(lambda i: i.id in mine)))
            return claimed

        with (
            self._two_cursors() as (_env1, env2),
            patch.object(Item, "_claim_due", claim_after_a_race),
        ):
            env2["crm.followup.item"]._cron_execute_followups(batch_size=50)
            env2.cr.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
        # refused once, then the 15 orders the other worker did not run, then nothing
        self.assertEqual(claims, ["refused", self.N - 5, 0])
        self._assert_each_order_acted_once()

    def test_two_workers_never_share_an_order(self):
        """Every order has two due follow-ups: a worker claims both, never one of them
        (two workers posting on one order at once collide on its followers)."""
        self._add_steps(["Second call"], self.data["items"])
        with self._two_cursors() as (env1, env2):
            mine = set(self.data["items"])
            claimed1 = env1["crm.followup.item"]._claim_due(5).filtered(lambda i: i.id in mine)
            claimed2 = env2["crm.followup.item"]._claim_due(50).filtered(lambda i: i.id in mine)
            self.assertFalse(set(claimed1.order_id.ids) & set(claimed2.order_id.ids))
            self.assertEqual(len(claimed1), 6, "whole orders, up to the batch size")
            self.assertEqual(len(claimed1) + len(claimed2), 2 * self.N)

    def test_run_now_while_a_worker_runs_them(self):
        """A user clicks *Run now* on follow-ups the job is running: each acts once."""
        with self._two_cursors() as (env1, env2):
            cr1, cr2 = env1.cr, env2.cr
            mine = set(self.data["items"])
            # the job claimed them and is still sending (transaction open)
            claimed = env1["crm.followup.item"]._claim_due(50).filtered(lambda i: i.id in mine)
            self.assertEqual(len(claimed), self.N)
            # the click must not wait for the job, nor run them a second time
            cr2.execute("SET LOCAL lock_timeout = '3s'")
            env2["crm.followup.item"].browse(self.data["items"]).action_execute_now()
            cr2.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
            claimed._execute()
            cr1.commit()  # pylint: disable=invalid-commit  # two real cursors need committed data
        self._assert_each_order_acted_once()
