# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

import pandas as pd

from odoo.tests import tagged

from crm_engine.forecast import backtest, forecast_sales, monthly_sales

from .common import CrmAnalyticsCommon


@tagged("post_install", "-at_install")
class TestSalesForecast(CrmAnalyticsCommon):
    """Monthly sales and forecasts per company, sales team and product category."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.categ_a = cls.env["product.category"].create({"name": "Forecast widgets"})
        cls.categ_b = cls.env["product.category"].create({"name": "Forecast gadgets"})
        cls.product.categ_id = cls.categ_a
        cls.product_b.categ_id = cls.categ_b
        cls.team_b = cls.env["crm.team"].create({"name": "Forecast team B"})
        cls.orders[::4].write({"team_id": cls.team_b.id})
        cls.orders[1::5].write({"team_id": False})

    def _rows(self, **domain):
        Forecast = self.env["crm.sales.forecast"]
        return Forecast.search(
            [("company_id", "=", self.company.id)] + [(k, "=", v) for k, v in domain.items()]
        )

    def _sql_monthly(self, key, joins="", amount="so.amount_untaxed"):
        """{(key or False, month): sales} of the company's confirmed orders."""
        rows = self._sql(
            f"""SELECT {key}, date_trunc('month', so.date_order)::date, SUM({amount})
                  FROM sale_order so {joins}
                 WHERE so.state = 'sale' AND so.company_id = %s
                 GROUP BY 1, 2""",
            self.company.id,
        )
        return {(key or False, month): float(total) for key, month, total in rows}

    def test_series_per_team_and_category(self):
        run = self._run()
        self.assertEqual(run.state, "done", run.error)
        team_rows = self._rows(dimension="team")
        categ_rows = self._rows(dimension="category")
        self.assertFalse(team_rows.categ_id)
        self.assertFalse(categ_rows.team_id)
        # One series per team, orders without a team as their own series.
        self.assertEqual(set(team_rows.mapped("team_id")), {self.team, self.team_b})
        self.assertTrue(team_rows.filtered(lambda r: not r.team_id))
        self.assertEqual(set(categ_rows.categ_id), {self.categ_a, self.categ_b})
        for rows, keys in (
            (team_rows, [self.team.id, self.team_b.id, False]),
            (categ_rows, [self.categ_a.id, self.categ_b.id]),
        ):
            for key in keys:
                field = "team_id" if rows is team_rows else "categ_id"
                series = rows.filtered(lambda r, f=field, k=key: r[f].id == k)
                forecast = series.filtered(lambda r: r.kind == "forecast")
                self.assertEqual(len(forecast), 6, (field, key))
                self.assertLessEqual(len(series) - 6, 24)
                self.assertEqual(len(set(forecast.mapped("date"))), 6)
        # Actual amounts: direct SQL sums per team and per category and month.
        per_team = self._sql_monthly("so.team_id")
        per_categ = self._sql_monthly(
            "pt.categ_id",
            joins="JOIN sale_order_line sol ON sol.order_id = so.id "
            "JOIN product_product pp ON pp.id = sol.product_id "
            "JOIN product_template pt ON pt.id = pp.product_tmpl_id",
            amount="sol.price_subtotal",
        )
        for rows, expected, field in (
            (team_rows, per_team, "team_id"),
            (categ_rows, per_categ, "categ_id"),
        ):
            actual = rows.filtered(lambda r: r.kind == "actual")
            self.assertTrue(actual)
            for row in actual:
                self.assertAlmostEqual(
                    row.amount, expected.get((row[field].id or False, row.date), 0.0), places=2
                )
            # The SQL months inside the kept window all have a row.
            first = min(actual.mapped("date"))
            kept = {(r[field].id or False, r.date) for r in actual}
            self.assertEqual({k for k in expected if k[1] >= first}, kept)
        # Forecasts lie within their interval.
        for row in self._rows(kind="forecast"):
            self.assertLessEqual(row.lower, row.amount, row.dimension)
            self.assertLessEqual(row.amount, row.upper, row.dimension)
            self.assertGreater(row.upper, row.lower, row.dimension)
        # Each breakdown adds up to the company total, month by month.
        totals = defaultdict(lambda: defaultdict(float))
        for row in self._rows(kind="actual"):
            totals[row.dimension][row.date] += row.amount
        self.assertEqual(totals["company"].keys(), totals["team"].keys())
        for month, amount in totals["company"].items():
            self.assertAlmostEqual(totals["team"][month], amount, places=2)
            self.assertAlmostEqual(totals["category"][month], amount, places=2)

    def test_company_total_unchanged(self):
        """The company series is what it was before the breakdowns: the engine's
        monthly sales and forecast of the customer transactions."""
        run = self._run()
        tx = run._transactions()[["date", "amount"]]
        expected_actual = monthly_sales(tx).tail(24)
        expected_forecast = forecast_sales(tx, horizon=6, last_month=run.date)
        company = self._rows(dimension="company")
        actual = company.filtered(lambda r: r.kind == "actual").sorted("date")
        self.assertEqual(
            actual.mapped("date"), [m.date() for m in expected_actual["month"]], "months"
        )
        for row, amount in zip(actual, expected_actual["amount"], strict=True):
            self.assertAlmostEqual(row.amount, amount, places=2)
        forecast = company.filtered(lambda r: r.kind == "forecast").sorted("date")
        self.assertEqual(len(forecast), 6)
        for row, exp in zip(forecast, expected_forecast.itertuples(), strict=True):
            self.assertEqual(row.date, exp.month.date())
            self.assertAlmostEqual(row.amount, exp.forecast, places=2)
            self.assertAlmostEqual(row.lower, exp.lower, places=2)
            self.assertAlmostEqual(row.upper, exp.upper, places=2)
            self.assertEqual(row.method, exp.method)
        self.assertFalse(company.team_id)
        self.assertFalse(company.categ_id)
        # The menu's action shows the company total only.
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_analytics.crm_sales_forecast_action"
        )
        self.assertEqual(action["context"], "{'search_default_company_total': 1}")

    def test_backtest_against_seasonal_naive(self):
        run = self._run()
        self.assertTrue(run.forecast_method)
        self.assertGreater(run.forecast_mae, 0.0)
        self.assertGreater(run.forecast_naive_mae, 0.0)
        self.assertGreater(run.forecast_team_mae, 0.0)
        self.assertGreater(run.forecast_team_naive_mae, 0.0)
        # The errors are the engine's on the last 6 complete months of the company total.
        end = pd.Period(run.date, "M")
        if run.date != end.end_time.date():
            end -= 1
        tx = run._transactions()[["date", "amount"]]
        expected = backtest(tx, holdout=6, last_month=end.to_timestamp())
        self.assertAlmostEqual(run.forecast_mae, expected.loc["overall", "mae"], places=2)
        self.assertAlmostEqual(
            run.forecast_naive_mae, expected.loc["overall", "naive_mae"], places=2
        )
        self.assertEqual(run.forecast_method, expected["method"].iloc[0])

    def test_short_history_skips_backtest(self):
        """A run dated early in the data has too few months to backtest: noted, and the
        forecast rows are still made."""
        first = min(self.orders.mapped("date_order")).date()
        run = self.env["crm.analytics.run"].create(
            {"company_id": self.company.id, "date": first + timedelta(days=200)}
        )
        run._run_all()
        self.assertEqual(run.state, "done", run.error)
        self.assertIn("Forecast not backtested", run.notes)
        self.assertFalse(run.forecast_method)
        self.assertEqual(run.forecast_mae, 0.0)
        rows = self._rows(kind="actual")
        self.assertTrue(rows)
        self.assertLessEqual(max(rows.mapped("date")), run.date)
        self.assertEqual(len(self._rows(kind="forecast", dimension="company")), 6)
