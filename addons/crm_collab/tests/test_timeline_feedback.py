# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CollabCase


@tagged("crm_collab_timeline")
class TestTimeline(CollabCase):
    def test_timeline_filters_by_viewer(self):
        customer = self.north[0]
        customer.message_post(
            body="A internal chat", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Complaint",
                "description": "<p>x</p>",
                "company_id": self.company_a.id,
                "partner_id": customer.id,
            }
        )
        order = self.env["sale.order"].create(
            {"partner_id": customer.id, "company_id": self.company_a.id}
        )
        # A sees everything
        kinds_a = {
            e["kind"]
            for e in self.env["crm.collab.timeline"].with_user(self.user_a)._collect(customer)
        }
        self.assertTrue({"lead", "ticket", "order"} <= kinds_a)
        # B, with the partner and the tickets shared but not orders nor leads
        self.make_agreement()
        self.make_agreement(res_model="helpdesk.ticket", domain="[]")
        entries_b = (
            self.env["crm.collab.timeline"]
            .with_user(self.user_b)
            ._collect(customer.with_user(self.user_b))
        )
        refs_b = {(e["res_model"], e["res_id"]) for e in entries_b}
        self.assertIn(("helpdesk.ticket", ticket.id), refs_b)
        self.assertNotIn(("sale.order", order.id), refs_b)
        self.assertNotIn(("crm.lead", self.lead_north.id), refs_b)
        # C may not open the history of a partner it cannot read
        with self.assertRaises(AccessError):
            self.env["crm.collab.timeline"].with_user(self.user_c).build(
                customer.with_user(self.user_c)
            )
        # the action builds lines for the viewer
        action = customer.with_user(self.user_b).action_collab_timeline()
        lines = self.env["crm.collab.timeline"].with_user(self.user_b).search(action["domain"])
        self.assertEqual({(line.res_model, line.res_id) for line in lines}, refs_b)


@tagged("crm_collab_timeline")
class TestFeedbackRouting(CollabCase):
    def setUp(self):
        super().setUp()
        self.channel = self.env["discuss.channel"].create({"name": "Quality A"})

    def test_low_rating_routed(self):
        self.env["crm.collab.feedback.rule"].create(
            {
                "name": "Bad ratings to quality",
                "company_id": self.company_a.id,
                "trigger": "rating",
                "rating_max": 2,
                "channel_id": self.channel.id,
                "activity_user_id": self.user_a.id,
                "follower_partner_ids": [(6, 0, self.admin_a.partner_id.ids)],
            }
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Late",
                "description": "<p>late</p>",
                "company_id": self.company_a.id,
                "partner_id": self.north[0].id,
            }
        )
        before = len(self.channel.message_ids)
        rating = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "partner_id": self.north[0].id,
            }
        )
        self.assertEqual(
            len(self.channel.message_ids), before, "a requested rating is not feedback yet"
        )
        rating.write({"rating": 1, "consumed": True, "feedback": "awful"})
        self.assertEqual(len(self.channel.message_ids), before + 1)
        self.assertIn("awful", self.channel.message_ids[0].body)
        self.assertTrue(ticket.activity_ids.filtered(lambda a: a.user_id == self.user_a))
        self.assertIn(self.admin_a.partner_id, ticket.message_partner_ids)
        # a good rating is not routed
        rating2 = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "partner_id": self.north[0].id,
            }
        )
        rating2.write({"rating": 5, "consumed": True})
        self.assertEqual(len(self.channel.message_ids), before + 1)

    def test_complaint_ticket_to_partner_company(self):
        self.make_agreement()
        rule = self.make_feedback_rule()
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Complaint: broken",
                "description": "<p>x</p>",
                "company_id": self.company_a.id,
                "partner_id": self.north[0].id,
            }
        )
        # the agreement shares partners, not tickets: user_b could not open the ticket,
        # so no activity is assigned to them (crm_collab/tests/test_attack_conversation)
        self.assertFalse(ticket.activity_ids.filtered(lambda a: a.user_id == self.user_b))
        self.assertEqual(rule.routed_count, 1)
        other = self.env["helpdesk.ticket"].create(
            {"name": "Question", "description": "<p>x</p>", "company_id": self.company_a.id}
        )
        self.assertFalse(other.activity_ids)
        # a partner company without agreement cannot be a target
        with self.assertRaises(Exception):
            self.env["crm.collab.feedback.rule"].create(
                {
                    "name": "x",
                    "company_id": self.company_a.id,
                    "trigger": "ticket",
                    "target_company_id": self.company_c.id,
                }
            )

    def test_co_marketing_results_per_side(self):
        agreement = self.make_agreement()
        utm = self.env["utm.campaign"].create({"name": "Spring"})
        self.env["crm.lead"].create(
            [
                {"name": "a1", "company_id": self.company_a.id, "campaign_id": utm.id},
                {"name": "b1", "company_id": self.company_b.id, "campaign_id": utm.id},
                {"name": "b2", "company_id": self.company_b.id, "campaign_id": utm.id},
            ]
        )
        campaign = self.env["crm.collab.campaign"].create(
            {
                "name": "Spring together",
                "agreement_id": agreement.id,
                "campaign_id": utm.id,
                "date_end": date.today() + timedelta(days=30),
            }
        )
        camp_b = campaign.with_user(self.user_b)
        self.assertEqual((camp_b.owner_lead_count, camp_b.partner_lead_count), (0, 0))
        campaign.with_user(self.admin_a).action_accept()
        campaign.with_user(self.admin_b).action_accept()
        campaign.invalidate_recordset()
        self.assertEqual((camp_b.owner_lead_count, camp_b.partner_lead_count), (1, 2))
        self.assertFalse(self.env["crm.collab.campaign"].with_user(self.user_c).search([]))
