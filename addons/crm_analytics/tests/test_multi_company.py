# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import CrmAnalyticsCommon


@tagged("crm_analytics_security")
class TestMultiCompany(CrmAnalyticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._create_company(name="Analytics B")
        cls.customers_b = cls._create_customers(cls.company_b, 30, "B")
        cls.orders_b = cls._create_orders(cls.customers_b, cls.company_b, seed=3)
        cls.user_a = cls._create_company_user("ana_user_a", cls.company)
        cls.user_b = cls._create_company_user("ana_user_b", cls.company_b)

    def test_company_isolation(self):
        run_a = self._run(self.company)
        run_b = self._run(self.company_b)
        self.assertEqual((run_a.state, run_b.state), ("done", "done"), run_b.error)
        Metric = self.env["crm.customer.metric"]
        self.assertEqual(Metric.with_user(self.user_a).search([]).partner_id, self.customers)
        self.assertEqual(Metric.with_user(self.user_b).search([]).partner_id, self.customers_b)
        for model in (
            "crm.customer.cluster",
            "crm.sales.forecast",
            "crm.analytics.run",
            "crm.purchase.report",
        ):
            records = self.env[model].with_user(self.user_b).search([])
            self.assertTrue(records, model)
            self.assertEqual(records.company_id, self.company_b, model)
        # A's forecast rows (every breakdown) stay hidden from B's user.
        Forecast = self.env["crm.sales.forecast"]
        rows_a = Forecast.search([("company_id", "=", self.company.id)])
        self.assertEqual(set(rows_a.mapped("dimension")), {"company", "team", "category"})
        self.assertFalse(Forecast.with_user(self.user_b).search([("id", "in", rows_a.ids)]))
        team_rows_b = Forecast.with_user(self.user_b).search([("team_id", "=", self.team.id)])
        self.assertTrue(team_rows_b)  # B's orders have the same team
        self.assertEqual(team_rows_b.company_id, self.company_b)
        with self.assertRaises(AccessError):
            rows_a[0].with_user(self.user_b).read(["amount"])
        self.assertTrue(Forecast.with_user(self.user_a).search([("id", "in", rows_a.ids)]))
        # B's run did not touch A's metrics (still A's run) and vice versa.
        self.assertEqual(Metric.search([("company_id", "=", self.company.id)]).run_id, run_a)
        self.assertEqual(self.company_b.crm_analytics_run_id, run_b)
        # Partner segment: from the partner's own company.
        partner_b = self.customers_b[0]
        metric_b = Metric.search([("partner_id", "=", partner_b.id)])
        self.assertEqual(partner_b.crm_segment, metric_b.segment)
        self.assertEqual(
            partner_b.with_user(self.user_a).with_company(self.company).crm_metric_id,
            Metric.browse(),
        )


@tagged("crm_analytics_security")
class TestMultiCompanyAsUsers(TestMultiCompany):
    """After a run in each company, each company's salesperson reads only its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_a = cls._run(cls.company)
        cls.run_b = cls._run(cls.company_b)

    @users("ana_user_a", "ana_user_b")
    def test_each_company_reads_its_own_results(self):
        company = self.env.company
        customers = self.customers if company == self.company else self.customers_b
        self.assertEqual(self.env["crm.customer.metric"].search([]).partner_id, customers)
        for model in (
            "crm.customer.cluster",
            "crm.sales.forecast",
            "crm.analytics.run",
            "crm.purchase.report",
        ):
            records = self.env[model].search([])
            self.assertTrue(records, model)
            self.assertEqual(records.company_id, company, model)
