# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The rating trigger of the feedback routing (crm_collab_feedback_rule.py): ratings just
given are routed by the rules of their record's company."""

from odoo import _, models


class RatingRating(models.Model):
    _inherit = "rating.rating"

    def _crm_ops_route_rating(self):
        """crm_ops' hook for ratings just given: route them by the feedback rules too."""
        res = super()._crm_ops_route_rating()
        self._collab_route()
        return res

    def _collab_route(self):
        for rating in self.sudo():
            if not rating.res_model or rating.res_model not in self.env:
                continue
            record = self.env[rating.res_model].browse(rating.res_id).exists()
            if record:
                self.env["crm.collab.feedback.rule"]._route(
                    "rating",
                    record,
                    summary=_("Rating %(r)s: %(f)s", r=rating.rating, f=rating.feedback or ""),
                    partner=rating.partner_id,
                    rating=rating,
                )
