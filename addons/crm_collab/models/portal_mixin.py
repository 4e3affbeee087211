# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.exceptions import AccessError


class PortalMixin(models.AbstractModel):
    _inherit = "portal.mixin"

    def _portal_ensure_token(self):
        """The access token of a record opens it to anyone holding it, without login: a
        share never hands it out. Every public way to a token (``get_portal_url``, the
        preview and share buttons) asks it here, as the calling user; the owner's own
        flows (mail templates rendered as superuser, its own records) are untouched."""
        if (
            not self.env.su
            and not self.env.user.share
            and "collab_shared" in self._fields
            and self._collab_foreign_ids()
        ):
            raise AccessError(_("The portal link of a shared record is its owner's to give."))
        return super()._portal_ensure_token()
