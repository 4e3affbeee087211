# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmPartnerAttribute(models.Model):
    """An external attribute of a customer (market or survey data, ...).

    Numeric values (``value_float``) are features of the customer clusters.
    """

    _name = "crm.partner.attribute"
    _description = "Customer attribute from external data"
    _order = "partner_id, key"
    _rec_name = "key"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    key = fields.Char(string="Attribute", required=True)
    value_float = fields.Float(string="Numeric value", digits=(16, 4))
    value_char = fields.Char(string="Value")
    source = fields.Char(help="File or origin of the value")

    _partner_key_uniq = models.Constraint(
        "UNIQUE(company_id, partner_id, key)",
        "An attribute appears once per customer and company.",
    )
