# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import CollabCase


@tagged("crm_collab_timeline")
class TestTimelineMailingList(CollabCase):
    def test_mailing_list_mailings_in_the_history(self):
        """A mailing sent to a mailing list subscriber (``mailing.contact``) with the
        customer's email (normalised) is in the customer's history."""
        customer = self.north[0]
        customer.email = "Ana.Lister@Example.com"
        self.user_a.group_ids += self.env.ref("mass_mailing.group_mass_mailing_user")
        mailing_list = self.env["mailing.list"].create({"name": "Newsletter"})
        subscriber, stranger = self.env["mailing.contact"].create(
            [
                {
                    "name": "Ana",
                    "email": '"Ana L." <ana.lister@EXAMPLE.com>',
                    "list_ids": [(6, 0, mailing_list.ids)],
                },
                {
                    "name": "Someone else",
                    "email": "someone@example.com",
                    "list_ids": [(6, 0, mailing_list.ids)],
                },
            ]
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Newsletter of May",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.contact"),
                "contact_list_ids": [(6, 0, mailing_list.ids)],
            }
        )
        self.env["mailing.trace"].create(
            [
                {
                    "mass_mailing_id": mailing.id,
                    "model": "mailing.contact",
                    "res_id": contact.id,
                    "email": contact.email_normalized,
                    "trace_status": "open",
                    "sent_datetime": "2026-05-04 09:00:00",
                }
                for contact in (subscriber, stranger)
            ]
        )
        entries = self.env["crm.collab.timeline"].with_user(self.user_a)._collect(customer)
        mailings = [e for e in entries if e["kind"] == "mailing"]
        self.assertEqual(len(mailings), 1, mailings)
        self.assertEqual(mailings[0]["name"], "Newsletter of May")
        self.assertEqual(
            (mailings[0]["res_model"], mailings[0]["res_id"]), ("mailing.mailing", mailing.id)
        )
