# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmOpsReplyTemplate(models.Model):
    _name = "crm.ops.reply.template"
    _description = "Helpdesk Reply Template"
    _order = "sequence, name"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    category_id = fields.Many2one("helpdesk.ticket.category", string="Ticket category")
    type_id = fields.Many2one("helpdesk.ticket.type", string="Ticket type")
    body = fields.Html(required=True, translate=True, sanitize_style=True)
