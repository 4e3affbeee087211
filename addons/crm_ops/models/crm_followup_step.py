# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

ACTIONS = [
    ("activity", "Activity for the salesperson"),
    ("email", "Email from template"),
    ("satisfaction", "Satisfaction request"),
    ("ticket", "Helpdesk ticket"),
    ("mailing_list", "Add to mailing list"),
]


class CrmFollowupStep(models.Model):
    _name = "crm.followup.step"
    _description = "Post-sale Follow-up Step"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    plan_id = fields.Many2one(
        "crm.followup.plan", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    delay_days = fields.Integer(string="Days after trigger")
    delay_hours = fields.Integer(string="Hours after trigger")
    action_type = fields.Selection(ACTIONS, string="Action", required=True, default="activity")
    skip_if_reordered = fields.Boolean(
        string="Only if no repeat purchase",
        help="Skip the step when the customer confirmed another order after this one.",
    )
    # activity
    activity_type_id = fields.Many2one("mail.activity.type")
    activity_summary = fields.Char(translate=True)
    activity_note = fields.Html(translate=True)
    # email / satisfaction
    mail_template_id = fields.Many2one(
        "mail.template", domain="[('model', '=', 'sale.order')]", string="Email template"
    )
    rating_validity_days = fields.Integer(string="Rating link valid (days)", default=30)
    # ticket
    ticket_team_id = fields.Many2one(
        "helpdesk.ticket.team", string="Helpdesk team", check_company=True
    )
    ticket_type_id = fields.Many2one("helpdesk.ticket.type", string="Ticket type")
    # mailing list
    mailing_list_id = fields.Many2one("mailing.list")
