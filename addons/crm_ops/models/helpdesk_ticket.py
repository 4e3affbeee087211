# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    is_complaint = fields.Boolean(related="type_id.is_complaint", store=True)
    crm_reply_template_id = fields.Many2one(
        "crm.ops.reply.template",
        string="Reply template",
        domain="[('id', 'in', crm_reply_template_ids)]",
    )
    crm_reply_template_ids = fields.Many2many(
        "crm.ops.reply.template", compute="_compute_crm_reply_template_ids"
    )

    @api.depends("category_id", "type_id", "company_id")
    def _compute_crm_reply_template_ids(self):
        Template = self.env["crm.ops.reply.template"]
        for ticket in self:
            domain = (
                Domain("category_id", "in", [ticket.category_id.id, False])
                & Domain("type_id", "in", [ticket.type_id.id, False])
                & Domain("company_id", "in", [ticket.company_id.id, False])
            )
            ticket.crm_reply_template_ids = Template.search(domain)

    def action_crm_send_reply(self):
        """Send the chosen reply template to the customer and log it on the ticket."""
        for ticket in self:
            template = ticket.crm_reply_template_id
            if not template:
                raise UserError(self.env._("Choose a reply template first."))
            if template.company_id and template.company_id != ticket.company_id:
                raise UserError(
                    self.env._(
                        "The reply template %(template)s belongs to another company.",
                        template=template.name,
                    )
                )
            ticket.message_post(
                body=template._render_body(ticket),
                partner_ids=ticket.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            ticket.crm_reply_template_id = False
        return True
