from odoo import fields, models

from .crm_lead_import import target_selection


class CrmLeadImportColumn(models.Model):
    _name = "crm.lead.import.column"
    _description = "Lead Import Column"
    _order = "sequence"

    import_id = fields.Many2one("crm.lead.import", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    column = fields.Char(readonly=True)
    sample = fields.Char(readonly=True)
    target = fields.Selection(target_selection, string="Import As")
