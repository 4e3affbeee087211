# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.tests import tagged

from .common import CrmAnalyticsCommon


@tagged("crm_analytics_import")
class TestAttributeImport(CrmAnalyticsCommon):
    def _import(self, text, match_by="ref"):
        wizard = self.env["crm.partner.attribute.import"].create(
            {
                "file": base64.b64encode(text.encode()),
                "filename": "survey.csv",
                "match_by": match_by,
            }
        )
        wizard.action_import()
        return wizard

    def test_import_with_row_errors(self):
        lines = ["ref,income,satisfaction,region"]
        for partner in self.customers:
            lines.append(f"{partner.ref},{len(partner.name) * 1000},{partner.id % 5},north")
        lines += ["NOPE,1,2,south", ",3,4,east"]
        wizard = self._import("\n".join(lines))
        self.assertEqual(wizard.imported_count, 3 * len(self.customers))
        self.assertEqual(wizard.error_count, 2)
        self.assertIn("Line 62", wizard.result)
        self.assertIn("NOPE", wizard.result)
        attrs = self.env["crm.partner.attribute"].search(
            [("partner_id", "=", self.customers[0].id)]
        )
        self.assertEqual(sorted(attrs.mapped("key")), ["income", "region", "satisfaction"])
        region = attrs.filtered(lambda a: a.key == "region")
        self.assertEqual((region.value_char, region.value_float), ("north", 0.0))
        # Re-import updates instead of duplicating.
        self._import(f"email,income\n{self.customers[0].email.upper()},5", match_by="email")
        income = self.env["crm.partner.attribute"].search(
            [("partner_id", "=", self.customers[0].id), ("key", "=", "income")]
        )
        self.assertEqual(income.value_float, 5.0)

    def test_numeric_attributes_are_cluster_features(self):
        lines = ["ref,survey_score"]
        lines += [f"{p.ref},{(i % 2) * 100}" for i, p in enumerate(self.customers)]
        self._import("\n".join(lines))
        run = self.env["crm.analytics.run"].create({"company_id": self.company.id})
        attributes = run._attributes()
        self.assertEqual(list(attributes.columns), ["survey_score"])
        self.assertEqual(len(attributes), len(self.customers))
        run._run_all()
        self.assertEqual(run.state, "done", run.error)
        # The survey score is a clustering feature: clusters are described by it.
        clusters = self.env["crm.customer.cluster"].search([("company_id", "=", self.company.id)])
        self.assertTrue(any("survey_score" in name for name in clusters.mapped("name")))

    def test_numeric_attributes_are_propensity_features(self):
        # The data set's loyal customers (every third) answer the survey with 100, the
        # others with 0, and a few did not answer: the attribute separates churners.
        lines = ["ref,loyalty"]
        lines += [f"{p.ref},{100 if i % 3 == 0 else 0}" for i, p in enumerate(self.customers[6:])]
        self._import("\n".join(lines))
        run = self._run()
        self.assertEqual(run.state, "done", run.error)
        self.assertGreater(run.scored_churn_count, 0)
        self.assertGreater(run.scored_response_count, 0)
        metrics = self.env["crm.customer.metric"].search([("run_id", "=", run.id)])
        churn_reasons = " ".join(metrics.mapped("churn_factors"))
        response_reasons = " ".join(metrics.mapped("response_factors"))
        self.assertRegex(churn_reasons, r"attr_loyalty(_missing)? \([+-]\d")
        self.assertRegex(response_reasons, r"attr_loyalty(_missing)? \([+-]\d")
        # Without imported attributes, no reason names one.
        self.env["crm.partner.attribute"].search([]).unlink()
        run = self._run()
        metrics = self.env["crm.customer.metric"].search([("run_id", "=", run.id)])
        self.assertTrue(any(metrics.mapped("churn_factors")))
        self.assertNotIn("attr_", " ".join(metrics.mapped("churn_factors")))
