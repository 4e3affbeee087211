# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..tools.conversation import hidden_thread_ids


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _get_thread_with_access(self, thread_id, *, mode="read", **kwargs):
        """The web client's thread routes (``/mail/data``, ``/mail/thread/messages``,
        ``/mail/message/post``, attachment upload, followers) open a record's thread
        through here, and then read parts of it as superuser: a shared record whose
        conversation stays with its owner has no thread for the partner's users."""
        thread = super()._get_thread_with_access(thread_id, mode=mode, **kwargs)
        # a thread opened by its token or signed hash (portal) comes back as superuser:
        # the owner gave that token, the share did not
        if thread and not thread.env.su and hidden_thread_ids(self.env, self._name, thread.ids):
            return self.browse()
        return thread
