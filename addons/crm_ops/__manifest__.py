# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Operations",
    "summary": "Lead capture from every channel with de-duplication, "
    "post-sale follow-up plans, satisfaction and after-sales service, 360° customer view",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-suite/odoo-crm-suite",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "crm",
        "sale_crm",
        "sale_management",
        "website_crm",
        "mass_mailing_crm",
        "mass_mailing_sale",
        "rating",
        "helpdesk_mgmt",
        "helpdesk_type",
        "helpdesk_mgmt_sale",
        "queue_job",
    ],
    "external_dependencies": {
        "python": ["crm-engine", "phonenumbers", "rapidfuzz"],
    },
    "data": [
        "security/ir.model.access.csv",
    ],
}
