# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, tagged, users

from .common import CrmOpsFollowupCommon


@tagged("crm_ops_partner_360")
class TestPartner360(CrmOpsFollowupCommon):
    def test_counts_and_actions(self):
        company = self.env["res.partner"].create(
            {"name": "Acme", "is_company": True, "email": "acme@example.com"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Joe", "parent_id": company.id, "email": "joe@example.com"}
        )
        order = self._order(partner=contact)
        self.env["crm.lead"].create(
            {"name": "New deal", "partner_id": contact.id, "type": "opportunity"}
        )
        won = self.env["crm.lead"].create(
            {"name": "Old deal", "partner_id": company.id, "type": "opportunity"}
        )
        won.action_set_won()
        complaint_type = self.env.ref("crm_ops.helpdesk_ticket_type_complaint")
        self.env["helpdesk.ticket"].create(
            [
                {
                    "name": "Broken",
                    "description": "x",
                    "partner_id": contact.id,
                    "type_id": complaint_type.id,
                },
                {"name": "Question", "description": "x", "partner_id": company.id},
            ]
        )
        rating = order._crm_satisfaction_request(contact)
        order.rating_apply(3, rating=rating, feedback="ok")
        self.env["mailing.trace"].create(
            {
                "model": "res.partner",
                "res_id": company.id,
                "email": "acme@example.com",
                "trace_type": "mail",
            }
        )
        company.invalidate_recordset()
        self.assertEqual(company.crm_open_lead_count, 1)
        self.assertEqual(company.crm_pending_followup_count, 2)
        self.assertEqual(company.crm_open_ticket_count, 2)
        self.assertEqual(company.crm_complaint_count, 1)
        self.assertEqual(company.crm_rating_count, 1)
        self.assertEqual(company.crm_rating_avg, 3)
        self.assertEqual(company.crm_mailing_count, 1)
        # a contact only sees its own records
        self.assertEqual(contact.crm_open_ticket_count, 1)
        self.assertEqual(contact.crm_mailing_count, 0)
        # every button opens the records it counts
        checks = {
            "action_crm_open_leads": 1,
            "action_crm_followups": 2,
            "action_crm_tickets": 2,
            "action_crm_complaints": 1,
            "action_crm_ratings": 1,
            "action_crm_mailings": 1,
        }
        for method, expected in checks.items():
            action = getattr(company, method)()
            found = self.env[action["res_model"]].search_count(action["domain"])
            self.assertEqual(found, expected, method)

    @users("fu_salesman")
    def test_form_view_loads_for_salesman(self):
        with Form(self.customer.with_env(self.env)) as form:
            self.assertEqual(form.crm_pending_followup_count, 0)
