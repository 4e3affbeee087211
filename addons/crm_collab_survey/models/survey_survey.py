# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    def action_end_session(self):
        """Ending a live session completes its answers without ``_mark_done``: route them
        (the answers of this session only, as survey_crm does for its leads)."""
        res = super().action_end_session()
        for survey in self:
            answers = survey.sudo().user_input_ids
            if survey.session_start_time:
                answers = answers.filtered(
                    lambda a, s=survey: a.create_date >= s.session_start_time
                )
            answers._collab_route()
        return res
