# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's Spanish, Catalan and Italian translations are complete.

The terms come from the code and the database with Odoo's own reader, the one
behind ``odoo-bin i18n export`` (and ``tools/i18n_update.py``): a new ``_()``
string, field label, selection value, menu, action or view string without a
translation in ``i18n/<lang>.po`` fails here. ``I18nCheckMixin`` is shared with
crm_analytics and crm_collab (they import it from here).
"""

import re
from collections import Counter

import polib

from odoo.modules import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader, translation_file_reader

LANGUAGES = ("es", "ca", "it")

# printf (%s, %d, %.2f, %(name)s), str.format ({name}, {0}, {}, {amount:.2f})
# and inline template ({{ object.name }}) placeholders; "%%" and "50 % de" are text.
PLACEHOLDER_RE = re.compile(
    r"%\([^)\s]+\)[-#0+]*\d*(?:\.\d+)?[a-zA-Z]"
    r"|%[-#0+]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|\{\{.*?\}\}"
    r"|\{[\w.]*(?:![rsa])?(?::[^{}\s]*)?\}"
)
# markup of view, template and HTML field terms (<b>, <span class="...">, </a>...)
TAG_RE = re.compile(r"</?([a-zA-Z][\w:.-]*)")

# how many terms a failure message lists (it also gives the total)
MAX_LISTED = 60


def placeholders(text):
    return Counter(match.group(0).replace(" ", "") for match in PLACEHOLDER_RE.finditer(text))


def shorten(term, width=120):
    text = repr(term)
    return text if len(text) <= width else f"{text[: width - 5]}...{text[-1]}"


def tags(text):
    return Counter(name.lower() for name in TAG_RE.findall(text))


class I18nCheckMixin:
    """Checks for ``i18n/<lang>.po`` of the addon named ``i18n_module``.

    Odoo's test loader only runs the ``test_*`` methods a test class defines itself,
    unless the class sets ``allow_inherited_tests_method`` (as each addon's ``TestI18n``
    does); a class without it calls the ``_check_*`` methods from its own tests.
    """

    i18n_module = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reader = TranslationModuleReader(cls.env.cr, modules=[cls.i18n_module])
        # {source term: first place it comes from}
        cls.i18n_terms = {}
        for module, ttype, name, res_id, source, _value, _comments in reader:
            if module == cls.i18n_module:
                # code:addons/<addon>/models/x.py or model:ir.model.fields,field_description:<xmlid>
                where = f"code:{name}" if ttype == "code" else f"{ttype}:{name}:{res_id}"
                cls.i18n_terms.setdefault(source, where)
        cls.i18n_dir = f"{get_module_path(cls.i18n_module)}/i18n"

    def _po_path(self, lang):
        return f"{self.i18n_dir}/{lang}.po"

    def _load_po(self, lang):
        try:
            return polib.pofile(self._po_path(lang))
        except (OSError, ValueError) as error:
            self.fail(f"{self.i18n_module}/i18n/{lang}.po cannot be read: {error}")

    def _listing(self, lines):
        text = "\n".join(f"  - {line}" for line in lines[:MAX_LISTED])
        if len(lines) > MAX_LISTED:
            text += f"\n  ... and {len(lines) - MAX_LISTED} more"
        return text

    def _check_reader_finds_terms(self):
        """The reader sees the addon (else the other checks would pass vacuously)."""
        self.assertGreater(
            len(self.i18n_terms), 10, f"{self.i18n_module}: no translatable term found"
        )

    def _check_po_files_parse(self):
        """The .po files parse with polib and with Odoo's loader, without duplicates."""
        problems = []
        for lang in LANGUAGES:
            po = self._load_po(lang)
            self.assertEqual(po.metadata.get("Language"), lang, f"{lang}.po: wrong Language header")
            seen = Counter((entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete)
            problems += [
                f"{lang}.po: {msgid!r} appears {count} times"
                for (_ctx, msgid), count in seen.items()
                if count > 1
            ]
            with open(self._po_path(lang), "rb") as po_file:
                rows = list(translation_file_reader(po_file, fileformat="po"))
            self.assertTrue(rows, f"{lang}.po: Odoo's loader reads no translation from it")
        if problems:
            self.fail("\n" + self._listing(problems))

    def _check_every_term_translated(self):
        """Every term of the code and data has a non-empty, non-fuzzy translation."""
        report = []
        for lang in LANGUAGES:
            translated = {
                entry.msgid
                for entry in self._load_po(lang)
                if not entry.obsolete and entry.msgstr.strip() and "fuzzy" not in entry.flags
            }
            missing = sorted(term for term in self.i18n_terms if term not in translated)
            if missing:
                lines = [f"{shorten(term)}  ({self.i18n_terms[term]})" for term in missing]
                report.append(
                    f"{self.i18n_module}/i18n/{lang}.po: {len(missing)} of {len(self.i18n_terms)} "
                    f"terms untranslated:\n{self._listing(lines)}"
                )
        if report:
            self.fail(
                "\n"
                + "\n".join(report)
                + "\nUpdate the files with tools/i18n_update.py, then translate the empty msgstr."
            )

    def _check_placeholders_and_markup(self):
        """Translations keep the placeholders and the markup of their source."""
        problems = []
        for lang in LANGUAGES:
            for entry in self._load_po(lang):
                if entry.obsolete or not entry.msgstr:
                    continue
                source, translation = entry.msgid, entry.msgstr
                expected, found = placeholders(source), placeholders(translation)
                if expected != found:
                    problems.append(
                        f"{lang}.po: placeholders {sorted(expected.elements())} of "
                        f"{shorten(source)} become {sorted(found.elements())} in "
                        f"{shorten(translation)}"
                    )
                if tags(source) != tags(translation):
                    problems.append(
                        f"{lang}.po: markup of {shorten(source)} changes in {shorten(translation)}"
                    )
        if problems:
            self.fail(
                f"{len(problems)} translation(s) alter their source:\n{self._listing(problems)}"
            )

    test_reader_finds_terms = _check_reader_finds_terms
    test_po_files_parse = _check_po_files_parse
    test_every_term_translated = _check_every_term_translated
    test_placeholders_and_markup_preserved = _check_placeholders_and_markup


@tagged("crm_ops_i18n")
class TestI18n(I18nCheckMixin, TransactionCase):
    allow_inherited_tests_method = True
    i18n_module = "crm_ops"
