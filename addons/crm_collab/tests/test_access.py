# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import CollabCase


@tagged("crm_collab_security")
class TestAccess(CollabCase):
    def b_partners(self, user=None, domain=()):
        return self.as_user("res.partner", user or self.user_b).search(
            [("is_company", "=", True), *domain]
        )

    @users("user_b", "admin_b")
    def test_no_agreement_no_access(self):
        partners = self.env["res.partner"].search([("is_company", "=", True)])
        self.assertIn(self.b_partner, partners)
        self.assertFalse(partners & (self.north | self.south))
        with self.assertRaises(AccessError):
            self.north[0].with_env(self.env).read(["name"])

    def test_read_level_and_domain(self):
        self.make_agreement(access="read")
        partners = self.b_partners()
        self.assertEqual(
            partners & (self.north | self.south),
            self.north,
            "only the records of the agreement's domain are shared",
        )
        self.assertEqual(self.north[0].with_user(self.user_b).name, "North customer 0")
        with self.assertRaises(AccessError):
            self.north[0].with_user(self.user_b).write({"name": "hacked"})
        with self.assertRaises(AccessError):
            self.south[0].with_user(self.user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.north[0].with_user(self.user_b).unlink()
        # C sees nothing of it
        self.assertFalse(self.b_partners(self.user_c) & self.north)
        # the shared flag / filter
        shared = self.as_user("res.partner", self.user_b).search([("collab_shared", "=", True)])
        self.assertEqual(shared, self.north)

    def test_write_level(self):
        self.make_agreement(access="write")
        self.north[0].with_user(self.user_b).write({"phone": "+32 2 000 00 00"})
        self.assertEqual(self.north[0].phone, "+32 2 000 00 00")
        with self.assertRaises(AccessError):
            self.south[0].with_user(self.user_b).write({"phone": "1"})
        with self.assertRaises(AccessError):
            self.north[0].with_user(self.user_b).unlink()

    def test_private_fields(self):
        self.make_agreement(access="write")
        rec = self.north[0].with_user(self.user_b)
        # read / search_read / web_read give the record without its private fields
        [vals] = rec.read(["name", "comment"])
        self.assertEqual(vals["name"], "North customer 0")
        self.assertFalse(vals["comment"])
        rows = self.as_user("res.partner", self.user_b).search_read(
            [("id", "in", self.north.ids)], ["comment"]
        )
        self.assertFalse(any(r["comment"] for r in rows))
        [web] = rec.web_read({"comment": {}, "name": {}})
        self.assertFalse(web["comment"])
        # direct access and write are refused
        with self.assertRaises(AccessError):
            _value = rec.comment
        with self.assertRaises(AccessError):
            rec.write({"comment": "overwritten"})
        # the private field cannot be used as an oracle in search, count or read_group
        Partner = self.as_user("res.partner", self.user_b)
        self.assertFalse(Partner.search([("comment", "ilike", "secret")]))
        self.assertEqual(Partner.search_count([("comment", "ilike", "secret")]), 0)
        groups = Partner.read_group([("id", "in", self.north.ids)], ["comment"], ["comment"])
        self.assertFalse([g for g in groups if g.get("comment")])
        # exports carry no private value, and are audited under the agreement
        export = Partner.browse(self.north.ids).export_data(["name", "comment"])["datas"]
        self.assertEqual(len(export), 3)
        self.assertFalse(any(row[1] for row in export))
        audit = self.env["crm.collab.audit"].search([("action", "=", "export")])
        self.assertEqual(audit.record_count, 3)
        self.assertEqual(audit.user_id, self.user_b)
        # B's own records keep their private fields for B
        self.assertIn("B note", self.b_partner.with_user(self.user_b).comment)
        self.assertEqual(Partner.search([("comment", "ilike", "B note")]), self.b_partner)
        # and A still reads its own notes
        self.assertIn("A secret note 0", self.north[0].with_user(self.user_a).comment)

    def test_mixed_recordset_reads(self):
        """Own and shared records in one list: own private values stay, shared are blank."""
        self.make_agreement()
        Partner = self.as_user("res.partner", self.user_b)
        records = Partner.browse((self.north | self.b_partner).ids)
        values = {v["id"]: v["comment"] for v in records.read(["comment"])}
        self.assertIn("B note", values[self.b_partner.id])
        self.assertFalse(values[self.north[0].id])
        self.assertIn("B note", Partner.browse(self.b_partner.id).comment)

    def test_revocation_is_immediate(self):
        agreement = self.make_agreement()
        rec = self.north[0].with_user(self.user_b)
        self.assertTrue(rec.read(["name"]))
        agreement.with_user(self.admin_a).action_revoke()
        with self.assertRaises(AccessError):
            self.north[0].with_user(self.user_b).read(["name"])
        self.assertFalse(self.b_partners() & self.north)

    def test_expiry_without_cron(self):
        agreement = self.make_agreement(access="write")
        self.assertTrue(self.b_partners() & self.north)
        yesterday = date.today() - timedelta(days=1)
        agreement.with_user(self.admin_a).write({"date_end": yesterday})
        self.assertEqual(agreement.state, "active", "the cron has not run")
        self.assertFalse(self.b_partners() & self.north, "an expired share gives no access")
        with self.assertRaises(AccessError):
            self.north[0].with_user(self.user_b).write({"name": "late"})

    def test_not_yet_started(self):
        self.make_agreement(date_start=date.today() + timedelta(days=10))
        self.assertFalse(self.b_partners() & self.north)

    def test_leads_tickets_and_orders(self):
        self.make_agreement(
            res_model="crm.lead", domain="[('expected_revenue', '>=', 1000)]", access="write"
        )
        Lead = self.as_user("crm.lead", self.user_b)
        self.assertEqual(Lead.search([]) & (self.lead_north | self.lead_south), self.lead_north)
        lead = self.lead_north.with_user(self.user_b)
        self.assertFalse(lead.read(["description"])[0]["description"])
        lead.write({"expected_revenue": 1200})
        self.assertEqual(self.lead_north.expected_revenue, 1200)
        # read_group over the shared lead sums only what B may see
        [group] = Lead._read_group([], [], ["expected_revenue:sum"])
        self.assertEqual(group[0], 1200)

        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Broken",
                "description": "<p>broken</p>",
                "company_id": self.company_a.id,
                "partner_id": self.north[0].id,
                "collab_internal_note": "<p>refund refused</p>",
            }
        )
        self.make_agreement(
            res_model="helpdesk.ticket",
            domain="[('partner_id.category_id', 'in', [%d])]" % self.tag_north.id,
        )
        tick_b = ticket.with_user(self.user_b)
        self.assertEqual(tick_b.name, "Broken")
        self.assertFalse(tick_b.read(["collab_internal_note"])[0]["collab_internal_note"])
        with self.assertRaises(AccessError):
            tick_b.write({"name": "x"})

        order = self.env["sale.order"].create(
            {
                "partner_id": self.north[0].id,
                "company_id": self.company_a.id,
                "note": "<p>discount 30%</p>",
            }
        )
        self.make_agreement(res_model="sale.order", domain="[]")
        order_b = order.with_user(self.user_b)
        vals = order_b.read(["name", "amount_total", "note", "order_line"])[0]
        self.assertEqual(vals["name"], order.name)
        self.assertFalse(vals["note"])
        self.assertFalse(vals["order_line"])
        with self.assertRaises(AccessError):
            order_b.write({"client_order_ref": "x"})

    def test_portal_users_get_no_share(self):
        self.make_agreement()
        portal = self._create_company_user("portal_b", self.company_b, "base.group_portal")
        found = self.env["res.partner"].with_user(portal).search([("id", "in", self.north.ids)])
        self.assertFalse(found)

    def test_multi_company_user_with_b_active(self):
        """A user of A and B keeps A's private fields when working in B."""
        self.make_agreement()
        both = self._create_company_user(
            "ab", self.company_b, "base.group_user", extra_companies=self.company_a
        )
        rec = self.north[0].with_user(both).with_company(self.company_b)
        self.assertIn("A secret note 0", rec.comment)

    def test_rule_uses_the_cached_agreements(self):
        """The rule tests the row's cached agreement ids (no sub-query on the share
        table), against the agreements valid today towards the user's companies."""
        agreement = self.make_agreement()
        other = self.make_agreement(domain=f"[('id', '=', {self.south[0].id})]")
        Partner = self.as_user("res.partner", self.user_b)
        sql = Partner._search([("is_company", "=", True)]).select()
        code = self.env.cr.mogrify(sql.code, sql.params).decode()
        self.assertNotIn("crm_collab_share", code)
        self.assertIn(f'"collab_agreement_ids" && ARRAY[{agreement.id},{other.id}]', code)
        other.with_user(self.admin_b).action_revoke()
        sql = Partner._search([("is_company", "=", True)]).select()
        code = self.env.cr.mogrify(sql.code, sql.params).decode()
        self.assertIn(f'"collab_agreement_ids" && ARRAY[{agreement.id}]', code)
        # a user of a company without agreements gets Odoo's rule, untouched
        sql = self.as_user("res.partner", self.user_c)._search([]).select()
        self.assertNotIn("collab_agreement_ids", self.env.cr.mogrify(sql.code, sql.params).decode())
