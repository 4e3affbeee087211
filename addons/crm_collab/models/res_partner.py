# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.collab.shared.mixin"]
    _collab_private_fields = ("comment",)

    # computed as the reader, from the activities they may see (see tools/conversation.py)
    activity_type_id = fields.Many2one(compute_sudo=False)
    activity_type_icon = fields.Char(compute_sudo=False)
    activity_summary = fields.Char(compute_sudo=False)

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
