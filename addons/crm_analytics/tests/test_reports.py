# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmAnalyticsCommon


@tagged("crm_analytics_reports")
class TestReports(CrmAnalyticsCommon):
    def test_campaign_report_matches_sql(self):
        Report = self.env["crm.campaign.report"]
        for mailing in self.mailing:
            groups = Report._read_group(
                [("mailing_id", "=", mailing.id)],
                [],
                [
                    "sent:sum",
                    "delivered:sum",
                    "opened:sum",
                    "clicked:sum",
                    "replied:sum",
                    "bounced:sum",
                    "order_count:sum",
                    "revenue:sum",
                ],
            )
            sent, delivered, opened, clicked, replied, bounced, orders, revenue = groups[0]
            counts = self._sql(
                """SELECT COUNT(*),
                          COUNT(*) FILTER (WHERE trace_status IN ('sent', 'open', 'reply')),
                          COUNT(*) FILTER (WHERE trace_status IN ('open', 'reply')
                                           OR open_datetime IS NOT NULL),
                          COUNT(*) FILTER (WHERE links_click_datetime IS NOT NULL),
                          COUNT(*) FILTER (WHERE trace_status = 'reply'),
                          COUNT(*) FILTER (WHERE trace_status = 'bounce')
                     FROM mailing_trace WHERE mass_mailing_id = %s""",
                mailing.id,
            )[0]
            self.assertEqual((sent, delivered, opened, clicked, replied, bounced), counts)
            bought = self._sql(
                """SELECT COUNT(so.id), COALESCE(SUM(so.amount_untaxed), 0)
                     FROM mailing_trace tr
                     JOIN sale_order so ON so.partner_id = tr.res_id
                    WHERE tr.mass_mailing_id = %s AND tr.model = 'res.partner'
                      AND tr.trace_status != 'bounce' AND so.state = 'sale'
                      AND so.date_order >= tr.sent_datetime
                      AND so.date_order < tr.sent_datetime + interval '30 days'""",
                mailing.id,
            )[0]
            self.assertEqual(orders, bought[0])
            self.assertAlmostEqual(revenue, float(bought[1]), places=2)
        self.assertTrue(Report.search_count([("order_count", ">", 0)]))

    def test_campaign_window_follows_the_company_setting(self):
        """The purchase window of the campaign report is a CRM setting of the company."""
        Report = self.env["crm.campaign.report"]

        def report_orders():
            self.env.flush_all()
            self.env.invalidate_all()
            groups = Report._read_group(
                [("mailing_id", "in", self.mailing.ids)], [], ["order_count:sum", "buyer:sum"]
            )
            return groups[0]

        def expected_orders(days):
            return self._sql(
                """SELECT COUNT(so.id)
                     FROM mailing_trace tr
                     JOIN sale_order so ON so.partner_id = tr.res_id
                    WHERE tr.mass_mailing_id = ANY(%s) AND tr.model = 'res.partner'
                      AND tr.trace_status != 'bounce' AND so.state = 'sale'
                      AND so.date_order >= tr.sent_datetime
                      AND so.date_order < tr.sent_datetime + make_interval(days => %s)""",
                self.mailing.ids,
                days,
            )[0][0]

        self.assertEqual(self.company.crm_campaign_window_days, 30)
        orders_30, buyers_30 = report_orders()
        self.assertEqual(orders_30, expected_orders(30))
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.crm_campaign_window_days, 30)
        settings.crm_campaign_window_days = 7
        settings.execute()
        self.assertEqual(self.company.crm_campaign_window_days, 7)
        orders_7, buyers_7 = report_orders()
        self.assertEqual(orders_7, expected_orders(7))
        self.assertLess(orders_7, orders_30)
        self.assertLessEqual(buyers_7, buyers_30)
        # The other companies keep their own window.
        other = self.env["res.company"].create({"name": "Other analytics company"})
        self.assertEqual(other.crm_campaign_window_days, 30)

    def test_settings_show_the_company_analytics_parameters(self):
        self.company.write(
            {
                "crm_clv_horizon_months": 24,
                "crm_churn_horizon_days": 60,
                "crm_response_days": 14,
            }
        )
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            (
                settings.crm_clv_horizon_months,
                settings.crm_churn_horizon_days,
                settings.crm_response_days,
            ),
            (24, 60, 14),
        )
        settings.crm_churn_horizon_days = 120
        settings.execute()
        self.assertEqual(self.company.crm_churn_horizon_days, 120)
        arch = self.env["res.config.settings"].get_view(view_type="form")["arch"]
        for name in (
            "crm_clv_horizon_months",
            "crm_churn_horizon_days",
            "crm_response_days",
            "crm_campaign_window_days",
        ):
            self.assertIn(f'name="{name}"', arch)
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.company.crm_churn_horizon_days = 0
            self.env.flush_all()

    def test_purchase_report_matches_sql(self):
        self._run()
        Report = self.env["crm.purchase.report"]
        groups = Report._read_group(
            [("company_id", "=", self.company.id)],
            ["date:month"],
            ["order_count:sum", "amount:sum"],
        )
        by_month = {month.strftime("%Y-%m"): (count, amount) for month, count, amount in groups}
        expected = self._sql(
            """SELECT to_char(date_trunc('month', date_order), 'YYYY-MM'), COUNT(*),
                      SUM(amount_untaxed)
                 FROM sale_order WHERE state = 'sale' AND company_id = %s GROUP BY 1""",
            self.company.id,
        )
        self.assertEqual(len(by_month), len(expected))
        for month, count, amount in expected:
            self.assertEqual(by_month[month][0], count)
            self.assertAlmostEqual(by_month[month][1], float(amount), places=2)
        # Every order carries its customer's current segment.
        segments = Report._read_group(
            [("company_id", "=", self.company.id)], ["segment"], ["__count"]
        )
        self.assertNotIn(False, [segment for segment, _count in segments])

    def test_complaint_rate_matches_sql(self):
        Report = self.env["crm.complaint.report"]
        ((orders, complaints, rate),) = Report._read_group(
            [("company_id", "=", self.company.id)],
            [],
            ["order_count:sum", "complaint_count:sum", "complaint_rate:avg"],
        )
        n_orders = self._sql(
            "SELECT COUNT(*) FROM sale_order WHERE state = 'sale' AND company_id = %s",
            self.company.id,
        )[0][0]
        n_complaints = self._sql(
            """SELECT COUNT(*) FROM helpdesk_ticket t
                 JOIN helpdesk_ticket_type tt ON tt.id = t.type_id
                WHERE tt.is_complaint AND t.company_id = %s""",
            self.company.id,
        )[0][0]
        self.assertEqual(orders, n_orders)
        self.assertEqual(complaints, n_complaints)
        self.assertEqual(complaints, 9)  # 12 tickets, every 4th is a question
        self.assertAlmostEqual(rate, n_complaints / n_orders, places=6)
        # By main product: the widget line is the largest of each order.
        by_product = {
            product: (o, c)
            for product, o, c in Report._read_group(
                [("company_id", "=", self.company.id)],
                ["product_id"],
                ["order_count:sum", "complaint_count:sum"],
            )
        }
        self.assertEqual(by_product[self.product], (n_orders, n_complaints))
