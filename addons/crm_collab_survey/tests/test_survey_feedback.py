# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.crm_collab.tests.common import CollabCase


@tagged("post_install", "-at_install")
class TestSurveyFeedback(CollabCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel = cls.env["discuss.channel"].create({"name": "Quality A"})

        def surveyor(login, company):
            return new_test_user(
                cls.env,
                login=login,
                groups="base.group_user,survey.group_survey_user",
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )

        # survey officers, responsible for the surveys of their company
        cls.surveyor_a = surveyor("surveyor_a", cls.company_a)
        cls.surveyor_b = surveyor("surveyor_b", cls.company_b)
        Survey = cls.env["survey.survey"]
        # a scored survey of company A (its responsible is a user of A)
        cls.survey_a = Survey.create(
            {
                "title": "Delivery quality",
                "user_id": cls.surveyor_a.id,
                "scoring_type": "scoring_without_answers",
                "question_and_page_ids": [
                    (
                        0,
                        0,
                        {
                            "title": "Was the delivery on time?",
                            "question_type": "simple_choice",
                            "suggested_answer_ids": [
                                (0, 0, {"value": "Yes", "answer_score": 10, "is_correct": True}),
                                (0, 0, {"value": "No", "answer_score": 0}),
                            ],
                        },
                    )
                ],
            }
        )
        cls.question = cls.survey_a.question_ids
        cls.yes, cls.no = cls.question.suggested_answer_ids
        # an unscored survey of company A
        cls.survey_open = Survey.create(
            {
                "title": "Open comments",
                "user_id": cls.surveyor_a.id,
                "question_and_page_ids": [
                    (0, 0, {"title": "Comments", "question_type": "text_box"})
                ],
            }
        )
        cls.customer = cls.north[0]

    def _rule(self, **vals):
        return self.env["crm.collab.feedback.rule"].create(
            {"name": "Survey answers", "company_id": self.company_a.id, "trigger": "survey", **vals}
        )

    def _answer(self, survey, partner=None, choice=None, email=False):
        answer = survey._create_answer(partner=partner, email=email, check_attempts=False)
        question = survey.question_ids
        if question.question_type == "simple_choice":
            answer._save_lines(question, (choice or self.no).id)
        else:
            answer._save_lines(question, "Too slow")
        answer._mark_done()
        return answer

    def test_completed_answer_routed_once(self):
        rule = self._rule(
            survey_id=self.survey_a.id,
            survey_score_max=50,
            channel_id=self.channel.id,
            # routed to users who can open survey answers (crm_collab issue #13)
            activity_user_id=self.surveyor_a.id,
            follower_partner_ids=[(6, 0, self.surveyor_a.partner_id.ids)],
        )
        before = len(self.channel.message_ids)
        answer = self._answer(self.survey_a, self.customer, self.no)
        self.assertEqual(answer.state, "done")
        self.assertEqual(answer.scoring_percentage, 0)
        self.assertEqual(len(self.channel.message_ids), before + 1)
        body = self.channel.message_ids[0].body
        self.assertIn("Delivery quality", body)
        self.assertIn(self.customer.name, body)
        self.assertIn(f"/odoo/survey.user_input/{answer.id}", body)
        self.assertEqual(len(answer.activity_ids), 1)
        self.assertEqual(answer.activity_ids.user_id, self.surveyor_a)
        self.assertIn(self.surveyor_a.partner_id, answer.message_partner_ids)
        self.assertEqual(rule.routed_count, 1)
        self.assertTrue(answer.collab_routed)
        # completing again, or routing again, routes nothing more
        answer._mark_done()
        answer._collab_route()
        self.assertEqual(len(self.channel.message_ids), before + 1)
        self.assertEqual(len(answer.activity_ids), 1)
        self.assertEqual(rule.routed_count, 1)
        # the answer is in the customer's history, for those who may read survey answers
        entries = self.env["crm.collab.timeline"]._collect(self.customer)
        self.assertIn(
            ("survey", "survey.user_input", answer.id),
            {(e["kind"], e["res_model"], e["res_id"]) for e in entries},
        )
        entries_a = (
            self.env["crm.collab.timeline"]
            .with_user(self.user_a)
            ._collect(self.customer.with_user(self.user_a))
        )
        self.assertNotIn("survey.user_input", {e["res_model"] for e in entries_a})
        self.assertTrue(entries_a, "the rest of the history is still there")

    def test_respondent_without_contact_named_by_email(self):
        self._rule(channel_id=self.channel.id)
        self._answer(self.survey_open, email="anon@example.com")
        self.assertIn("anon@example.com", self.channel.message_ids[0].body)

    def test_test_entries_not_routed(self):
        rule = self._rule(channel_id=self.channel.id)
        answer = self.survey_open._create_answer(
            partner=self.customer, test_entry=True, check_attempts=False
        )
        answer._mark_done()
        self.assertEqual(rule.routed_count, 0)

    def test_other_survey_and_score_threshold(self):
        specific = self._rule(survey_id=self.survey_a.id, survey_score_max=50)
        scored_only = self._rule(survey_score_max=50)
        any_answer = self._rule()
        self._answer(self.survey_a, self.customer, self.yes)  # 100 %: above the threshold
        self._answer(self.survey_open, self.customer)  # another survey, not scored
        self.assertEqual(
            (specific.routed_count, scored_only.routed_count, any_answer.routed_count), (0, 0, 2)
        )
        self._answer(self.survey_a, self.customer, self.no)  # 0 %
        self.assertEqual(
            (specific.routed_count, scored_only.routed_count, any_answer.routed_count), (1, 1, 3)
        )

    def test_rule_of_another_company_does_not_see_answers(self):
        channel_b = self.env["discuss.channel"].create({"name": "Quality B"})
        rule_b = self._rule(company_id=self.company_b.id, channel_id=channel_b.id)
        self._answer(self.survey_a, self.customer, self.no)
        self.assertEqual(rule_b.routed_count, 0)
        self.assertFalse(channel_b.message_ids.filtered(lambda m: "Delivery" in (m.body or "")))
        # the answers of a survey of company B are B's
        self.survey_a.user_id = self.surveyor_b
        self._answer(self.survey_a, self.b_partner, self.no)
        self.assertEqual(rule_b.routed_count, 1)

    def test_partner_company_only_under_active_agreement(self):
        agreement = self.make_agreement()
        rule = self._rule(target_company_id=self.company_b.id, activity_user_id=self.surveyor_b.id)
        first = self._answer(self.survey_a, self.customer, self.no)
        self.assertEqual(first.activity_ids.user_id, self.surveyor_b)
        self.assertEqual(rule.routed_count, 1)
        agreement.with_user(self.admin_a).action_revoke()
        second = self._answer(self.survey_a, self.customer, self.no)
        self.assertTrue(second.collab_routed)
        self.assertFalse(second.activity_ids)
        self.assertEqual(rule.routed_count, 1)
        with self.assertRaises(ValidationError):
            self._rule(target_company_id=self.company_c.id)

    def test_live_session_answers_routed_when_session_ends(self):
        rule = self._rule(survey_id=self.survey_open.id)
        old = self.survey_open._create_answer(partner=self.customer, check_attempts=False)
        self.env.cr.execute(
            "UPDATE survey_user_input SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=2), old.id),
        )
        old.invalidate_recordset(["create_date"])
        self.survey_open.session_start_time = fields.Datetime.now() - timedelta(hours=1)
        live = self.survey_open._create_answer(
            partner=self.customer, check_attempts=False, is_session_answer=True
        )
        self.survey_open.with_user(self.surveyor_a).action_end_session()
        self.assertEqual(live.state, "done")
        self.assertTrue(live.collab_routed)
        self.assertFalse(old.collab_routed)
        self.assertEqual(rule.routed_count, 1)

    def test_form_shows_survey_fields_for_survey_rules_only(self):
        with Form(self.env["crm.collab.feedback.rule"]) as form:
            form.name = "Low scores"
            form.trigger = "survey"
            form.survey_id = self.survey_a
            form.survey_score_max = 40
        self.assertEqual(form.record.survey_id, self.survey_a)
        with Form(self.env["crm.collab.feedback.rule"]) as form:
            form.name = "Ratings"
            form.trigger = "rating"
            with self.assertRaises(AssertionError):
                form.survey_id = self.survey_a
