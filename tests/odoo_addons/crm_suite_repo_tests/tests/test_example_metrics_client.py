import json

from odoo.tests import tagged

from .common import ExampleClientCase


@tagged("post_install", "-at_install")
class TestExampleMetricsClient(ExampleClientCase):
    """examples/read_metrics.py, run as a separate process against the running test server,
    reads metrics through /json/2 with an API key: only its own company's."""

    def _run(self, key, *args):
        proc = self.run_example("read_metrics.py", "--key", key, "--db", self.env.cr.dbname, *args)
        return proc.returncode, proc.stdout, proc.stderr

    def test_read_metrics_of_own_company_only(self):
        company_b = self.env["res.company"].create({"name": "Metrics Company B"})
        Metric = self.env["crm.customer.metric"]
        champion = self.env["res.partner"].create({"name": "Champion Client"})
        hidden = self.env["res.partner"].create(
            {"name": "Other Company Client", "company_id": company_b.id}
        )
        Metric.create(
            [
                {
                    "partner_id": champion.id,
                    "company_id": self.env.company.id,
                    "segment": "champions",
                    "clv": 1234.5,
                },
                {
                    "partner_id": hidden.id,
                    "company_id": company_b.id,
                    "segment": "champions",
                    "clv": 99999.0,
                },
            ]
        )
        key = self.api_key("metrics_reader", "metrics")
        code, out, err = self._run(key, "--segment", "champions")
        self.assertEqual(code, 0, err)
        rows = json.loads(out)
        names = [row["partner_id"][1] for row in rows]
        self.assertIn("Champion Client", names)
        self.assertNotIn("Other Company Client", names)

    def test_bad_key(self):
        code, __, err = self._run("x" * 40)
        self.assertEqual(code, 2)
        self.assertIn("401", err)
