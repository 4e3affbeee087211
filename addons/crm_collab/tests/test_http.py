# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The same attacks through the external API (JSON-2 with an API key) and the web client's
JSON-RPC route: the HTTP layers obey the sharing exactly like the ORM."""

import json

from odoo.tests import HttpCase, tagged

from .common import CollabCase


class Json2Case(HttpCase, CollabCase):
    """Calls of the external API (``/json/2``) with a user's API key."""

    def json2(self, key, model, method, payload):
        res = self.url_open(
            f"/json/2/{model}/{method}",
            data=json.dumps(payload),
            headers={"Authorization": f"bearer {key}", "Content-Type": "application/json"},
        )
        return res

    def api_key(self, user):
        return self.env["res.users.apikeys"].with_user(user).sudo()._generate(None, "test", None)

    def json2_ok(self, key, model, method, payload):
        res = self.json2(key, model, method, payload)
        self.assertEqual(res.status_code, 200, res.text)
        return res.json()


@tagged("post_install", "-at_install", "crm_collab_http")
class TestHttp(Json2Case):
    def test_json2_api_key(self):
        agreement = self.make_agreement()
        key = self.api_key(self.user_b)
        ids = self.north.ids + self.south.ids
        res = self.json2(
            key,
            "res.partner",
            "search_read",
            {"domain": [["id", "in", ids]], "fields": ["name", "comment"]},
        )
        self.assertEqual(res.status_code, 200, res.text)
        rows = res.json()
        self.assertEqual(sorted(r["id"] for r in rows), sorted(self.north.ids))
        self.assertFalse(any(r["comment"] for r in rows))
        # read of an unshared record, write of a read-only share
        res = self.json2(key, "res.partner", "read", {"ids": self.south.ids, "fields": ["name"]})
        self.assertEqual(res.status_code, 403, res.text)
        res = self.json2(
            key, "res.partner", "write", {"ids": self.north[:1].ids, "vals": {"name": "x"}}
        )
        self.assertEqual(res.status_code, 403, res.text)
        # export and read_group through the API
        res = self.json2(
            key,
            "res.partner",
            "export_data",
            {"ids": self.north.ids, "fields_to_export": ["name", "comment"]},
        )
        self.assertEqual(res.status_code, 200, res.text)
        self.assertFalse(any(row[1] for row in res.json()["datas"]))
        res = self.json2(
            key,
            "res.partner",
            "read_group",
            {"domain": [["comment", "!=", False]], "fields": ["comment"], "groupby": ["comment"]},
        )
        self.assertEqual(res.status_code, 200, res.text)
        self.assertFalse([g for g in res.json() if "secret" in str(g.get("comment"))])
        # an agreement of two other companies cannot be changed through the API
        key_c = self.api_key(self.admin_c)
        res = self.json2(key_c, "crm.collab.agreement", "action_revoke", {"ids": agreement.ids})
        self.assertEqual(res.status_code, 403, res.text)
        # revoked: gone at once
        agreement.with_user(self.admin_a).action_revoke()
        res = self.json2(
            key, "res.partner", "search_read", {"domain": [["id", "in", ids]], "fields": ["name"]}
        )
        self.assertEqual(res.json(), [])

    def test_web_call_kw(self):
        self.make_agreement()
        self.authenticate("user_b", "user_b")

        def call(model, method, args, kwargs=None):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            )

        rows = call(
            "res.partner",
            "web_search_read",
            [],
            {
                "domain": [["id", "in", self.north.ids + self.south.ids]],
                "specification": {"name": {}, "comment": {}},
            },
        )
        self.assertEqual(sorted(r["id"] for r in rows["records"]), sorted(self.north.ids))
        self.assertFalse(any(r["comment"] for r in rows["records"]))
        with self.assertRaises(Exception):
            call("res.partner", "read", [self.south.ids, ["name"]])
        with self.assertRaises(Exception):
            call("res.partner", "write", [self.north[:1].ids, {"name": "x"}])
