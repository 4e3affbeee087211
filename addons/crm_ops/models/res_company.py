from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # de-duplication thresholds (scores 0-100, see crm_engine.matching)
    crm_ops_link_threshold = fields.Integer(
        string="Link to Customer Score",
        default=60,
        help="An incoming lead is linked to an existing customer when its match score reaches this.",
    )
    crm_ops_merge_threshold = fields.Integer(
        string="Merge into Lead Score",
        default=80,
        help="An incoming lead is merged into an open lead when its match score reaches this.",
    )
    crm_ops_fuzzy_min = fields.Integer(
        string="Minimum Name Similarity",
        default=80,
        help="Name and company similarities below this (0-100) do not count as evidence.",
    )
    crm_ops_review_threshold = fields.Integer(
        string="Review Score",
        default=45,
        help="A possible customer or lead scoring at least this, but under the link or merge "
        "score, is put in the review queue for a salesperson to confirm or reject "
        "(0 disables the queue).",
    )
    _crm_ops_thresholds_range = models.Constraint(
        "CHECK(crm_ops_link_threshold BETWEEN 0 AND 100 AND crm_ops_merge_threshold BETWEEN 0 AND 100"
        " AND crm_ops_fuzzy_min BETWEEN 0 AND 100 AND crm_ops_review_threshold BETWEEN 0 AND 100)",
        "De-duplication scores are between 0 and 100.",
    )

    # API and web form limits
    crm_ops_api_rate_limit = fields.Integer(
        string="API Requests per Minute", default=120, help="Per API key; 0 disables the limit."
    )
    crm_ops_api_batch_max = fields.Integer(string="API Batch Size", default=100)
    crm_ops_form_rate_limit = fields.Integer(
        string="Web Form Submissions per Hour", default=10, help="Per IP address; 0 disables."
    )
