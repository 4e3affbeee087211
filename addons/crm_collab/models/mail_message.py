# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..tools.conversation import hidden_thread_ids


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _filter_records_for_message_operation(self, doc_model, doc_res_ids, operation):
        """Reading a shared record does not give its messages: every document check of
        mail.message (search, read, post, edit, delete) and of mail.activity goes
        through here, after the author / recipient exceptions of Odoo. Documents whose
        conversation stays with their owner (see tools/conversation.py) are removed."""
        allowed = super()._filter_records_for_message_operation(doc_model, doc_res_ids, operation)
        hidden = hidden_thread_ids(self.env, doc_model, allowed.ids)
        return allowed.filtered(lambda rec: rec.id not in hidden) if hidden else allowed
