# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The merge moves every reference to the destination, writes the sources' values
        on it and deletes the sources, all as superuser: the contacts merged (the
        destination included) must be the user's own, never contacts another company
        shares with it."""
        partners = self.env["res.partner"].browse(partner_ids)
        if dst_partner:
            partners |= dst_partner
        partners._collab_check_own(_("Merge"))
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
