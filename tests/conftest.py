"""pytest settings for tests/."""

# tests/odoo_addons holds an Odoo test module (run by the odoo part of tools/run_tests.py,
# inside Odoo): its files import odoo, which pytest's interpreter does not have
collect_ignore = ["odoo_addons"]
