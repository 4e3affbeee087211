# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.conversation import visible_conversation_domain


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, bypass_access=False, **kwargs):
        """Activities on a shared record stay with its owner, except the ones assigned
        to the user (``_check_access`` gets the same through mail.message's document
        filter)."""
        if not bypass_access:
            uid = self.env.uid
            domain = Domain(domain) & visible_conversation_domain(
                self.env,
                "res_model",
                "res_id",
                extra_sql=lambda alias: SQL("%s = %s", SQL.identifier(alias, "user_id"), uid),
            )
        return super()._search(domain, offset, limit, order, bypass_access=bypass_access, **kwargs)
