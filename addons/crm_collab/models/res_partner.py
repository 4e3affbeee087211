# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

from .collab_conversation import ACTIVITY_PRIVATE_FIELDS


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.collab.shared.mixin"]
    _collab_private_fields = ("comment", *ACTIVITY_PRIVATE_FIELDS)

    def action_collab_timeline(self):
        self.ensure_one()
        lines = self.env["crm.collab.timeline"].build(self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Customer history: %s", self.display_name),
            "res_model": "crm.collab.timeline",
            "view_mode": "list,form",
            "domain": [("id", "in", lines.ids)],
            "context": {"create": False},
        }
