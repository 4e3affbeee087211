# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Feedback routing: ratings and complaint tickets (and survey answers, with the glue addon
crm_collab_survey) are routed by rules to the departments and partner companies concerned
(Discuss channel, followers, activity). Every trigger goes through ``_route``."""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval

from ..tools.conversation import hidden_thread_ids


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
            # ("survey", "Survey answer") is added by crm_collab_survey, with the Survey app
        ],
        required=True,
        default="rating",
    )
    rating_max = fields.Integer(string="Rating at most", default=2)
    rated_model = fields.Char(help="Technical name of the rated model (empty: any)")
    ticket_domain = fields.Char(default="[]", help="Which tickets are complaints")
    # targets
    channel_id = fields.Many2one("discuss.channel", string="Post in Channel")
    follower_partner_ids = fields.Many2many(
        "res.partner", string="Add Followers", check_company=True
    )
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
            if not rule._target_agreement_active():
                raise ValidationError(
                    _("Feedback goes to a partner company only under an active agreement.")
                )

    def _target_agreement_active(self):
        """No partner company, or an active agreement from the rule's company to it."""
        self.ensure_one()
        if not self.target_company_id:
            return True
        return bool(
            self.env["crm.collab.agreement"]
            .sudo()
            .search_count(
                [
                    ("owner_company_id", "=", self.company_id.id),
                    ("partner_company_id", "=", self.target_company_id.id),
                    ("state", "=", "active"),
                ],
                limit=1,
            )
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
    def _route(self, trigger, record, summary="", company=None, partner=None, rating=None):
        """Route one piece of feedback through the active ``trigger`` rules of a company.

        ``record``: the document the feedback is on (followers and the activity go on it);
        ``summary``: the text (str or Markup) of the message and of the activity note;
        ``company``: whose rules apply (default: the record's company, else the customer's,
        else the current one); ``partner``: the customer the feedback comes from;
        ``rating``: the rating, for the rating trigger. Returns the rules that routed it.
        """
        record = record.sudo()
        partner = (partner or self.env["res.partner"]).sudo()
        if not company:
            company = record.company_id if "company_id" in record._fields else None
            company = company or partner.company_id or self.env.company
        rules = self.sudo().search([("company_id", "=", company.id), ("trigger", "=", trigger)])
        routed = self.browse()
        for rule in rules:
            if rule._matches(trigger, record, rating) and rule._apply(record, summary):
                routed |= rule
        return routed

    @api.model
    def _collab_user_can_open(self, record, user, conversation=False):
        """Can ``user``, in all of their companies, read ``record`` (and, with
        ``conversation``, its messages)? The routing runs as superuser: it must not hand
        a user an activity (or a follower's notifications) on a record they cannot open."""
        if not user.active or user.share:
            return False
        as_user = record.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        if not as_user.has_access("read"):
            return False
        return not conversation or not hidden_thread_ids(as_user.env, record._name, record.ids)

    def _collab_followers_for(self, record):
        """The rule's followers who may follow ``record``: contacts without a user (the
        rule's company chose to write to them), and users who can read the record and
        its conversation (followers are notified of its messages)."""
        allowed = self.env["res.partner"]
        # superuser reads the rule's own configuration (partners and their users) only
        for partner in self.sudo().follower_partner_ids:
            users = partner.user_ids
            if not users or any(
                self._collab_user_can_open(record, user, conversation=True) for user in users
            ):
                allowed |= partner
        return allowed

    def _apply(self, record, summary):
        """Post, subscribe and schedule as the rule says; nothing (False) when the rule's
        partner company no longer has an active agreement."""
        self.ensure_one()
        if not self._target_agreement_active():
            return False
        title = _("Customer feedback: %s", record.display_name)
        if self.channel_id:
            self.channel_id.sudo().message_post(
                body=Markup("<p>%s</p><p>%s</p>") % (title, summary),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        followers = self._collab_followers_for(record)
        if followers and hasattr(record, "message_subscribe"):
            record.message_subscribe(partner_ids=followers.ids)
        if (
            self.activity_user_id
            and hasattr(record, "activity_schedule")
            and self._collab_user_can_open(record, self.activity_user_id)
        ):
            record.activity_schedule(
                activity_type_id=(
                    self.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
                ).id,
                summary=title,
                note=summary,
                user_id=self.activity_user_id.id,
            )
        self.sudo().routed_count += 1
        return True
