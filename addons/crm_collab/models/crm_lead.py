# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

# what flows back from the partner's copy to the owner's lead
SYNC_TRIGGERS = {
    "stage_id",
    "active",
    "probability",
    "expected_revenue",
    "lost_reason_id",
    "won_status",
}
HANDOFF_PROTECTED = {
    "collab_origin_lead_id",
    "collab_handoff_agreement_id",
    "collab_partner_stage",
    "collab_partner_result",
    "collab_partner_revenue",
}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.collab.shared.mixin"]
    _collab_private_fields = ("description",)

    # on the partner's copy
    collab_origin_lead_id = fields.Many2one(
        "crm.lead",
        string="Handed off from",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="set null",
    )
    collab_handoff_agreement_id = fields.Many2one(
        "crm.collab.agreement",
        string="Hand-off Agreement",
        readonly=True,
        index="btree_not_null",
        copy=False,
    )
    # on the owner's lead
    collab_handoff_ids = fields.One2many(
        "crm.lead",
        "collab_origin_lead_id",
        string="Hand-offs",
        readonly=True,
        context={"active_test": False},
    )
    collab_partner_company_id = fields.Many2one(
        "res.company", string="Handed off to", readonly=True, copy=False
    )
    collab_partner_stage = fields.Char(string="Partner Stage", readonly=True, copy=False)
    collab_partner_result = fields.Selection(
        [("pending", "In progress"), ("won", "Won"), ("lost", "Lost")],
        string="Partner Outcome",
        readonly=True,
        copy=False,
    )
    collab_partner_revenue = fields.Monetary(
        string="Partner Expected Revenue",
        readonly=True,
        copy=False,
        currency_field="company_currency",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.context.get("collab_handoff"):
            for vals in vals_list:
                if HANDOFF_PROTECTED & set(vals):
                    raise AccessError(_("Hand-off links are set by the hand-off only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and HANDOFF_PROTECTED & set(vals):
            raise AccessError(_("Hand-off links are set by the hand-off only."))
        res = super().write(vals)
        if SYNC_TRIGGERS & set(vals):
            self.filtered("collab_origin_lead_id")._collab_sync_back()
        return res

    def _collab_sync_back(self):
        """Stage, won/lost and amount of the partner's copy flow back to the owner's lead
        (only those: the partner's notes stay with the partner)."""
        for copy in self.sudo().with_context(active_test=False):
            origin = copy.collab_origin_lead_id
            if not origin:
                continue
            vals = {
                "collab_partner_stage": copy.stage_id.name,
                "collab_partner_result": copy.won_status,
                "collab_partner_revenue": copy.expected_revenue,
            }
            changed = {k: v for k, v in vals.items() if origin[k] != v}
            if not changed:
                continue
            origin.write(changed)
            origin.message_post(
                body=_(
                    "Partner %(company)s: stage %(stage)s, outcome %(result)s, expected revenue %(amount)s",
                    company=copy.company_id.name,
                    stage=copy.stage_id.name or "-",
                    result=dict(self._fields["collab_partner_result"].selection).get(
                        copy.won_status
                    ),
                    amount=copy.expected_revenue,
                ),
                subtype_xmlid="mail.mt_note",
            )
            if copy.collab_handoff_agreement_id:
                copy.collab_handoff_agreement_id._audit(
                    "sync",
                    _("Outcome of %(lead)s: %(result)s", lead=origin.name, result=copy.won_status),
                    res_model="crm.lead",
                    res_ids=[origin.id],
                )

    # ------------------------------------------------------------------ hand-off
    def _collab_handoff_values(self, agreement):
        self.ensure_one()
        return {
            "name": self.name,
            "type": self.type,
            "partner_name": self.partner_name or self.partner_id.commercial_partner_id.name,
            "contact_name": self.contact_name or self.partner_id.name,
            "email_from": self.email_from,
            "phone": self.phone,
            "street": self.street,
            "city": self.city,
            "zip": self.zip,
            "country_id": self.country_id.id,
            "state_id": self.state_id.id,
            "expected_revenue": self.expected_revenue,
            "date_deadline": self.date_deadline,
            "company_id": agreement.partner_company_id.id,
            "user_id": False,
            "team_id": False,
            "collab_origin_lead_id": self.id,
            "collab_handoff_agreement_id": agreement.id,
        }

    def collab_handoff(self, agreement):
        """Pass these leads to the partner company of ``agreement``: a copy in the partner's
        company, in its pipeline. The caller must be able to write the leads (owner side)."""
        agreement.ensure_one()
        self.check_access("write")
        if agreement.state != "active" or agreement.access_level != "handoff":
            raise UserError(_("Hand-offs need an active hand-off agreement."))
        if agreement.owner_company_id not in self.env.user.company_ids:
            raise AccessError(_("Only the owner company hands off its leads."))
        allowed = self.sudo().filtered_domain(
            agreement._get_domain() & Domain("company_id", "=", agreement.owner_company_id.id)
        )
        if allowed != self.sudo():
            raise UserError(_("Some leads are not covered by agreement %s.", agreement.name))
        if self.sudo().collab_handoff_ids.filtered(
            lambda c: c.collab_handoff_agreement_id == agreement
        ):
            raise UserError(_("Some leads were already handed off under this agreement."))
        Lead = (
            self.env["crm.lead"]
            .sudo()
            .with_context(
                collab_handoff=True,
                mail_create_nosubscribe=True,
                allowed_company_ids=[agreement.partner_company_id.id],
            )
        )
        copies = Lead.create([lead._collab_handoff_values(agreement) for lead in self])
        for lead, copy in zip(self, copies):
            lead.sudo().write(
                {
                    "collab_partner_company_id": agreement.partner_company_id.id,
                    "collab_partner_result": "pending",
                    "collab_partner_stage": copy.stage_id.name,
                    "collab_partner_revenue": copy.expected_revenue,
                }
            )
            lead.message_post(
                body=_("Handed off to %s", agreement.sudo().partner_company_id.name),
                subtype_xmlid="mail.mt_note",
            )
            copy.message_post(
                body=_("Handed off by %s", agreement.sudo().owner_company_id.name),
                subtype_xmlid="mail.mt_note",
            )
        agreement._audit(
            "handoff", _("%s lead(s) handed off", len(self)), res_model="crm.lead", res_ids=self.ids
        )
        return copies
