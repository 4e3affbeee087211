# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Query budget of a shared partner search, as Odoo's performance tests set them.

A user of the partner company B searches and reads the contacts company A shares with
it, as the list view does (``web_search_read``). The sharing is a record rule on
the rows' cached agreement ids: the count must not grow with the shared contacts.
The budgets are the counts measured on Odoo 19.0 Community with crm_ops, crm_analytics
and crm_collab installed.
"""

from odoo import Command
from odoo.tests import tagged, users, warmup

from .common import CollabCase

# contacts of A shared with B, on top of the three North customers of CollabCase
MORE_SHARED = 50
SPECIFICATION = {"display_name": {}, "email": {}, "phone": {}, "category_id": {"fields": {}}}


@tagged("post_install", "-at_install", "crm_collab_performance", "crm_collab_security")
class TestSharedSearchPerformance(CollabCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = cls.north | cls.env["res.partner"].create(
            [
                {
                    "name": f"North customer {i}",
                    "company_id": cls.company_a.id,
                    "is_company": True,
                    "email": f"north{i}@example.com",
                    "category_id": [Command.set(cls.tag_north.ids)],
                }
                for i in range(3, 3 + MORE_SHARED)
            ]
        )
        cls.make_agreement()

    @users("user_b", "admin_b")
    @warmup
    def test_shared_partner_search(self):
        Partner = self.env["res.partner"]
        # measured: 7 for both, with 53 shared contacts
        with self.assertQueryCount(user_b=7, admin_b=7):
            result = Partner.web_search_read(
                [("name", "ilike", "north customer")], SPECIFICATION, limit=80
            )
        self.assertEqual({r["id"] for r in result["records"]}, set(self.shared.ids))
        self.assertEqual(result["length"], len(self.shared))

    @users("user_b")
    @warmup
    def test_shared_partner_name_search(self):
        Partner = self.env["res.partner"]
        # measured: 3
        with self.assertQueryCount(user_b=3):
            found = Partner.search([("category_id", "in", self.tag_north.ids)])
        self.assertEqual(found, self.shared)
        self.assertFalse(Partner.search([("id", "in", self.south.ids)]))
