# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# set by ``action_accept`` only
CONSENT_FIELDS = {"owner_accepted_by_id", "partner_accepted_by_id"}
# what each side consented to: changing one of them asks both sides again
CONSENTED_FIELDS = {"agreement_id", "campaign_id", "date_start", "date_end"}


class CrmCollabCampaign(models.Model):
    """Co-marketing: one UTM campaign run by two companies, with each side's results
    (aggregates only: neither side reads the other's leads through it).

    The figures of the other company are read as superuser, so they are given only
    with the consent of both: an active agreement between the two companies (valid
    today), a campaign accepted by a Sharing Administrator of each side, and only the
    leads and orders dated within the campaign's dates."""

    _name = "crm.collab.campaign"
    _description = "Co-marketing Campaign"
    _inherit = ["mail.thread"]

    name = fields.Char(required=True, tracking=True)
    agreement_id = fields.Many2one(
        "crm.collab.agreement", required=True, domain=[("state", "=", "active")], tracking=True
    )
    owner_company_id = fields.Many2one(related="agreement_id.owner_company_id", store=True)
    partner_company_id = fields.Many2one(related="agreement_id.partner_company_id", store=True)
    campaign_id = fields.Many2one(
        "utm.campaign", string="UTM Campaign", required=True, tracking=True
    )
    date_start = fields.Date(required=True, tracking=True, default=fields.Date.context_today)
    date_end = fields.Date(required=True, tracking=True)
    owner_accepted_by_id = fields.Many2one(
        "res.users", string="Accepted by (owner)", readonly=True, copy=False
    )
    partner_accepted_by_id = fields.Many2one(
        "res.users", string="Accepted by (partner)", readonly=True, copy=False
    )
    state = fields.Selection(
        [("draft", "Waiting for acceptance"), ("accepted", "Accepted by both companies")],
        compute="_compute_state",
        store=True,
    )
    owner_lead_count = fields.Integer(compute="_compute_results")
    owner_won_revenue = fields.Float(compute="_compute_results")
    owner_order_amount = fields.Float(compute="_compute_results")
    partner_lead_count = fields.Integer(compute="_compute_results")
    partner_won_revenue = fields.Float(compute="_compute_results")
    partner_order_amount = fields.Float(compute="_compute_results")

    _check_dates = models.Constraint(
        "CHECK(date_end >= date_start)", "The campaign must end after it starts."
    )

    @api.depends("owner_accepted_by_id", "partner_accepted_by_id")
    def _compute_state(self):
        for rec in self:
            both = rec.owner_accepted_by_id and rec.partner_accepted_by_id
            rec.state = "accepted" if both else "draft"

    def _collab_consented(self):
        """Both companies consented: an active agreement valid today between them, and
        the campaign accepted by each side."""
        self.ensure_one()
        agreement = self.agreement_id.sudo()
        today = fields.Date.context_today(self)
        return (
            self.state == "accepted"
            and agreement.state == "active"
            and (not agreement.date_start or agreement.date_start <= today)
            and (not agreement.date_end or agreement.date_end >= today)
        )

    @api.depends(
        "campaign_id", "agreement_id", "date_start", "date_end", "state", "agreement_id.state"
    )
    def _compute_results(self):
        for rec in self:
            for side in ("owner", "partner"):
                rec[f"{side}_lead_count"] = 0
                rec[f"{side}_won_revenue"] = 0.0
                rec[f"{side}_order_amount"] = 0.0
            if not (rec.id and rec.campaign_id and rec._collab_consented()):
                continue
            start = datetime.combine(rec.date_start, time.min)
            end = datetime.combine(rec.date_end, time.max)
            # as superuser: the other company's leads and orders are not readable by the
            # user; only these three aggregates of the consented campaign come out
            Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
            Order = self.env["sale.order"].sudo()
            for side, company in (
                ("owner", rec.owner_company_id),
                ("partner", rec.partner_company_id),
            ):
                dom = [
                    ("campaign_id", "=", rec.campaign_id.id),
                    ("company_id", "=", company.id),
                    ("create_date", ">=", start),
                    ("create_date", "<=", end),
                ]
                [(count,)] = Lead._read_group(dom, [], ["__count"])
                [(won,)] = Lead._read_group(
                    dom + [("won_status", "=", "won")], [], ["expected_revenue:sum"]
                )
                [(amount,)] = Order._read_group(
                    [
                        ("campaign_id", "=", rec.campaign_id.id),
                        ("company_id", "=", company.id),
                        ("state", "=", "sale"),
                        ("date_order", ">=", start),
                        ("date_order", "<=", end),
                    ],
                    [],
                    ["amount_total:sum"],
                )
                rec[f"{side}_lead_count"] = count
                rec[f"{side}_won_revenue"] = won or 0.0
                rec[f"{side}_order_amount"] = amount or 0.0

    # ------------------------------------------------------------------ consent
    def _check_agreement_active(self):
        for rec in self:
            if rec.agreement_id.sudo().state != "active":
                raise ValidationError(
                    _(
                        "A co-marketing campaign needs an active agreement between the two companies."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if CONSENT_FIELDS & set(vals):
                    raise AccessError(_("Each company accepts a co-marketing campaign itself."))
        records = super().create(vals_list)
        records._check_agreement_active()
        # the client's ``default_*`` context keys cannot pre-accept a campaign either
        if not self.env.su and any(
            rec.owner_accepted_by_id or rec.partner_accepted_by_id for rec in records
        ):
            raise AccessError(_("Each company accepts a co-marketing campaign itself."))
        return records

    def write(self, vals):
        if not self.env.su and CONSENT_FIELDS & set(vals):
            raise AccessError(_("Each company accepts a co-marketing campaign itself."))
        res = super().write(vals)
        if CONSENTED_FIELDS & set(vals):
            self._check_agreement_active()
            # what was accepted changed: both companies accept again
            super(CrmCollabCampaign, self.sudo()).write(dict.fromkeys(CONSENT_FIELDS, False))
        return res

    def action_accept(self):
        """A Sharing Administrator accepts the campaign for the side(s) of the
        agreement their companies are on."""
        if not self.env.su and not self.env.user.has_group("crm_collab.group_collab_admin"):
            raise AccessError(_("Only a Sharing Administrator can do this."))
        companies = self.env.user.company_ids
        for rec in self:
            rec._check_agreement_active()
            vals = {}
            if rec.owner_company_id in companies:
                vals["owner_accepted_by_id"] = self.env.uid
            if rec.partner_company_id in companies:
                vals["partner_accepted_by_id"] = self.env.uid
            if not vals:
                raise AccessError(_("Your companies are not party to this campaign."))
            if rec.date_end < fields.Date.context_today(rec):
                raise UserError(_("This campaign has already ended."))
            # consent fields are written by this method only (refused in write)
            super(CrmCollabCampaign, rec.sudo()).write(vals)
            rec.sudo().message_post(body=_("Accepted by %s", self.env.user.name))
        return True
