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
    "collab_handoff_state",
}
HANDOFF_PROTECTED = {
    "collab_origin_lead_id",
    "collab_handoff_agreement_id",
    "collab_partner_stage",
    "collab_partner_result",
    "collab_partner_revenue",
    "collab_partner_company_id",
    "collab_handoff_state",
}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.collab.shared.mixin"]
    _collab_private_fields = ("description",)

    # computed as the reader, from the activities they may see (see tools/conversation.py)
    activity_type_id = fields.Many2one(compute_sudo=False)
    activity_type_icon = fields.Char(compute_sudo=False)
    activity_summary = fields.Char(compute_sudo=False)

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
    collab_handoff_state = fields.Selection(
        [("offered", "To Answer"), ("accepted", "Accepted"), ("declined", "Declined")],
        string="Hand-off Answer",
        readonly=True,
        copy=False,
        help="The receiving company accepts the hand-off (and works it) or declines it "
        "(the copy is archived and the owner is told).",
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
        [("pending", "In progress"), ("won", "Won"), ("lost", "Lost"), ("declined", "Declined")],
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
        # the hand-off creates its copies as superuser (``_collab_handoff``, private: not
        # reachable over RPC); no context key a client could send lifts this guard
        if not self.env.su:
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

    def _collab_handoff_link_valid(self):
        """The link of this copy to its original is one a hand-off made: a hand-off
        agreement from the original's company to the copy's, and the original handed off
        to that company. Whatever runs as superuser through the link checks it first."""
        self.ensure_one()
        origin = self.collab_origin_lead_id
        agreement = self.collab_handoff_agreement_id
        return bool(
            origin
            and agreement
            and agreement.access_level == "handoff"
            and agreement.res_model == "crm.lead"
            and origin.company_id == agreement.owner_company_id
            and self.company_id == agreement.partner_company_id
            and origin.collab_partner_company_id == agreement.partner_company_id
        )

    def _collab_sync_back(self):
        """Stage, won/lost and amount of the partner's copy flow back to the owner's lead
        (only those: the partner's notes stay with the partner)."""
        for copy in self.sudo().with_context(active_test=False):
            origin = copy.collab_origin_lead_id
            if not origin or not copy._collab_handoff_link_valid():
                continue
            result = "declined" if copy.collab_handoff_state == "declined" else copy.won_status
            vals = {
                "collab_partner_stage": copy.stage_id.name,
                "collab_partner_result": result,
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
                    result=dict(self._fields["collab_partner_result"].selection).get(result),
                    amount=copy.expected_revenue,
                ),
                subtype_xmlid="mail.mt_note",
            )
            if copy.collab_handoff_agreement_id:
                copy.collab_handoff_agreement_id._audit(
                    "sync",
                    _("Outcome of %(lead)s: %(result)s", lead=origin.name, result=result),
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
            "collab_handoff_state": "offered",
        }

    def _collab_check_handoff_answer(self):
        """The user answers hand-offs received by one of their companies, still to answer."""
        self.check_access("write")
        companies = self.env.user.company_ids
        for lead in self.sudo():
            if not lead.collab_origin_lead_id or lead.company_id not in companies:
                raise AccessError(_("Only the receiving company answers a hand-off."))
            if lead.collab_handoff_state != "offered":
                raise UserError(_("This hand-off has already been answered."))

    def action_collab_handoff_accept(self):
        """The receiving company takes the handed-off lead into its pipeline (assigned to
        the user if nobody is); the owner sees the answer on its lead."""
        self._collab_check_handoff_answer()
        for lead in self.sudo():
            if lead.collab_handoff_agreement_id.state != "active":
                raise UserError(_("The hand-off agreement is no longer active."))
            # superuser: the answer fields are set by this button only (checked above)
            lead.write(
                {"collab_handoff_state": "accepted", "user_id": lead.user_id.id or self.env.uid}
            )
            lead._collab_post_answer(_("Hand-off accepted by %s", lead.company_id.name))
        return True

    def action_collab_handoff_decline(self):
        """The receiving company declines: its copy is archived, the owner's lead shows
        the hand-off as declined, and can be handed off again elsewhere."""
        self._collab_check_handoff_answer()
        for lead in self.sudo():
            # superuser: the answer field is set by the buttons only (checked above)
            lead.write({"collab_handoff_state": "declined", "active": False})
            lead._collab_post_answer(_("Hand-off declined by %s", lead.company_id.name))
        return True

    def _collab_post_answer(self, body):
        """Tell the owner, on its lead, what the partner answered (runs as superuser after
        the checks of the answer; the link is re-checked)."""
        self.ensure_one()
        if self._collab_handoff_link_valid():
            self.collab_origin_lead_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _collab_handoff(self, agreement):
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
            lambda c: (
                c.collab_handoff_agreement_id == agreement and c.collab_handoff_state != "declined"
            )
        ):
            raise UserError(_("Some leads were already handed off under this agreement."))
        Lead = (
            self.env["crm.lead"]
            .sudo()
            .with_context(
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
