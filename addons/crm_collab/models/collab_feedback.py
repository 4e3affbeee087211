# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Feedback routing: ratings and complaint tickets are routed by rules to the departments
and partner companies concerned (Discuss channel, followers, activity)."""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval


class CrmCollabFeedbackRule(models.Model):
    _name = "crm.collab.feedback.rule"
    _description = "Feedback Routing Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda s: s.env.company, index=True
    )
    trigger = fields.Selection(
        [
            ("rating", "Rating at or below a threshold"),
            ("ticket", "Complaint ticket"),
            ("survey", "Survey answer"),
        ],
        required=True,
        default="rating",
    )
    rating_max = fields.Integer(string="Rating at most", default=2)
    rated_model = fields.Char(help="Technical name of the rated model (empty: any)")
    ticket_domain = fields.Char(default="[]", help="Which tickets are complaints")
    # targets
    channel_id = fields.Many2one("discuss.channel", string="Post in Channel")
    follower_partner_ids = fields.Many2many("res.partner", string="Add Followers")
    activity_user_id = fields.Many2one("res.users", string="Activity for")
    activity_type_id = fields.Many2one("mail.activity.type")
    target_company_id = fields.Many2one(
        "res.company",
        string="Partner Company",
        help="Route to a partner company: needs an active agreement from this company to it; "
        "the activity user must belong to it.",
    )
    routed_count = fields.Integer(readonly=True)

    @api.constrains("target_company_id", "activity_user_id", "company_id")
    def _check_target_company(self):
        for rule in self:
            if not rule.target_company_id:
                continue
            if (
                rule.activity_user_id
                and rule.target_company_id not in rule.activity_user_id.company_ids
            ):
                raise ValidationError(_("The activity user must belong to the partner company."))
            if (
                not self.env["crm.collab.agreement"]
                .sudo()
                .search_count(
                    [
                        ("owner_company_id", "=", rule.company_id.id),
                        ("partner_company_id", "=", rule.target_company_id.id),
                        ("state", "=", "active"),
                    ]
                )
            ):
                raise ValidationError(
                    _("Feedback goes to a partner company only under an active agreement.")
                )

    def _matches(self, trigger, record, rating=None):
        self.ensure_one()
        if self.trigger != trigger:
            return False
        if trigger == "rating":
            if rating is None or rating.rating > self.rating_max:
                return False
            if self.rated_model and self.rated_model != rating.res_model:
                return False
        if trigger == "ticket" and self.ticket_domain:
            dom = Domain(safe_eval(self.ticket_domain or "[]"))
            if not record.sudo().filtered_domain(dom):
                return False
        return True

    @api.model
    def _route(self, trigger, record, rating=None, summary=""):
        """Apply the matching rules of the record's company to ``record`` (a document)."""
        record = record.sudo()
        company = record.company_id if "company_id" in record._fields else self.env["res.company"]
        company = company or (rating and rating.partner_id.company_id) or self.env.company
        rules = self.sudo().search([("company_id", "=", company.id), ("trigger", "=", trigger)])
        routed = self.browse()
        for rule in rules:
            if not rule._matches(trigger, record, rating):
                continue
            rule._apply(record, summary)
            routed |= rule
        return routed

    def _apply(self, record, summary):
        self.ensure_one()
        title = _("Customer feedback: %s", record.display_name)
        if self.channel_id:
            self.channel_id.sudo().message_post(
                body=Markup("<p>%s</p><p>%s</p>") % (title, summary),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        if self.follower_partner_ids and hasattr(record, "message_subscribe"):
            record.message_subscribe(partner_ids=self.follower_partner_ids.ids)
        if self.activity_user_id and hasattr(record, "activity_schedule"):
            record.activity_schedule(
                activity_type_id=(
                    self.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
                ).id,
                summary=title,
                note=summary,
                user_id=self.activity_user_id.id,
            )
        self.sudo().routed_count += 1


class RatingRating(models.Model):
    _inherit = "rating.rating"

    @api.model_create_multi
    def create(self, vals_list):
        ratings = super().create(vals_list)
        ratings.filtered(lambda r: r.consumed and r.rating)._collab_route()
        return ratings

    def write(self, vals):
        before = {r.id: (r.consumed, r.rating) for r in self} if "rating" in vals else {}
        res = super().write(vals)
        if before:
            self.filtered(
                lambda r: r.consumed and r.rating and before.get(r.id) != (r.consumed, r.rating)
            )._collab_route()
        return res

    def _collab_route(self):
        for rating in self.sudo():
            if not rating.res_model or rating.res_model not in self.env:
                continue
            record = self.env[rating.res_model].browse(rating.res_id).exists()
            if record:
                self.env["crm.collab.feedback.rule"]._route(
                    "rating",
                    record,
                    rating=rating,
                    summary=_("Rating %(r)s: %(f)s", r=rating.rating, f=rating.feedback or ""),
                )


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        for ticket in tickets:
            self.env["crm.collab.feedback.rule"]._route("ticket", ticket, summary=ticket.name)
        return tickets
