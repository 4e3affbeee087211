# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One customer history, built with the viewer's own rights: every source is searched in
the viewer's environment, so what they may not see is never read."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools.conversation import hidden_thread_ids

KINDS = [
    ("message", "Email / Message"),
    ("note", "Note"),
    ("activity", "Activity"),
    ("order", "Sale Order"),
    ("ticket", "Ticket"),
    ("rating", "Rating"),
    ("mailing", "Mailing"),
    ("handoff", "Hand-off"),
    ("lead", "Lead / Opportunity"),
]


class CrmCollabTimeline(models.TransientModel):
    _name = "crm.collab.timeline"
    _description = "Customer History Line"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    date = fields.Datetime()
    kind = fields.Selection(KINDS, required=True)
    name = fields.Char()
    detail = fields.Char()
    res_model = fields.Char()
    res_id = fields.Many2oneReference(model_field="res_model")
    company_id = fields.Many2one("res.company")
    author_id = fields.Many2one("res.partner")

    @api.model
    def _collect(self, partner, limit=200):
        """Entries (dicts) of the partner's history visible to the current user."""
        env = self.env
        partner.check_access("read")
        commercial = partner.commercial_partner_id
        pids = (
            env["res.partner"]
            .with_context(active_test=False)
            .search([("id", "child_of", commercial.id)])
            .ids
            or partner.ids
        )
        entries = self._collect_entries(pids, limit)
        entries.sort(key=lambda e: e["date"] or fields.Datetime.now(), reverse=True)
        return entries[:limit]

    @api.model
    def _docs(self, model, domain, limit):
        """Records of ``model`` the current user may read (none when they may not)."""
        if model not in self.env:
            return self.env["res.partner"].browse()
        try:
            return self.env[model].with_context(active_test=False).search(domain, limit=limit)
        except AccessError:
            return self.env[model].browse()

    @api.model
    def _collect_entries(self, pids, limit):
        """Entries (dicts, unsorted) about the partners ``pids``, one list per source; an
        addon adds a source by extending this method (crm_collab_survey: survey answers)."""
        entries = []

        def docs(model, domain):
            return self._docs(model, domain, limit)

        leads = docs("crm.lead", [("partner_id", "in", pids)])
        orders = docs("sale.order", [("partner_id", "in", pids)])
        tickets = docs("helpdesk.ticket", [("partner_id", "in", pids)])
        for lead in leads:
            kind = "handoff" if lead.collab_origin_lead_id else "lead"
            entries.append(
                dict(
                    date=lead.create_date,
                    kind=kind,
                    name=lead.name,
                    detail=lead.stage_id.name,
                    res_model="crm.lead",
                    res_id=lead.id,
                    company_id=lead.company_id.id,
                )
            )
        for order in orders:
            entries.append(
                dict(
                    date=order.date_order,
                    kind="order",
                    name=order.name,
                    detail=f"{order.amount_total} {order.currency_id.name} ({order.state})",
                    res_model="sale.order",
                    res_id=order.id,
                    company_id=order.company_id.id,
                )
            )
        for ticket in tickets:
            entries.append(
                dict(
                    date=ticket.create_date,
                    kind="ticket",
                    name=ticket.name,
                    detail=ticket.stage_id.name,
                    res_model="helpdesk.ticket",
                    res_id=ticket.id,
                    company_id=ticket.company_id.id,
                )
            )
        # messages and activities on the partner and on the documents the user can see
        targets = [
            ("res.partner", pids),
            ("crm.lead", leads.ids),
            ("sale.order", orders.ids),
            ("helpdesk.ticket", tickets.ids),
        ]
        for model, ids in targets:
            if not ids:
                continue
            for msg in docs(
                "mail.message",
                [
                    ("model", "=", model),
                    ("res_id", "in", ids),
                    ("message_type", "in", ("email", "comment", "email_outgoing")),
                ],
            ):
                entries.append(
                    dict(
                        date=msg.date,
                        kind="message"
                        if msg.message_type != "comment" or not msg.is_internal
                        else "note",
                        name=msg.subject or msg.record_name or model,
                        detail=(msg.preview or "")[:200],
                        res_model=model,
                        res_id=msg.res_id,
                        author_id=msg.author_id.id,
                    )
                )
            for act in docs("mail.activity", [("res_model", "=", model), ("res_id", "in", ids)]):
                entries.append(
                    dict(
                        date=fields.Datetime.to_datetime(act.date_deadline),
                        kind="activity",
                        name=act.summary or act.activity_type_id.name,
                        detail=act.user_id.name,
                        res_model=model,
                        res_id=act.res_id,
                    )
                )
        ratings = docs("rating.rating", [("partner_id", "in", pids), ("consumed", "=", True)])
        for rating in self._visible_ratings(ratings):
            entries.append(
                dict(
                    date=rating.write_date,
                    kind="rating",
                    name=_("Rating %s", rating.rating),
                    detail=(rating.feedback or "")[:200],
                    res_model=rating.res_model,
                    res_id=rating.res_id,
                )
            )
        # mailings to the partners, and to the mailing list subscribers with their email
        emails = [e for e in self.env["res.partner"].browse(pids).mapped("email_normalized") if e]
        contacts = docs("mailing.contact", [("email_normalized", "in", emails)]) if emails else []
        trace_domain = [("model", "=", "res.partner"), ("res_id", "in", pids)]
        if contacts:
            trace_domain = [
                "|",
                "&",
                *trace_domain,
                "&",
                ("model", "=", "mailing.contact"),
                ("res_id", "in", contacts.ids),
            ]
        for trace in docs("mailing.trace", trace_domain):
            entries.append(
                dict(
                    date=trace.sent_datetime or trace.create_date,
                    kind="mailing",
                    name=trace.mass_mailing_id.subject,
                    detail=trace.trace_status,
                    res_model="mailing.mailing",
                    res_id=trace.mass_mailing_id.id,
                )
            )
        return entries

    @api.model
    def _visible_ratings(self, ratings):
        """Ratings are read by every employee in Odoo; their feedback is part of the
        rated record's conversation: keep those whose record the user may read, with its
        conversation (one access check per rated model)."""
        by_model = {}
        for rating in ratings:
            if rating.res_model in self.env:
                by_model.setdefault(rating.res_model, set()).add(rating.res_id)
        visible = set()
        for model, ids in by_model.items():
            readable = self.env[model].browse(ids).exists()._filtered_access("read")
            hidden = hidden_thread_ids(self.env, model, readable.ids)
            visible.update((model, i) for i in readable.ids if i not in hidden)
        return ratings.filtered(lambda r: (r.res_model, r.res_id) in visible)

    @api.model
    def build(self, partner, limit=200):
        """The lines of the partner's history, for the current user only. They are
        created as superuser (no one may create or change lines over RPC: they would be
        forged history) from entries collected with the user's own rights; ``create_uid``
        stays the user's, and the record rule shows each user their own lines only."""
        entries = self._collect(partner, limit=limit)
        return self.sudo().create([dict(e, partner_id=partner.id) for e in entries]).sudo(False)

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
