"""Property-based tests: arbitrary JSON never crashes the capture service or the API."""

import json
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.crm_ops.models.crm_lead import CAPTURE_FIELDS, CaptureError

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=60),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=8,
)
# mostly known keys with arbitrary values, sometimes unknown keys
lead_objects = st.dictionaries(
    st.one_of(st.sampled_from(sorted(CAPTURE_FIELDS)), st.text(max_size=12)),
    json_values,
    max_size=8,
)
PROFILE = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@tagged("crm_ops_capture")
class TestCaptureProperties(TransactionCase):
    @given(payload=st.one_of(lead_objects, json_values))
    @PROFILE
    def test_arbitrary_json_gives_a_lead_or_field_errors(self, payload):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        before = Lead.search_count([])
        try:
            with self.env.cr.savepoint():
                result = Lead._crm_ops_capture(payload, "api")
        except CaptureError as e:
            self.assertTrue(e.errors)
            self.assertTrue(
                all(isinstance(k, str) and isinstance(v, str) for k, v in e.errors.items())
            )
            self.assertEqual(Lead.search_count([]), before, "nothing half-created")
            return
        lead = Lead.browse(result["id"])
        self.assertTrue(lead.exists())
        self.assertTrue(lead.email_from or lead.phone)
        self.assertIn(result["status"], ("created", "linked", "merged"))
        self.assertEqual(Lead.search_count([]), before + 1)


@tagged("post_install", "-at_install", "crm_ops_capture", "crm_ops_http")
class TestApiProperties(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user = new_test_user(cls.env, login="api_prop", groups="sales_team.group_sale_salesman")
        cls.env.company.crm_ops_api_rate_limit = 0
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(user)
            ._generate("rpc", "prop", datetime.now() + timedelta(days=1))
        )

    @given(body=st.one_of(lead_objects.map(json.dumps), st.binary(max_size=200)))
    @settings(
        max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def test_api_answers_json_never_500(self, body):
        res = self.url_open(
            "/api/crm/v1/leads",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
        )
        self.assertIn(res.status_code, (200, 201, 400, 403))
        payload = res.json()
        if res.status_code >= 400:
            self.assertIn("error", payload)
        else:
            self.assertIn("id", payload)
