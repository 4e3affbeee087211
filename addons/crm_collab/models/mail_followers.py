# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.fields import Domain

from ..tools.conversation import forbid_hidden, visible_conversation_domain


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        """Who follows a record of another company (shared or not) is part of its
        conversation: not listed unless the agreement shares the conversation."""
        domain = Domain(domain) & visible_conversation_domain(self.env, "res_model", "res_id")
        return super()._search(domain, offset, limit, order, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        rest = self - result[0] if result else self
        if not rest or self.env.su:
            return result
        by_model = {}
        # superuser reads the document reference of the followers only, to decide
        for follower in rest.sudo():
            by_model.setdefault(follower.res_model, {}).setdefault(follower.res_id, []).append(
                follower.id
            )
        return forbid_hidden(self, result, operation, by_model)
