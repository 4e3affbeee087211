# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    collab_routed = fields.Boolean(
        string="Feedback routed",
        readonly=True,
        copy=False,
        help="The completed answer went through the feedback routing rules (once only).",
    )

    def _mark_done(self):
        res = super()._mark_done()
        self._collab_route()
        return res

    def _collab_route(self):
        """Route the completed answers through the feedback rules with trigger "survey",
        each answer once (test entries never)."""
        answers = self.sudo().filtered(
            lambda a: a.state == "done" and not a.test_entry and not a.collab_routed
        )
        if not answers:
            return
        answers.collab_routed = True
        Rule = self.env["crm.collab.feedback.rule"]
        for answer in answers:
            Rule._route(
                "survey",
                answer,
                summary=answer._collab_feedback_summary(),
                company=answer._collab_company(),
                partner=answer.partner_id,
            )

    def _collab_company(self):
        """Whose rules apply. Surveys have no company in Odoo 19: the company of the survey's
        responsible, else the respondent's, else the current one."""
        self.ensure_one()
        return (
            self.survey_id.user_id.company_id
            or self.partner_id.commercial_partner_id.company_id
            or self.env.company
        )

    def _collab_feedback_summary(self):
        """The survey, the respondent (contact or email), the score and a link to the answers."""
        self.ensure_one()
        _ = self.env._
        respondent = self.partner_id.display_name or self.email or self.nickname
        lines = [
            _("Survey: %s", self.survey_id.title),
            _("Respondent: %s", respondent or _("Anonymous")),
        ]
        if self.scoring_type != "no_scoring":
            lines.append(_("Score: %s", f"{self.scoring_percentage:g}%"))
        url = f"{self.get_base_url()}/odoo/survey.user_input/{self.id}"
        link = Markup('<a href="%s">%s</a>') % (url, _("See the answers"))
        return Markup("<br/>").join([*lines, link])
