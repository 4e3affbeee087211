# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.fields import Domain


class ResPartner(models.Model):
    _inherit = "res.partner"

    # 360° customer view (counts cover the company and its contacts)
    crm_followup_item_ids = fields.One2many("crm.followup.item", "partner_id", string="Follow-ups")
    crm_open_lead_count = fields.Integer(string="Open leads", compute="_compute_crm_360")
    crm_pending_followup_count = fields.Integer(
        string="Pending follow-ups", compute="_compute_crm_360"
    )
    crm_open_ticket_count = fields.Integer(string="Open tickets", compute="_compute_crm_360")
    crm_complaint_count = fields.Integer(string="Complaints", compute="_compute_crm_360")
    crm_rating_count = fields.Integer(string="Satisfaction ratings", compute="_compute_crm_360")
    crm_rating_avg = fields.Float(string="Average rating", compute="_compute_crm_360")
    crm_mailing_count = fields.Integer(string="Mailings received", compute="_compute_crm_360")

    def _crm_360_family(self):
        """{partner id: ids of the partner and, for companies, their contacts}."""
        commercial = self.commercial_partner_id
        children = self.with_context(active_test=False).search(
            [("commercial_partner_id", "in", commercial.ids)]
        )
        by_commercial = {}
        for child in children:
            by_commercial.setdefault(child.commercial_partner_id.id, []).append(child.id)
        return {
            partner.id: (
                by_commercial.get(partner.id, [partner.id])
                if partner.is_company or partner == partner.commercial_partner_id
                else [partner.id]
            )
            for partner in self
        }

    def _crm_count(self, model, domain, partner_field, family, aggregates=("__count",)):
        all_ids = list({pid for ids in family.values() for pid in ids})
        data = self.env[model]._read_group(
            Domain(partner_field, "in", all_ids) & Domain(domain), [partner_field], list(aggregates)
        )
        per_partner = {row[0].id: row[1:] for row in data}
        return per_partner

    def _compute_crm_360(self):
        partners = self.filtered("id")
        (self - partners).update(
            {
                "crm_open_lead_count": 0,
                "crm_pending_followup_count": 0,
                "crm_open_ticket_count": 0,
                "crm_complaint_count": 0,
                "crm_rating_count": 0,
                "crm_rating_avg": 0.0,
                "crm_mailing_count": 0,
            }
        )
        if not partners:
            return
        family = partners._crm_360_family()
        leads = partners._crm_count(
            "crm.lead", [("won_status", "=", "pending")], "partner_id", family
        )
        followups = partners._crm_count(
            "crm.followup.item", [("state", "=", "pending")], "partner_id", family
        )
        tickets = partners._crm_count(
            "helpdesk.ticket", [("closed", "=", False)], "partner_id", family
        )
        complaints = partners._crm_count(
            "helpdesk.ticket", [("is_complaint", "=", True)], "partner_id", family
        )
        ratings = partners._crm_count(
            "rating.rating",
            [("consumed", "=", True), ("res_model", "=", "sale.order")],
            "partner_id",
            family,
            aggregates=("__count", "rating:sum"),
        )
        emails = {p.email_normalized for p in partners if p.email_normalized}
        mailings = {}
        if emails:
            data = (
                self.env["mailing.trace"]
                .sudo()
                ._read_group(
                    [("email", "in", list(emails)), ("trace_status", "!=", "cancel")],
                    ["email"],
                    ["__count"],
                )
            )
            mailings = dict(data)

        def total(counts, partner, index=0):
            return sum(counts.get(pid, (0, 0))[index] for pid in family[partner.id])

        for partner in partners:
            rating_count = total(ratings, partner)
            partner.crm_open_lead_count = total(leads, partner)
            partner.crm_pending_followup_count = total(followups, partner)
            partner.crm_open_ticket_count = total(tickets, partner)
            partner.crm_complaint_count = total(complaints, partner)
            partner.crm_rating_count = rating_count
            partner.crm_rating_avg = (
                total(ratings, partner, 1) / rating_count if rating_count else 0.0
            )
            partner.crm_mailing_count = mailings.get(partner.email_normalized, 0)

    def _crm_360_action(self, xmlid, domain, context=None):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = context or {}
        return action

    def _crm_360_ids(self):
        return self._crm_360_family()[self.id]

    def action_crm_open_leads(self):
        return self._crm_360_action(
            "crm.crm_lead_all_leads",
            [("partner_id", "in", self._crm_360_ids()), ("won_status", "=", "pending")],
        )

    def action_crm_followups(self):
        return self._crm_360_action(
            "crm_ops.crm_followup_item_action",
            [("partner_id", "in", self._crm_360_ids())],
            {"search_default_filter_pending": 1},
        )

    def action_crm_tickets(self):
        return self._crm_360_action(
            "helpdesk_mgmt.helpdesk_ticket_action",
            [("partner_id", "in", self._crm_360_ids()), ("closed", "=", False)],
        )

    def action_crm_complaints(self):
        return self._crm_360_action(
            "helpdesk_mgmt.helpdesk_ticket_action",
            [("partner_id", "in", self._crm_360_ids()), ("is_complaint", "=", True)],
        )

    def action_crm_ratings(self):
        return self._crm_360_action(
            "rating.rating_rating_action",
            [
                ("partner_id", "in", self._crm_360_ids()),
                ("consumed", "=", True),
                ("res_model", "=", "sale.order"),
            ],
        )

    def action_crm_mailings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mailings received"),
            "res_model": "mailing.trace",
            "view_mode": "list,form",
            "domain": [("email", "=", self.email_normalized or "-")],
        }
