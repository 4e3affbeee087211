# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Near misses of lead capture, for a salesperson to confirm or reject.

Capture creates one entry per candidate scoring between the company's review
threshold and its link (customers) or merge (leads) threshold. The answer is
remembered for the pair: a later lead of the same contact (same mailbox or phone,
same name) and the same candidate is linked (confirmed) or not offered again
(rejected) without asking.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

STATES = [
    ("pending", "To Review"),
    ("confirmed", "Confirmed"),
    ("rejected", "Rejected"),
    ("dismissed", "Dismissed"),
]


def pair_key(email, phone, name):
    """The incoming contact's side of a pair: its mailbox (else phone) and its name.

    The mailbox is canonical (Gmail dots and +tags folded) so that a later lead of
    the same person finds the answer; the name keeps two colleagues writing from
    one shared box apart.
    """
    from crm_engine.identity import canonical_email, name_tokens
    from crm_engine.normalize import normalize_phone

    ident = ""
    try:
        ident = canonical_email(email) if email else ""
    except ValueError:
        ident = ""
    if not ident and phone:
        try:
            ident = normalize_phone(phone)
        except ValueError:
            ident = str(phone)
    if not ident:
        return False
    return f"{ident}|{' '.join(sorted(name_tokens(name or '')))}"


class CrmLeadMatchReview(models.Model):
    _name = "crm.lead.match.review"
    _description = "Lead Match to Review"
    _order = "state_order, score desc, id desc"
    _check_company_auto = True
    _rec_name = "lead_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Incoming Lead",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        context={"active_test": False},
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Possible Customer",
        readonly=True,
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
    )
    candidate_lead_id = fields.Many2one(
        "crm.lead",
        string="Possible Lead",
        readonly=True,
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
    )
    score = fields.Float(readonly=True, digits=(5, 1))
    evidence = fields.Json(readonly=True)
    explanation = fields.Char(string="Why", compute="_compute_explanation")
    pair_key = fields.Char(readonly=True, index=True, copy=False)
    state = fields.Selection(
        STATES, string="Status", default="pending", required=True, readonly=True, index=True
    )
    state_order = fields.Integer(compute="_compute_state_order", store=True)
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_on = fields.Datetime(readonly=True)

    # the pair side by side
    lead_contact_name = fields.Char(related="lead_id.contact_name", string="Lead Contact")
    lead_partner_name = fields.Char(related="lead_id.partner_name", string="Lead Company")
    lead_email = fields.Char(related="lead_id.email_from", string="Lead Email")
    lead_phone = fields.Char(related="lead_id.phone", string="Lead Phone")
    candidate_name = fields.Char(compute="_compute_candidate", string="Candidate")
    candidate_email = fields.Char(compute="_compute_candidate")
    candidate_phone = fields.Char(compute="_compute_candidate")
    candidate_company = fields.Char(compute="_compute_candidate")

    _crm_ops_one_candidate = models.Constraint(
        "CHECK((partner_id IS NULL) != (candidate_lead_id IS NULL))",
        "A review pairs the lead with one customer or one lead.",
    )

    @api.depends("state")
    def _compute_state_order(self):
        order = {state: index for index, (state, _label) in enumerate(STATES)}
        for review in self:
            review.state_order = order.get(review.state, 9)

    @api.depends("partner_id", "candidate_lead_id")
    def _compute_candidate(self):
        for review in self:
            if review.partner_id:
                partner = review.partner_id
                review.candidate_name = partner.name
                review.candidate_email = partner.email
                review.candidate_phone = partner.phone
                review.candidate_company = partner.parent_id.name or (
                    partner.name if partner.is_company else False
                )
            else:
                lead = review.candidate_lead_id
                review.candidate_name = lead.contact_name or lead.name
                review.candidate_email = lead.email_from
                review.candidate_phone = lead.phone
                review.candidate_company = lead.partner_name

    @api.depends("evidence", "score")
    @api.depends_context("lang")
    def _compute_explanation(self):
        Lead = self.env["crm.lead"]
        for review in self:
            review.explanation = Lead._crm_ops_evidence_text(review.evidence or [])

    # ------------------------------------------------------------------
    def _check_pending(self):
        if any(review.state != "pending" for review in self):
            raise UserError(
                self.env._("Only matches still to review can be confirmed or rejected.")
            )

    def _decide(self, state):
        self.write(
            {"state": state, "decided_by_id": self.env.user.id, "decided_on": fields.Datetime.now()}
        )

    def action_confirm(self):
        """Link the lead to the customer (or merge it into the lead), as the current user."""
        self._check_pending()
        for review in self:
            lead = review.lead_id
            others = lead.crm_ops_review_ids.filtered(
                lambda r, review=review: r != review and r.state == "pending"
            )
            review._decide("confirmed")
            others.write({"state": "dismissed"})
            lead._crm_ops_apply_review(review)
        return True

    def action_reject(self):
        """Keep the lead apart from this candidate; later leads of the pair are not offered it."""
        self._check_pending()
        self._decide("rejected")
        for review in self:
            review.lead_id._crm_ops_note_review(review)
        return True

    @api.model
    def _remembered(self, company, key, partner_ids, lead_ids):
        """Answers given for this pair: {("res.partner"|"crm.lead", id): state}."""
        if not key:
            return {}
        # sudo: the capture service asks on behalf of whoever sends the lead (a web
        # visitor, an API client); only the states for this company's pair key are read
        # and they are never returned to the caller
        reviews = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", company.id),
                    ("pair_key", "=", key),
                    ("state", "in", ("confirmed", "rejected")),
                    "|",
                    ("partner_id", "in", partner_ids),
                    ("candidate_lead_id", "in", lead_ids),
                ],
                order="decided_on desc, id desc",
            )
        )
        answers = {}
        for review in reviews:
            target = (
                ("res.partner", review.partner_id.id)
                if review.partner_id
                else ("crm.lead", review.candidate_lead_id.id)
            )
            answers.setdefault(target, review.state)
        return answers
