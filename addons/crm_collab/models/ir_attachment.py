# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.conversation import forbid_hidden, visible_conversation_domain


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _check_access(self, operation):
        """Files attached to a shared record (quotation PDFs, mail attachments) stay with
        its owner, through every door (``/web/content``, read, search, write, unlink).
        Field attachments (``res_field``: an image of the record) follow the field's
        access instead: they are the record's data, not its conversation."""
        result = super()._check_access(operation)
        rest = self - result[0] if result else self
        if not rest or self.env.su:
            return result
        by_model = {}
        # superuser reads the document reference of the attachments only, to decide
        for att in rest.sudo():
            if att.res_model and att.res_id and not att.res_field:
                by_model.setdefault(att.res_model, {}).setdefault(att.res_id, []).append(att.id)
        return forbid_hidden(self, result, operation, by_model)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if not kwargs.get("bypass_access"):
            domain = Domain(domain) & visible_conversation_domain(
                self.env,
                "res_model",
                "res_id",
                # field attachments (res_field set) follow the field's access
                extra_sql=lambda alias: SQL("%s IS NOT NULL", SQL.identifier(alias, "res_field")),
            )
        return super()._search(domain, offset, limit, order, **kwargs)
