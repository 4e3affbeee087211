# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import models


class MailTrackingValue(models.Model):
    _inherit = "mail.tracking.value"

    def _filter_has_field_access(self, env):
        """A private field stays private in the chatter too: its tracking (old and new
        value, e.g. an order's untaxed amount) is dropped from the messages of records
        of companies the user is not a member of, even when the agreement shares the
        conversation. Odoo asks this with the field on an empty recordset, which the
        private-field check of the mixin cannot answer, hence the check per record."""
        allowed = super()._filter_has_field_access(env)
        if env.su or not allowed:
            return allowed
        private = defaultdict(lambda: defaultdict(list))  # model -> res_id -> trackings
        # superuser (as Odoo's own check): the tracked field and the message's document
        for tracking in allowed.sudo():
            model = tracking.field_id.model
            fields_private = getattr(env.get(model), "_collab_private_fields", ())
            if tracking.field_id.name in fields_private:
                message = tracking.mail_message_id
                if message.model == model and message.res_id:
                    private[model][message.res_id].append(tracking.id)
        hidden = set()
        for model, docs in private.items():
            foreign = env[model].browse(list(docs))._collab_foreign_ids()
            hidden.update(tid for doc_id in foreign for tid in docs[doc_id])
        return allowed.filtered(lambda t: t.id not in hidden) if hidden else allowed
