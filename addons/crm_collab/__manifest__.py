# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Collaboration",
    "summary": "Audited record sharing between partner companies, lead hand-off, shared customer timeline and feedback routing",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-suite/odoo-crm-suite",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "installable": True,
    "uninstall_hook": "uninstall_hook",
    "depends": ["crm_ops", "crm", "sale_crm", "helpdesk_mgmt", "rating", "mass_mailing"],
    "data": [
        "security/crm_collab_security.xml",
        "security/ir.model.access.csv",
        "data/crm_collab_data.xml",
        "views/crm_collab_agreement_views.xml",
        "views/crm_collab_audit_views.xml",
        "views/crm_collab_timeline_views.xml",
        "views/crm_collab_feedback_rule_views.xml",
        "views/crm_collab_campaign_views.xml",
        "report/crm_collab_forecast_views.xml",
        "wizards/crm_collab_handoff_wizard_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_collab/static/tests/tours/*.js",
        ],
    },
}
