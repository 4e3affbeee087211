from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_ops_link_threshold = fields.Integer(
        related="company_id.crm_ops_link_threshold", readonly=False
    )
    crm_ops_merge_threshold = fields.Integer(
        related="company_id.crm_ops_merge_threshold", readonly=False
    )
    crm_ops_fuzzy_min = fields.Integer(related="company_id.crm_ops_fuzzy_min", readonly=False)
    crm_ops_review_threshold = fields.Integer(
        related="company_id.crm_ops_review_threshold", readonly=False
    )
    crm_ops_api_rate_limit = fields.Integer(
        related="company_id.crm_ops_api_rate_limit", readonly=False
    )
    crm_ops_api_batch_max = fields.Integer(
        related="company_id.crm_ops_api_batch_max", readonly=False
    )
    crm_ops_form_rate_limit = fields.Integer(
        related="company_id.crm_ops_form_rate_limit", readonly=False
    )
