# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Collaboration - Surveys",
    "summary": "Route completed survey answers with the feedback routing rules; "
    "survey answers in the customer history",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-suite/odoo-crm-suite",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["crm_collab", "survey"],
    "data": [
        "views/crm_collab_feedback_rule_views.xml",
    ],
}
