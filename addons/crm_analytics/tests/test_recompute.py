# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from crm_engine.rfm import SEGMENTS, rfm_table

from .common import CrmAnalyticsCommon


@tagged("crm_analytics_run")
class TestRecompute(CrmAnalyticsCommon):
    def test_recompute_metrics(self):
        run = self._run()
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(run.progress, 100)
        self.assertEqual(self.company.crm_analytics_run_id, run)
        buyers = self._sql(
            "SELECT COUNT(DISTINCT partner_id) FROM sale_order "
            "WHERE state = 'sale' AND company_id = %s",
            self.company.id,
        )[0][0]
        metrics = self.env["crm.customer.metric"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(metrics), buyers)
        self.assertEqual(run.customer_count, buyers)
        self.assertEqual(set(metrics.run_id.ids), {run.id})
        # RFM values against direct SQL for every customer.
        expected = {
            partner_id: (freq, round(total, 2), recency)
            for partner_id, freq, total, recency in self._sql(
                """SELECT partner_id, COUNT(DISTINCT date_order::date), SUM(amount_untaxed),
                          CURRENT_DATE - MAX(date_order::date)
                     FROM sale_order WHERE state = 'sale' AND company_id = %s
                    GROUP BY partner_id""",
                self.company.id,
            )
        }
        for metric in metrics:
            freq, total, recency = expected[metric.partner_id.id]
            self.assertEqual(metric.frequency, freq)
            self.assertAlmostEqual(metric.monetary, float(total), places=2)
            self.assertEqual(metric.recency_days, recency)
            self.assertIn(metric.segment, {s.key for s in SEGMENTS})
            self.assertEqual(metric.rfm_score, f"{metric.r_score}{metric.f_score}{metric.m_score}")
            self.assertTrue(metric.cluster_id)
            self.assertTrue(0.0 <= metric.p_alive <= 1.0)
            self.assertTrue(0.0 <= metric.churn_probability <= 1.0)
        # Loyal customers are worth more than one-off buyers.
        loyal = metrics.filtered(lambda m: m.partner_id in self.customers[0::3])
        one_off = metrics.filtered(lambda m: m.partner_id in self.customers[2::3])
        self.assertGreater(
            sum(loyal.mapped("clv")) / len(loyal), sum(one_off.mapped("clv")) / len(one_off)
        )
        self.assertTrue(any(metrics.mapped("churn_factors")))
        self.assertTrue(any(metrics.mapped("response_probability")))
        self.assertGreater(run.cluster_count, 0)
        self.assertEqual(
            sum(
                self.env["crm.customer.cluster"]
                .search([("company_id", "=", self.company.id)])
                .mapped("size")
            ),
            buyers,
        )
        # Segment copied onto the partner (and searchable).
        partner = metrics[0].partner_id
        self.assertEqual(partner.crm_segment, metrics[0].segment)
        self.assertEqual(partner.crm_metric_id, metrics[0])
        self.assertIn(
            partner,
            self.env["res.partner"].search([("crm_segment", "=", metrics[0].segment)]),
        )
        forecast = self.env["crm.sales.forecast"].search(
            [("company_id", "=", self.company.id), ("dimension", "=", "company")]
        )
        self.assertEqual(len(forecast.filtered(lambda f: f.kind == "forecast")), 6)
        self.assertTrue(forecast.filtered(lambda f: f.kind == "actual"))

    def test_rfm_in_sql_agrees_with_the_engine(self):
        """The RFM stage aggregates in SQL; its values, scores and segments are those of
        the engine's ``rfm_table`` on the same transactions, refunds included."""
        refund_vals = [
            # a refund on a purchase day of its own: a negative day, not a purchase
            (self.customers[0], 3, -75.0),
            # a customer with refunds only is left out
            (self.customers[1], 5, -20.0),
            # a refund smaller than the purchase of the same day nets to a purchase
            (self.customers[3], 0, -5.0),
        ]
        refund_only = self._create_customers(self.company, 1, "R")
        refund_vals[1] = (refund_only, 5, -20.0)
        for partner, age, amount in refund_vals:
            order = (
                self.env["sale.order"]
                .with_company(self.company)
                .create(
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "date_order": fields.Datetime.now() - timedelta(days=age, hours=1),
                        "order_line": [
                            (0, 0, {"product_id": self.product.id, "price_unit": amount})
                        ],
                    }
                )
            )
            order.action_confirm()
        run = self.env["crm.analytics.run"].create({"company_id": self.company.id})
        self.assertTrue(run._run_stage("rfm"), run.error)
        expected = rfm_table(run._transactions(), observation_end=run.date)
        metrics = self.env["crm.customer.metric"].with_context(active_test=False)
        metrics = metrics.search([("run_id", "=", run.id)])
        self.assertEqual(set(metrics.partner_id.ids), set(expected.index))
        self.assertNotIn(refund_only.id, metrics.partner_id.ids)
        self.assertEqual(run.customer_count, len(expected))
        for metric in metrics:
            row = expected.loc[metric.partner_id.id]
            self.assertEqual(
                (metric.recency_days, metric.frequency, metric.rfm_score, metric.segment),
                (row.recency, row.frequency, row.rfm_score, row.segment),
            )
            self.assertAlmostEqual(metric.monetary, row.monetary, places=2)
            self.assertEqual(metric.last_purchase, run.date - timedelta(days=int(row.recency)))

    def test_metrics_follow_deleted_partners_runs_and_clusters(self):
        """The metric table has no foreign keys: deleting what a row points to
        deletes (or clears) the row all the same."""
        run = self._run()
        Metric = self.env["crm.customer.metric"].with_context(active_test=False)
        metrics = Metric.search([("run_id", "=", run.id)])
        victim = self._create_customers(self.company, 1, "X")
        self._create_orders(victim, self.company, seed=3)
        second = self._run()
        row = Metric.search([("run_id", "=", second.id), ("partner_id", "=", victim.id)])
        self.assertTrue(row)
        orders = self.env["sale.order"].search([("partner_id", "=", victim.id)])
        orders.write({"state": "cancel"})
        orders.unlink()
        victim.unlink()
        self.assertFalse(row.exists())
        cluster = Metric.search([("run_id", "=", second.id)], limit=1).cluster_id
        self.assertTrue(cluster)
        members = Metric.search([("cluster_id", "=", cluster.id)])
        cluster.unlink()
        self.assertTrue(members.exists())
        self.assertFalse(members.filtered("cluster_id"))
        self.assertFalse(metrics.exists())  # the first run's rows went when publishing
        second.company_id.crm_analytics_run_id = False
        second.unlink()
        self.assertFalse(Metric.search_count([("run_id", "=", second.id)]))

    def test_atomic_replacement(self):
        first = self._run()
        Metric = self.env["crm.customer.metric"]
        before = Metric.search_count([("company_id", "=", self.company.id)])
        second = self.env["crm.analytics.run"].create({"company_id": self.company.id})
        for stage in ("rfm", "clv", "churn", "response", "clusters", "forecast"):
            self.assertTrue(second._run_stage(stage))
            # Readers still see exactly the first run's rows.
            visible = Metric.search([("company_id", "=", self.company.id)])
            self.assertEqual(len(visible), before)
            self.assertEqual(visible.run_id, first)
        staged = Metric.with_context(active_test=False).search_count([("run_id", "=", second.id)])
        self.assertEqual(staged, before)
        second._run_stage("publish")
        visible = Metric.search([("company_id", "=", self.company.id)])
        self.assertEqual(visible.run_id, second)
        self.assertEqual(len(visible), before)
        self.assertFalse(
            Metric.with_context(active_test=False).search_count([("run_id", "=", first.id)])
        )
        self.assertEqual(self.company.crm_analytics_run_id, second)

    def test_failed_run_keeps_previous_results(self):
        first = self._run()
        metrics = self.env["crm.customer.metric"].search([("company_id", "=", self.company.id)])
        segments = metrics.mapped("segment")
        Run = type(self.env["crm.analytics.run"])
        with (
            patch.object(Run, "_stage_clusters", side_effect=RuntimeError("boom")),
            mute_logger("odoo.addons.crm_analytics.models.crm_analytics_run"),
        ):
            second = self._run()
        self.assertEqual(second.state, "failed")
        self.assertIn("boom", second.error)
        after = self.env["crm.customer.metric"].search([("company_id", "=", self.company.id)])
        self.assertEqual(after, metrics)
        self.assertEqual(after.mapped("segment"), segments)
        self.assertEqual(self.company.crm_analytics_run_id, first)

    def test_queue_jobs_per_stage(self):
        with trap_jobs() as trap:
            action = self.env["crm.analytics.run"].with_user(self.manager).action_recompute_now()
            run = self.env["crm.analytics.run"].search(action["domain"])
            self.assertEqual(len(run), 1)
            self.assertEqual(run.state, "queued")
            trap.assert_jobs_count(7)
            for job in trap.enqueued_jobs:
                self.assertEqual(job.channel, "root.crm")
            # A second click while the run is pending does not start another one.
            self.env["crm.analytics.run"].with_user(self.manager).action_recompute_now()
            trap.assert_jobs_count(7)
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(self.company.crm_analytics_run_id, run)
        self.assertTrue(run.rfm_seconds > 0 and run.publish_seconds > 0)

    def test_cron_enqueues_each_company(self):
        with trap_jobs() as trap:
            self.env["crm.analytics.run"]._cron_recompute()
            companies = self.env["res.company"].search([])
            trap.assert_jobs_count(7 * len(companies))
