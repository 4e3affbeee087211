# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The doors users take: the web client's delete and buttons (JSON-RPC with a session)
and the external API (``/json/2`` with an API key), on the records crm_analytics extends."""

import json

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.crm_analytics_run import STAGES


@tagged("post_install", "-at_install", "crm_analytics_http")
class TestAnalyticsHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="ana_http_manager",
            password="ana_http_manager",
            groups="base.group_user,base.group_partner_manager,sales_team.group_sale_manager",
        )

    def _partner_with_metrics(self, name):
        partner = self.env["res.partner"].create({"name": name, "email": f"{name}@example.com"})
        self.env["crm.customer.metric"].create(
            {"partner_id": partner.id, "company_id": self.company.id, "segment": "champions"}
        )
        return partner

    def _metric_count(self, partner):
        self.env.cr.execute(
            "SELECT COUNT(*) FROM crm_customer_metric WHERE partner_id = %s", [partner.id]
        )
        return self.env.cr.fetchone()[0]

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_web_client_deletes_contact(self):
        """The list's / form's Delete: call_kw unlink with the ids."""
        partner = self._partner_with_metrics("ana_http_delete_web")
        self.assertEqual(self._metric_count(partner), 1)
        self.authenticate("ana_http_manager", "ana_http_manager")
        result = self._call_kw("res.partner", "unlink", [partner.ids])
        self.assertIs(result, True)
        self.assertFalse(partner.exists())
        self.assertEqual(self._metric_count(partner), 0)

    def test_json2_deletes_contact(self):
        """``/json/2/res.partner/unlink`` with an API key and ids deletes them (and only them)."""
        partner = self._partner_with_metrics("ana_http_delete_api")
        other = self._partner_with_metrics("ana_http_keep_api")
        key = (
            self.env["res.users.apikeys"].with_user(self.manager).sudo()._generate(None, "t", None)
        )
        res = self.url_open(
            "/json/2/res.partner/unlink",
            data=json.dumps({"ids": partner.ids}),
            headers={"Authorization": f"bearer {key}", "Content-Type": "application/json"},
        )
        self.assertEqual(res.status_code, 200, res.text)
        self.assertIs(res.json(), True)
        self.assertFalse(partner.exists())
        self.assertEqual(self._metric_count(partner), 0)
        self.assertTrue(other.exists())
        self.assertEqual(self._metric_count(other), 1)

    def test_recompute_now_button(self):
        """ "Recompute now" as the web client clicks it: from the list header with no line
        selected (no ids) and from a run's form (its id)."""
        Run = self.env["crm.analytics.run"]
        self.authenticate("ana_http_manager", "ana_http_manager")

        def click(ids):
            return self.make_jsonrpc_request(
                "/web/dataset/call_button/crm.analytics.run/action_recompute_now",
                {
                    "model": "crm.analytics.run",
                    "method": "action_recompute_now",
                    "args": [ids],
                    "kwargs": {"context": {"allowed_company_ids": self.company.ids}},
                },
            )

        with trap_jobs() as trap:
            action = click([])
            self.assertEqual(action["res_model"], "crm.analytics.run")
            run = Run.search(action["domain"])
            self.assertEqual(len(run), 1)
            self.assertEqual(run.company_id, self.company)
            self.assertEqual(run.state, "queued")
            trap.assert_jobs_count(7)
            # The form's button while the run is pending shows the same run.
            action = click(run.ids)
            self.assertEqual(Run.search(action["domain"]), run)
            trap.assert_jobs_count(7)
            # One job per stage of that run (they ran in the request's environment).
            self.assertEqual(
                {(job.model_name, job.method_name, job.args) for job in trap.enqueued_jobs},
                {("crm.analytics.run", "_run_stage", (stage,)) for stage in STAGES},
            )
            self.assertEqual({job.recordset.id for job in trap.enqueued_jobs}, set(run.ids))
