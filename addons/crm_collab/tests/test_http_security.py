# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks through the external API (``/json/2`` with a company-B user's API key):
private fields as an oracle, the shared forecast and co-marketing campaigns of other
companies, the partner-company picker, and the rule right after accept and revoke."""

from datetime import date, timedelta

from odoo.tests import tagged

from .test_http import Json2Case

PICK = {"collab_partner_company_pick": True}


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_http")
class TestHttpPrivateOracle(Json2Case):
    def test_sort_filter_group_on_private_fields(self):
        self.make_agreement(access="write")
        self.make_agreement(res_model="crm.lead", domain=f"[('id', '=', {self.lead_north.id})]")
        key = self.api_key(self.user_b)
        ids = self.north.ids
        for order in ("comment asc, id", "comment desc, id"):
            rows = self.json2_ok(
                key,
                "res.partner",
                "search_read",
                {"domain": [["id", "in", ids]], "fields": ["name"], "order": order},
            )
            self.assertEqual([r["id"] for r in rows], sorted(ids), order)
            web = self.json2_ok(
                key,
                "res.partner",
                "web_search_read",
                {"domain": [["id", "in", ids]], "specification": {"name": {}}, "order": order},
            )
            self.assertEqual([r["id"] for r in web["records"]], sorted(ids), order)
        for value in ("A", "A secret note 1", "z"):
            for operator in (">", "<", "ilike"):
                found = self.json2_ok(
                    key,
                    "res.partner",
                    "search",
                    {"domain": [["id", "in", ids], ["comment", operator, value]]},
                )
                self.assertEqual(found, [], f"comment {operator} {value!r}")
        self.assertEqual(
            self.json2_ok(
                key, "res.partner", "search_count", {"domain": [["comment", "ilike", "secret"]]}
            ),
            0,
        )
        # group by a private field, here and through the lead's customer
        groups = self.json2_ok(
            key,
            "res.partner",
            "formatted_read_group",
            {"domain": [["id", "in", ids]], "groupby": ["comment"], "aggregates": ["__count"]},
        )
        self.assertNotIn("secret", str(groups))
        lead_domain = [["id", "=", self.lead_north.id]]
        for groupby in (["partner_id.comment"], ["description"]):
            groups = self.json2_ok(
                key,
                "crm.lead",
                "formatted_read_group",
                {"domain": lead_domain, "groupby": groupby, "aggregates": ["__count"]},
            )
            self.assertNotIn("secret", str(groups))
            self.assertNotIn("margin", str(groups))
        groups = self.json2_ok(
            key,
            "crm.lead",
            "formatted_read_group",
            {
                "domain": lead_domain,
                "groupby": ["stage_id"],
                "aggregates": ["description:max", "__count"],
                "order": "description:max desc",
            },
        )
        self.assertNotIn("margin", str(groups))
        self.assertEqual(sum(g["__count"] for g in groups), 1, "the lead itself is shared")
        sets = self.json2_ok(
            key,
            "crm.lead",
            "formatted_read_grouping_sets",
            {
                "domain": lead_domain,
                "grouping_sets": [["description"], ["partner_id.comment"]],
                "aggregates": ["description:max"],
            },
        )
        self.assertNotIn("margin", str(sets))
        self.assertNotIn("secret", str(sets))
        rows = self.json2_ok(
            key,
            "crm.lead",
            "search_read",
            {"domain": [["partner_id.comment", "ilike", "secret"]], "fields": ["name"]},
        )
        self.assertEqual(rows, [])
        export = self.json2_ok(
            key,
            "crm.lead",
            "export_data",
            {"ids": self.lead_north.ids, "fields_to_export": ["name", "partner_id/comment"]},
        )
        self.assertEqual(export["datas"], [["North deal", ""]])
        # the owner's key still finds, sorts and groups by them
        key_a = self.api_key(self.user_a)
        rows = self.json2_ok(
            key_a,
            "res.partner",
            "search_read",
            {"domain": [["id", "in", ids]], "fields": ["name"], "order": "comment desc, id"},
        )
        self.assertEqual([r["id"] for r in rows], ids[::-1])


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_http")
class TestHttpForecastCampaign(Json2Case):
    """B reads the forecast and co-marketing campaigns of the agreements it is party
    to, and nothing of those between A and C."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ab = cls.make_agreement(
            res_model="crm.lead", domain=f"[('id', '=', {cls.lead_north.id})]"
        )
        cls.ac = cls.make_agreement(
            res_model="crm.lead",
            domain=f"[('id', '=', {cls.lead_south.id})]",
            partner_company_id=cls.company_c.id,
            activate=False,
        )
        cls.ac.action_propose()
        cls.ac.with_user(cls.admin_c).action_accept()
        utm = cls.env["utm.campaign"].create([{"name": "Spring AB"}, {"name": "Spring AC"}])
        Campaign = cls.env["crm.collab.campaign"]
        end = date.today() + timedelta(days=30)
        cls.campaign_ab = Campaign.create(
            {
                "name": "Co-marketing AB",
                "agreement_id": cls.ab.id,
                "campaign_id": utm[0].id,
                "date_end": end,
            }
        )
        cls.campaign_ac = Campaign.create(
            {
                "name": "Co-marketing AC",
                "agreement_id": cls.ac.id,
                "campaign_id": utm[1].id,
                "date_end": end,
            }
        )
        Forecast = cls.env["crm.collab.forecast"]
        cls.forecast_ab = Forecast.search([("agreement_id", "=", cls.ab.id)])
        cls.forecast_ac = Forecast.search([("agreement_id", "=", cls.ac.id)])

    def test_setup(self):
        self.assertEqual(self.ac.state, "active")
        self.assertEqual(len(self.forecast_ab), 1)
        self.assertEqual(len(self.forecast_ac), 1)
        self.assertEqual(self.forecast_ac.partner_company_id, self.company_c)

    def test_forecast(self):
        key = self.api_key(self.user_b)
        rows = self.json2_ok(
            key,
            "crm.collab.forecast",
            "search_read",
            {"domain": [], "fields": ["agreement_id", "expected_revenue"]},
        )
        self.assertEqual({r["agreement_id"][0] for r in rows}, {self.ab.id})
        self.assertEqual(sum(r["expected_revenue"] for r in rows), 1000)
        groups = self.json2_ok(
            key,
            "crm.collab.forecast",
            "formatted_read_group",
            {"domain": [], "groupby": ["agreement_id"], "aggregates": ["expected_revenue:sum"]},
        )
        self.assertEqual([g["agreement_id"][0] for g in groups], [self.ab.id])
        self.assertEqual(groups[0]["expected_revenue:sum"], 1000)
        self.assertEqual(
            self.json2_ok(
                key,
                "crm.collab.forecast",
                "search_count",
                {"domain": [["partner_company_id", "=", self.company_c.id]]},
            ),
            0,
        )
        res = self.json2(
            key,
            "crm.collab.forecast",
            "read",
            {"ids": self.forecast_ac.ids, "fields": ["expected_revenue"]},
        )
        self.assertEqual(res.status_code, 403, res.text)
        res = self.json2(
            key,
            "crm.collab.forecast",
            "write",
            {"ids": self.forecast_ab.ids, "vals": {"expected_revenue": 1}},
        )
        self.assertEqual(res.status_code, 403, res.text)
        # C sees its own row only
        rows = self.json2_ok(
            self.api_key(self.user_c),
            "crm.collab.forecast",
            "search_read",
            {"domain": [], "fields": ["agreement_id"]},
        )
        self.assertEqual({r["agreement_id"][0] for r in rows}, {self.ac.id})

    def test_campaigns(self):
        key = self.api_key(self.user_b)
        rows = self.json2_ok(
            key, "crm.collab.campaign", "search_read", {"domain": [], "fields": ["name"]}
        )
        self.assertEqual([r["id"] for r in rows], self.campaign_ab.ids)
        res = self.json2(
            key, "crm.collab.campaign", "read", {"ids": self.campaign_ac.ids, "fields": ["name"]}
        )
        self.assertEqual(res.status_code, 403, res.text)
        # B's sharing administrator may edit the campaign of its agreement...
        admin_key = self.api_key(self.admin_b)
        self.json2_ok(
            admin_key,
            "crm.collab.campaign",
            "write",
            {"ids": self.campaign_ab.ids, "vals": {"name": "Co-marketing AB (B)"}},
        )
        self.assertEqual(self.campaign_ab.name, "Co-marketing AB (B)")
        # ...not the one of A and C, nor create one on it, nor delete it
        res = self.json2(
            admin_key,
            "crm.collab.campaign",
            "write",
            {"ids": self.campaign_ac.ids, "vals": {"name": "hijacked"}},
        )
        self.assertEqual(res.status_code, 403, res.text)
        res = self.json2(
            admin_key,
            "crm.collab.campaign",
            "create",
            {
                "vals_list": [
                    {
                        "name": "Squat",
                        "agreement_id": self.ac.id,
                        "campaign_id": self.campaign_ac.campaign_id.id,
                        "date_end": str(date.today() + timedelta(days=30)),
                    }
                ]
            },
        )
        self.assertEqual(res.status_code, 403, res.text)
        res = self.json2(admin_key, "crm.collab.campaign", "unlink", {"ids": self.campaign_ac.ids})
        self.assertEqual(res.status_code, 403, res.text)
        self.assertEqual(self.campaign_ac.name, "Co-marketing AC")
        self.assertEqual(
            self.env["crm.collab.campaign"].search_count([("agreement_id", "=", self.ac.id)]), 1
        )
        # and the agreement of A and C stays out of B's reach
        res = self.json2(
            admin_key, "crm.collab.agreement", "read", {"ids": self.ac.ids, "fields": ["name"]}
        )
        self.assertEqual(res.status_code, 403, res.text)
        res = self.json2(admin_key, "crm.collab.agreement", "action_suspend", {"ids": self.ac.ids})
        self.assertEqual(res.status_code, 403, res.text)
        self.assertEqual(self.ac.state, "active")


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_http")
class TestHttpCompanyPick(Json2Case):
    """A Sharing Administrator without the Access Rights group picks the partner
    company among all companies: names only, nothing else of the others."""

    def test_admin_is_no_erp_manager(self):
        for user in (self.admin_a, self.admin_b):
            self.assertFalse(user.has_group("base.group_erp_manager"))
            self.assertFalse(user.has_group("base.group_system"))

    def test_pick_names_only(self):
        self.company_a.write({"email": "ceo@owner-a.example", "vat": "BE0123456789"})
        key = self.api_key(self.admin_b)
        found = self.json2_ok(
            key,
            "res.company",
            "web_name_search",
            {
                "name": "Owner A",
                "specification": {"display_name": {}, "email": {}, "vat": {}},
                "context": PICK,
            },
        )
        self.assertEqual([r["id"] for r in found], self.company_a.ids)
        self.assertEqual(found[0]["display_name"], "Owner A")
        self.assertLessEqual(set(found[0]), {"id", "display_name", "__formatted_display_name"})
        self.assertNotIn("owner-a.example", str(found))
        pairs = self.json2_ok(key, "res.company", "name_search", {"name": "", "context": PICK})
        self.assertLessEqual(
            {self.company_a.id, self.company_b.id, self.company_c.id}, {p[0] for p in pairs}
        )
        # only by name and id: another field can not be probed
        for domain in ([["email", "ilike", "owner-a"]], [["vat", "=like", "BE%"]]):
            res = self.json2(
                key,
                "res.company",
                "name_search",
                {"name": "", "domain": domain, "context": PICK},
            )
            self.assertEqual(res.status_code, 403, res.text)
        found = self.json2_ok(
            key,
            "res.company",
            "name_search",
            {"name": "", "domain": [["id", "!=", self.company_b.id]], "context": PICK},
        )
        self.assertNotIn(self.company_b.id, [p[0] for p in found])
        # the company records themselves stay unreadable
        res = self.json2(
            key,
            "res.company",
            "read",
            {"ids": self.company_a.ids, "fields": ["email"], "context": PICK},
        )
        self.assertEqual(res.status_code, 403, res.text)
        rows = self.json2_ok(
            key, "res.company", "search_read", {"domain": [], "fields": ["name"], "context": PICK}
        )
        self.assertEqual([r["id"] for r in rows], self.company_b.ids)
        # without the picker's context, or for a user who is no sharing administrator,
        # the name search is Odoo's
        found = self.json2_ok(key, "res.company", "name_search", {"name": "Owner A"})
        self.assertEqual(found, [])
        found = self.json2_ok(
            self.api_key(self.user_b),
            "res.company",
            "name_search",
            {"name": "Owner A", "context": PICK},
        )
        self.assertEqual(found, [])

    def test_agreement_with_picked_company(self):
        """B's administrator proposes an agreement to A, picked by name, and reads it back
        with A's name, as the form does."""
        key = self.api_key(self.admin_b)
        [(company_id, _name)] = self.json2_ok(
            key, "res.company", "name_search", {"name": "Owner A", "context": PICK}
        )
        [vals] = self.json2_ok(
            key,
            "crm.collab.agreement",
            "web_save",
            {
                "vals": {
                    "name": "B to A",
                    "owner_company_id": self.company_b.id,
                    "partner_company_id": company_id,
                    "res_model": "res.partner",
                    "domain": "[]",
                },
                "specification": {
                    "partner_company_id": {"fields": {"display_name": {}}},
                    "state": {},
                },
            },
        )
        self.assertEqual(vals["partner_company_id"]["display_name"], "Owner A")
        self.json2_ok(key, "crm.collab.agreement", "action_propose", {"ids": [vals["id"]]})
        agreement = self.env["crm.collab.agreement"].browse(vals["id"])
        self.assertEqual(agreement.state, "proposed")
        self.assertEqual(agreement.partner_company_id, self.company_a)
        agreement.with_user(self.admin_a).action_accept()
        self.assertEqual(
            self.as_user("res.partner", self.user_a).search([("id", "=", self.b_partner.id)]),
            self.b_partner,
        )


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_http")
class TestHttpRuleAfterLifeCycle(Json2Case):
    def test_read_right_after_accept_and_revoke(self):
        agreement = self.make_agreement(activate=False)
        agreement.action_propose()
        key = self.api_key(self.user_b)
        payload = {"ids": self.north[:1].ids, "fields": ["name"]}
        self.assertEqual(self.json2(key, "res.partner", "read", payload).status_code, 403)
        agreement.with_user(self.admin_b).action_accept()
        self.assertEqual(
            self.json2_ok(key, "res.partner", "read", payload)[0]["name"], "North customer 0"
        )
        agreement.with_user(self.admin_a).action_revoke()
        self.assertEqual(self.json2(key, "res.partner", "read", payload).status_code, 403)
        self.assertEqual(
            self.json2_ok(key, "res.partner", "search", {"domain": [["id", "in", self.north.ids]]}),
            [],
        )
