# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmOpsReplyTemplate(models.Model):
    _name = "crm.ops.reply.template"
    _description = "Helpdesk Reply Template"
    _order = "sequence, name"
    # mail.render.mixin: the body is a QWeb template rendered on the ticket, with the same
    # placeholders and restrictions as email templates (sensitive expressions only for the
    # Mail Template Editor group, checked on create/write and when rendering)
    _inherit = ["mail.render.mixin"]
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    category_id = fields.Many2one(
        "helpdesk.ticket.category", string="Ticket category", check_company=True
    )
    type_id = fields.Many2one("helpdesk.ticket.type", string="Ticket type")
    body = fields.Html(
        required=True,
        translate=True,
        render_engine="qweb",
        render_options={"post_process": True},
        sanitize="email_outgoing",
        help='Placeholders are filled from the ticket, e.g. <t t-out="object.partner_id.name"/>.',
    )

    def _compute_render_model(self):
        self.render_model = "helpdesk.ticket"

    def _render_body(self, ticket):
        """The body filled in for ``ticket``, in the customer's language."""
        self.ensure_one()
        lang = ticket.partner_id.lang or self.env.lang
        return self._render_field("body", ticket.ids, set_lang=lang)[ticket.id]
