# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A private field of a shared record cannot be used as an oracle: sorting, filtering,
grouping or aggregating on it (directly or through a path from another model) tells
the partner company nothing of its value, while the owner keeps using it."""

from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import CollabCase

# thresholds an attacker would try, to binary-search a private value
THRESHOLDS = ("", "A", "A secret note 1", "A secret note 9", "z")
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "ilike", "not ilike", "=like")


@tagged("crm_collab_security")
class TestPrivateOracle(CollabCase):
    def setUp(self):
        super().setUp()
        self.partner_agreement = self.make_agreement(access="write")
        self.Partner = self.as_user("res.partner", self.user_b)

    def test_order_by_private_field(self):
        ids = self.north.ids
        by_id = sorted(ids)
        for order in ("comment asc, id", "comment desc, id", "comment desc nulls first, id"):
            self.assertEqual(
                self.Partner.search([("id", "in", ids)], order=order).ids,
                by_id,
                f"{order}: the shared records' private notes do not sort them",
            )
            rows = self.Partner.search_read([("id", "in", ids)], ["name"], order=order)
            self.assertEqual([r["id"] for r in rows], by_id)
            web = self.Partner.web_search_read([("id", "in", ids)], {"name": {}}, order=order)
            self.assertEqual([r["id"] for r in web["records"]], by_id)
        # the owner still sorts its customers by their notes
        Owner = self.as_user("res.partner", self.user_a)
        self.assertEqual(Owner.search([("id", "in", ids)], order="comment desc, id").ids, ids[::-1])
        # and B sorts its own records by theirs
        b_second = self.env["res.partner"].create(
            {"name": "B second", "company_id": self.company_b.id, "comment": "B a first note"}
        )
        mine = (self.b_partner | b_second).ids
        self.assertEqual(
            self.Partner.search([("id", "in", mine)], order="comment asc").ids,
            [b_second.id, self.b_partner.id],
        )

    def test_domain_on_private_field_is_no_oracle(self):
        ids = self.north.ids
        for operator in OPERATORS:
            results = {
                value: self.Partner.search([("id", "in", ids), ("comment", operator, value)]).ids
                for value in THRESHOLDS
            }
            self.assertEqual(results[""], [], f"comment {operator}: no shared record matches")
            self.assertEqual(
                len(set(map(tuple, results.values()))),
                1,
                f"comment {operator} x: the answer does not depend on x ({results})",
            )
            negated = {
                value: self.Partner.search(
                    [("id", "in", ids), "!", ("comment", operator, value)]
                ).ids
                for value in THRESHOLDS
            }
            self.assertEqual(len(set(map(tuple, negated.values()))), 1, f"not comment {operator}")
        self.assertEqual(self.Partner.search_count([("comment", "ilike", "secret")]), 0)
        # the owner's search is untouched
        Owner = self.as_user("res.partner", self.user_a)
        self.assertEqual(
            Owner.search([("id", "in", ids), ("comment", "ilike", "secret note 2")]), self.north[2]
        )

    def test_private_field_through_a_path(self):
        """Leads and their customers both shared: the customer's private note is not
        reachable from the lead, by domain, group by or sort."""
        self.make_agreement(res_model="crm.lead", domain=f"[('id', '=', {self.lead_north.id})]")
        Lead = self.as_user("crm.lead", self.user_b)
        self.assertEqual(Lead.search([("id", "=", self.lead_north.id)]), self.lead_north)
        self.assertFalse(Lead.search([("partner_id.comment", "ilike", "secret")]))
        self.assertFalse(Lead.search([("partner_id.comment", "!=", False)]))
        groups = Lead._read_group(
            [("id", "=", self.lead_north.id)], ["partner_id.comment"], ["__count"]
        )
        self.assertEqual(len(groups), 1)
        self.assertFalse(groups[0][0], "the customer's note is not a group value")
        formatted = Lead.formatted_read_group(
            [("id", "=", self.lead_north.id)], ["partner_id.comment"], ["__count"]
        )
        self.assertNotIn("secret", str(formatted))
        # the owner groups its leads by the customers' notes
        [(note, count)] = self.as_user("crm.lead", self.user_a)._read_group(
            [("id", "=", self.lead_north.id)], ["partner_id.comment"], ["__count"]
        )
        self.assertIn("A secret note 0", note)
        self.assertEqual(count, 1)

    def test_group_and_aggregate_private_field(self):
        self.make_agreement(res_model="crm.lead", domain=f"[('id', '=', {self.lead_north.id})]")
        Lead = self.as_user("crm.lead", self.user_b)
        domain = [("id", "=", self.lead_north.id)]
        [(maximum, minimum)] = Lead._read_group(domain, [], ["description:max", "description:min"])
        self.assertFalse(maximum)
        self.assertFalse(minimum)
        groups = Lead._read_group(domain, ["description"], ["__count"])
        self.assertNotIn("margin", str(groups))
        groups = Lead.formatted_read_group(domain, ["description"], ["__count"])
        self.assertNotIn("margin", str(groups))
        groups = Lead.formatted_read_group(
            domain, ["stage_id"], ["description:max"], order="description:max desc"
        )
        self.assertNotIn("margin", str(groups))
        # the grouping sets of the pivot view take another path than _read_group
        sets = Lead.formatted_read_grouping_sets(
            domain, [["description"], ["stage_id"]], ["description:max", "__count"]
        )
        self.assertNotIn("margin", str(sets))
        self.assertEqual(sum(g["__count"] for g in sets[1]), 1)
        legacy = Lead.read_group(domain, ["description"], ["description"])
        self.assertNotIn("margin", str(legacy))
        # the shared lead itself is still counted under its public fields
        [(count,)] = Lead._read_group(domain, [], ["__count"])
        self.assertEqual(count, 1)
        [(maximum,)] = self.as_user("crm.lead", self.user_a)._read_group(
            domain, [], ["description:max"]
        )
        self.assertIn("margin 40%", maximum)

    def test_order_totals(self):
        """Sale order summaries: the untaxed amount stays private, in every form."""
        product = self.env["product.product"].create({"name": "Lamp", "list_price": 10})
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.north[0].id,
                    "company_id": self.company_a.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": 1, "price_unit": p})
                    ],
                }
                for p in (100, 300, 200)
            ]
        )
        self.assertEqual(orders.mapped("amount_untaxed"), [100, 300, 200])
        self.make_agreement(res_model="sale.order", domain=f"[('id', 'in', {orders.ids})]")
        Order = self.as_user("sale.order", self.user_b)
        self.assertEqual(Order.search([("id", "in", orders.ids)]), orders)
        for order in ("amount_untaxed desc, id", "amount_untaxed asc, id"):
            self.assertEqual(Order.search([("id", "in", orders.ids)], order=order).ids, orders.ids)
        for value in (0, 150, 250, 1000):
            self.assertFalse(
                Order.search([("id", "in", orders.ids), ("amount_untaxed", ">", value)])
            )
        [(total, tax)] = Order._read_group(
            [("id", "in", orders.ids)], [], ["amount_untaxed:sum", "amount_tax:max"]
        )
        self.assertFalse(total)
        self.assertFalse(tax)
        groups = Order._read_group([("id", "in", orders.ids)], ["amount_untaxed"], ["__count"])
        self.assertFalse([g for g in groups if g[0]])
        self.assertEqual(
            self.as_user("sale.order", self.user_a)
            .search([("id", "in", orders.ids)], order="amount_untaxed desc")
            .mapped("amount_untaxed"),
            [300, 200, 100],
        )

    def test_cache_keeps_the_real_values(self):
        """What B fetched (and was refused) does not change what others read in the
        same transaction: the masking is in the search SQL, not in the fetched values."""
        rows = self.Partner.search_read(
            [("id", "in", self.north.ids)], ["comment"], order="comment desc"
        )
        self.assertFalse(any(r["comment"] for r in rows))
        self.assertIn("A secret note 0", self.north[0].comment)
        self.assertIn("A secret note 1", self.north[1].with_user(self.user_a).comment)

    def test_members_of_both_companies_keep_the_value(self):
        both = self._create_company_user(
            "ab_oracle", self.company_b, "base.group_user", extra_companies=self.company_a
        )
        Partner = self.env["res.partner"].with_user(both).with_company(self.company_b)
        self.assertEqual(
            Partner.search([("id", "in", self.north.ids)], order="comment desc, id").ids,
            self.north.ids[::-1],
        )

    def test_no_cost_when_no_private_field_is_used(self):
        """The list of partners (no private field in its order or domain) runs the same
        SQL with or without the masking; a private field adds one CASE on the company."""
        sql = self.Partner._search([("is_company", "=", True)]).select()
        self.assertNotIn("CASE", self.env.cr.mogrify(sql.code, sql.params).decode())
        sql = self.Partner._search([], order="comment").select()
        code = self.env.cr.mogrify(sql.code, sql.params).decode()
        self.assertIn('CASE WHEN "res_partner"."company_id" IS NULL', code)
        sql = self.env["res.partner"]._search([], order="comment").select()
        self.assertNotIn("CASE", self.env.cr.mogrify(sql.code, sql.params).decode())

    def test_export_through_a_path(self):
        """Exporting a shared lead: its own private note and its (shared) customer's one,
        through a path, come out empty; the owner's export keeps both."""
        self.make_agreement(res_model="crm.lead", domain=f"[('id', '=', {self.lead_north.id})]")
        b_lead = self.env["crm.lead"].create(
            {
                "name": "B deal",
                "company_id": self.company_b.id,
                "partner_id": self.b_partner.id,
                "description": "B internal",
            }
        )
        paths = ["name", "partner_id/comment", "partner_id/name", "description"]
        Lead = self.as_user("crm.lead", self.user_b)
        rows = Lead.browse([self.lead_north.id, b_lead.id]).export_data(paths)["datas"]
        self.assertNotIn("secret", str(rows))
        self.assertNotIn("margin", str(rows))
        by_name = {row[0]: row for row in rows}
        self.assertEqual(by_name["North deal"][1:3], ["", "North customer 0"])
        self.assertFalse(by_name["North deal"][3])
        self.assertIn("B note", by_name["B deal"][1], "B's own customer keeps its note")
        # the text, not the sanitiser's markup (which differs between lxml versions)
        self.assertEqual(by_name["B deal"][2], "B own customer")
        self.assertEqual(html2plaintext(by_name["B deal"][3]), "B internal")
        [row] = (
            self.as_user("crm.lead", self.user_a)
            .browse(self.lead_north.id)
            .export_data(paths)["datas"]
        )
        self.assertIn("A secret note 0", row[1])
        self.assertIn("margin 40%", row[3])
