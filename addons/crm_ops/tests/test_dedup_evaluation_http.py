"""De-duplication through the JSON API on the generated evaluation set (issue #16).

The register of ``crm_engine.dedup_eval`` (a representative subset: 600 contacts,
12 leads of each of the 20 kinds, seed 16) is created in company A; the leads are
posted to ``/api/crm/v1/leads/batch`` with a salesperson's API key, and the
outcome's ``partner_id`` is scored per kind; for the near misses, the customer
the lead's first entry in *Matches to Review* offers. The whole set runs in the engine alone
(``tests/engine/test_dedup_evaluation.py``).
"""

import json
import logging

from odoo.tests import HttpCase, tagged

from crm_engine.dedup_eval import KINDS, generate, report, score

from .common import SALESMAN_ALL_LEADS, CrmOpsCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install", "crm_ops_dedup", "crm_ops_http")
class TestDedupEvaluationApi(HttpCase, CrmOpsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_api_company()
        cls.user = cls._create_company_user("dedup_eval", groups=SALESMAN_ALL_LEADS)
        cls.key = cls._create_api_key(cls.user, "eval")
        cls.data = generate(seed=16, contacts=600, per_kind=12)
        countries = {c: cls.env.ref(f"base.{c.lower()}").id for c in ("ES", "IT")}
        ids = {}
        Partner = cls.env["res.partner"].with_context(tracking_disable=True)
        for record in cls.data.partners:
            partner = Partner.create(
                {
                    "name": record["name"],
                    "is_company": bool(record.get("is_company")),
                    "email": record.get("email") or False,
                    "phone": record.get("phone") or False,
                    "parent_id": ids.get(record.get("parent_id"), False),
                    "country_id": countries[record["country_code"]],
                    "company_id": cls.company.id,
                }
            )
            ids[record["id"]] = partner.id
        cls.ids = ids

    def test_precision_and_recall_per_kind_through_the_api(self):
        leads = self.data.leads
        predicted, lead_ids, answers = [], [], []
        for start in range(0, len(leads), 50):
            chunk = leads[start : start + 50]
            res = self.url_open(
                "/api/crm/v1/leads/batch",
                data=json.dumps({"leads": [lead["incoming"] for lead in chunk]}),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
                method="POST",
                timeout=600,
            )
            self.assertEqual(res.status_code, 200, res.text)
            results = res.json()["results"]
            self.assertEqual(len(results), len(chunk))
            for result in results:
                self.assertNotIn("errors", result, result)
                predicted.append(result["partner_id"])
                lead_ids.append(result["id"])
                answers.append(result)
        # what the salesperson is offered first for each lead (ordered as the queue shows it)
        offered = {}
        for review in self.env["crm.lead.match.review"].search(
            [("lead_id", "in", lead_ids), ("partner_id", "!=", False)]
        ):
            offered.setdefault(review.lead_id.id, review.partner_id.id)
        expected_ids = [
            {
                **lead,
                "expected": self.ids.get(lead["expected"]),
                **({"review": self.ids[lead["review"]]} if "review" in lead else {}),
            }
            for lead in leads
        ]
        scores = score(expected_ids, predicted, [offered.get(i) for i in lead_ids])
        _logger.info("de-duplication through the JSON API:\n%s", report(scores))
        missed = [
            (lead["kind"], lead["incoming"], answer)
            for lead, answer in zip(expected_ids, answers, strict=True)
            if "review" in lead and offered.get(answer["id"]) != lead["review"]
        ]
        self.assertFalse(missed, "near misses not offered for review")
        for kind in (*KINDS, "overall"):
            self.assertGreaterEqual(scores[kind].precision, 0.99, f"{kind}\n{report(scores)}")
            self.assertGreaterEqual(scores[kind].recall, 0.95, f"{kind}\n{report(scores)}")
