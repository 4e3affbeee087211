# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tours of the main flows in headless Chromium (static/tests/tours/*.js).

Each test drives the real UI with ``start_tour`` and then checks in Python what the
flow stored.
"""

import unittest

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import SALES_MANAGER, CrmOpsCommon

LEAD_FORM_URL = "/crm/contact?utm_source=Tour%20Fair&utm_medium=Banner&utm_campaign=Tour%20Spring"
PIPELINE_URL = "/odoo/action-crm.crm_lead_action_pipeline"
PLANS_URL = "/odoo/action-crm_ops.crm_followup_plan_action"


class TourCase(HttpCase, CrmOpsCommon):
    """HttpCase whose tours fail, instead of being skipped, when no browser can run them.

    Odoo skips a browser test when it finds no Chrome/Chromium or no websocket-client;
    a skipped tour would hide a broken flow, so both are reported as failures here.
    """

    browser_size = "1280x800"

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        try:
            return super().start_tour(url_path, tour_name, step_delay=step_delay, **kwargs)
        except unittest.SkipTest as e:
            self.fail(
                f"Tour {tour_name!r} could not run: {e}. The tours need Chromium "
                "(Debian: apt-get install chromium) and the websocket-client package "
                "in Odoo's Python."
            )


@tagged("post_install", "-at_install", "crm_ops_tours")
class TestTours(TourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_manager = cls._create_company_user(
            "tour_sales_manager",
            groups=SALES_MANAGER,
            name="Tour Sales Manager",
            email="tour.manager@example.com",
        )

    def test_lead_form_to_pipeline(self):
        """A visitor sends the public form; the lead carries the link's UTM and is found
        by a salesperson in the pipeline."""
        Lead = self.env["crm.lead"]
        email = "tina@tourist-trips.example.com"
        self.assertFalse(Lead.search([("email_from", "=", email)]))
        self.start_tour(LEAD_FORM_URL, "crm_ops_lead_form_tour")

        lead = Lead.search([("email_from", "=", email)])
        self.assertEqual(len(lead), 1, "one lead per submission")
        self.assertEqual(lead.crm_ops_channel, "web_form")
        self.assertEqual(lead.contact_name, "Tina Tourist")
        self.assertEqual(lead.partner_name, "Tourist Trips Ltd")
        self.assertEqual(lead.source_id.name, "Tour Fair")
        self.assertEqual(lead.medium_id.name, "Banner")
        self.assertEqual(lead.campaign_id.name, "Tour Spring")
        self.assertIn("40 city bikes", lead.description)
        self.assertEqual(lead.company_id, self.env["website"].get_current_website().company_id)
        self.assertEqual(lead.type, "opportunity", "web form leads go straight to the pipeline")

        self.start_tour(PIPELINE_URL, "crm_ops_lead_pipeline_tour", login=self.sales_manager.login)

    def test_satisfaction_answer(self):
        """A customer follows the link of a satisfaction request to Odoo's rating page and
        answers "unhappy" with a complaint: the rating is stored, noted on the order and a
        complaint ticket opened."""
        customer = self.env["res.partner"].create(
            {"name": "Rita Rater", "email": "rita@example.com"}
        )
        product = self.env["product.product"].create({"name": "Tour lamp", "list_price": 40.0})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.sales_manager.id,
                "order_line": [fields.Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        complaint = self.env.ref("crm_ops.helpdesk_ticket_type_complaint")
        self.env["helpdesk.ticket.team"].create(
            {"name": "Tour complaints desk", "type_ids": [fields.Command.link(complaint.id)]}
        )
        rating = order._crm_satisfaction_request(customer, validity_days=10)
        url = f"/crm_ops/satisfaction/{rating.access_token}"

        self.start_tour(url, "crm_ops_satisfaction_tour")

        rating.invalidate_recordset()
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating, 1)
        self.assertEqual(rating.feedback, "The lamp arrived with a broken shade.")
        self.assertTrue(rating.crm_complaint)
        note = order.message_ids.filtered(lambda m: m.rating_id == rating)
        self.assertIn("The lamp arrived with a broken shade.", str(note.body))
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        ticket = rating.crm_ticket_id
        self.assertTrue(ticket, "a complaint ticket is opened")
        self.assertEqual(ticket.partner_id, customer)
        self.assertIn(order, ticket.sale_order_ids)
        self.assertTrue(ticket.type_id.is_complaint)
        customer.invalidate_recordset()
        self.assertEqual(customer.crm_rating_count, 1)
        # the link answers only once
        self.assertIn("crm_ops_satisfaction_already", self.url_open(url).text)

    def test_followup_plan_on_confirmed_order(self):
        """A manager configures a plan; confirming an order plans its step, which runs and
        leaves an activity for the salesperson."""
        # the default plans are tested on their own: only the tour's plan applies here
        self.env["crm.followup.plan"].search([]).active = False
        customer = self.env["res.partner"].create({"name": "Olga Orderer"})
        product = self.env["product.product"].create({"name": "Tour chair", "list_price": 90.0})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.sales_manager.id,
                "order_line": [fields.Command.create({"product_id": product.id})],
            }
        )

        self.start_tour(PLANS_URL, "crm_ops_followup_plan_tour", login=self.sales_manager.login)
        plan = self.env["crm.followup.plan"].search([("name", "=", "Tour thank-you plan")])
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.trigger, "confirmed")
        self.assertEqual(plan.step_ids.mapped("name"), ["Thank-you call"])
        self.assertEqual(plan.step_ids.action_type, "activity")
        self.assertEqual(plan.step_ids.delay_days, 0)

        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "crm_ops_followup_order_tour",
            login=self.sales_manager.login,
        )
        self.assertEqual(order.state, "sale")
        item = self.env["crm.followup.item"].search([("order_id", "=", order.id)])
        self.assertEqual(item.plan_id, plan, "only the tour's plan applies")
        self.assertEqual(item.state, "done")
        self.assertTrue(item.done_date)
        model, activity_id = item.result_ref.split(",")
        activity = self.env[model].browse(int(activity_id))
        self.assertEqual(activity.res_id, order.id)
        self.assertEqual(activity.summary, "Thank-you call")
        self.assertEqual(activity.user_id, self.sales_manager)
