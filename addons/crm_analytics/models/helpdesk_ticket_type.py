# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HelpdeskTicketType(models.Model):
    _inherit = "helpdesk.ticket.type"

    # crm_ops does not flag complaint types (yet); the complaint-rate report and
    # the propensity features count tickets whose type has this flag.
    is_complaint = fields.Boolean(
        string="Complaint",
        help="Tickets of this type count as complaints in the CRM analytics "
        "(complaint rate report, churn features).",
    )
