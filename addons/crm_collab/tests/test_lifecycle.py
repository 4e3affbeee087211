# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CollabCase


@tagged("crm_collab_agreement")
class TestLifecycle(CollabCase):
    def test_full_life_cycle_and_audit(self):
        agreement = self.make_agreement(activate=False)
        self.assertEqual(agreement.state, "draft")
        self.assertEqual(agreement.share_count, 0)
        agreement.action_propose()
        self.assertEqual(agreement.state, "proposed")
        self.assertEqual(agreement.share_count, 0, "nothing is shared before acceptance")
        agreement.with_user(self.admin_b).action_accept()
        self.assertEqual(agreement.state, "active")
        self.assertEqual(agreement.share_count, 3)
        self.assertEqual(agreement.accepted_by_id, self.admin_b)
        agreement.with_user(self.admin_b).action_suspend()
        self.assertEqual(agreement.state, "suspended")
        self.assertEqual(agreement.share_count, 0)
        agreement.with_user(self.admin_a).action_propose()
        agreement.with_user(self.admin_b).action_accept()
        self.assertEqual(agreement.share_count, 3)
        agreement.with_user(self.admin_a).action_revoke()
        self.assertEqual(agreement.state, "revoked")
        self.assertEqual(agreement.share_count, 0)
        self.assertEqual(agreement.revoked_by_id, self.admin_a)
        audit = self.env["crm.collab.audit"].search([("agreement_id", "=", agreement.id)])
        actions = audit.sorted("id").mapped("action")
        self.assertEqual(
            actions, ["create", "propose", "accept", "suspend", "propose", "accept", "revoke"]
        )
        self.assertEqual(audit.filtered(lambda a: a.action == "accept").user_id, self.admin_b)
        self.assertTrue(agreement.message_ids, "the chatter keeps the history too")
        with self.assertRaises(UserError):
            agreement.with_user(self.admin_b).action_revoke()

    def test_only_the_right_side_acts(self):
        agreement = self.make_agreement(activate=False)
        with self.assertRaises(AccessError):
            agreement.with_user(self.admin_b).action_propose()
        agreement.action_propose()
        with self.assertRaises(AccessError):
            agreement.with_user(self.admin_a).action_accept()
        with self.assertRaises(AccessError):
            agreement.with_user(self.user_b).action_accept()  # not a sharing administrator
        with self.assertRaises(AccessError):
            agreement.with_user(self.admin_c).action_accept()
        agreement.with_user(self.admin_b).action_accept()
        self.assertEqual(agreement.state, "active")

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_third_company_cannot_touch(self):
        agreement = self.make_agreement()
        as_c = agreement.with_user(self.admin_c)
        with self.assertRaises(AccessError):
            as_c.read(["name"])
        with self.assertRaises(AccessError):
            as_c.action_revoke()
        with self.assertRaises(AccessError):
            as_c.write({"domain": "[]"})
        self.assertFalse(
            self.env["crm.collab.agreement"]
            .with_user(self.admin_c)
            .search([("id", "=", agreement.id)])
        )
        # nor can C create an agreement in A's name, nor B widen A's agreement
        with self.assertRaises(AccessError):
            self.env["crm.collab.agreement"].with_user(self.admin_c).create(
                {
                    "name": "steal",
                    "owner_company_id": self.company_a.id,
                    "partner_company_id": self.company_c.id,
                    "domain": "[]",
                }
            )
        with self.assertRaises(AccessError):
            agreement.with_user(self.admin_b).write({"domain": "[]"})
        with self.assertRaises(AccessError):
            agreement.with_user(self.admin_b).write({"state": "active"})
        with self.assertRaises(AccessError):
            self.env["crm.collab.audit"].with_user(self.admin_a).search([], limit=1).unlink()

    def test_owner_change_refreshes_and_is_audited(self):
        agreement = self.make_agreement()
        self.assertEqual(agreement.share_count, 3)
        agreement.with_user(self.admin_a).write({"domain": "[('name', 'ilike', 'customer')]"})
        self.assertIn("change", agreement.audit_ids.mapped("action"))
        # a wider domain needs the partner's acceptance again: nothing shared until then
        self.assertEqual(agreement.state, "proposed")
        self.assertEqual(agreement.share_count, 0)
        agreement.with_user(self.admin_b).action_accept()
        self.assertEqual(agreement.share_count, 5)

    def test_constraints(self):
        with self.assertRaises(ValidationError):
            self.make_agreement(res_model="sale.order", domain="[]", access="write", activate=False)
        with self.assertRaises(ValidationError):
            self.make_agreement(res_model="res.partner", access="handoff", activate=False)
        with self.assertRaises(ValidationError):
            self.make_agreement(domain="[('no_such_field', '=', 1)]", activate=False)

    def test_expiry_cron(self):
        agreement = self.make_agreement(date_end="2020-01-01", activate=False)
        agreement.action_propose()
        with self.assertRaises(UserError):
            agreement.with_user(self.admin_b).action_accept()
        agreement2 = self.make_agreement()
        agreement2.sudo().date_end = "2020-01-01"
        # as the scheduler runs it: the cron's code string, through its server action
        cron = self.env.ref("crm_collab.ir_cron_collab_refresh")
        self.assertTrue(cron.active)
        cron.ir_actions_server_id.with_user(cron.user_id).run()
        self.assertEqual(agreement2.state, "expired")
        self.assertEqual(agreement2.share_count, 0)
        self.assertIn("expire", agreement2.audit_ids.mapped("action"))
