# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The partner company of an agreement is picked among all the companies of the
database, by a Sharing Administrator who may read only their own companies.

The agreement form asks for companies with ``collab_partner_company_pick`` in the
context; for a Sharing Administrator, the name search then runs as superuser and
answers ids and names only (never another field), on a domain limited to the name
and the id: no other data of a company the user is not a member of can be read or
probed through it (``web_name_search`` answers the display name whatever fields
were asked)."""

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

PICK_CONTEXT_KEY = "collab_partner_company_pick"
# the conditions the picker accepts on other companies
PICK_FIELDS = {"id", "name", "display_name", "active"}


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _collab_partner_pick(self):
        return (
            self.env.context.get(PICK_CONTEXT_KEY)
            and not self.env.su
            and self.env.user.has_group("crm_collab.group_collab_admin")
        )

    @api.model
    def _collab_pick_domain(self, domain):
        domain = Domain(domain or [])
        for condition in domain.iter_conditions():
            if condition.field_expr not in PICK_FIELDS:
                raise AccessError(
                    _(
                        "The partner company can only be searched by its name (not by %s).",
                        condition.field_expr,
                    )
                )
        return domain

    @api.model
    def name_search(self, name="", domain=None, operator="ilike", limit=100):
        if self._collab_partner_pick():
            domain = self._collab_pick_domain(domain)
            return super(ResCompany, self.sudo()).name_search(name, domain, operator, limit)
        return super().name_search(name, domain, operator, limit)

    @api.model
    def web_name_search(self, name, specification, domain=None, operator="ilike", limit=100):
        if self._collab_partner_pick():
            domain = self._collab_pick_domain(domain)
            return super(ResCompany, self.sudo()).web_name_search(
                name, {"display_name": {}}, domain, operator, limit
            )
        return super().web_name_search(name, specification, domain, operator, limit)
