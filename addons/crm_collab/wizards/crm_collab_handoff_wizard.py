# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CrmCollabHandoffWizard(models.TransientModel):
    _name = "crm.collab.handoff.wizard"
    _description = "Hand off leads to a partner company"

    lead_ids = fields.Many2many("crm.lead", required=True)
    agreement_id = fields.Many2one(
        "crm.collab.agreement",
        required=True,
        domain="[('state', '=', 'active'), ('access_level', '=', 'handoff'), "
        "('owner_company_id', 'in', allowed_company_ids)]",
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.lead":
            res["lead_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return res

    def action_handoff(self):
        self.ensure_one()
        copies = self.lead_ids._collab_handoff(self.agreement_id)
        return {"type": "ir.actions.act_window_close", "infos": {"count": len(copies)}}
