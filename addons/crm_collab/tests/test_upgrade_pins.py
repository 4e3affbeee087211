# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What crm_collab takes from Odoo 19 beyond its public API, pinned: an Odoo upgrade that
changes it fails here, not at a customer's (README, "Odoo methods crm_collab extends").

Each method crm_collab overrides is checked against the signature of Odoo's own
definition (the parameters, not their annotations), and each of the table's ORM hooks
has a behavioural test below, which fails if Odoo stops calling it where crm_collab
counts on it. The rules crm_collab puts in place of Odoo's multi-company rules keep
Odoo's domain word for word: a change of Odoo's domain fails here too."""

import inspect

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.ir_rule import COLLAB_COMPANY_RULES
from .common import CollabCase

# model -> {method: (module of Odoo's definition, its parameters)}
ODOO_METHODS = {
    "res.partner": {
        "_has_field_access": ("odoo.orm.models", "(self, field, operation)"),
        "fetch": ("odoo.orm.models", "(self, field_names=None)"),
        "_read_format": ("odoo.orm.models", "(self, fnames, load='_classic_read')"),
        "_field_to_sql": ("odoo.orm.models", "(self, alias, field_expr, query=None)"),
        "_fetch_query": ("odoo.orm.models", "(self, query, fields)"),
        "_search": (
            "odoo.orm.models",
            "(self, domain, offset=0, limit=None, order=None, *, active_test=True, "
            "bypass_access=False)",
        ),
        "export_data": ("odoo.orm.models", "(self, fields_to_export)"),
        "_export_rows": ("odoo.orm.models", "(self, fields, *, _is_toplevel_call=True)"),
    },
    "ir.rule": {
        "_eval_context": ("odoo.addons.base.models.ir_rule", "(self)"),
        "_get_rules": ("odoo.addons.base.models.ir_rule", "(self, model_name, mode='read')"),
    },
    "ir.attachment": {
        "_check_access": ("odoo.addons.base.models.ir_attachment", "(self, operation)"),
        "_search": (
            "odoo.addons.base.models.ir_attachment",
            "(self, domain, offset=0, limit=None, order=None, *, active_test=True, "
            "bypass_access=False)",
        ),
    },
    "mail.followers": {
        "_check_access": ("odoo.orm.models", "(self, operation)"),
    },
    "mail.activity": {
        "_search": (
            "odoo.addons.mail.models.mail_activity",
            "(self, domain, offset=0, limit=None, order=None, *, bypass_access=False, **kwargs)",
        ),
    },
    "mail.message": {
        "_filter_records_for_message_operation": (
            "odoo.addons.mail.models.mail_message",
            "(self, doc_model, doc_res_ids, operation)",
        ),
    },
    "mail.thread": {
        "_get_thread_with_access": (
            "odoo.addons.mail.models.mail_thread",
            "(self, thread_id, *, mode='read', **kwargs)",
        ),
    },
    "mail.tracking.value": {
        "_filter_has_field_access": ("odoo.addons.mail.models.mail_tracking_value", "(self, env)"),
    },
    "ir.actions.report": {
        "_render_qweb_pdf": (
            "odoo.addons.base.models.ir_actions_report",
            "(self, report_ref, res_ids=None, data=None)",
        ),
        "_render_qweb_html": (
            "odoo.addons.base.models.ir_actions_report",
            "(self, report_ref, docids, data=None)",
        ),
        "_render_qweb_text": (
            "odoo.addons.base.models.ir_actions_report",
            "(self, report_ref, docids, data=None)",
        ),
    },
    "portal.mixin": {
        "_portal_ensure_token": ("odoo.addons.portal.models.portal_mixin", "(self)"),
    },
    "base.partner.merge.automatic.wizard": {
        "_merge": (
            "odoo.addons.base.wizard.base_partner_merge",
            "(self, partner_ids, dst_partner=None, extra_checks=True)",
        ),
    },
}


def odoo_definition(model, name, module):
    """The class of ``model``'s MRO, from Odoo's ``module``, that defines method ``name``
    (None when there is none)."""
    for cls in type(model).__mro__:
        if name in vars(cls) and cls.__module__ == module:
            return cls
    return None


def parameters(func):
    """The signature of ``func`` without its annotations."""
    sig = inspect.signature(func)
    return str(
        sig.replace(
            parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
            return_annotation=sig.empty,
        )
    )


@tagged("post_install", "-at_install")
class TestOdooSignatures(CollabCase):
    def test_overridden_methods_keep_odoo_19_signatures(self):
        for model_name, methods in ODOO_METHODS.items():
            model = self.env[model_name]
            for name, (module, expected) in methods.items():
                with self.subTest(model=model_name, method=name):
                    ours = [
                        cls
                        for cls in type(model).__mro__
                        if name in vars(cls) and cls.__module__.startswith("odoo.addons.crm_collab")
                    ]
                    self.assertTrue(ours, f"crm_collab no longer overrides {name}: update the pins")
                    origin = odoo_definition(model, name, module)
                    self.assertTrue(origin, f"Odoo no longer defines {name} in {module}")
                    self.assertEqual(parameters(vars(origin)[name]), expected)

    def test_shared_models_rules_keep_odoo_domains(self):
        """crm_collab's read and write rules of each shareable model hold Odoo's
        multi-company domain word for word, OR-ed with the shares; they are archived (Odoo
        never selects them by itself), and Odoo's rule is left as Odoo made it."""
        for model_name, xmlid in COLLAB_COMPANY_RULES.items():
            with self.subTest(model=model_name):
                odoo_rule = self.env.ref(xmlid)
                self.assertTrue(odoo_rule["global"] and odoo_rule.active)
                self.assertEqual(
                    [odoo_rule[f"perm_{m}"] for m in ("read", "write", "create", "unlink")],
                    [True] * 4,
                )
                odoo_domain = odoo_rule.domain_force.strip()
                self.assertTrue(odoo_domain.startswith("[") and odoo_domain.endswith("]"))
                table = self.env[model_name]._table
                for mode in ("read", "write"):
                    ours = self.env.ref(f"crm_collab.rule_{table}_company_or_shared_{mode}")
                    self.assertEqual(
                        ours.domain_force,
                        f"['|', {odoo_domain[1:-1]}, collab_shared('{mode}')]",
                    )
                    self.assertTrue(ours["global"])
                    self.assertFalse(ours.active)
                    self.assertEqual(
                        [ours[f"perm_{m}"] for m in ("read", "write", "create", "unlink")],
                        [m == mode for m in ("read", "write", "create", "unlink")],
                    )


@tagged("post_install", "-at_install")
class TestOdooHooksBehaviour(CollabCase):
    """One assertion per ORM hook of the table: Odoo still calls it where crm_collab
    counts on it (the attack suites test the sharing itself in depth)."""

    def setUp(self):
        super().setUp()
        self.make_agreement()
        self.Partner = self.as_user("res.partner", self.user_b)
        self.shared = self.Partner.browse(self.north[0].id)

    def test_get_rules_puts_the_shares_in_place(self):
        Rule = self.env["ir.rule"].with_user(self.user_b)
        odoo_rule = self.env.ref("base.res_partner_rule")
        for mode in ("read", "write"):
            rules = Rule._get_rules("res.partner", mode=mode)
            ours = self.env.ref(f"crm_collab.rule_res_partner_company_or_shared_{mode}")
            self.assertIn(ours, rules)
            self.assertNotIn(odoo_rule, rules)
        for mode in ("create", "unlink"):
            self.assertIn(odoo_rule, Rule._get_rules("res.partner", mode=mode))
        # the stand-in widens Odoo's rule: B reads A's shared customers, not the others
        self.assertEqual(self.Partner.search([("id", "in", self.north.ids)]).ids, self.north.ids)
        self.assertFalse(self.Partner.search([("id", "in", self.south.ids)]))

    def test_eval_context_gives_the_shares(self):
        # ir.rule._eval_context: the rules evaluate ``collab_shared``
        self.assertIn("collab_shared", self.env["ir.rule"].with_user(self.user_b)._eval_context())
        self.assertEqual(self.Partner.search([("id", "in", self.north.ids)]).ids, self.north.ids)
        # the rules are evaluated once per user (Odoo's cache); the context of each query
        # still counts
        off = self.Partner.with_context(collab_rules_off=True)
        self.assertFalse(off.search([("id", "in", self.north.ids)]))
        self.assertEqual(self.Partner.search([("id", "in", self.north.ids)]).ids, self.north.ids)

    def test_has_field_access_refuses_direct_access(self):
        with self.assertRaises(AccessError):
            _value = self.shared.comment
        self.assertIn("B note", self.Partner.browse(self.b_partner.id).comment)

    def test_fetch_and_read_format_blank_private_fields(self):
        self.shared.fetch(["name", "comment"])  # fetch: no AccessError
        [vals] = self.shared.read(["name", "comment"])  # _read_format
        self.assertEqual((vals["name"], vals["comment"]), ("North customer 0", False))

    def test_fetch_query_keeps_real_values_in_cache(self):
        self.Partner.search_fetch([("id", "in", self.north.ids)], ["comment"])
        self.assertIn("A secret note 0", self.north[0].comment)

    def test_field_to_sql_masks_order_and_group(self):
        ids = self.north.ids
        self.assertEqual(
            self.Partner.search([("id", "in", ids)], order="comment desc, id").ids, ids
        )
        groups = self.Partner._read_group([("id", "in", ids)], ["comment"], ["__count"])
        self.assertEqual(groups, [(False, 3)])

    def test_search_masks_private_conditions(self):
        self.assertFalse(self.Partner.search([("comment", "ilike", "secret")]))
        self.assertEqual(self.Partner.search([("comment", "ilike", "B note")]), self.b_partner)

    def test_export_blanks_private_columns(self):
        [row] = self.shared.export_data(["name", "comment"])["datas"]  # export_data
        self.assertEqual(row, ["North customer 0", ""])
        self.make_agreement(res_model="crm.lead", domain=f"[('id', '=', {self.lead_north.id})]")
        Lead = self.as_user("crm.lead", self.user_b)
        [row] = Lead.browse(self.lead_north.id).export_data(["name", "partner_id/comment"])["datas"]
        self.assertEqual(row, ["North deal", ""])  # _export_rows, through a path
