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
    ],
}
