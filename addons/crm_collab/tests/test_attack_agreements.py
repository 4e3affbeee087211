# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #12: sharing without side doors, attacked through the real doors.

Users of the partner company B and of a third company C call ``/json/2/<model>/<method>``
with their API keys, and the web client's ``/web/dataset/call_kw`` and
``/web/dataset/call_button`` with a session. After each attack, the owner (company A)
reads back that nothing leaked and nothing changed.

* a write share hands over nothing but the fields it names (no ownership, no delete,
  not through Odoo's partner merge either);
* co-marketing figures need both companies' consent;
* agreements move only through their life cycle;
* shares follow their records at once.
"""

from datetime import date, timedelta

from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.crm_ops.tests.common import SALESMAN

from .test_http import Json2Case


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackAgreements(Json2Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_c = cls.env["crm.lead"].create(
            {
                "name": "C secret deal",
                "type": "opportunity",
                "company_id": cls.company_c.id,
                "expected_revenue": 9000,
            }
        )

    def json2(self, key, model, method, payload):
        # an API key call carries no web session cookie (the server refuses a session of
        # another user next to the key); the session doors authenticate again
        self.opener.cookies.clear()
        return super().json2(key, model, method, payload)

    def call_kw(self, model, method, args, kwargs=None, route="call_kw"):
        path = (
            f"/web/dataset/{route}/{model}/{method}"
            if route == "call_kw"
            else f"/web/dataset/{route}"
        )
        return self.make_jsonrpc_request(
            path, {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}
        )

    def assert_refused(self, res, *codes):
        self.assertIn(res.status_code, codes or (403, 422), res.text)

    # ------------------------------------------------------------------ 5
    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.json2")
    def test_write_share_hands_over_no_ownership(self):
        """Issue 5: with a read-and-write share naming the phone only, B changes the phone
        of A's shared contact and lead, and nothing else: not their company, not another
        field, no delete, and not through Odoo's partner merge (which runs as superuser)."""
        self.make_agreement(
            access="write", write_field_ids=self.write_fields("res.partner", ["phone"])
        )
        self.make_agreement(
            res_model="crm.lead",
            domain=f"[('id', '=', {self.lead_north.id})]",
            access="write",
            write_field_ids=self.write_fields("crm.lead", ["expected_revenue"]),
        )
        key = self.api_key(self.user_b)
        target = self.north[0]
        # the named field: allowed
        self.json2_ok(key, "res.partner", "write", {"ids": target.ids, "vals": {"phone": "+32 1"}})
        # ownership, through JSON-2 and the web client
        res = self.json2(
            key,
            "res.partner",
            "write",
            {"ids": target.ids, "vals": {"company_id": self.company_b.id}},
        )
        self.assert_refused(res)
        res = self.json2(
            key,
            "crm.lead",
            "write",
            {"ids": self.lead_north.ids, "vals": {"company_id": self.company_b.id}},
        )
        self.assert_refused(res)
        # a field the share does not name, archiving, deleting
        for vals in ({"name": "Renamed by B"}, {"email": "b@example.com"}, {"active": False}):
            self.assert_refused(
                self.json2(key, "res.partner", "write", {"ids": target.ids, "vals": vals})
            )
        self.assert_refused(self.json2(key, "res.partner", "unlink", {"ids": target.ids}))
        self.json2_ok(
            key,
            "crm.lead",
            "write",
            {"ids": self.lead_north.ids, "vals": {"expected_revenue": 1100}},
        )
        self.authenticate("user_b", "user_b")
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "crm.lead",
                "web_save",
                [self.lead_north.ids, {"company_id": self.company_b.id}],
                {"specification": {"name": {}}},
            )
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "crm.lead", "merge_opportunity", [[self.lead_north.id, self.lead_south.id]]
            )
        # Odoo's partner merge, by a B user allowed to merge contacts: A's contact is
        # neither merged into B's nor deleted
        merger = self._create_company_user(
            "merger_b", self.company_b, f"base.group_partner_manager,{SALESMAN}"
        )
        self.assertTrue(merger)
        self.authenticate("merger_b", "merger_b")
        wizard_id = self.call_kw(
            "base.partner.merge.automatic.wizard",
            "create",
            [
                {
                    "partner_ids": [(6, 0, [target.id, self.b_partner.id])],
                    "dst_partner_id": self.b_partner.id,
                    "state": "selection",
                }
            ],
            {"context": {"active_model": "res.partner", "active_ids": []}},
        )
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "base.partner.merge.automatic.wizard",
                "action_merge",
                [[wizard_id]],
                route="call_button",
            )
        # A reads back: its contact and lead are still its own, unchanged but the phone
        # and the expected revenue the share named
        target.invalidate_recordset()
        self.lead_north.invalidate_recordset()
        as_a = self.env["res.partner"].with_user(self.user_a)
        [row] = as_a.browse(target.id).read(["name", "company_id", "email", "active", "phone"])
        self.assertEqual(row["company_id"][0], self.company_a.id)
        self.assertEqual(row["name"], "North customer 0")
        self.assertFalse(row["email"])
        self.assertTrue(row["active"])
        self.assertEqual(row["phone"], "+32 1")
        lead = self.env["crm.lead"].with_user(self.user_a).browse(self.lead_north.id)
        self.assertEqual(lead.company_id, self.company_a)
        self.assertEqual(lead.expected_revenue, 1100)
        self.assertTrue(self.lead_south.exists())
        self.assertTrue(self.b_partner.exists())

    # ------------------------------------------------------------------ 6
    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.json2")
    def test_co_marketing_needs_consent(self):
        """Issue 6: B's sharing administrator, with a draft agreement naming A (or C),
        never proposed nor accepted, reads nothing of their campaign results; with an
        active agreement, only a campaign both accepted, within its dates, gives them."""
        utm = self.env["utm.campaign"].create({"name": "Spring"})
        self.env["crm.lead"].create(
            [
                {"name": "A spring 1", "company_id": self.company_a.id, "campaign_id": utm.id},
                {"name": "A spring 2", "company_id": self.company_a.id, "campaign_id": utm.id},
                {"name": "C spring", "company_id": self.company_c.id, "campaign_id": utm.id},
            ]
        )
        key = self.api_key(self.admin_b)
        end = str(date.today() + timedelta(days=30))
        for victim in (self.company_a, self.company_c):
            res = self.json2(
                key,
                "crm.collab.agreement",
                "create",
                {
                    "vals_list": [
                        {
                            "name": "draft naming the victim",
                            "owner_company_id": self.company_b.id,
                            "partner_company_id": victim.id,
                            "res_model": "crm.lead",
                        }
                    ]
                },
            )
            self.assertEqual(res.status_code, 200, res.text)
            [draft_id] = res.json()
            res = self.json2(
                key,
                "crm.collab.campaign",
                "create",
                {
                    "vals_list": [
                        {
                            "name": "probe",
                            "agreement_id": draft_id,
                            "campaign_id": utm.id,
                            "date_end": end,
                        }
                    ]
                },
            )
            if res.status_code == 200:  # never on the fixed code: read what it gives
                rows = self.json2_ok(
                    key,
                    "crm.collab.campaign",
                    "read",
                    {"ids": res.json(), "fields": ["partner_lead_count"]},
                )
                self.assertEqual(rows[0]["partner_lead_count"], 0, "figures without consent")
            self.assert_refused(res)
        # an active agreement between A and B: the figures wait for both acceptances
        agreement = self.make_agreement(res_model="crm.lead", domain="[('id', '=', 0)]")
        [campaign_id] = self.json2_ok(
            key,
            "crm.collab.campaign",
            "create",
            {
                "vals_list": [
                    {
                        "name": "Spring AB",
                        "agreement_id": agreement.id,
                        "campaign_id": utm.id,
                        "date_end": end,
                    }
                ]
            },
        )
        fields = ["owner_lead_count", "partner_lead_count", "state"]
        # B cannot accept for A, nor pre-accept through the values or the context
        res = self.json2(
            key,
            "crm.collab.campaign",
            "write",
            {"ids": [campaign_id], "vals": {"owner_accepted_by_id": self.admin_b.id}},
        )
        self.assert_refused(res)
        self.json2_ok(key, "crm.collab.campaign", "action_accept", {"ids": [campaign_id]})
        [row] = self.json2_ok(
            key, "crm.collab.campaign", "read", {"ids": [campaign_id], "fields": fields}
        )
        self.assertEqual((row["state"], row["owner_lead_count"]), ("draft", 0))
        self.json2_ok(
            self.api_key(self.admin_a),
            "crm.collab.campaign",
            "action_accept",
            {"ids": [campaign_id]},
        )
        [row] = self.json2_ok(
            key, "crm.collab.campaign", "read", {"ids": [campaign_id], "fields": fields}
        )
        self.assertEqual((row["state"], row["owner_lead_count"]), ("accepted", 2))
        # moving the dates asks both sides again
        self.json2_ok(
            key,
            "crm.collab.campaign",
            "write",
            {"ids": [campaign_id], "vals": {"date_end": str(date.today() + timedelta(days=60))}},
        )
        [row] = self.json2_ok(
            key, "crm.collab.campaign", "read", {"ids": [campaign_id], "fields": fields}
        )
        self.assertEqual((row["state"], row["owner_lead_count"]), ("draft", 0))
        # A reads back: its leads are untouched, and no campaign gives C's figures to B
        self.assertEqual(
            self.env["crm.lead"]
            .with_user(self.user_a)
            .search_count([("campaign_id", "=", utm.id)]),
            2,
        )
        campaigns = self.env["crm.collab.campaign"].search([("campaign_id", "=", utm.id)])
        self.assertEqual(campaigns.agreement_id, agreement)

    # ------------------------------------------------------------------ 9
    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.json2")
    def test_agreements_keep_their_life_cycle(self):
        """Issue 9: B creates an agreement already active, or pre-activated through the
        context, or moves a draft's owner to C (with ``tracking_disable``) to read C's
        leads; A widens an active agreement without B's new acceptance, or mixes a
        definition change with the state."""
        key = self.api_key(self.admin_b)
        base = {
            "name": "B shares itself",
            "owner_company_id": self.company_b.id,
            "partner_company_id": self.company_a.id,
            "res_model": "crm.lead",
            "domain": "[]",
            "access_level": "read",
        }
        res = self.json2(
            key, "crm.collab.agreement", "create", {"vals_list": [{**base, "state": "active"}]}
        )
        self.assert_refused(res)
        res = self.json2(
            key,
            "crm.collab.agreement",
            "create",
            {"vals_list": [base], "context": {"default_state": "active"}},
        )
        self.assert_refused(res)
        [draft_id] = self.json2_ok(key, "crm.collab.agreement", "create", {"vals_list": [base]})
        res = self.json2(
            key,
            "crm.collab.agreement",
            "write",
            {
                "ids": [draft_id],
                "vals": {
                    "owner_company_id": self.company_c.id,
                    "partner_company_id": self.company_b.id,
                },
                "context": {"tracking_disable": True},
            },
        )
        self.assert_refused(res)
        res = self.json2(
            key,
            "crm.collab.agreement",
            "write",
            {"ids": [draft_id], "vals": {"domain": "[('id', '>', 0)]", "state": "active"}},
        )
        self.assert_refused(res)
        # B reads none of C's leads
        rows = self.json2_ok(
            self.api_key(self.user_b),
            "crm.lead",
            "search_read",
            {"domain": [["id", "=", self.lead_c.id]], "fields": ["name"]},
        )
        self.assertEqual(rows, [])
        draft = self.env["crm.collab.agreement"].browse(draft_id)
        self.assertEqual((draft.state, draft.owner_company_id), ("draft", self.company_b))

        # A's active agreement widened through the web client goes back for acceptance
        agreement = self.make_agreement(
            res_model="crm.lead", domain=f"[('id', '=', {self.lead_north.id})]"
        )
        self.authenticate("admin_a", "admin_a")
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "crm.collab.agreement",
                "web_save",
                [agreement.ids, {"domain": "[]", "state": "active"}],
                {"specification": {"state": {}}},
            )
        self.call_kw(
            "crm.collab.agreement",
            "web_save",
            [agreement.ids, {"domain": "[('company_id', '!=', False)]"}],
            {"specification": {"state": {}}, "context": {"tracking_disable": True}},
        )
        agreement.invalidate_recordset()
        self.assertEqual(agreement.state, "proposed")
        rows = self.json2_ok(
            self.api_key(self.user_b),
            "crm.lead",
            "search_read",
            {"domain": [["id", "in", (self.lead_north | self.lead_south).ids]], "fields": ["name"]},
        )
        self.assertEqual(rows, [], "nothing shared until B accepts the wider agreement")
        actions = agreement.audit_ids.sorted("id").mapped("action")
        self.assertEqual(actions[-2:], ["change", "propose"])
        # B accepts through the form's button: the wider share applies
        self.authenticate("admin_b", "admin_b")
        self.call_kw("crm.collab.agreement", "action_accept", [agreement.ids], route="call_button")
        self.assertEqual(agreement.state, "active")
        # A reads back: C's lead is C's, and the agreements are where their life cycle put them
        self.assertEqual(self.lead_c.company_id, self.company_c)
        self.assertEqual(
            self.env["crm.collab.agreement"].search_count(
                [("owner_company_id", "=", self.company_c.id)]
            ),
            0,
        )

    # ------------------------------------------------------------------ follow
    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.json2")
    def test_shares_follow_their_records(self):
        """A record that leaves the agreement's domain or the owner company is no longer
        shared at once (not at the next hourly refresh), whoever changed it."""
        self.make_agreement(
            access="write", write_field_ids=self.write_fields("res.partner", ["phone"])
        )
        self.make_agreement(
            res_model="crm.lead",
            domain="[('expected_revenue', '>=', 1000)]",
            access="write",
            write_field_ids=self.write_fields("crm.lead", ["expected_revenue"]),
        )
        key = self.api_key(self.user_b)
        leaving, moving = self.north[0], self.north[1]
        self.assertEqual(
            len(
                self.json2_ok(
                    key, "res.partner", "search", {"domain": [["id", "in", self.north.ids]]}
                )
            ),
            3,
        )
        # A takes the tag off one contact through the web client
        self.authenticate("user_a", "user_a")
        self.call_kw("res.partner", "write", [leaving.ids, {"category_id": [(5, 0, 0)]}])
        # A's manager, also in company C, moves another one to C
        manager = self._create_company_user(
            "manager_ac",
            self.company_a,
            "base.group_user,base.group_partner_manager",
            extra_companies=self.company_c,
        )
        self.assertTrue(manager)
        self.authenticate("manager_ac", "manager_ac")
        self.call_kw(
            "res.partner",
            "write",
            [moving.ids, {"company_id": self.company_c.id}],
            {"context": {"allowed_company_ids": (self.company_a | self.company_c).ids}},
        )
        found = self.json2_ok(
            key, "res.partner", "search", {"domain": [["id", "in", self.north.ids]]}
        )
        self.assertEqual(found, self.north[2].ids)
        self.assert_refused(
            self.json2(key, "res.partner", "read", {"ids": moving.ids, "fields": ["name"]}), 403
        )
        self.assert_refused(
            self.json2(key, "res.partner", "write", {"ids": leaving.ids, "vals": {"phone": "1"}}),
            403,
        )
        # B itself lowers the lead's revenue under the domain: the lead leaves B at once
        self.json2_ok(
            key, "crm.lead", "write", {"ids": self.lead_north.ids, "vals": {"expected_revenue": 10}}
        )
        self.assertEqual(
            self.json2_ok(key, "crm.lead", "search", {"domain": [["id", "=", self.lead_north.id]]}),
            [],
        )
        # and in the same transaction, in the ORM
        self.north[2].with_user(self.user_a).write({"category_id": [(5, 0, 0)]})
        self.assertFalse(
            self.env["res.partner"].with_user(self.user_b).search([("id", "in", self.north.ids)])
        )
        # A reads back: the records are where A put them, B changed nothing else
        self.assertEqual(moving.company_id, self.company_c)
        self.assertEqual(leaving.company_id, self.company_a)
        self.assertFalse(leaving.phone)
        self.assertEqual(self.lead_north.expected_revenue, 10)
        self.assertEqual(self.lead_north.company_id, self.company_a)
