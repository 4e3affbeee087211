"""Review queue of near misses, remembered answers and translated reasons (issue #16).

Everything a salesperson does goes through the web client's door
(``/web/dataset/call_button`` and ``call_kw`` with a session); leads come in through
the JSON API with an API key.
"""

import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SALES_MANAGER, CrmOpsCommon


@tagged("post_install", "-at_install", "crm_ops_dedup", "crm_ops_http")
class TestMatchReview(HttpCase, CrmOpsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_api_company()
        cls.company_b = cls._create_company(
            name="Review Company B", country_id=cls.env.ref("base.es").id
        )
        cls.user_a = cls._create_company_user("review_a", password="review_a_pwd")
        cls.other_a = cls._create_company_user("review_other", password="review_other_pwd")
        cls.user_b = cls._create_company_user(
            "review_b", cls.company_b, SALES_MANAGER, password="review_b_pwd"
        )
        cls.manager = cls._create_company_user(
            "review_mgr",
            cls.company_a,
            SALES_MANAGER,
            extra_companies=cls.company_b,
            password="review_mgr_pwd",
        )
        cls.key_a = cls._create_api_key(cls.user_a, "t")
        cls.marc = cls.env["res.partner"].create(
            {"name": "Marc Vidal", "phone": "+34 611 22 33 44", "company_id": cls.company_a.id}
        )
        cls.laia = cls.env["res.partner"].create(
            {"name": "Laia Serra", "phone": "+34 622 33 44 55", "company_id": cls.company_a.id}
        )
        cls.acme = cls.env["res.partner"].create(
            {"name": "Fusteria Puig SL", "is_company": True, "company_id": cls.company_a.id}
        )
        cls.holder = cls.env["res.partner"].create(
            {
                "name": "Anna Puig Soler",
                "email": "info@fusteria-puig.cat",
                "parent_id": cls.acme.id,
                "company_id": cls.company_a.id,
            }
        )
        cls.family = cls.env["res.partner"].create(
            {
                "name": "María García López",
                "phone": "+34 933 12 34 56",
                "company_id": cls.company_a.id,
            }
        )

    def post(self, payload):
        res = self.url_open(
            "/api/crm/v1/leads",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key_a}"},
            method="POST",
        )
        self.assertEqual(res.status_code, 201, res.text)
        return res.json()

    def call_button(self, model, method, ids):
        return self.make_jsonrpc_request(
            "/web/dataset/call_button",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def reviews(self, lead_id):
        return self.env["crm.lead.match.review"].search([("lead_id", "=", lead_id)])

    # ------------------------------------------------------------------
    def test_near_miss_is_queued_and_confirmation_is_remembered(self):
        # a mobile in common under another name: 50, between review (45) and link (60)
        first = self.post({"contact_name": "Jordi Roca", "phone": "611 22 33 44"})
        self.assertEqual(first["status"], "created")
        self.assertIsNone(first["partner_id"])
        review = self.reviews(first["id"])
        self.assertEqual(review.partner_id, self.marc)
        self.assertEqual(review.state, "pending")

        self.authenticate("review_a", "review_a_pwd")
        rows = self.call_kw(
            "crm.lead.match.review",
            "web_search_read",
            [],
            {
                "domain": [["state", "=", "pending"]],
                "specification": {
                    "lead_contact_name": {},
                    "lead_phone": {},
                    "candidate_name": {},
                    "candidate_phone": {},
                    "explanation": {},
                },
            },
        )["records"]
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            (rows[0]["lead_contact_name"], rows[0]["candidate_name"]), ("Jordi Roca", "Marc Vidal")
        )
        self.assertIn("same mobile, other name", rows[0]["explanation"])
        self.call_button("crm.lead.match.review", "action_confirm", review.ids)
        lead = self.env["crm.lead"].browse(first["id"])
        self.assertEqual(lead.partner_id, self.marc)
        self.assertEqual(review.state, "confirmed")
        self.assertEqual(review.decided_by_id, self.user_a)
        self.assertIn("confirmed by review_a", lead.crm_ops_dedup_explanation.lower())

        # the same pair again: linked at once, nothing queued
        again = self.post({"contact_name": "jordi roca", "phone": "+34611223344"})
        self.assertEqual(again["status"], "linked")
        self.assertEqual(again["partner_id"], self.marc.id)
        self.assertIn("confirmed in review", again["reasons"])
        self.assertFalse(self.reviews(again["id"]))
        # another person on that mobile is a pair of its own
        other = self.post({"contact_name": "Pere Font", "phone": "611 22 33 44"})
        self.assertIsNone(other["partner_id"])
        self.assertEqual(self.reviews(other["id"]).partner_id, self.marc)

    def test_rejection_is_remembered(self):
        first = self.post({"contact_name": "Pere Font", "phone": "622 33 44 55"})
        review = self.reviews(first["id"])
        self.assertEqual(review.partner_id, self.laia)
        self.authenticate("review_a", "review_a_pwd")
        self.call_button("crm.lead.match.review", "action_reject", review.ids)
        self.assertEqual(review.state, "rejected")
        self.assertFalse(self.env["crm.lead"].browse(first["id"]).partner_id)
        again = self.post({"contact_name": "Pere Font", "phone": "622334455"})
        self.assertIsNone(again["partner_id"])
        self.assertFalse(self.reviews(again["id"]), "a rejected pair is not offered again")
        self.assertIn("rejected in review", again["reasons"])
        # a decided review cannot be decided again
        with self.assertRaises(Exception), mute_logger("odoo.http"):
            self.call_button("crm.lead.match.review", "action_confirm", review.ids)

    def test_shared_mailbox_of_another_person_links_the_company(self):
        result = self.post({"contact_name": "Josep Ferrer", "email": "INFO@fusteria-puig.cat"})
        self.assertEqual(result["partner_id"], self.acme.id, result["reasons"])
        self.assertIn("shared mailbox, other person", result["reasons"])
        lead = self.env["crm.lead"].browse(result["id"])
        self.assertIn("shared mailbox of another person", lead.crm_ops_dedup_explanation)
        # the holder writing again is the holder
        result = self.post({"contact_name": "Anna Puig", "email": "info@fusteria-puig.cat"})
        self.assertEqual(result["partner_id"], self.holder.id, result["reasons"])

    def test_family_landline_stays_new_with_the_reason(self):
        result = self.post({"contact_name": "Carmen García López", "phone": "933 12 34 56"})
        self.assertEqual(result["status"], "created")
        self.assertIsNone(result["partner_id"])
        lead = self.env["crm.lead"].browse(result["id"])
        self.assertIn("same landline, other first name", lead.crm_ops_dedup_explanation)
        self.assertFalse(self.reviews(result["id"]))
        # the same person, with a nickname-free short form, is linked
        result = self.post({"contact_name": "María García", "phone": "0034 933 123 456"})
        self.assertEqual(result["partner_id"], self.family.id, result["reasons"])

    def test_reasons_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(["crm_ops"], ["es_ES", "it_IT"], True)
        result = self.post({"contact_name": "Carmen García López", "phone": "933 12 34 56"})
        lead = self.env["crm.lead"].browse(result["id"])
        es = lead.with_context(lang="es_ES").crm_ops_dedup_explanation
        it = lead.with_context(lang="it_IT").crm_ops_dedup_explanation
        self.assertIn("mismo teléfono fijo, otro nombre", es)
        self.assertIn("stesso telefono fisso, altro nome", it)
        self.assertNotEqual(es, lead.with_context(lang="en_US").crm_ops_dedup_explanation)

    def test_company_and_ownership_rules(self):
        first = self.post({"contact_name": "Jordi Roca", "phone": "611 22 33 44"})
        review = self.reviews(first["id"])
        Review = self.env["crm.lead.match.review"]
        # company B's manager neither sees nor decides company A's reviews
        self.assertFalse(Review.with_user(self.user_b).search([("id", "=", review.id)]))
        self.authenticate("review_b", "review_b_pwd")
        with self.assertRaises(Exception), mute_logger("odoo.http"):
            self.call_button("crm.lead.match.review", "action_confirm", review.ids)
        self.assertEqual(review.state, "pending")
        # another salesperson of A without "all leads" does not see user_a's leads' reviews
        self.assertFalse(Review.with_user(self.other_a).search([("id", "=", review.id)]))
        # a manager of A and B sees it with both companies allowed
        managed = Review.with_user(self.manager).with_context(
            allowed_company_ids=[self.company_b.id, self.company_a.id]
        )
        self.assertEqual(managed.search([("id", "=", review.id)]), review)
        # salespeople cannot create reviews of their own
        with self.assertRaises(Exception):
            Review.with_user(self.user_a).create(
                {
                    "company_id": self.company_a.id,
                    "lead_id": first["id"],
                    "partner_id": self.laia.id,
                }
            )
