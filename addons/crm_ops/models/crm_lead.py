"""crm.lead of the suite: where a lead came from, what de-duplication decided (and its
explanation in the reader's language), merges and their undo, the review queue's answers.

The capture service itself (validation, normalisation, the de-duplication decision, the
email channel) is ``crm.ops.lead.capture`` (crm_ops_lead_capture.py), which crm.lead
inherits; the match keys and candidate lookups in SQL are ``tools/match_keys.py``.
"""

from odoo import _, api, fields, models, tools

from ..tools.match_keys import (
    create_candidate_functions,
    ensure_capture_lock_table,
    ensure_name_keys_column,
    write_name_keys,
)

# re-exported: the controllers, the import, the capture rules and tests import them from here
from .crm_ops_lead_capture import CAPTURE_FIELDS, CaptureError

__all__ = ["CAPTURE_FIELDS", "CHANNELS", "CaptureError", "CrmLead"]

CHANNELS = [
    ("manual", "Manual"),
    ("web_form", "Web Form"),
    ("api", "API"),
    ("email", "Email"),
    ("import", "Import"),
    ("campaign", "Campaign Responders"),
    ("purchase", "Purchase History"),
]


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.ops.lead.capture"]

    crm_ops_channel = fields.Selection(
        CHANNELS, string="Channel", default="manual", index=True, readonly=True, copy=False
    )
    crm_ops_dedup_state = fields.Selection(
        [("new", "New"), ("linked", "Linked to Customer"), ("merged", "Merged")],
        string="De-duplication",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    crm_ops_dedup_score = fields.Float(string="Match Score", readonly=True, copy=False)
    crm_ops_dedup_reason = fields.Char(string="Match Reasons", readonly=True, copy=False)
    # what the engine decided, as data: explained in the reader's language
    crm_ops_dedup_details = fields.Json(string="Match Details", readonly=True, copy=False)
    crm_ops_dedup_explanation = fields.Char(
        string="Why", compute="_compute_crm_ops_dedup_explanation"
    )
    crm_ops_review_ids = fields.One2many(
        "crm.lead.match.review", "lead_id", string="Matches to Review", readonly=True
    )
    crm_ops_merged_into_id = fields.Many2one(
        "crm.lead", string="Merged Into", readonly=True, copy=False, index="btree_not_null"
    )
    crm_ops_merged_lead_ids = fields.One2many(
        "crm.lead",
        "crm_ops_merged_into_id",
        string="Merged Leads",
        context={"active_test": False},
    )
    crm_ops_merged_count = fields.Integer(compute="_compute_crm_ops_merged_count")
    crm_ops_domain = fields.Char(string="Company Domain", readonly=True, copy=False)
    crm_ops_idempotency_key = fields.Char(readonly=True, copy=False)
    crm_ops_rule_id = fields.Many2one(
        "crm.capture.rule", string="Capture Rule", readonly=True, copy=False, index="btree_not_null"
    )

    _crm_ops_idempotency_uniq = models.Constraint(
        "UNIQUE(company_id, crm_ops_idempotency_key)",
        "This idempotency key was already used for another lead of the company.",
    )
    _crm_ops_email_idx = models.Index(
        "(company_id, email_normalized) WHERE active AND email_normalized IS NOT NULL"
    )
    _crm_ops_phone_idx = models.Index(
        "(company_id, phone_sanitized) WHERE active AND phone_sanitized IS NOT NULL"
    )
    _crm_ops_domain_idx = models.Index(
        "(company_id, crm_ops_domain) WHERE active AND crm_ops_domain IS NOT NULL"
    )

    @api.depends("crm_ops_merged_lead_ids")
    def _compute_crm_ops_merged_count(self):
        counts = dict(
            self.with_context(active_test=False)._read_group(
                [("crm_ops_merged_into_id", "in", self.ids)],
                ["crm_ops_merged_into_id"],
                ["__count"],
            )
        )
        for lead in self:
            lead.crm_ops_merged_count = counts.get(lead, 0)

    @api.depends("crm_ops_dedup_details", "crm_ops_dedup_reason")
    @api.depends_context("lang")
    def _compute_crm_ops_dedup_explanation(self):
        for lead in self:
            lead.crm_ops_dedup_explanation = lead._crm_ops_explain(lead.crm_ops_dedup_details)

    def init(self):
        res = super().init()
        ensure_name_keys_column(self.env.cr, self._table)
        create_candidate_functions(self.env.cr)
        ensure_capture_lock_table(self.env.cr)
        return res

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._crm_ops_update_name_keys()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if {"contact_name", "partner_name", "email_from", "phone", "country_id"} & set(vals):
            self._crm_ops_update_name_keys()
        return res

    def _handle_won_lost(self, old_status_by_lead, new_status_by_lead):
        """A lead merged into another is archived, not lost: predictive lead scoring
        counts it neither when it is merged nor when the merge is undone (undo
        reactivates it while it is still marked merged)."""
        merged = self.filtered(lambda lead: lead.crm_ops_dedup_state == "merged")
        return super(CrmLead, self - merged)._handle_won_lost(
            old_status_by_lead, new_status_by_lead
        )

    def _crm_ops_update_name_keys(self):
        from crm_engine.matching import blocking_keys

        if self:
            self.flush_recordset(
                ["contact_name", "partner_name", "email_from", "phone", "country_id"]
            )
            write_name_keys(
                self.env.cr,
                self._table,
                [
                    (
                        lead.id,
                        blocking_keys(
                            lead.contact_name,
                            lead.partner_name,
                            lead.email_from,
                            lead.phone,
                            (lead.country_id or lead.company_id.country_id).code,
                        ),
                    )
                    for lead in self
                ],
            )

    def _crm_ops_post_merge_note(self, incoming):
        self.ensure_one()
        body = _(
            "Lead %(lead)s from channel %(channel)s was merged into this one "
            "(score %(score)s: %(reasons)s). Contact: %(contact)s, %(email)s, %(phone)s.",
            lead=incoming.name,
            channel=dict(CHANNELS).get(incoming.crm_ops_channel),
            score=round(incoming.crm_ops_dedup_score),
            reasons=incoming.crm_ops_dedup_reason,
            contact=incoming.contact_name or incoming.partner_name or "-",
            email=incoming.email_from or "-",
            phone=incoming.phone or "-",
        )
        if incoming.description:
            body += "\n" + tools.html2plaintext(incoming.description)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_crm_ops_undo_merge(self):
        """Bring merged leads back as leads of their own."""
        for lead in self.filtered(lambda lead: lead.crm_ops_dedup_state == "merged"):
            target = lead.crm_ops_merged_into_id
            # reactivated while still marked merged: lead scoring never counted it
            lead.write({"active": True})
            lead.write({"crm_ops_merged_into_id": False, "crm_ops_dedup_state": "new"})
            lead.message_post(
                body=_(
                    "Merge into %(lead)s undone by %(user)s.",
                    lead=target.display_name,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            if target:
                target.message_post(
                    body=_("%(lead)s was split off again.", lead=lead.display_name),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_crm_ops_view_merged(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action.update(
            domain=[("crm_ops_merged_into_id", "=", self.id)],
            context={"active_test": False, "create": False},
            name=_("Merged Leads"),
        )
        return action

    # ------------------------------------------------------------------
    # Email channel
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        lead = super().message_new(msg_dict, custom_values=custom_values)
        lead._crm_ops_enrich_from_email(msg_dict.get("body") or "")
        return lead

    # ------------------------------------------------------------------
    # Review queue and explanations
    # ------------------------------------------------------------------
    def _crm_ops_apply_review(self, review):
        """A salesperson confirmed ``review``: link or merge this lead, as that user."""
        self.ensure_one()
        details = dict(
            self.crm_ops_dedup_details or {},
            action="confirmed",
            model="res.partner" if review.partner_id else "crm.lead",
            target=(review.partner_id or review.candidate_lead_id).id,
            score=review.score,
            evidence=["confirmed in review"],
            user=self.env.user.name,
        )
        if review.partner_id:
            self.write(
                {
                    "partner_id": review.partner_id.id,
                    "crm_ops_dedup_state": "linked",
                    "crm_ops_dedup_details": details,
                }
            )
        else:
            self.write(
                {
                    "crm_ops_merged_into_id": review.candidate_lead_id.id,
                    "crm_ops_dedup_state": "merged",
                    "crm_ops_dedup_details": details,
                    "active": False,
                }
            )
            review.candidate_lead_id._crm_ops_post_merge_note(self)
        self._crm_ops_note_review(review)

    def _crm_ops_note_review(self, review):
        target = review.partner_id or review.candidate_lead_id
        body = (
            self.env._(
                "%(user)s confirmed in the review queue that this lead is %(target)s.",
                user=self.env.user.name,
                target=target.display_name,
            )
            if review.state == "confirmed"
            else self.env._(
                "%(user)s rejected in the review queue that this lead is %(target)s.",
                user=self.env.user.name,
                target=target.display_name,
            )
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    @api.model
    def _crm_ops_evidence_text(self, labels):
        """The engine's reason labels in the reader's language, joined."""
        fixed = {
            "email": self.env._("same email"),
            "phone": self.env._("same phone"),
            "domain": self.env._("same company domain"),
            "shared mailbox": self.env._("shared mailbox"),
            "shared mailbox, other person": self.env._("shared mailbox of another person"),
            "same email, other name": self.env._("same email, other name"),
            "same email, other company": self.env._("same email, other company"),
            "same landline": self.env._("same landline, name only partly alike"),
            "same landline, other first name": self.env._("same landline, other first name"),
            "same mobile, other name": self.env._("same mobile, other name"),
            "confirmed in review": self.env._("confirmed by a salesperson in the review queue"),
            "rejected in review": self.env._("a candidate was rejected in the review queue"),
        }
        parts = []
        for label in labels or []:
            head, _sep, number = str(label).rpartition(" ")
            if label in fixed:
                parts.append(fixed[label])
            elif head == "name":
                parts.append(self.env._("similar name (%(similarity)s%%)", similarity=number))
            elif head == "company":
                parts.append(
                    self.env._("similar company name (%(similarity)s%%)", similarity=number)
                )
            elif head == "company of contact":
                contact = self.env["res.partner"].browse(int(number))._filtered_access("read")
                parts.append(
                    self.env._(
                        "the company of contact %(contact)s",
                        contact=contact.display_name or f"#{number}",
                    )
                )
            else:
                parts.append(str(label))
        return ", ".join(parts)

    def _crm_ops_explain(self, details):
        """One sentence in the reader's language: what capture did with this lead, and why."""
        if not details:
            return self.crm_ops_dedup_reason or False
        action = details.get("action")
        target = False
        if details.get("model") in ("res.partner", "crm.lead") and details.get("target"):
            # only records the reader may read are named
            record = self.env[details["model"]].browse(details["target"]).exists()
            record = record.with_context(active_test=False)._filtered_access("read")
            target = record.display_name if record else f"#{details['target']}"
        evidence = self._crm_ops_evidence_text(details.get("evidence")) or self.env._("no evidence")
        values = {
            "target": target,
            "score": round(details.get("score") or 0),
            "limit": round(details.get("limit") or 0),
            "evidence": evidence,
        }
        if action == "link_partner":
            text = self.env._(
                "Linked to customer %(target)s: %(evidence)s (score %(score)s, at least "
                "%(limit)s needed).",
                **values,
            )
        elif action == "merge_lead":
            text = self.env._(
                "Merged into lead %(target)s: %(evidence)s (score %(score)s, at least "
                "%(limit)s needed).",
                **values,
            )
        elif action == "confirmed":
            text = self.env._(
                "Linked to %(target)s: confirmed by %(user)s in the review queue.",
                target=target,
                user=details.get("user") or "-",
            )
        elif target:
            text = self.env._(
                "Kept as a new lead: the closest match, %(target)s, has %(evidence)s "
                "(score %(score)s, %(limit)s needed).",
                **values,
            )
        else:
            text = self.env._(
                "Kept as a new lead: no customer or open lead shares its email, phone, "
                "company domain or name."
            )
        if action == "new" and details.get("review"):
            text += " " + self.env._("Near misses are waiting in the review queue.")
        return text
