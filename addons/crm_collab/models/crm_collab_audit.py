# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError


class CrmCollabAudit(models.Model):
    _name = "crm.collab.audit"
    _description = "Sharing Audit Log"
    _order = "id desc"
    _rec_name = "action"

    agreement_id = fields.Many2one(
        "crm.collab.agreement", required=True, ondelete="cascade", index=True, readonly=True
    )
    owner_company_id = fields.Many2one(related="agreement_id.owner_company_id", store=True)
    partner_company_id = fields.Many2one(related="agreement_id.partner_company_id", store=True)
    user_id = fields.Many2one("res.users", readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    action = fields.Selection(
        [
            ("create", "Created"),
            ("propose", "Proposed"),
            ("accept", "Accepted"),
            ("change", "Changed"),
            ("suspend", "Suspended"),
            ("revoke", "Revoked"),
            ("expire", "Expired"),
            ("handoff", "Hand-off"),
            ("sync", "Outcome synced"),
            ("export", "Export"),
        ],
        required=True,
        readonly=True,
    )
    description = fields.Char(readonly=True)
    res_model = fields.Char(readonly=True)
    res_ids = fields.Text(readonly=True)
    record_count = fields.Integer(readonly=True)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("The audit trail cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("The audit trail cannot be deleted."))
        return super().unlink()
