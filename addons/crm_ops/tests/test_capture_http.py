import json
from unittest.mock import patch

from odoo.exceptions import ConcurrencyError
from odoo.tests import HttpCase, tagged

from odoo.addons.crm_ops.models.crm_ops_lead_capture import CrmOpsLeadCapture

from .common import SALES_MANAGER, SALESMAN_ALL_LEADS, CrmOpsCommon


@tagged("post_install", "-at_install", "crm_ops_capture", "crm_ops_http")
class TestLeadApi(HttpCase, CrmOpsCommon):
    """The JSON API through real HTTP requests, as a machine client (or an attacker) would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._create_company(name="API Company B")
        cls.user_a = cls._create_company_user("api_a", cls.company_a)
        cls.user_b = cls._create_company_user("api_b", cls.company_b, SALESMAN_ALL_LEADS)
        cls.key_a = cls._create_api_key(cls.user_a, "t")
        cls.key_b = cls._create_api_key(cls.user_b, "t")

    def _post(self, path, payload, key=None, headers=None, raw=None):
        hdrs = {"Content-Type": "application/json"}
        if key:
            hdrs["Authorization"] = f"Bearer {key}"
        hdrs.update(headers or {})
        return self.url_open(
            path, data=raw if raw is not None else json.dumps(payload), headers=hdrs, method="POST"
        )

    def test_create_lead_with_api_key(self):
        res = self._post(
            "/api/crm/v1/leads",
            {"email": "Shop@Client.example", "contact_name": "shop"},
            self.key_a,
        )
        self.assertEqual(res.status_code, 201, res.text)
        body = res.json()
        lead = self.env["crm.lead"].browse(body["id"])
        self.assertEqual(lead.email_from, "shop@client.example")
        self.assertEqual(lead.company_id, self.company_a)
        self.assertEqual(lead.create_uid, self.user_a, "created as the key's user, not superuser")
        self.assertEqual(lead.crm_ops_channel, "api")

    def test_idempotency_header(self):
        payload = {"email": "once@client.example", "contact_name": "Once"}
        headers = {"Idempotency-Key": "abc-123"}
        first = self._post("/api/crm/v1/leads", payload, self.key_a, headers)
        second = self._post("/api/crm/v1/leads", payload, self.key_a, headers)
        self.assertEqual((first.status_code, second.status_code), (201, 200))
        self.assertEqual(first.json()["id"], second.json()["id"])
        self.assertEqual(second.json()["status"], "duplicate_request")

    def test_body_survives_odoo_retry(self):
        """Odoo re-runs a request after a serialization failure: the retry reads the
        same body (it was answered 400 "A lead must be a JSON object." before)."""
        original = CrmOpsLeadCapture._crm_ops_match
        calls = []

        def match_conflicting_once(lead_model, vals, company):
            calls.append(vals.get("email_from"))
            if len(calls) == 1:  # a concurrent transaction: Odoo retries the request
                raise ConcurrencyError("serialization failure in this test")
            return original(lead_model, vals, company)

        with patch.object(CrmOpsLeadCapture, "_crm_ops_match", match_conflicting_once):
            res = self._post(
                "/api/crm/v1/leads",
                {"email": "retry@client.example", "contact_name": "Retry"},
                self.key_a,
            )
        self.assertEqual(res.status_code, 201, res.text)
        self.assertEqual(calls, ["retry@client.example"] * 2)
        self.assertEqual(self.env["crm.lead"].browse(res.json()["id"]).contact_name, "Retry")

    def test_authentication_errors(self):
        res = self._post("/api/crm/v1/leads", {"email": "x@y.example", "contact_name": "X"})
        self.assertEqual(res.status_code, 401)
        res = self._post(
            "/api/crm/v1/leads", {"email": "x@y.example", "contact_name": "X"}, "0" * 40
        )
        self.assertEqual(res.status_code, 401)
        # a password is not an API key
        res = self._post(
            "/api/crm/v1/leads", {"email": "x@y.example", "contact_name": "X"}, "api_a"
        )
        self.assertEqual(res.status_code, 401)

    def test_validation_errors_per_field(self):
        res = self._post(
            "/api/crm/v1/leads", {"email": "nope", "phone": "1", "colour": 1}, self.key_a
        )
        self.assertEqual(res.status_code, 400)
        fields = res.json()["error"]["fields"]
        self.assertEqual(set(fields), {"email", "phone", "colour"})

    def test_content_type_body_and_size(self):
        res = self._post(
            "/api/crm/v1/leads", None, self.key_a, {"Content-Type": "text/plain"}, raw="email=x"
        )
        self.assertEqual(res.status_code, 415)
        res = self._post("/api/crm/v1/leads", None, self.key_a, raw="{not json")
        self.assertEqual(res.status_code, 400)
        self.assertEqual(res.json()["error"]["code"], "invalid_json")
        res = self._post("/api/crm/v1/leads", None, self.key_a, raw="[" + "1," * 600000 + "1]")
        self.assertEqual(res.status_code, 413)
        res = self._post("/api/crm/v1/leads", [1, 2], self.key_a)
        self.assertEqual(res.status_code, 400)

    def test_batch(self):
        self.company_a.crm_ops_api_batch_max = 3
        res = self._post(
            "/api/crm/v1/leads/batch",
            {
                "leads": [
                    {"email": "b1@client.example", "contact_name": "B1", "idempotency_key": "b1"},
                    {"email": "broken", "contact_name": "B2"},
                    "not an object",
                ]
            },
            self.key_a,
        )
        self.assertEqual(res.status_code, 200, res.text)
        body = res.json()
        self.assertEqual((body["created"], body["errors"]), (1, 2))
        self.assertIn("email", body["results"][1]["errors"])
        res = self._post("/api/crm/v1/leads/batch", {"leads": [{}] * 4}, self.key_a)
        self.assertEqual(res.status_code, 413)

    def test_rate_limit_per_key(self):
        self.company_a.crm_ops_api_rate_limit = 2
        codes = [
            self._post(
                "/api/crm/v1/leads",
                {"email": f"r{i}@client.example", "contact_name": "R"},
                self.key_a,
            ).status_code
            for i in range(3)
        ]
        self.assertEqual(codes[:2], [201, 201])
        res = self._post(
            "/api/crm/v1/leads", {"email": "r9@client.example", "contact_name": "R"}, self.key_a
        )
        self.assertEqual(res.status_code, 429)
        self.assertGreater(int(res.headers["Retry-After"]), 0)
        # another key is not throttled by it
        res = self._post(
            "/api/crm/v1/leads", {"email": "rb@client.example", "contact_name": "R"}, self.key_b
        )
        self.assertEqual(res.status_code, 201)

    def test_rate_limit_counts_per_key_not_per_user(self):
        """Two keys of one user (two shops of one integration user) have their own limit;
        a browser session of the user counts on its own."""
        self.company_a.crm_ops_api_rate_limit = 2
        key_a2 = self._create_api_key(self.user_a, "t2")

        def post(key, i):
            return self._post(
                "/api/crm/v1/leads",
                {"email": f"k{i}@perkey.example", "contact_name": "Per Key"},
                key,
            ).status_code

        self.assertEqual([post(self.key_a, i) for i in range(3)], [201, 201, 429])
        self.assertEqual(post(key_a2, 3), 201, "the user's other key has its own limit")
        self.assertEqual(post(key_a2, 4), 201)
        self.assertEqual(post(key_a2, 5), 429)
        counters = self.env["crm.ops.rate.limit"].search([("key", "like", "api:key:")])
        key_ids = (
            self.env["res.users.apikeys"].sudo().search([("user_id", "=", self.user_a.id)]).ids
        )
        self.assertEqual(set(counters.mapped("key")), {f"api:key:{key_id}" for key_id in key_ids})

    def test_rate_limit_of_a_browser_session_counts_per_user(self):
        self.company_a.crm_ops_api_rate_limit = 1
        self.user_a.password = "api_a_password"
        self.authenticate("api_a", "api_a_password")
        # auth="bearer" accepts a session only for a navigation the user made
        navigation = {
            "Sec-Fetch-Dest": "document",
            "Sec-Fetch-Mode": "navigate",
            "Sec-Fetch-Site": "same-origin",
            "Sec-Fetch-User": "?1",
        }
        codes = [
            self._post(
                "/api/crm/v1/leads",
                {"email": f"s{i}@session.example", "contact_name": "Session"},
                headers=navigation,
            ).status_code
            for i in range(2)
        ]
        self.assertEqual(codes, [201, 429])
        counter = self.env["crm.ops.rate.limit"].search([("key", "like", "api:%")])
        self.assertEqual(counter.mapped("key"), [f"api:user:{self.user_a.id}"])

    def test_key_of_company_b_cannot_touch_company_a(self):
        res = self._post(
            "/api/crm/v1/leads",
            {"email": "x@y.example", "contact_name": "X", "company_id": self.company_a.id},
            self.key_b,
        )
        self.assertEqual(res.status_code, 403)
        self.assertEqual(self.env["crm.lead"].search_count([("email_from", "=", "x@y.example")]), 0)
        lead_a = self.env["crm.lead"].create(
            {
                "name": "Secret A",
                "company_id": self.company_a.id,
                "type": "opportunity",
                "user_id": self.user_a.id,
            }
        )
        res = self.url_open(
            f"/api/crm/v1/leads/{lead_a.id}", headers={"Authorization": f"Bearer {self.key_b}"}
        )
        self.assertEqual(res.status_code, 404)
        self.assertNotIn("Secret", res.text)
        res = self.url_open(
            f"/api/crm/v1/leads/{lead_a.id}", headers={"Authorization": f"Bearer {self.key_a}"}
        )
        self.assertEqual(res.status_code, 200)
        # the customers of company A are not matched for company B, so nothing leaks
        self.env["res.partner"].create(
            {
                "name": "Hidden Customer",
                "email": "hidden@a.example",
                "company_id": self.company_a.id,
            }
        )
        res = self._post(
            "/api/crm/v1/leads", {"email": "hidden@a.example", "contact_name": "H"}, self.key_b
        )
        self.assertEqual(res.status_code, 201)
        self.assertIsNone(res.json()["partner_id"])


@tagged("post_install", "-at_install", "crm_ops_capture", "crm_ops_http")
class TestLeadWebForm(HttpCase):
    def _submit(self, data, utm=""):
        page = self.url_open(f"/crm/contact{utm}")
        self.assertEqual(page.status_code, 200)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        hidden = {}
        for name in ("utm_source", "utm_medium", "utm_campaign"):
            hidden[name] = page.text.split(f'name="{name}" value="')[1].split('"')[0]
        return self.url_open("/crm/contact/submit", data={"csrf_token": token, **hidden, **data})

    def test_form_creates_lead_with_utm(self):
        res = self._submit(
            {
                "contact_name": "web visitor",
                "email": "Visitor@Web.example",
                "phone": "",
                "description": "Interested",
            },
            utm="?utm_source=google&utm_medium=cpc&utm_campaign=brand",
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("/crm/contact/thanks", res.url)
        lead = self.env["crm.lead"].search([("email_from", "=", "visitor@web.example")])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.crm_ops_channel, "web_form")
        self.assertEqual(lead.contact_name, "Web Visitor")
        self.assertNotEqual(lead.user_id, self.env.ref("base.public_user"))
        self.assertEqual(
            (lead.source_id.name, lead.medium_id.name, lead.campaign_id.name),
            ("google", "cpc", "brand"),
        )

    def test_honeypot_creates_nothing(self):
        res = self._submit({"contact_name": "Bot", "email": "bot@spam.example", "fax_number": "1"})
        self.assertIn("/crm/contact/thanks", res.url)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "bot@spam.example")]))

    def test_invalid_input_shows_errors_and_reveals_nothing(self):
        self.env["res.partner"].create({"name": "Known Customer", "email": "known@c.example"})
        res = self._submit({"contact_name": "X", "email": "not-an-email"})
        self.assertEqual(res.status_code, 400)
        self.assertIn("invalid email", res.text)
        res = self._submit({"contact_name": "Known", "email": "known@c.example"})
        self.assertNotIn("Known Customer", res.text)

    def test_rate_limit_per_ip(self):
        self.env.company.crm_ops_form_rate_limit = 2
        for i in range(2):
            self._submit({"contact_name": "Flood", "email": f"f{i}@flood.example"})
        res = self._submit({"contact_name": "Flood", "email": "f9@flood.example"})
        self.assertEqual(res.status_code, 429)
        self.assertEqual(
            self.env["crm.lead"].search_count([("email_from", "like", "flood.example")]), 2
        )


@tagged("post_install", "-at_install", "crm_ops_capture", "crm_ops_http")
class TestCaptureRuleButton(HttpCase, CrmOpsCommon):
    """A lead generation rule's *Run Now*, as the form's button calls it."""

    def test_rule_leads_go_through_the_capture_service(self):
        self.env.company.country_id = self.env.ref("base.es")
        self._create_company_user("rule_manager", groups=SALES_MANAGER)
        partner = self.env["res.partner"].create(
            {
                "name": "Marta Responder",
                "email": " Marta.Responder@Example.COM ",
                "phone": "600 222 333",
            }
        )
        # the same person wrote through the web form a week ago: an open lead
        web = self.env["crm.lead"]._crm_ops_capture(
            {"email": "marta.responder@example.com", "contact_name": "Marta Responder"},
            "web_form",
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Autumn",
                "body_html": "<p>Hi</p>",
                "mailing_model_id": self.env.ref("base.model_res_partner").id,
            }
        )
        self.env["mailing.trace"].create(
            {
                "mass_mailing_id": mailing.id,
                "model": "res.partner",
                "res_id": partner.id,
                "email": partner.email,
                "links_click_datetime": "2026-11-01 10:00:00",
            }
        )
        rule = self.env["crm.capture.rule"].create(
            {"name": "Clicked autumn", "mailing_ids": [(6, 0, mailing.ids)]}
        )
        self.authenticate("rule_manager", "rule_manager")
        self.make_jsonrpc_request(
            "/web/dataset/call_button/crm.capture.rule.action_run",
            {"model": "crm.capture.rule", "method": "action_run", "args": [rule.ids], "kwargs": {}},
        )
        lead = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("crm_ops_rule_id", "=", rule.id)])
        )
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.crm_ops_channel, "campaign")
        self.assertEqual(lead.email_from, "marta.responder@example.com", "normalised")
        self.assertEqual(lead.phone, "+34600222333", "normalised")
        self.assertEqual(lead.partner_id, partner)
        self.assertEqual(lead.crm_ops_dedup_state, "merged", "de-duplicated like any channel")
        self.assertEqual(lead.crm_ops_merged_into_id.id, web["id"])
        self.assertFalse(lead.active)
        self.assertEqual(rule.last_run_count, 1)
        # the next run does not merge the same person into the open lead again
        self.assertEqual(rule.action_run(), 0)
