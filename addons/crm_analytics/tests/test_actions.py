# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import CrmAnalyticsCommon


@tagged("crm_analytics_actions")
class TestActions(CrmAnalyticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.analytics_run = cls.env["crm.analytics.run"].create({"company_id": cls.company.id})
        cls.analytics_run._run_all()

    def test_segment_to_mailing(self):
        Metric = self.env["crm.customer.metric"]
        segment = Metric._read_group([], ["segment"], ["__count"], order="__count desc")[0][0]
        metrics = Metric.search([("segment", "=", segment)])
        action = metrics.action_create_mailing()
        mailing = self.env["mailing.mailing"].browse(action["res_id"])
        self.assertEqual(mailing.mailing_model_real, "res.partner")
        recipients = self.env["res.partner"].browse(mailing._get_recipients())
        self.assertEqual(recipients, metrics.partner_id)
        self.assertIn(dict(Metric._fields["segment"].selection)[segment], mailing.subject)

    def test_crm_segment_domain_for_followups(self):
        """crm_ops conditions use a domain on res.partner.crm_segment."""
        metric = self.env["crm.customer.metric"].search([], limit=1)
        contact = self.env["res.partner"].create(
            {"name": "Buyer contact", "parent_id": metric.partner_id.id}
        )
        self.analytics_run._stage_publish()  # re-sync: contacts take their company's segment
        found = self.env["res.partner"].search([("crm_segment", "=", metric.segment)])
        self.assertIn(metric.partner_id, found)
        self.assertIn(contact, found)

    def test_propensity_list_to_leads(self):
        metrics = self.env["crm.customer.metric"].search(
            [], order="churn_probability desc", limit=5
        )
        existing = self.env["crm.lead"].create(
            {"name": "Open deal", "partner_id": metrics[0].partner_id.id, "type": "opportunity"}
        )
        action = metrics.action_create_leads()
        leads = self.env["crm.lead"].search(action["domain"])
        self.assertEqual(len(leads), 4)
        self.assertEqual(leads.partner_id, metrics[1:].partner_id)
        self.assertNotIn(existing, leads)
        # Twice: no duplicate for partners that now have an open lead.
        again = self.env["crm.lead"].search(metrics.action_create_leads()["domain"])
        self.assertFalse(again)
