# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Side doors of a share, tried as the partner company (B) and a stranger (C) through
the real doors: ``/json/2`` with their API keys, ``/web/dataset/call_kw`` and the mail
routes with a session, the portal, the report route and ``/web/content``. Each test
reads back as the owner (A) that nothing leaked or changed.

Issue #12: (1) timeline lines of everyone, (2) the portal, report and token of a shared
order, (4) a client-sent context key lifting the hand-off guard, (7) the conversation
(messages, notes, attachments, activities, followers, tracking) of shared records.
Issue #13: feedback routed to users who cannot open the record; hand-offs the partner
could neither accept nor decline."""

import base64
import json

from odoo.tests import tagged

from .test_http import Json2Case


class AttackCase(Json2Case):
    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def assert_403(self, key, model, method, payload):
        res = self.json2(key, model, method, payload)
        self.assertEqual(res.status_code, 403, f"{model}.{method}: {res.text[:300]}")


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackTimeline(AttackCase):
    """(1) The customer history of A's user: lead names, order totals, note previews."""

    def test_timeline_lines_are_personal(self):
        customer = self.north[0]
        customer.message_post(body="A internal: churn risk", subtype_xmlid="mail.mt_note")
        self.env["sale.order"].create({"partner_id": customer.id, "company_id": self.company_a.id})
        action = customer.with_user(self.user_a).action_collab_timeline()
        lines_a = self.env["crm.collab.timeline"].search(action["domain"])
        self.assertTrue(lines_a)
        names_a = lines_a.mapped("name")
        self.assertIn("North deal", names_a)
        self.assertEqual(lines_a.create_uid, self.user_a)
        for user in (self.user_b, self.user_c):
            key = self.api_key(user)
            rows = self.json2_ok(
                key, "crm.collab.timeline", "search_read", {"domain": [], "fields": ["name"]}
            )
            self.assertFalse({r["id"] for r in rows} & set(lines_a.ids), user.login)
            self.assertEqual(
                self.json2_ok(key, "crm.collab.timeline", "search_count", {"domain": []}), 0
            )
            payload = {"ids": lines_a.ids, "fields": ["name", "detail"]}
            self.assert_403(key, "crm.collab.timeline", "read", payload)
            self.assert_403(
                key,
                "crm.collab.timeline",
                "write",
                {"ids": lines_a.ids, "vals": {"name": "forged"}},
            )
            self.assert_403(key, "crm.collab.timeline", "unlink", {"ids": lines_a.ids})
            # nor forge lines of its own (history comes from build only)
            self.assert_403(
                key,
                "crm.collab.timeline",
                "create",
                {"vals_list": [{"partner_id": customer.id, "kind": "note", "name": "forged"}]},
            )
        # the owner's lines are unchanged, and still its own
        lines_a.invalidate_recordset()
        self.assertEqual(lines_a.exists(), lines_a)
        self.assertEqual(lines_a.mapped("name"), names_a)
        self.assertEqual(
            self.env["crm.collab.timeline"].with_user(self.user_a).search(action["domain"]),
            lines_a,
        )


class SharedOrderCase(AttackCase):
    """A's quotation, shared with B as a read-only summary, with a conversation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create({"name": "Secret Lamp", "list_price": 10})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.north[0].id,
                "company_id": cls.company_a.id,
                "note": "A terms: 90 days",
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 1, "price_unit": 777})
                ],
            }
        )
        cls.env.flush_all()
        cls.env.cr.precommit.run()  # as at the end of a request: tracking starts after create
        cls.token = cls.order._portal_ensure_token()
        cls.agreement = cls.make_agreement(
            res_model="sale.order", domain=f"[('id', '=', {cls.order.id})]"
        )
        cls.note = cls.order.message_post(
            body="A internal: lowest price 700", subtype_xmlid="mail.mt_note"
        )
        cls.mail = cls.order.message_post(
            body="Dear customer, here is your quotation",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "Quotation S.pdf",
                "datas": base64.b64encode(b"%PDF-1.4 secret quotation"),
                "res_model": "sale.order",
                "res_id": cls.order.id,
            }
        )
        cls.activity = cls.order.activity_schedule(
            "mail.mail_activity_data_todo", summary="Call about the discount", user_id=cls.user_a.id
        )
        cls.order.message_subscribe(partner_ids=cls.admin_a.partner_id.ids)
        # a change of the (private) untaxed amount, tracked in the chatter
        cls.order.write({"order_line": [(1, cls.order.order_line.id, {"price_unit": 901})]})
        cls.env.flush_all()
        cls.env.cr.precommit.run()
        cls.env.invalidate_all()
        cls.messages = cls.order.message_ids
        cls.tracked = cls.messages.filtered("tracking_value_ids")

    def assert_owner_intact(self):
        order = self.order.with_user(self.user_a)
        self.assertLessEqual(self.messages, order.message_ids)
        others = (self.user_b | self.admin_b | self.user_c).partner_id
        # (the portal logs a customer's visit with a token: not B's)
        self.assertFalse((order.message_ids - self.messages).author_id & others)
        self.assertEqual(self.note.sudo().body, self.note.body)
        self.assertIn("lowest price 700", str(self.note.with_user(self.user_a).body))
        self.assertEqual(
            self.env["ir.attachment"].with_user(self.user_a).browse(self.attachment.id).raw,
            b"%PDF-1.4 secret quotation",
        )
        self.assertEqual(order.activity_ids.summary, "Call about the discount")
        self.assertEqual(order.sudo().access_token, self.token)
        self.assertEqual(order.amount_untaxed, 901)


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackPortal(SharedOrderCase):
    """(2) The portal page, the report and the access token of a shared order."""

    def test_portal_report_token(self):
        key = self.api_key(self.user_b)
        # the token is not readable, nor obtainable through the portal URL or preview
        [row] = self.json2_ok(
            key, "sale.order", "read", {"ids": self.order.ids, "fields": ["name", "access_token"]}
        )
        self.assertEqual(row["name"], self.order.name)
        self.assertFalse(row["access_token"])
        rows = self.json2_ok(
            key,
            "sale.order",
            "search_read",
            {"domain": [["access_token", "=", self.token]], "fields": ["name"]},
        )
        self.assertEqual(rows, [])
        for method in ("get_portal_url", "action_preview_sale_order"):
            res = self.json2(key, "sale.order", method, {"ids": self.order.ids})
            self.assertNotIn(self.token, res.text, method)
            self.assertEqual(res.status_code, 403, method)
        # the portal page and the report, with B's session
        self.authenticate("user_b", "user_b")
        page = self.url_open(f"/my/orders/{self.order.id}")
        self.assertNotIn("Secret Lamp", page.text)
        self.assertNotIn("90 days", page.text)
        self.assertNotIn(f"/my/orders/{self.order.id}", page.url)
        report = self.url_open(f"/report/html/sale.report_saleorder/{self.order.id}")
        self.assertNotIn("Secret Lamp", report.text)
        self.assertNotEqual(report.status_code, 200)
        # nor through the web client's RPC
        with self.assertRaises(Exception):
            self.call_kw("sale.order", "get_portal_url", [self.order.ids])
        # the token the owner gave still opens the page, to whoever holds it
        self.logout()
        page = self.url_open(f"/my/orders/{self.order.id}?access_token={self.token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Secret Lamp", page.text)
        # the owner prints its order, and nothing changed
        self.authenticate("user_a", "user_a")
        report = self.url_open(f"/report/html/sale.report_saleorder/{self.order.id}")
        self.assertEqual(report.status_code, 200)
        self.assertIn("Secret Lamp", report.text)
        self.assert_owner_intact()


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackConversation(SharedOrderCase):
    """(7) The chatter does not come with the shared record."""

    def test_fixture(self):
        self.assertTrue(self.note and self.mail and self.activity)
        self.assertEqual(len(self.tracked), 1, self.messages.mapped("body"))
        self.assertIn(
            "amount_untaxed",
            self.tracked.sudo().tracking_value_ids.field_id.mapped("name"),
            "the untaxed amount is tracked",
        )
        self.assertEqual(self.order.with_user(self.user_b).read(["name"])[0]["id"], self.order.id)

    def test_conversation_stays_with_owner(self):
        order_dom = [["model", "=", "sale.order"], ["res_id", "=", self.order.id]]
        doc_dom = [["res_model", "=", "sale.order"], ["res_id", "=", self.order.id]]
        for user in (self.user_b, self.admin_b):
            key = self.api_key(user)
            self.assertEqual(
                self.json2_ok(
                    key, "mail.message", "search_read", {"domain": order_dom, "fields": ["body"]}
                ),
                [],
            )
            self.assert_403(key, "mail.message", "read", {"ids": self.messages.ids})
            for model in ("ir.attachment", "mail.activity", "mail.followers"):
                self.assertEqual(
                    self.json2_ok(key, model, "search", {"domain": doc_dom}), [], model
                )
            self.assert_403(key, "ir.attachment", "read", {"ids": self.attachment.ids})
            self.assert_403(key, "mail.activity", "read", {"ids": self.activity.ids})
            self.assert_403(
                key, "mail.activity", "write", {"ids": self.activity.ids, "vals": {"summary": "x"}}
            )
            [row] = self.json2_ok(
                key,
                "sale.order",
                "read",
                {
                    "ids": self.order.ids,
                    "fields": [
                        "message_ids",
                        "activity_ids",
                        "message_follower_ids",
                        "message_partner_ids",
                        "message_attachment_count",
                        "activity_summary",
                        "activity_user_id",
                    ],
                },
            )
            self.assertEqual(
                (row["message_ids"], row["activity_ids"], row["message_follower_ids"]),
                ([], [], []),
            )
            self.assertEqual(row["message_partner_ids"], [])
            self.assertEqual(row["message_attachment_count"], 0)
            self.assertFalse(row["activity_summary"])
            self.assertFalse(row["activity_user_id"])
            # no posting in the owner's chatter
            res = self.json2(
                key, "sale.order", "message_post", {"ids": self.order.ids, "body": "B was here"}
            )
            self.assertNotEqual(res.status_code, 200, res.text)
        # the web client's doors, with a session
        self.authenticate("user_b", "user_b")
        res = self.make_jsonrpc_request(
            "/mail/thread/messages", {"thread_model": "sale.order", "thread_id": self.order.id}
        )
        self.assertFalse(set(res["messages"]) & set(self.messages.ids))
        self.assertNotIn("lowest price", json.dumps(res))
        thread = {
            "thread_model": "sale.order",
            "thread_id": self.order.id,
            "request_list": ["activities", "attachments", "followers"],
        }
        data = self.make_jsonrpc_request("/mail/data", {"fetch_params": [["mail.thread", thread]]})
        self.assertNotIn("Quotation S.pdf", json.dumps(data))
        self.assertNotIn("Call about the discount", json.dumps(data))
        content = self.url_open(f"/web/content/{self.attachment.id}?download=true")
        self.assertNotIn(b"secret quotation", content.content)
        self.assertNotEqual(content.status_code, 200)
        rows = self.call_kw(
            "mail.message", "search_read", [], {"domain": order_dom, "fields": ["body"]}
        )
        self.assertEqual(rows, [])
        # C, who shares nothing, reads nothing either
        self.logout()
        key_c = self.api_key(self.user_c)
        self.assertEqual(self.json2_ok(key_c, "mail.followers", "search", {"domain": doc_dom}), [])
        self.assert_owner_intact()

    def tracked_fields(self, store):
        """Labels of the fields whose tracking the chatter's store data carries."""
        return {
            tracking["fieldInfo"]["changedField"]
            for message in store.get("mail.message", [])
            for tracking in message.get("trackingValues") or []
        }

    def test_shared_conversation_keeps_private_tracking(self):
        """With the conversation shared, B reads the messages, but the tracking of a
        private field (the untaxed amount) stays out of them."""
        self.agreement.with_user(self.admin_a).write({"collab_share_conversation": True})
        self.assertIn(
            "collab_share_conversation", " ".join(self.agreement.audit_ids.mapped("description"))
        )
        key = self.api_key(self.user_b)
        order_dom = [["model", "=", "sale.order"], ["res_id", "=", self.order.id]]
        rows = self.json2_ok(
            key, "mail.message", "search_read", {"domain": order_dom, "fields": ["body"]}
        )
        self.assertIn("lowest price 700", str(rows))
        self.authenticate("user_b", "user_b")
        res = self.make_jsonrpc_request(
            "/mail/thread/messages", {"thread_model": "sale.order", "thread_id": self.order.id}
        )
        self.assertIn(self.tracked.id, res["messages"])
        self.assertIn("lowest price 700", json.dumps(res["data"]))
        changed = self.tracked_fields(res["data"])
        self.assertIn("Total", changed, "public fields keep their tracking")
        self.assertNotIn("Untaxed Amount", changed)
        # the owner still sees its tracking
        self.authenticate("user_a", "user_a")
        res = self.make_jsonrpc_request(
            "/mail/thread/messages", {"thread_model": "sale.order", "thread_id": self.order.id}
        )
        self.assertIn("Untaxed Amount", self.tracked_fields(res["data"]))
        # and B's partner cannot turn the conversation on by itself
        self.assertFalse(
            self.json2(
                self.api_key(self.admin_b),
                "crm.collab.agreement",
                "write",
                {"ids": self.agreement.ids, "vals": {"collab_share_conversation": False}},
            ).ok
        )
        self.assertTrue(self.agreement.collab_share_conversation)


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackHandoffContext(AttackCase):
    """(4) A context key sent by the client lifted the hand-off guard."""

    def test_context_key_is_no_pass(self):
        lead_c = self.env["crm.lead"].create(
            {"name": "C confidential deal", "company_id": self.company_c.id}
        )
        key = self.api_key(self.user_b)
        res = self.json2(
            key,
            "crm.lead",
            "create",
            {
                "vals_list": [
                    {
                        "name": "B decoy",
                        "company_id": self.company_b.id,
                        "collab_origin_lead_id": lead_c.id,
                    }
                ],
                "context": {"collab_handoff": True},
            },
        )
        self.assertEqual(res.status_code, 403, res.text)
        self.assertNotIn("C confidential", res.text)
        self.assertFalse(
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("collab_origin_lead_id", "=", lead_c.id)])
        )
        # a link that does not come from a hand-off (left by the old hole) writes nothing
        # to the other company's lead
        decoy = self.env["crm.lead"].create({"name": "B decoy", "company_id": self.company_b.id})
        decoy.write({"collab_origin_lead_id": lead_c.id})  # as superuser
        stage = self.env["crm.stage"].search(
            [("is_won", "=", False)], limit=1, order="sequence desc"
        )
        messages = lead_c.message_ids
        self.json2_ok(
            key,
            "crm.lead",
            "write",
            {
                "ids": decoy.ids,
                "vals": {"stage_id": stage.id, "expected_revenue": 5},
                "context": {"collab_handoff": True},
            },
        )
        self.assertEqual(decoy.stage_id, stage)
        lead_c.invalidate_recordset()
        self.assertFalse(lead_c.collab_partner_stage)
        self.assertFalse(lead_c.collab_partner_revenue)
        self.assertEqual(lead_c.message_ids, messages)


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackHandoffAnswer(AttackCase):
    """Issue #13: the partner company accepts or declines a hand-off, and only it."""

    def setUp(self):
        super().setUp()
        self.agreement = self.make_handoff_agreement()
        self.lead_north2 = self.env["crm.lead"].create(
            {
                "name": "North deal 2",
                "company_id": self.company_a.id,
                "partner_id": self.north[1].id,
                "type": "opportunity",
            }
        )
        leads = self.lead_north | self.lead_north2
        self.copies = leads.with_user(self.user_a)._collab_handoff(self.agreement)

    def test_accept_and_decline(self):
        copy1, copy2 = self.copies
        self.assertEqual(copy1.collab_handoff_state, "offered")
        key_c, key_b = self.api_key(self.user_c), self.api_key(self.user_b)
        # C, A and B on the original cannot answer
        self.assert_403(key_c, "crm.lead", "action_collab_handoff_accept", {"ids": copy1.ids})
        self.assert_403(
            self.api_key(self.user_a),
            "crm.lead",
            "action_collab_handoff_decline",
            {"ids": copy1.ids},
        )
        res = self.json2(
            key_b, "crm.lead", "action_collab_handoff_accept", {"ids": self.lead_north.ids}
        )
        self.assertNotEqual(res.status_code, 200, res.text)
        # B accepts one and declines the other
        self.json2_ok(key_b, "crm.lead", "action_collab_handoff_accept", {"ids": copy1.ids})
        self.json2_ok(key_b, "crm.lead", "action_collab_handoff_decline", {"ids": copy2.ids})
        self.assertEqual(copy1.collab_handoff_state, "accepted")
        self.assertEqual(copy1.user_id, self.user_b)
        self.assertEqual(copy2.collab_handoff_state, "declined")
        self.assertFalse(copy2.active)
        res = self.json2(key_b, "crm.lead", "action_collab_handoff_accept", {"ids": copy2.ids})
        self.assertNotEqual(res.status_code, 200, "answered once")
        # the answer field is the buttons' only
        self.assert_403(
            key_b,
            "crm.lead",
            "write",
            {"ids": copy1.ids, "vals": {"collab_handoff_state": "offered"}},
        )
        # read back as the owner
        north, north2 = (
            self.lead_north.with_user(self.user_a),
            self.lead_north2.with_user(self.user_a),
        )
        self.assertEqual(north.collab_partner_result, "pending")
        self.assertEqual(north2.collab_partner_result, "declined")
        self.assertIn("accepted", " ".join(north.message_ids.mapped("body")))
        self.assertIn("declined", " ".join(north2.message_ids.mapped("body")))
        # a declined lead can be handed off again
        again = self.lead_north2.with_user(self.user_a)._collab_handoff(self.agreement)
        self.assertEqual(again.collab_handoff_state, "offered")


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackFeedbackRouting(AttackCase):
    """Issue #13: feedback is routed only to users who can open the record."""

    def _rule(self, **vals):
        return self.make_feedback_rule(
            follower_partner_ids=[(6, 0, self.admin_b.partner_id.ids)], **vals
        )

    def _ticket(self):
        return self.env["helpdesk.ticket"].create(
            {
                "name": "Complaint: broken",
                "description": "<p>x</p>",
                "company_id": self.company_a.id,
                "partner_id": self.north[0].id,
            }
        )

    def test_no_activity_on_a_record_the_user_cannot_open(self):
        self.make_agreement()  # partners shared, not tickets
        self._rule()
        ticket = self._ticket()
        key = self.api_key(self.user_b)
        self.assert_403(key, "helpdesk.ticket", "read", {"ids": ticket.ids, "fields": ["name"]})
        self.assertFalse(ticket.activity_ids.filtered(lambda a: a.user_id == self.user_b))
        self.assertNotIn(self.admin_b.partner_id, ticket.message_partner_ids)
        self.assertEqual(
            self.json2_ok(
                key,
                "mail.activity",
                "search",
                {"domain": [["res_model", "=", "helpdesk.ticket"], ["res_id", "=", ticket.id]]},
            ),
            [],
        )

    def test_activity_when_the_ticket_is_shared(self):
        ticket = self._ticket()
        self.make_agreement(res_model="helpdesk.ticket", domain=f"[('id', '=', {ticket.id})]")
        self._rule(trigger="rating", rating_max=2)
        rating = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "partner_id": self.north[0].id,
            }
        )
        rating.write({"rating": 1, "consumed": True, "feedback": "Complaint: still broken"})
        activity = ticket.activity_ids.filtered(lambda a: a.user_id == self.user_b)
        self.assertTrue(activity)
        key = self.api_key(self.user_b)
        # B opens the ticket and its own activity (not the owner's conversation)
        self.json2_ok(key, "helpdesk.ticket", "read", {"ids": ticket.ids, "fields": ["name"]})
        [row] = self.json2_ok(
            key, "mail.activity", "read", {"ids": activity.ids, "fields": ["summary"]}
        )
        self.assertIn("Complaint", row["summary"])
        # the conversation is not shared: B is no follower of A's ticket
        self.assertNotIn(self.admin_b.partner_id, ticket.message_partner_ids)


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackTicketClose(AttackCase):
    """helpdesk_mgmt's ``/ticket/close`` closed any ticket by id, as superuser."""

    def test_close_only_own_tickets(self):
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "A open ticket", "description": "<p>x</p>", "company_id": self.company_a.id}
        )
        self.make_agreement(res_model="helpdesk.ticket", domain=f"[('id', '=', {ticket.id})]")
        stage = self.env["helpdesk.ticket.stage"].search(
            [("close_from_portal", "=", True)], limit=1
        )
        self.assertTrue(stage)
        before = ticket.stage_id
        self.assertNotEqual(before, stage)
        for login in ("user_c", "user_b"):  # a stranger, and the partner it is shared with
            self.authenticate(login, login)
            self.url_open(f"/ticket/close?ticket_id={ticket.id}&stage_id={stage.id}")
            ticket.invalidate_recordset()
            self.assertEqual(ticket.stage_id, before, login)
        # the owner's user still closes it from the portal
        self.authenticate("user_a", "user_a")
        self.url_open(f"/ticket/close?ticket_id={ticket.id}&stage_id={stage.id}")
        ticket.invalidate_recordset()
        self.assertEqual(ticket.stage_id, stage)
