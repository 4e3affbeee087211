# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A company that sells in two currencies: every amount of the analytics, the reports
and the forecast is in the company's currency, each order converted at its date."""

from datetime import date, datetime

import pandas as pd

from odoo.tests import tagged

from odoo.addons.crm_ops.tests.common import SALES_MANAGER, CrmOpsCommon

from crm_engine.forecast import forecast_sales


@tagged("crm_analytics_currency")
class TestTwoCurrencies(CrmOpsCommon):
    env_context = {"tracking_disable": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Currency = cls.env["res.currency"].with_context(active_test=False)
        cls.eur = Currency.search([("name", "=", "EUR")])
        cls.usd = Currency.search([("name", "=", "USD")])
        (cls.eur | cls.usd).active = True
        cls.company = cls.env["res.company"].create(
            {"name": "Two currencies company", "currency_id": cls.eur.id}
        )
        # The company's own rates (1 EUR = x USD), before any shared ones (Odoo's rule).
        cls.env["res.currency.rate"].create(
            [
                {"name": "2024-01-01", "rate": 1.0, "currency_id": cls.eur.id},
                {"name": "2024-01-01", "rate": 1.25, "currency_id": cls.usd.id},
                {"name": "2026-01-01", "rate": 1.10, "currency_id": cls.usd.id},
            ]
        )
        cls.env["res.currency.rate"].create(
            [
                {
                    "name": "2024-01-01",
                    "rate": 1.0,
                    "currency_id": cls.eur.id,
                    "company_id": cls.company.id,
                },
                {
                    "name": "2024-01-01",
                    "rate": 1.25,
                    "currency_id": cls.usd.id,
                    "company_id": cls.company.id,
                },
                {
                    "name": "2026-01-01",
                    "rate": 1.10,
                    "currency_id": cls.usd.id,
                    "company_id": cls.company.id,
                },
            ]
        )
        cls.usd_pricelist = cls.env["product.pricelist"].create(
            {"name": "USD prices", "currency_id": cls.usd.id, "company_id": cls.company.id}
        )
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "EUR prices", "currency_id": cls.eur.id, "company_id": cls.company.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Two-currency widget", "type": "consu", "taxes_id": [(5, 0, 0)]}
        )
        cls.user = cls._create_company_user("two_currencies_user", cls.company, SALES_MANAGER)
        cls.buyer, cls.other = cls.env["res.partner"].create(
            [
                {"name": "Buys in dollars", "company_id": cls.company.id},
                {"name": "Buys in euros", "company_id": cls.company.id},
            ]
        )
        # (partner, pricelist, date, untaxed amount in the order's currency, in EUR)
        cls.plan = [
            (cls.buyer, cls.usd_pricelist, datetime(2025, 6, 10, 9), 125.0, 100.0),
            (cls.buyer, cls.eur_pricelist, datetime(2025, 9, 10, 9), 100.0, 100.0),
            (cls.buyer, cls.usd_pricelist, datetime(2026, 2, 10, 9), 110.0, 100.0),
            (cls.other, cls.eur_pricelist, datetime(2025, 9, 20, 9), 250.0, 250.0),
        ]
        cls.orders = (
            cls.env["sale.order"]
            .with_company(cls.company)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": cls.company.id,
                        "pricelist_id": pricelist.id,
                        "date_order": when,
                        "order_line": [
                            (0, 0, {"product_id": cls.product.id, "price_unit": amount})
                        ],
                    }
                    for partner, pricelist, when, amount, __ in cls.plan
                ]
            )
        )
        cls.orders.write({"state": "sale"})
        cls.mailing = cls.env["mailing.mailing"].create(
            {
                "subject": "Two-currency offer",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "user_id": cls.user.id,
            }
        )
        cls.env["mailing.trace"].create(
            {
                "mass_mailing_id": cls.mailing.id,
                "model": "res.partner",
                "res_id": cls.buyer.id,
                "email": "dollars@example.com",
                "trace_status": "sent",
                "sent_datetime": datetime(2026, 2, 1, 9),
            }
        )
        cls.ana_run = cls.env["crm.analytics.run"].create(
            {"company_id": cls.company.id, "date": date(2026, 3, 15)}
        )
        cls.ana_run._run_all()

    def test_orders_in_two_currencies(self):
        for order, (__, pricelist, __, amount, __) in zip(self.orders, self.plan, strict=True):
            self.assertEqual(order.currency_id, pricelist.currency_id)
            self.assertEqual(order.amount_untaxed, amount)
        self.assertEqual(self.ana_run.state, "done", self.ana_run.error)

    def test_rfm_and_clv_inputs_in_company_currency(self):
        metrics = self.env["crm.customer.metric"].search([("company_id", "=", self.company.id)])
        by_partner = {m.partner_id: m for m in metrics}
        self.assertAlmostEqual(by_partner[self.buyer].monetary, 300.0, places=2)
        self.assertAlmostEqual(by_partner[self.other].monetary, 250.0, places=2)
        self.assertEqual(by_partner[self.buyer].currency_id, self.eur)
        # The frame the CLV (its monetary input), churn, response and cluster stages read.
        tx = self.ana_run._transactions()
        buyer = tx[tx["customer_id"] == self.buyer.id].sort_values("date")
        self.assertEqual([round(a, 2) for a in buyer["amount"]], [100.0, 100.0, 100.0])

    def test_purchase_report_in_company_currency(self):
        rows = self.env["crm.purchase.report"].search([("order_id", "in", self.orders.ids)])
        amounts = {row.order_id: row.amount for row in rows}
        for order, (*__, eur) in zip(self.orders, self.plan, strict=True):
            self.assertAlmostEqual(amounts[order], eur, places=2)

    def test_campaign_report_in_company_currency(self):
        (row,) = self.env["crm.campaign.report"].search([("mailing_id", "=", self.mailing.id)])
        self.assertEqual(row.partner_id, self.buyer)
        self.assertEqual(row.company_id, self.company)
        self.assertEqual((row.buyer, row.order_count), (1, 1))
        self.assertAlmostEqual(row.revenue, 100.0, places=2)  # 110 USD at 1.10

    def test_forecast_in_company_currency(self):
        rows = self.env["crm.sales.forecast"].search(
            [("company_id", "=", self.company.id), ("dimension", "=", "company")]
        )
        actual = {r.date: r.amount for r in rows if r.kind == "actual"}
        self.assertAlmostEqual(actual[date(2025, 6, 1)], 100.0, places=2)
        self.assertAlmostEqual(actual[date(2025, 9, 1)], 350.0, places=2)
        self.assertAlmostEqual(actual[date(2026, 2, 1)], 100.0, places=2)
        self.assertEqual(max(actual), date(2026, 2, 1))
        tx = pd.DataFrame(
            [(when, eur) for __, __, when, __, eur in self.plan], columns=["date", "amount"]
        )
        expected = forecast_sales(tx, horizon_months=6, observation_end="2026-02-01")
        forecast = rows.filtered(lambda r: r.kind == "forecast").sorted("date")
        self.assertEqual(len(forecast), 6)
        for row, exp in zip(forecast, expected.itertuples(), strict=True):
            self.assertAlmostEqual(row.amount, exp.forecast, places=2)
        for dimension in ("team", "category"):
            per = self.env["crm.sales.forecast"].search(
                [
                    ("company_id", "=", self.company.id),
                    ("dimension", "=", dimension),
                    ("kind", "=", "actual"),
                    ("date", "=", "2025-06-01"),
                ]
            )
            self.assertAlmostEqual(sum(per.mapped("amount")), 100.0, places=2, msg=dimension)
