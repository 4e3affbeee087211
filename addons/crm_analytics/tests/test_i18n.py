# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's Spanish, Catalan and Italian translations are complete.

The checks (terms read with Odoo's own exporter, missing translations listed,
.po files parsed, placeholders and markup kept) live in crm_ops' test_i18n.
"""

from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_ops.tests.test_i18n import I18nCheckMixin


@tagged("crm_analytics_i18n")
class TestI18n(I18nCheckMixin, TransactionCase):
    allow_inherited_tests_method = True
    i18n_module = "crm_analytics"
