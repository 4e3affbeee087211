# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CollabCase


@tagged("crm_collab_handoff")
class TestHandoff(CollabCase):
    def setUp(self):
        super().setUp()
        self.agreement = self.make_handoff_agreement()

    def handoff(self):
        wizard = (
            self.env["crm.collab.handoff.wizard"]
            .with_user(self.user_a)
            .with_context(active_model="crm.lead", active_ids=self.lead_north.ids)
            .create({"agreement_id": self.agreement.id})
        )
        wizard.action_handoff()
        return self.lead_north.collab_handoff_ids

    def test_handoff_and_sync_back(self):
        copy = self.handoff()
        self.assertEqual(len(copy), 1)
        self.assertEqual(copy.company_id, self.company_b)
        self.assertEqual(copy.expected_revenue, 1000)
        self.assertFalse(copy.description, "the owner's internal notes are not handed off")
        self.assertEqual(self.lead_north.collab_partner_result, "pending")
        self.assertIn("handoff", self.agreement.audit_ids.mapped("action"))
        self.assertEqual(self.agreement.handoff_count, 1)
        # the partner works it in its own pipeline
        copy_b = copy.with_user(self.user_b)
        stage = self.env["crm.stage"].search(
            [("is_won", "=", False)], order="sequence desc", limit=1
        )
        copy_b.write(
            {
                "stage_id": stage.id,
                "expected_revenue": 1500,
                "description": "B internal: customer is cheap",
            }
        )
        self.assertEqual(self.lead_north.collab_partner_stage, stage.name)
        self.assertEqual(self.lead_north.collab_partner_revenue, 1500)
        copy_b.action_set_won()
        self.assertEqual(self.lead_north.collab_partner_result, "won")
        self.assertIn("sync", self.agreement.audit_ids.mapped("action"))
        # the owner sees the outcome but not the partner's notes
        with self.assertRaises(AccessError):
            copy.with_user(self.user_a).read(["description"])
        self.assertNotIn("cheap", " ".join(self.lead_north.message_ids.mapped("body")))

    def test_lost_flows_back(self):
        copy = self.handoff()
        copy.with_user(self.user_b).action_set_lost()
        self.assertEqual(self.lead_north.collab_partner_result, "lost")

    def test_handoff_guards(self):
        with self.assertRaises(UserError):  # not in the agreement's domain
            self.lead_south.with_user(self.user_a)._collab_handoff(self.agreement)
        with self.assertRaises(AccessError):  # B cannot hand off A's lead
            self.lead_north.with_user(self.user_b)._collab_handoff(self.agreement)
        self.handoff()
        with self.assertRaises(UserError):  # twice
            self.lead_north.with_user(self.user_a)._collab_handoff(self.agreement)
        self.agreement.with_user(self.admin_b).action_suspend()
        with self.assertRaises(UserError):
            self.lead_south.with_user(self.user_a)._collab_handoff(self.agreement)

    def test_partner_cannot_forge_a_sync_link(self):
        """B may not point its own lead at any A lead to write on it through the sync."""
        own = (
            self.env["crm.lead"]
            .with_user(self.user_b)
            .create({"name": "B lead", "company_id": self.company_b.id})
        )
        with self.assertRaises(AccessError):
            own.write({"collab_origin_lead_id": self.lead_south.id})
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.user_b).create(
                {
                    "name": "forged",
                    "company_id": self.company_b.id,
                    "collab_origin_lead_id": self.lead_south.id,
                }
            )
        with self.assertRaises(AccessError):
            self.lead_north.with_user(self.user_b).write({"collab_partner_result": "won"})
        self.assertFalse(self.lead_south.collab_partner_result)

    def test_forecast_seen_by_both_sides(self):
        self.handoff()
        for user in (self.user_a, self.user_b):
            rows = (
                self.env["crm.collab.forecast"]
                .with_user(user)
                .search([("agreement_id", "=", self.agreement.id)])
            )
            self.assertEqual(
                sum(rows.mapped("expected_revenue")),
                2000,
                "the shared original and the handed-off copy",
            )
        self.assertFalse(self.env["crm.collab.forecast"].with_user(self.user_c).search([]))
