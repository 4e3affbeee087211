# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the repository's folders are: this module lives in <repo>/tests/odoo_addons/."""

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from odoo.tests import HttpCase, new_test_user

REPO = Path(__file__).resolve().parents[4]
TOOLS = REPO / "tools"
EXAMPLES = REPO / "examples"
if not (TOOLS / "datagen").is_dir() or not EXAMPLES.is_dir():
    raise ImportError(f"tools/ and examples/ are not in {REPO}: run from a repository checkout")
# the data generator is the package tools/datagen (tools/generate_data.py imports it the same way)
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))


class ExampleClientCase(HttpCase):
    """Runs a client of examples/ as a separate process against the running test server."""

    def api_key(self, login, name):
        """An RPC API key of a new salesperson, valid for a day."""
        user = new_test_user(self.env, login=login, groups="sales_team.group_sale_salesman")
        return (
            self.env["res.users.apikeys"]
            .with_user(user)
            ._generate("rpc", name, datetime.now() + timedelta(days=1))
        )

    def run_example(self, script, *args):
        """``examples/<script> --url <server> *args``, its CompletedProcess (text output)."""
        # the client is another process: it cannot carry the test cursor cookie
        with self.allow_requests(all_requests=True):
            return subprocess.run(
                [sys.executable, str(EXAMPLES / script), "--url", self.base_url(), *args],
                capture_output=True,
                text=True,
                timeout=60,
            )
