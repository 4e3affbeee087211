from odoo import fields, models


class CrmLeadImportError(models.Model):
    _name = "crm.lead.import.error"
    _description = "Rejected Import Row"
    _order = "row_number"

    import_id = fields.Many2one("crm.lead.import", required=True, ondelete="cascade", index=True)
    row_number = fields.Integer(string="Row")
    message = fields.Char(string="Error")
    raw = fields.Char(string="Line")
