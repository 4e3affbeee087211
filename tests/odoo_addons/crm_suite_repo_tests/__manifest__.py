# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Suite Repository Tests",
    "summary": "Tests of the repository's tools and examples against the installed addons "
    "(test-only, not shipped)",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/crm-suite/odoo-crm-suite",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["crm_ops", "crm_analytics"],
    "data": [],
}
