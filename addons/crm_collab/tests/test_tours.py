# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tour of the sharing flow in headless Chromium (static/tests/tours/*.js)."""

from odoo.tests import tagged

from odoo.addons.crm_ops.tests.common import SALESMAN_ALL_LEADS as SALES
from odoo.addons.crm_ops.tests.test_tours import TourCase

AGREEMENTS_URL = "/odoo/action-crm_collab.action_crm_collab_agreement"
AGREEMENT = "Tour: North customers to the distributor"


@tagged("post_install", "-at_install", "crm_collab_tours")
class TestTours(TourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls._create_company(name="Tour Owner A")
        cls.company_b = cls._create_company(name="Tour Distributor B")
        admin = f"base.group_user,{SALES},crm_collab.group_collab_admin"
        # the owner picks the partner company among all companies, without Access Rights
        cls.admin_a = cls._create_company_user("tour_collab_admin_a", cls.company_a, admin)
        cls.admin_b = cls._create_company_user("tour_collab_admin_b", cls.company_b, admin)
        cls.user_b = cls._create_company_user("tour_collab_user_b", cls.company_b, SALES)
        north = cls.env["res.partner.category"].create({"name": "Tour North"})
        Partner = cls.env["res.partner"]
        cls.north = Partner.create(
            {
                "name": "Northwind Lamps",
                "company_id": cls.company_a.id,
                "is_company": True,
                "category_id": [(6, 0, north.ids)],
            }
        )
        cls.south = Partner.create(
            {"name": "Southwind Chairs", "company_id": cls.company_a.id, "is_company": True}
        )

    def _visible_to(self, user, partner):
        Partner = self.env["res.partner"].with_user(user).with_company(user.company_id)
        return bool(Partner.search([("id", "=", partner.id)]))

    def test_propose_accept_and_see_shared_partner(self):
        """A's administrator proposes, B's accepts; B's users then see A's North customer,
        and still not A's other customers."""
        self.assertFalse(self._visible_to(self.user_b, self.north))
        self.assertFalse(self.admin_a.has_group("base.group_erp_manager"))
        self.assertFalse(
            self.env["res.company"].with_user(self.admin_a).search([("id", "=", self.company_b.id)])
        )

        self.start_tour(
            f"{AGREEMENTS_URL}?debug=1", "crm_collab_propose_tour", login=self.admin_a.login
        )
        agreement = self.env["crm.collab.agreement"].search([("name", "=", AGREEMENT)])
        self.assertEqual(len(agreement), 1)
        self.assertEqual(agreement.state, "proposed")
        self.assertEqual(agreement.owner_company_id, self.company_a)
        self.assertEqual(agreement.partner_company_id, self.company_b)
        self.assertEqual(agreement.res_model, "res.partner")
        self.assertEqual(agreement.proposed_by_id, self.admin_a)
        self.assertFalse(
            self._visible_to(self.user_b, self.north), "nothing shared before acceptance"
        )

        self.start_tour(AGREEMENTS_URL, "crm_collab_accept_tour", login=self.admin_b.login)
        agreement.invalidate_recordset()
        self.assertEqual(agreement.state, "active")
        self.assertEqual(agreement.accepted_by_id, self.admin_b)
        shares = self.env["crm.collab.share"].search([("agreement_id", "=", agreement.id)])
        self.assertEqual(shares.mapped("res_id"), [self.north.id])
        self.assertTrue(self._visible_to(self.user_b, self.north))
        self.assertFalse(self._visible_to(self.user_b, self.south))
        audit = self.env["crm.collab.audit"].search([("agreement_id", "=", agreement.id)])
        self.assertEqual(set(audit.mapped("action")), {"create", "propose", "accept"})
