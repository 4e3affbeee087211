# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user

SALES = "sales_team.group_sale_salesman_all_leads"
HELPDESK = "helpdesk_mgmt.group_helpdesk_manager"


class CollabCase(TransactionCase):
    """Three companies: A owns the data, B is A's partner, C is a stranger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context, tracking_disable=False, mail_create_nolog=True, mail_notrack=False
            )
        )
        Company = cls.env["res.company"]
        cls.company_a = Company.create({"name": "Owner A"})
        cls.company_b = Company.create({"name": "Distributor B"})
        cls.company_c = Company.create({"name": "Stranger C"})

        def user(login, company, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
                email=f"{login}@example.com",
                context={"no_reset_password": True},
            )

        admin_groups = f"base.group_user,{SALES},{HELPDESK},crm_collab.group_collab_admin,base.group_allow_export"
        user_groups = f"base.group_user,{SALES},{HELPDESK},base.group_allow_export"
        cls.admin_a = user("admin_a", cls.company_a, admin_groups)
        cls.user_a = user("user_a", cls.company_a, user_groups)
        cls.admin_b = user("admin_b", cls.company_b, admin_groups)
        cls.user_b = user("user_b", cls.company_b, user_groups)
        cls.admin_c = user("admin_c", cls.company_c, admin_groups)
        cls.user_c = user("user_c", cls.company_c, user_groups)

        cls.tag_north = cls.env["res.partner.category"].create({"name": "North"})
        Partner = cls.env["res.partner"]
        cls.north = Partner.create(
            [
                {
                    "name": f"North customer {i}",
                    "company_id": cls.company_a.id,
                    "is_company": True,
                    "category_id": [(6, 0, cls.tag_north.ids)],
                    "comment": f"A secret note {i}",
                }
                for i in range(3)
            ]
        )
        cls.south = Partner.create(
            [
                {
                    "name": f"South customer {i}",
                    "company_id": cls.company_a.id,
                    "is_company": True,
                    "comment": "A south secret",
                }
                for i in range(2)
            ]
        )
        cls.b_partner = Partner.create(
            {
                "name": "B own customer",
                "company_id": cls.company_b.id,
                "is_company": True,
                "comment": "B note",
            }
        )

        Lead = cls.env["crm.lead"]
        cls.lead_north = Lead.create(
            {
                "name": "North deal",
                "type": "opportunity",
                "company_id": cls.company_a.id,
                "partner_id": cls.north[0].id,
                "expected_revenue": 1000,
                "user_id": cls.user_a.id,
                "description": "A internal: margin 40%",
            }
        )
        cls.lead_south = Lead.create(
            {
                "name": "South deal",
                "type": "opportunity",
                "company_id": cls.company_a.id,
                "partner_id": cls.south[0].id,
                "expected_revenue": 500,
                "user_id": cls.user_a.id,
            }
        )

    # the fields a test's read-and-write share names, when it does not say
    WRITE_FIELDS = ("name", "phone", "expected_revenue", "priority", "client_order_ref")

    @classmethod
    def write_fields(cls, res_model, names=None):
        """Command setting the fields a read-and-write share of ``res_model`` names."""
        names = names or [f for f in cls.WRITE_FIELDS if f in cls.env[res_model]._fields]
        fields = cls.env["ir.model.fields"].search(
            [("model", "=", res_model), ("name", "in", list(names))]
        )
        return [(6, 0, fields.ids)]

    @classmethod
    def make_agreement(
        cls, res_model="res.partner", domain=None, access="read", activate=True, **vals
    ):
        domain = domain or f"[('category_id', 'in', [{cls.tag_north.id}])]"
        if access == "write" and "write_field_ids" not in vals:
            vals["write_field_ids"] = cls.write_fields(res_model)
        agreement = (
            cls.env["crm.collab.agreement"]
            .with_user(cls.admin_a)
            .create(
                {
                    "name": f"A to B {res_model} {access}",
                    "owner_company_id": cls.company_a.id,
                    "partner_company_id": cls.company_b.id,
                    "res_model": res_model,
                    "domain": domain,
                    "access_level": access,
                    **vals,
                }
            )
        )
        if activate:
            agreement.action_propose()
            agreement.with_user(cls.admin_b).action_accept()
        return agreement

    def as_user(self, model, user):
        return self.env[model].with_user(user).with_company(user.company_id)
