# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HelpdeskTicketType(models.Model):
    _inherit = "helpdesk.ticket.type"

    is_complaint = fields.Boolean(
        string="Complaint",
        help="Low satisfaction ratings and complaints open tickets of this type.",
    )
