# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's es/ca/it translations are complete (crm_ops' ``I18nCheckMixin`` checks)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_ops.tests.test_i18n import I18nCheckMixin


@tagged("crm_collab_i18n")
class TestI18n(I18nCheckMixin, TransactionCase):
    allow_inherited_tests_method = True
    i18n_module = "crm_collab"
