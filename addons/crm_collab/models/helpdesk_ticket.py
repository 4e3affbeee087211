# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "crm.collab.shared.mixin"]
    # the access token opens the portal page without login: the owner's to give
    _collab_private_fields = ("collab_internal_note", "access_token")

    # computed as the reader, from the activities they may see (see tools/conversation.py)
    activity_type_id = fields.Many2one(compute_sudo=False)
    activity_type_icon = fields.Char(compute_sudo=False)
    activity_summary = fields.Char(compute_sudo=False)

    collab_internal_note = fields.Html(
        string="Internal Note", help="Private to the company of the ticket, even when shared."
    )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        for ticket in tickets:
            self.env["crm.collab.feedback.rule"]._route(
                "ticket", ticket, summary=ticket.name, partner=ticket.partner_id
            )
        return tickets
