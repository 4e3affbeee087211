# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CrmCollabTimeline(models.TransientModel):
    _inherit = "crm.collab.timeline"

    kind = fields.Selection(
        selection_add=[("survey", "Survey answer")], ondelete={"survey": "cascade"}
    )

    @api.model
    def _collect_entries(self, pids, limit):
        """Completed survey answers of the customer, read with the viewer's rights (only
        survey users and officers may read answers)."""
        entries = super()._collect_entries(pids, limit)
        answers = self._docs(
            "survey.user_input",
            [("partner_id", "in", pids), ("state", "=", "done"), ("test_entry", "=", False)],
            limit,
        )
        for answer in answers:
            score = ""
            if answer.scoring_type != "no_scoring":
                score = self.env._("Score: %s", f"{answer.scoring_percentage:g}%")
            entries.append(
                dict(
                    date=answer.end_datetime or answer.write_date,
                    kind="survey",
                    name=answer.survey_id.title,
                    detail=score,
                    res_model="survey.user_input",
                    res_id=answer.id,
                    author_id=answer.partner_id.id,
                )
            )
        return entries
