# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's Spanish, Catalan and Italian translations are complete.

The checks live in crm_ops' test_i18n.
"""

from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_ops.tests.test_i18n import I18nCheckMixin


@tagged("post_install", "-at_install")
class TestI18n(I18nCheckMixin, TransactionCase):
    i18n_module = "crm_collab_survey"

    def test_reader_finds_terms(self):
        self._check_reader_finds_terms()

    def test_po_files_parse(self):
        self._check_po_files_parse()

    def test_every_term_translated(self):
        self._check_every_term_translated()

    def test_placeholders_and_markup_preserved(self):
        self._check_placeholders_and_markup()
