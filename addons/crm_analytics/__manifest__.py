# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Analytics",
    "summary": "RFM segments, clusters, customer lifetime value, churn and offer-response propensity, campaign, complaint and sales reports with forecasts",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-suite/odoo-crm-suite",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["crm_ops", "mass_mailing_sale", "queue_job"],
    "external_dependencies": {
        "python": ["crm-engine", "pandas", "numpy", "scipy", "scikit-learn"],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/crm_analytics_security.xml",
        "data/crm_analytics_data.xml",
        "wizards/crm_partner_attribute_import_views.xml",
        "views/crm_customer_metric_views.xml",
        "views/crm_customer_cluster_views.xml",
        "views/crm_analytics_run_views.xml",
        "views/crm_sales_forecast_views.xml",
        "views/crm_partner_attribute_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "report/crm_campaign_report_views.xml",
        "report/crm_purchase_report_views.xml",
        "report/crm_complaint_report_views.xml",
        "views/crm_analytics_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_analytics/static/tests/tours/*.js",
        ],
    },
}
