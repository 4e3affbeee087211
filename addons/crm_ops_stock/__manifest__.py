# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Operations - Inventory",
    "summary": "Start post-sale follow-ups on delivery; returns cancel pending follow-ups",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-suite/odoo-crm-suite",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["crm_ops", "sale_stock"],
}
