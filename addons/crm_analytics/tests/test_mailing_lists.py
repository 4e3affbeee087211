# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customers reached through a mailing list (``mailing.contact``) count wherever mailings
count: the campaign report, the mailings the response and churn models read, the
responder rules. The contact is found by email, normalised, as Odoo finds one."""

from datetime import date, datetime

from odoo.tests import TransactionCase, tagged


@tagged("crm_analytics_mailing")
class TestMailingLists(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Mailing list other co"})
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "List Customer", "is_company": True, "company_id": cls.company.id}
        )
        cls.person = Partner.create(
            {
                "name": "Lee Lister",
                "parent_id": cls.customer.id,
                "email": "Lee.Lister@Example.com",
                "company_id": cls.company.id,
            }
        )
        # Same email in another company, and an older archived contact: not chosen.
        Partner.create(
            {
                "name": "Lee elsewhere",
                "email": "lee.lister@example.com",
                "company_id": cls.other_company.id,
            }
        )
        Partner.create({"name": "Lee archived", "email": "lee.lister@example.com"}).active = False
        cls.mailing_list = cls.env["mailing.list"].create({"name": "Monthly news"})
        cls.subscriber, cls.unknown = cls.env["mailing.contact"].create(
            [
                {
                    "name": "Lee",
                    "email": '"Lee L." <LEE.LISTER@example.COM>',
                    "list_ids": [(6, 0, cls.mailing_list.ids)],
                },
                {
                    "name": "Nobody we know",
                    "email": "nobody@example.com",
                    "list_ids": [(6, 0, cls.mailing_list.ids)],
                },
            ]
        )
        cls.mailing = cls.env["mailing.mailing"].create(
            {
                "subject": "List offer",
                "mailing_model_id": cls.env["ir.model"]._get_id("mailing.contact"),
                "contact_list_ids": [(6, 0, cls.mailing_list.ids)],
                "user_id": cls.env.user.id,
            }
        )
        cls.sent = datetime(2026, 4, 1, 9)
        cls.traces = cls.env["mailing.trace"].create(
            [
                {
                    "mass_mailing_id": cls.mailing.id,
                    "model": "mailing.contact",
                    "res_id": contact.id,
                    "email": contact.email_normalized,
                    "trace_status": "open",
                    "sent_datetime": cls.sent,
                    "open_datetime": datetime(2026, 4, 1, 11),
                    "links_click_datetime": datetime(2026, 4, 1, 12),
                }
                for contact in (cls.subscriber, cls.unknown)
            ]
        )
        product = cls.env["product.product"].create(
            {"name": "List widget", "type": "consu", "taxes_id": [(5, 0, 0)]}
        )
        # Bought by the company's contact within the window, and once long after it.
        cls.orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.person.id,
                    "company_id": cls.company.id,
                    "date_order": when,
                    "order_line": [(0, 0, {"product_id": product.id, "price_unit": amount})],
                }
                for when, amount in ((datetime(2026, 4, 8, 9), 80.0), (datetime(2026, 8, 1), 5.0))
            ]
        )
        cls.orders.write({"state": "sale"})

    def test_campaign_report(self):
        rows = self.env["crm.campaign.report"].search([("mailing_id", "=", self.mailing.id)])
        self.assertEqual(len(rows), 2)
        (row,) = rows.filtered(lambda r: r.id == self.traces[0].id)
        self.assertEqual(row.partner_id, self.person)
        self.assertEqual(row.company_id, self.company)
        self.assertEqual((row.opened, row.clicked), (1, 1))
        self.assertEqual((row.buyer, row.order_count), (1, 1))
        self.assertAlmostEqual(row.revenue, 80.0, places=2)
        (other,) = rows - row
        self.assertFalse(other.partner_id)
        self.assertEqual((other.buyer, other.revenue), (0, 0.0))

    def test_mailings_of_the_models(self):
        """The mailings the response (and churn) model reads include the list's."""
        run = self.env["crm.analytics.run"].create(
            {"company_id": self.company.id, "date": date(2026, 6, 30)}
        )
        mailings = run._mailings()
        mine = mailings[mailings["customer_id"] == self.customer.id]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine["sent_date"].iloc[0].date(), date(2026, 4, 1))
        self.assertEqual((mine["opened"].iloc[0], mine["clicked"].iloc[0]), (1, 1))
        # In the other company, the same email is another contact, with no mailing.
        run_b = self.env["crm.analytics.run"].create(
            {"company_id": self.other_company.id, "date": date(2026, 6, 30)}
        )
        self.assertNotIn(self.customer.id, set(run_b._mailings()["customer_id"]))

    def test_responder_rule(self):
        rule = self.env["crm.capture.rule"].create(
            {
                "name": "List clickers",
                "company_id": self.company.id,
                "mailing_ids": [(6, 0, self.mailing.ids)],
                "responder_action": "clicked",
            }
        )
        self.assertEqual(rule.action_run(), 1)
        self.assertEqual(rule.lead_ids.partner_id, self.person)
