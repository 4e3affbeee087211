# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

ACTIONS = [
    "crm_customer_metric_action",
    "crm_customer_metric_action_segments",
    "crm_customer_metric_action_valuable",
    "crm_customer_metric_action_churn",
    "crm_customer_metric_action_respond",
    "crm_customer_cluster_action",
    "crm_analytics_run_action",
    "crm_sales_forecast_action",
    "crm_partner_attribute_action",
    "crm_partner_attribute_import_action",
    "crm_campaign_report_action",
    "crm_purchase_report_action",
    "crm_complaint_report_action",
]


@tagged("crm_analytics_views")
class TestViews(TransactionCase):
    def test_actions_views_load(self):
        for xmlid in ACTIONS:
            action = self.env.ref(f"crm_analytics.{xmlid}")
            model = self.env[action.res_model]
            modes = action.view_mode.split(",") + ["search"]
            views = model.get_views([(False, mode) for mode in modes])
            self.assertEqual(set(views["views"]), set(modes), xmlid)
            model.search([], limit=1)  # the action's default domain and rules work

    def test_partner_form_has_customer_value(self):
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("crm_customer_value", arch)
