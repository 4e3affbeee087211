"""Uninstall the suite's addons from a database and check that nothing of them is left.

Run with Odoo's interpreter: ``python uninstall_check.py <odoo options> -- crm_ops,crm_analytics``.
Exits 1 and prints what is left when a view, menu, action, model, field or XML id of the
uninstalled addons remains, or when a remaining view no longer validates.
"""

import sys

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config


def main():
    sep = sys.argv.index("--")
    config.parse_config(sys.argv[1:sep], setup_logging=True)
    names = sys.argv[sep + 1].split(",")
    dbname = config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        mods = env["ir.module.module"].search([("name", "in", names), ("state", "=", "installed")])
        installed = mods.mapped("name")
        print("uninstalling", installed)
        mods.button_immediate_uninstall()
    registry = Registry(dbname)
    problems = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        left = env["ir.module.module"].search(
            [("name", "in", installed), ("state", "!=", "uninstalled")]
        )
        if left:
            problems.append(f"modules not uninstalled: {left.mapped('name')}")
        cr.execute(
            SQL(
                "SELECT module, model, count(*) FROM ir_model_data WHERE module = ANY(%s) "
                "GROUP BY module, model",
                installed,
            )
        )
        problems += [f"xml ids left: {row}" for row in cr.fetchall()]
        cr.execute(
            SQL(
                "SELECT model FROM ir_model WHERE model LIKE ANY(%s)",
                ["crm.ops.%", "crm.analytics.%", "crm.collab.%"],
            )
        )
        problems += [f"model left: {m}" for (m,) in cr.fetchall()]
        cr.execute(
            SQL(
                "SELECT model, name FROM ir_model_fields WHERE name LIKE ANY(%s)",
                ["crm_ops_%", "x_crm_%", "analytics_%", "collab_%"],
            )
        )
        problems += [f"field left: {m}.{f}" for (m, f) in cr.fetchall()]
        # every remaining view and menu must still work
        views = env["ir.ui.view"].search([("type", "!=", "qweb")])
        for view in views:
            try:
                view._check_xml()
            except Exception as e:
                problems.append(f"view {view.xml_id or view.id} broken: {str(e)[:200]}")
        for menu in env["ir.ui.menu"].search([("action", "!=", False)]):
            action = menu.action
            if action._name == "ir.actions.act_window" and action.res_model not in env:
                problems.append(f"menu {menu.complete_name} points to a missing model")
    for p in problems:
        print("LEFTOVER:", p)
    print(f"{len(problems)} problem(s) after uninstalling {installed}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
