# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #12 through the real doors: ``/json/2`` with the API keys of company-B and C users,
``/web/dataset/call_kw`` and ``call_button`` with a session, the public satisfaction page and
Odoo's ``/rate`` pages. Each test then reads back as the owner (company A) that nothing leaked
or changed."""

import json
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import HELPDESK_MANAGER, SALES_MANAGER, CrmOpsCommon


class SideDoorCase(HttpCase, CrmOpsCommon):
    env_context = {"tracking_disable": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.followup.plan"].search([]).active = False
        cls.company_b = cls._create_company(name="Partner B")
        cls.company_c = cls._create_company(name="Partner C")
        cls.user_a = cls._create_company_user(
            "sd_user_a", cls.company_a, f"{SALES_MANAGER},{HELPDESK_MANAGER}"
        )
        cls.user_b = cls._create_company_user(
            "sd_user_b", cls.company_b, email="b-salesman@example.com"
        )
        cls.user_c = cls._create_company_user(
            "sd_user_c", cls.company_c, email="c-salesman@example.com"
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Desk", "list_price": 300.0, "company_id": False}
        )
        cls.customer_a = cls.env["res.partner"].create(
            {"name": "Alice of A", "email": "alice@a.example", "company_id": cls.company_a.id}
        )
        cls.order_a = cls._make_order(cls.company_a, cls.customer_a, cls.user_a)

    @classmethod
    def _make_order(cls, company, partner, user):
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "company_id": company.id,
                "order_line": [(0, 0, {"product_id": cls.product.id})],
            }
        )
        order.action_confirm()
        return order

    def api_key(self, user):
        return self.env["res.users.apikeys"].with_user(user).sudo()._generate(None, "test", None)

    def json2(self, key, model, method, payload):
        return self.url_open(
            f"/json/2/{model}/{method}",
            data=json.dumps(payload),
            headers={"Authorization": f"bearer {key}", "Content-Type": "application/json"},
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def call_button(self, model, method, ids):
        return self.make_jsonrpc_request(
            "/web/dataset/call_button",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )


@tagged("post_install", "-at_install", "crm_ops_security", "crm_ops_http")
class TestFollowupRepointed(SideDoorCase):
    """#12.3: a partner company's salesman points his own follow-up at A's order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attackers = {}
        for user, company in ((cls.user_b, cls.company_b), (cls.user_c, cls.company_c)):
            env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
            plan = env["crm.followup.plan"].create(
                {
                    "name": f"Satisfaction {company.name}",
                    "company_id": company.id,
                    "step_ids": [
                        (
                            0,
                            0,
                            {"name": "Ask", "action_type": "satisfaction", "delay_days": 5},
                        )
                    ],
                }
            )
            # the attacker's own customer, with his own address
            own = env["res.partner"].create(
                {"name": f"Mailbox of {user.login}", "email": user.email}
            )
            order = cls._make_order(company, own, user)
            item = env["crm.followup.item"].search([("order_id", "=", order.id)])
            cls.attackers[user] = (plan, own, order, item)
        # A's own follow-up, planned for later
        cls.plan_a = cls.env["crm.followup.plan"].create(
            {
                "name": "Satisfaction A",
                "step_ids": [(0, 0, {"name": "Ask A", "action_type": "satisfaction"})],
            }
        )

    def _assert_nothing_reached_a(self, items_untouched=True):
        """Read back as A's manager: no rating, no message, no mail about A's order."""
        order = self.order_a.with_user(self.user_a)
        attacker_emails = [self.user_b.email, self.user_c.email]
        self.assertFalse(
            self.env["rating.rating"].search(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
            ),
            "no satisfaction request was created on A's order",
        )
        self.assertFalse(
            order.message_ids.filtered(lambda m: m.message_type == "comment"),
            "nothing was posted on A's order",
        )
        self.assertFalse(
            self.env["mail.mail"].search(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                ]
            )
        )
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    ("partner_ids.email", "in", attacker_emails),
                ]
            )
        )
        for _plan, _own, _order, item in self.attackers.values():
            if items_untouched:
                self.assertNotEqual(item.sudo().order_id, self.order_a)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.json2")
    def test_repoint_through_json2_and_call_button(self):
        _plan, own_b, _order_b, item_b = self.attackers[self.user_b]
        _plan, own_c, _order_c, item_c = self.attackers[self.user_c]
        # B, with an API key: re-point his item at A's order, to his own address, run it
        key_b = self.api_key(self.user_b)
        res = self.json2(
            key_b,
            "crm.followup.item",
            "write",
            {
                "ids": item_b.ids,
                "vals": {"order_id": self.order_a.id, "partner_id": own_b.id},
            },
        )
        refused = [res.status_code != 200]
        res = self.json2(
            key_b,
            "crm.followup.item",
            "write",
            {"ids": item_b.ids, "vals": {"order_id": self.order_a.id}},
        )
        refused.append(res.status_code != 200)
        self.json2(key_b, "crm.followup.item", "action_execute_now", {"ids": item_b.ids})
        # C, in the web client: the same with call_kw, then the "Run now" button
        self.authenticate("sd_user_c", "sd_user_c")
        try:
            self.call_kw(
                "crm.followup.item",
                "write",
                [item_c.ids, {"order_id": self.order_a.id, "partner_id": own_c.id}],
            )
            refused.append(False)
        except JsonRpcException:
            refused.append(True)
        self.call_button("crm.followup.item", "action_execute_now", item_c.ids)
        # the owner reads back: nothing of A was sent or changed
        self._assert_nothing_reached_a()
        self.assertEqual(refused, [True, True, True], "every re-pointing write is refused")
        # the attackers' own follow-ups still work on their own orders
        self.assertEqual(item_b.sudo().state, "done")
        self.assertEqual(item_b.sudo().order_id.partner_id, own_b)
        self.assertEqual(item_c.sudo().state, "done")
        self.assertEqual(item_c.sudo().order_id.partner_id, own_c)

    def test_executor_rechecks_company(self):
        """A row made inconsistent behind the ORM's back is not run by the superuser."""
        _plan, _own_b, _order_b, item_b = self.attackers[self.user_b]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_followup_item SET order_id = %s, due_date = now() - interval '1 hour'"
            " WHERE id = %s",
            (self.order_a.id, item_b.id),
        )
        self.env.invalidate_all()
        Item = self.env["crm.followup.item"]
        while Item._execute_batch(batch_size=50):
            pass
        self.assertEqual(item_b.state, "failed")
        self.assertIn(self.order_a.name, item_b.error)
        self._assert_nothing_reached_a(items_untouched=False)


@tagged("post_install", "-at_install", "crm_ops_security", "crm_ops_http")
class TestRatingTokens(SideDoorCase):
    """#12.8: tokens of A's satisfaction requests, read by other companies' employees."""

    def setUp(self):
        super().setUp()
        self.rating_a = self.order_a._crm_satisfaction_request(self.customer_a, validity_days=10)
        self.team_a = self.env["helpdesk.ticket.team"].create(
            {"name": "A complaints", "company_id": self.company_a.id}
        )

    def _tickets_a(self):
        return self.env["helpdesk.ticket"].search([("sale_order_ids", "in", self.order_a.ids)])

    def _rate_page(self, token, value):
        """Answer as the public does: the suite's old link, then Odoo's /rate pages."""
        self.url_open(f"/crm_ops/satisfaction/{token}")
        self.url_open(f"/rate/{token}/{value}")
        # the session's CSRF token (a closed request's page has no form)
        page = self.url_open("/web/login")
        csrf = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text or "")
        self.url_open(
            f"/rate/{token}/submit_feedback",
            data={
                "rate": value,
                "feedback": "Terrible",
                "complaint": "1",
                "csrf_token": csrf and csrf.group(1),
            },
        )

    def _assert_rating_untouched(self):
        rating = self.rating_a.with_user(self.user_a)
        rating.invalidate_recordset()
        self.assertFalse(rating.consumed, "A's customer was not answered for")
        self.assertFalse(rating.feedback)
        self.assertFalse(self._tickets_a(), "no complaint ticket was opened in A")

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.json2")
    def test_tokens_not_readable_by_other_companies(self):
        tokens = set()
        # B with an API key, every way of reading
        key_b = self.api_key(self.user_b)
        domain = [["res_model", "=", "sale.order"]]
        res = self.json2(
            key_b,
            "rating.rating",
            "search_read",
            {"domain": domain, "fields": ["access_token", "res_id"]},
        )
        if res.status_code == 200:
            tokens |= {row["access_token"] for row in res.json()}
        res = self.json2(
            key_b,
            "rating.rating",
            "read",
            {"ids": self.rating_a.ids, "fields": ["access_token"]},
        )
        if res.status_code == 200:
            tokens |= {row["access_token"] for row in res.json()}
        res = self.json2(
            key_b,
            "rating.rating",
            "search_count",
            {"domain": [["access_token", "=", self.rating_a.access_token]]},
        )
        found_by_token = res.json() if res.status_code == 200 else 0
        # C in the web client
        self.authenticate("sd_user_c", "sd_user_c")
        rows = self.call_kw(
            "rating.rating",
            "web_search_read",
            [],
            {"domain": domain, "specification": {"access_token": {}, "res_id": {}}},
        )
        tokens |= {row["access_token"] for row in rows["records"]}
        leaked = self.rating_a.access_token in tokens
        # whatever they got, they try it on the public pages
        self.authenticate(None, None)
        for token in tokens:
            self._rate_page(token, 1)
        self._assert_rating_untouched()
        self.assertFalse(leaked, "A's token was readable by B or C")
        self.assertEqual(found_by_token, 0, "B could search A's rating by its token")
        # A's manager still reads it
        self.assertEqual(
            self.rating_a.with_user(self.user_a).read(["access_token"])[0]["access_token"],
            self.rating_a.access_token,
        )

    def test_odoo_rate_pages_follow_the_suite_rules(self):
        """Satisfaction requests are answered on Odoo's /rate pages: once, not after
        expiry, and a low answer opens the complaint ticket."""
        token = self.rating_a.access_token
        self.rating_a.crm_expiry_date = fields.Datetime.now() - timedelta(minutes=1)
        self._rate_page(token, 1)
        self._assert_rating_untouched()
        # valid again: Odoo's page answers it and routes the low rating
        self.rating_a.crm_expiry_date = fields.Datetime.now() + timedelta(days=1)
        page = self.url_open(f"/rate/{token}/1")
        csrf = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text).group(1)
        self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": 1, "feedback": "Broken", "csrf_token": csrf},
        )
        self.rating_a.invalidate_recordset()
        self.assertTrue(self.rating_a.consumed)
        self.assertEqual(self.rating_a.rating, 1)
        self.assertEqual(len(self._tickets_a()), 1)
        # answered: neither door changes it again
        self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": 5, "feedback": "Changed", "csrf_token": csrf},
        )
        self.assertIn(
            "crm_ops_satisfaction_already", self.url_open(f"/crm_ops/satisfaction/{token}").text
        )
        self.rating_a.invalidate_recordset()
        self.assertEqual(self.rating_a.rating, 1)
        self.assertEqual(self.rating_a.feedback, "Broken")
        self.assertEqual(len(self._tickets_a()), 1)


@tagged("post_install", "-at_install", "crm_ops_security", "crm_ops_http")
class TestCompanyRelations(SideDoorCase):
    """What runs as superuser is configured inside its company: a partner company's manager
    cannot point his plan's steps, capture rules or reply templates at A's records."""

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.json2")
    def test_manager_b_cannot_borrow_a_records(self):
        manager_b = self._create_company_user(
            "sd_manager_b", self.company_b, f"{SALES_MANAGER},{HELPDESK_MANAGER}"
        )
        team_a = self.env["helpdesk.ticket.team"].create(
            {"name": "A desk", "company_id": self.company_a.id}
        )
        category_a = self.env["helpdesk.ticket.category"].create(
            {"name": "A only", "company_id": self.company_a.id}
        )
        plan_b = self.env["crm.followup.plan"].create(
            {"name": "B plan", "company_id": self.company_b.id}
        )
        key = self.api_key(manager_b)
        answers = {
            "step with A's team": self.json2(
                key,
                "crm.followup.step",
                "create",
                {
                    "vals_list": [
                        {
                            "name": "Ticket in A",
                            "plan_id": plan_b.id,
                            "action_type": "ticket",
                            "ticket_team_id": team_a.id,
                        }
                    ]
                },
            ),
            "capture rule for A's salesman": self.json2(
                key,
                "crm.capture.rule",
                "create",
                {
                    "vals_list": [
                        {
                            "name": "Leads for A",
                            "company_id": self.company_b.id,
                            "user_id": self.user_a.id,
                        }
                    ]
                },
            ),
            "reply template of A's category": self.json2(
                key,
                "crm.ops.reply.template",
                "create",
                {
                    "vals_list": [
                        {
                            "name": "Borrowed",
                            "company_id": self.company_b.id,
                            "category_id": category_a.id,
                            "body": "<p>Hi</p>",
                        }
                    ]
                },
            ),
        }
        # read back as the owner: nothing of A is used by B's configuration
        self.assertFalse(self.env["crm.followup.step"].search([("ticket_team_id", "=", team_a.id)]))
        self.assertFalse(
            self.env["crm.capture.rule"].search(
                [("user_id", "=", self.user_a.id), ("company_id", "=", self.company_b.id)]
            )
        )
        self.assertFalse(
            self.env["crm.ops.reply.template"].search([("category_id", "=", category_a.id)])
        )
        for what, res in answers.items():
            self.assertNotEqual(res.status_code, 200, f"{what}: {res.text}")
