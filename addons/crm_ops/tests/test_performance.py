# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Query budgets of crm_ops' hot paths, as Odoo's crm performance tests set them.

The budgets are the counts measured on Odoo 19.0 Community with crm_ops, crm_analytics
and crm_collab installed (post_install: every override is in place). A change that
adds queries fails here; one that saves some is logged, and its budget lowered.
"""

from odoo import Command
from odoo.tests import tagged, users, warmup

from .common import SALES_MANAGER, CrmOpsCaptureCommon, CrmOpsFollowupCommon

# customers of the 360° view test: the budget is the same for one and for all of them
CUSTOMERS_360 = 20
# queries of the 360° counters (measured: 11 for one customer and for 20, salesman and
# manager alike): the family search and one grouped read per counter
QUERIES_360 = 11


@tagged("post_install", "-at_install", "crm_ops_performance", "crm_ops_capture")
class TestCapturePerformance(CrmOpsCaptureCommon):
    """Capture of one lead, as the JSON API and the web form call it."""

    @users("capture_a")
    @warmup
    def test_capture_new_contact(self):
        # measured: 34 (33 before each name key got its own candidate lookup, 19146e1)
        with self.assertQueryCount(capture_a=34):
            result = self.env["crm.lead"]._crm_ops_capture(
                {
                    "contact_name": "Pau Serra",
                    "email": "pau.serra@new-customer.example",
                    "phone": "+34 655 00 11 22",
                    "partner_name": "New Customer SL",
                },
                "api",
            )
        self.assertEqual(result["status"], "created")

    @users("capture_a")
    @warmup
    def test_capture_known_contact(self):
        # measured: 38 (4 more than a new contact: the match is scored and linked)
        with self.assertQueryCount(capture_a=38):
            result = self.env["crm.lead"]._crm_ops_capture(
                {"contact_name": "Laura Garcia", "email": "laura.garcia@acme-iberia.es"}, "api"
            )
        self.assertEqual(result["status"], "linked")
        self.assertEqual(result["partner_id"], self.contact.id)


@tagged("post_install", "-at_install", "crm_ops_performance", "crm_ops_partner_360")
class TestPartner360Performance(CrmOpsFollowupCommon):
    """The 360° customer view: the counters of the partner form, for one customer and for
    a page of them (the budget does not grow with the number of customers)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_manager = cls._create_company_user("perf_360_manager", groups=SALES_MANAGER)
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"360 customer {i}",
                    "is_company": True,
                    "email": f"info@customer{i}.example",
                    "child_ids": [
                        Command.create(
                            {"name": f"Buyer {i}", "email": f"buyer@customer{i}.example"}
                        ),
                        Command.create(
                            {"name": f"Payer {i}", "email": f"payer@customer{i}.example"}
                        ),
                    ],
                }
                for i in range(CUSTOMERS_360)
            ]
        )
        complaint = cls.env.ref("crm_ops.helpdesk_ticket_type_complaint")
        for customer in cls.customers:
            buyer = customer.child_ids[0]
            cls._order(partner=buyer)
            cls.env["crm.lead"].create(
                {"name": f"Deal {customer.name}", "partner_id": buyer.id, "type": "opportunity"}
            )
            cls.env["helpdesk.ticket"].create(
                {
                    "name": "Late",
                    "description": "x",
                    "partner_id": buyer.id,
                    "type_id": complaint.id,
                }
            )
        cls.counters = [
            "crm_open_lead_count",
            "crm_pending_followup_count",
            "crm_open_ticket_count",
            "crm_complaint_count",
            "crm_rating_count",
            "crm_rating_avg",
            "crm_mailing_count",
        ]

    @users("fu_salesman", "perf_360_manager")
    @warmup
    def test_360_one_customer(self):
        customer = self.customers[0].with_env(self.env)
        with self.assertQueryCount(fu_salesman=QUERIES_360, perf_360_manager=QUERIES_360):
            values = customer.read(self.counters)
        self.assertEqual(values[0]["crm_pending_followup_count"], 2)

    @users("fu_salesman", "perf_360_manager")
    @warmup
    def test_360_page_of_customers(self):
        customers = self.customers.with_env(self.env)
        with self.assertQueryCount(fu_salesman=QUERIES_360, perf_360_manager=QUERIES_360):
            values = customers.read(self.counters)
        self.assertEqual([v["crm_pending_followup_count"] for v in values], [2] * CUSTOMERS_360)
