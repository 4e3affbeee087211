# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmCollabFeedbackRule(models.Model):
    _inherit = "crm.collab.feedback.rule"

    trigger = fields.Selection(
        selection_add=[("survey", "Survey answer")], ondelete={"survey": "cascade"}
    )
    # a rule about one survey has no meaning without it ("set null" would widen it to all)
    survey_id = fields.Many2one(
        "survey.survey",
        ondelete="cascade",
        help="Only the answers of this survey (empty: the answers of any survey).",
    )
    survey_score_max = fields.Float(
        string="Score at most (%)",
        help="Only the answers of scored surveys whose score is at or below this percentage "
        "(0: every completed answer, scored or not).",
    )

    def _matches(self, trigger, record, rating=None):
        if not super()._matches(trigger, record, rating):
            return False
        if trigger == "survey":
            if self.survey_id and record.survey_id != self.survey_id:
                return False
            if self.survey_score_max and (
                record.scoring_type == "no_scoring"
                or record.scoring_percentage > self.survey_score_max
            ):
                return False
        return True
