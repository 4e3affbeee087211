# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tour of the analytics flow in headless Chromium (static/tests/tours/*.js)."""

from ast import literal_eval

from odoo.tests import tagged

from odoo.addons.crm_ops.tests.common import SALES_MANAGER
from odoo.addons.crm_ops.tests.test_tours import TourCase

SEGMENTS_URL = "/odoo/action-crm_analytics.crm_customer_metric_action_segments"


@tagged("post_install", "-at_install", "crm_analytics_tours")
class TestTours(TourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._create_company_user(
            "tour_analytics_manager",
            groups=f"{SALES_MANAGER},mass_mailing.group_mass_mailing_user",
        )
        company = cls.env.company
        # only the tour's metrics are shown
        cls.env["crm.customer.metric"].with_context(active_test=False).search([]).unlink()
        Partner = cls.env["res.partner"]
        cls.champions = Partner.create(
            [{"name": f"Tour Champion {i}", "email": f"champion{i}@example.com"} for i in (1, 2, 3)]
        )
        cls.at_risk = Partner.create({"name": "Tour Sleeper", "email": "sleeper@example.com"})
        rows = [
            (partner, "champions", "555", 5, 12, 4800.0 - 100 * i, 0.05)
            for i, partner in enumerate(cls.champions)
        ] + [(cls.at_risk, "at_risk", "144", 1, 6, 900.0, 0.7)]
        cls.env["crm.customer.metric"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "segment": segment,
                    "rfm_score": score,
                    "r_score": r_score,
                    "frequency": frequency,
                    "monetary": clv / 2,
                    "clv": clv,
                    "churn_probability": churn,
                }
                for partner, segment, score, r_score, frequency, clv, churn in rows
            ]
        )

    def test_segment_dashboard_to_mailing(self):
        """The dashboard lists the segments; one segment's customers receive a mailing."""
        Mailing = self.env["mailing.mailing"]
        before = Mailing.search([])
        self.start_tour(SEGMENTS_URL, "crm_analytics_segment_tour", login=self.manager.login)
        mailing = Mailing.search([]) - before
        self.assertEqual(len(mailing), 1, "one mailing per click")
        self.assertEqual(mailing.subject, "Offer for Champions")
        self.assertEqual(mailing.mailing_model_real, "res.partner")
        recipients = self.env["res.partner"].search(literal_eval(mailing.mailing_domain))
        self.assertEqual(
            recipients, self.champions, "the mailing reaches the segment's customers, only them"
        )
