import json
from pathlib import Path

from odoo.tests import tagged

from .common import ExampleClientCase


@tagged("post_install", "-at_install")
class TestExampleLeadClient(ExampleClientCase):
    """examples/push_leads.py, run as a separate process against the running test server."""

    def _run(self, *args):
        proc = self.run_example("push_leads.py", *args)
        return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines() if line]

    def test_push_one_lead_and_a_file(self):
        key = self.api_key("example_client", "example")
        code, out = self._run("--key", key, "--email", "Client@Example.org", "--name", "ana client")
        self.assertEqual(code, 0, out)
        self.assertEqual(out[0]["http_status"], 201)
        lead = self.env["crm.lead"].browse(out[0]["id"])
        self.assertEqual((lead.email_from, lead.contact_name), ("client@example.org", "Ana Client"))

        path = Path(self.env["ir.attachment"]._filestore()) / "example_leads.json"
        path.write_text(
            json.dumps(
                [
                    {"email": "one@example.org", "contact_name": "One"},
                    {"email": "broken", "contact_name": "Two"},
                ]
            )
        )
        try:
            code, out = self._run("--key", key, str(path))
        finally:
            path.unlink()
        self.assertEqual(code, 1, "one lead was rejected")
        self.assertEqual((out[0]["created"], out[0]["errors"]), (1, 1))

    def test_wrong_key_is_refused(self):
        code, out = self._run("--key", "x" * 40, "--email", "a@example.org")
        self.assertEqual(code, 1)
        self.assertEqual(out[0]["http_status"], 401)
