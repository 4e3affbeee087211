# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import fields
from odoo.tests import TransactionCase, freeze_time, tagged

from crm_engine.forecast import backtest, forecast_sales, last_complete_month, monthly_sales

from .common import CrmAnalyticsCommon


@tagged("crm_analytics_forecast")
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

    def _sql_monthly(self, key, until, joins="", amount="so.amount_untaxed"):
        """{(key or False, month): sales} of the company's confirmed orders before ``until``."""
        rows = self._sql(
            f"""SELECT {key}, date_trunc('month', so.date_order)::date, SUM({amount})
                  FROM sale_order so {joins}
                 WHERE so.state = 'sale' AND so.company_id = %s AND so.date_order < %s
                 GROUP BY 1, 2""",
            self.company.id,
            until,
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
        # Actual amounts: direct SQL sums per team and per category and month, of the
        # complete months (the run's month is forecast, not shown as actual).
        until = last_complete_month(run.date) + pd.DateOffset(months=1)
        per_team = self._sql_monthly("so.team_id", until)
        per_categ = self._sql_monthly(
            "pt.categ_id",
            until,
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
            # The SQL months inside the kept window all have a row (months without
            # sales in a series' span have one too, of 0, checked above).
            first = min(actual.mapped("date"))
            kept = {(r[field].id or False, r.date) for r in actual}
            self.assertLessEqual({k for k in expected if k[1] >= first}, kept)
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
        end = last_complete_month(run.date)
        tx = tx[tx["date"] < end + pd.DateOffset(months=1)]
        expected_actual = monthly_sales(tx, observation_end=end).tail(24)
        expected_forecast = forecast_sales(tx, horizon_months=6, observation_end=end)
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
        tx = run._transactions()[["date", "amount"]]
        expected = backtest(tx, holdout_months=6, observation_end=last_complete_month(run.date))
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


@tagged("crm_analytics_forecast")
class TestForecastAnyDayOfMonth(TransactionCase):
    """The run's month is still under way on most days: the forecast is made from the
    complete months, which its backtest holds out and scores, on the first, a middle
    and the last day of a month alike (time frozen at each)."""

    DAYS = ("2026-03-01", "2026-03-15", "2026-03-31")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.product = cls.env["product.product"].create(
            {"name": "Any-day widget", "type": "consu", "taxes_id": [(5, 0, 0)]}
        )

    def _orders(self, company, today):
        """36 months of orders before ``today``'s month (two a month, seasonal with a
        trend) and big orders in ``today``'s month up to ``today``; returns their
        (datetime, amount) pairs."""
        partner = self.env["res.partner"].create(
            {"name": f"Any-day customer {today}", "company_id": company.id}
        )
        start = pd.Timestamp(today).to_period("M") - 36
        pairs = []
        for i in range(36):
            month = (start + i).to_timestamp()
            value = 1000.0 + 15 * i + 300 * np.sin(2 * np.pi * i / 12)
            pairs += [(month + timedelta(days=2, hours=9), round(0.6 * value, 2))]
            pairs += [(month + timedelta(days=19, hours=9), round(0.4 * value, 2))]
        this_month = pd.Timestamp(today).to_period("M").to_timestamp()
        day = this_month
        while day <= pd.Timestamp(today):
            if day.day in (1, 15, 31):
                pairs.append((day + timedelta(hours=1), 5000.0))
            day += timedelta(days=1)
        orders = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "date_order": when.to_pydatetime(),
                        "order_line": [
                            (0, 0, {"product_id": self.product.id, "price_unit": amount})
                        ],
                    }
                    for when, amount in pairs
                ]
            )
        )
        orders.write({"state": "sale"})
        for order, (when, amount) in zip(orders, pairs, strict=True):
            self.assertEqual(order.amount_untaxed, amount)
            self.assertEqual(order.date_order, when.to_pydatetime())
        return pd.DataFrame(pairs, columns=["date", "amount"])

    def test_forecast_from_complete_months_on_any_day(self):
        for today in self.DAYS:
            with self.subTest(today=today), freeze_time(f"{today} 12:00:00"):
                company = self.env["res.company"].create({"name": f"Any-day company {today}"})
                tx = self._orders(company, today)
                run = self.env["crm.analytics.run"].create({"company_id": company.id})
                self.assertEqual(run.date, fields.Date.to_date(today))
                run._run_all()
                self.assertEqual(run.state, "done", run.error)
                end = pd.Timestamp(today).to_period("M").to_timestamp()
                if today != "2026-03-31":  # the month is under way: February is the last
                    end -= pd.DateOffset(months=1)
                self.assertEqual(last_complete_month(today), end)
                rows = self.env["crm.sales.forecast"].search(
                    [("company_id", "=", company.id), ("dimension", "=", "company")]
                )
                actual = rows.filtered(lambda r: r.kind == "actual").sorted("date")
                forecast = rows.filtered(lambda r: r.kind == "forecast").sorted("date")
                # Actual: the 24 complete months up to ``end``; the month under way is
                # the first month forecast.
                self.assertEqual(actual[-1].date, end.date())
                self.assertEqual(len(actual), 24)
                complete = tx[tx["date"] < end + pd.DateOffset(months=1)]
                by_month = complete.groupby(complete["date"].dt.to_period("M"))["amount"].sum()
                for row in actual:
                    self.assertAlmostEqual(row.amount, by_month[pd.Period(row.date, "M")], places=2)
                self.assertEqual(
                    forecast.mapped("date"),
                    [(end + pd.DateOffset(months=h)).date() for h in range(1, 7)],
                )
                # The forecast is the engine's on the complete months: the big orders
                # of the month under way do not inflate it (nor shrink it on the 1st).
                expected = forecast_sales(complete, horizon_months=6, observation_end=end)
                for row, exp in zip(forecast, expected.itertuples(), strict=True):
                    self.assertAlmostEqual(row.amount, exp.forecast, places=2)
                    self.assertEqual(row.method, exp.method)
                # The backtest scores that same forecast: held-out months ending with
                # the last actual month shown, by the method the forecast uses.
                scored = backtest(complete, holdout_months=6, observation_end=end)
                self.assertAlmostEqual(run.forecast_mae, scored.loc["overall", "mae"], places=2)
                self.assertAlmostEqual(
                    run.forecast_naive_mae, scored.loc["overall", "naive_mae"], places=2
                )
                self.assertEqual(run.forecast_method, forecast[0].method)
                self.assertGreater(run.forecast_mae, 0.0)


# The same tests with the whole data set generated around, and the run made on, the first,
# a middle and the last day of a month (the suite's results do not depend on today).
class _FrozenDay:
    """Mixin (not a test case itself): the day the class is frozen at is today."""

    DAY = None

    def test_frozen_day(self):
        self.assertEqual(str(fields.Date.today()), self.DAY)
        run = self.env["crm.analytics.run"].create({"company_id": self.company.id})
        self.assertEqual(str(run.date), self.DAY)


@freeze_time("2026-03-01 12:00:00")
class TestSalesForecastOnAFirst(_FrozenDay, TestSalesForecast):
    allow_inherited_tests_method = True
    DAY = "2026-03-01"


@freeze_time("2026-03-15 12:00:00")
class TestSalesForecastMidMonth(_FrozenDay, TestSalesForecast):
    allow_inherited_tests_method = True
    DAY = "2026-03-15"


@freeze_time("2026-03-31 12:00:00")
class TestSalesForecastOnALastDay(_FrozenDay, TestSalesForecast):
    allow_inherited_tests_method = True
    DAY = "2026-03-31"
