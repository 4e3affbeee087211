# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every model the suite adds (all its addons installed here, transient and SQL-view
models included) has record rules for every operation: a model without them is open to
every company of the database as soon as a group has an access right on it."""

from odoo.tests import TransactionCase, tagged

SUITE = ("crm_ops", "crm_analytics", "crm_collab", "crm_ops_stock", "crm_collab_survey")
# models with no company of their own, and why they need no rule
WITHOUT_COMPANY = {
    "crm.ops.rate.limit": "a hit counter per client address, readable by the system group only",
}


@tagged("post_install", "-at_install", "crm_collab_security")
class TestSecurityAudit(TransactionCase):
    def suite_models(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if getattr(model, "_original_module", None) in SUITE and not model._abstract
        )

    def test_every_model_has_rules_for_every_operation(self):
        models = self.suite_models()
        self.assertIn("crm.collab.timeline", models)
        Rule = self.env["ir.rule"].sudo()
        missing = []
        for name in models:
            if name in WITHOUT_COMPANY:
                continue
            rules = Rule.search([("model_id.model", "=", name)])
            for perm in ("perm_read", "perm_write", "perm_create", "perm_unlink"):
                if not rules.filtered(perm):
                    missing.append(f"{name}: {perm}")
        self.assertFalse(missing, "models without record rules")

    def test_transient_records_are_their_creators(self):
        """Odoo 19 gives transient records no owner: each rule of a transient model of
        the suite keeps the records to the user who created them."""
        Rule = self.env["ir.rule"].sudo()
        for name in self.suite_models():
            if not self.env[name]._transient or name == "res.config.settings":
                continue
            domains = Rule.search([("model_id.model", "=", name)]).mapped("domain_force")
            self.assertTrue(any("create_uid" in d for d in domains), name)
