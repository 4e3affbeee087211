# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.addons.crm_ops.tests.common import HELPDESK_MANAGER as HELPDESK
from odoo.addons.crm_ops.tests.common import SALESMAN_ALL_LEADS as SALES
from odoo.addons.crm_ops.tests.common import CrmOpsCommon

COLLAB_ADMIN = "crm_collab.group_collab_admin"


class CollabCase(CrmOpsCommon):
    """Three companies: A owns the data, B is A's partner, C is a stranger; an admin
    (``admin_a``…) and a user (``user_a``…) of each, for ``@users``."""

    # tracking on: the timeline and audit tests read the tracked changes
    env_context = {"tracking_disable": False, "mail_create_nolog": True, "mail_notrack": False}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls._create_company(name="Owner A")
        cls.company_b = cls._create_company(name="Distributor B")
        cls.company_c = cls._create_company(name="Stranger C")
        admin_groups = f"base.group_user,{SALES},{HELPDESK},{COLLAB_ADMIN},base.group_allow_export"
        user_groups = f"base.group_user,{SALES},{HELPDESK},base.group_allow_export"
        cls.admin_a = cls._create_collab_user("admin_a", cls.company_a, admin_groups)
        cls.user_a = cls._create_collab_user("user_a", cls.company_a, user_groups)
        cls.admin_b = cls._create_collab_user("admin_b", cls.company_b, admin_groups)
        cls.user_b = cls._create_collab_user("user_b", cls.company_b, user_groups)
        cls.admin_c = cls._create_collab_user("admin_c", cls.company_c, admin_groups)
        cls.user_c = cls._create_collab_user("user_c", cls.company_c, user_groups)

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

        cls.lead_north = cls._create_opportunity(
            "North deal", cls.north[0], 1000, description="A internal: margin 40%"
        )
        cls.lead_south = cls._create_opportunity("South deal", cls.south[0], 500)

    @classmethod
    def _create_collab_user(cls, login, company, groups, **kwargs):
        """A user of ``company`` whose e-mail is ``<login>@example.com``."""
        return cls._create_company_user(
            login,
            company,
            groups,
            email=f"{login}@example.com",
            context={"no_reset_password": True},
            **kwargs,
        )

    @classmethod
    def _create_opportunity(cls, name, partner, revenue, **vals):
        """An opportunity of company A, for ``partner``, assigned to ``user_a``."""
        return cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "company_id": cls.company_a.id,
                "partner_id": partner.id,
                "expected_revenue": revenue,
                "user_id": cls.user_a.id,
                **vals,
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

    @classmethod
    def make_handoff_agreement(cls):
        """A's leads of North customers can be handed off to B."""
        return cls.make_agreement(
            res_model="crm.lead",
            access="handoff",
            domain=f"[('partner_id.category_id', 'in', [{cls.tag_north.id}])]",
        )

    @classmethod
    def make_feedback_rule(cls, **vals):
        """A's complaint tickets routed to B, as an activity of ``user_b``."""
        return cls.env["crm.collab.feedback.rule"].create(
            {
                "name": "Complaints to distributor",
                "company_id": cls.company_a.id,
                "trigger": "ticket",
                "ticket_domain": "[('name', 'ilike', 'complaint')]",
                "target_company_id": cls.company_b.id,
                "activity_user_id": cls.user_b.id,
                **vals,
            }
        )

    def as_user(self, model, user):
        return self.env[model].with_user(user).with_company(user.company_id)
