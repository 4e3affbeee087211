# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrder(models.Model):
    """Sale orders are shared as read-only summaries: header amounts and state, no lines."""

    _name = "sale.order"
    _inherit = ["sale.order", "crm.collab.shared.mixin"]
    _collab_private_fields = (
        "order_line",
        "note",
        "amount_untaxed",
        "amount_tax",
        "internal_note",
        "margin",
        "margin_percent",
        "access_token",
        # the customer's satisfaction answers (crm_ops: sale.order inherits rating.mixin,
        # whose statistics are computed as superuser)
        "rating_ids",
        "rating_last_value",
        "rating_last_feedback",
        "rating_last_image",
        "rating_last_text",
        "rating_count",
        "rating_avg",
        "rating_avg_text",
        "rating_percentage_satisfaction",
    )

    # computed as the reader, from the activities they may see (see tools/conversation.py)
    activity_type_id = fields.Many2one(compute_sudo=False)
    activity_type_icon = fields.Char(compute_sudo=False)
    activity_summary = fields.Char(compute_sudo=False)
