#!/usr/bin/env python3
"""Refresh the translation files of the CRM suite addons.

For each addon this script

1. exports ``addons/<addon>/i18n/<addon>.pot`` with Odoo 19's own exporter
   (``odoo.tools.translate.trans_export``, the function behind
   ``odoo-bin i18n export``): field labels, selection values, view, menu, action,
   mail template and data terms read from the database, plus the ``_()`` /
   ``_lt()`` strings of the Python code and the ``_t()`` strings of static JS/XML;
2. merges every ``addons/<addon>/i18n/<lang>.po`` (es, ca, it by default) with
   the new template: existing ``msgstr`` are kept, new ``msgid`` are added with an
   empty ``msgstr``, terms that are no longer in the template are dropped, and the
   occurrences and comments are taken from the template (Odoo reads them to know
   whether a term belongs to the code or to a record);
3. prints the number of terms and of untranslated terms per file.

It must run with Odoo's interpreter against a database where the addons are
installed (from the current code: install or upgrade them first)::

    # once: a database with the three addons
    psql -h 127.0.0.1 -U odoo -d postgres -c 'CREATE DATABASE i18n_db TEMPLATE base_deps'
    /opt/odoo19/venv/bin/python /opt/odoo19/src/odoo-bin -c /tmp/odoo.conf -d i18n_db \\
        -i crm_ops,crm_analytics,crm_collab --stop-after-init
    # after a code change: -u instead of -i, then
    /opt/odoo19/venv/bin/python tools/i18n_update.py -c /tmp/odoo.conf -d i18n_db

Options::

    -c/--config FILE       Odoo configuration file (addons_path, db_host, ...)
    -d/--database NAME     database where the addons are installed (required)
    -m/--modules A [B ...] addons to process (default: crm_ops crm_analytics crm_collab)
    -l/--languages L [...] .po files to merge (default: es ca it)
    --no-export            do not export: merge the .po files with the .pot already on disk
    --check                write nothing; exit with status 1 when a .pot is out of date
                           or a .po has untranslated or obsolete terms

Then translate the empty ``msgstr`` (they are listed by the addons' ``test_i18n``
test) and check with
``odoo-bin ... --test-tags /crm_ops:TestI18n,/crm_analytics:TestI18n,/crm_collab:TestI18n``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from datetime import datetime, timezone

DEFAULT_MODULES = ["crm_ops", "crm_analytics", "crm_collab"]
DEFAULT_LANGUAGES = ["es", "ca", "it"]

# Header values of the .po files, as Odoo's own translation files have them.
LANGUAGE_METADATA = {
    "es": {
        "Language-Team": "Spanish",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
    "ca": {
        "Language-Team": "Catalan",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
    "it": {
        "Language-Team": "Italian",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
}


def _parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        epilog="See the module docstring (tools/i18n_update.py) for the whole workflow.",
    )
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument(
        "-d", "--database", required=True, help="database with the addons installed"
    )
    parser.add_argument("-m", "--modules", nargs="+", default=DEFAULT_MODULES, metavar="ADDON")
    parser.add_argument("-l", "--languages", nargs="+", default=DEFAULT_LANGUAGES, metavar="LANG")
    parser.add_argument(
        "--no-export", action="store_true", help="merge with the .pot already on disk"
    )
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    return parser.parse_args(argv)


def _entry_key(entry):
    return (entry.msgctxt or "", entry.msgid)


def export_pot(env, module):
    """Return the module's translation template (``bytes``) from Odoo's exporter."""
    from odoo.tools.translate import trans_export

    buffer = io.BytesIO()
    if not trans_export(None, [module], buffer, "po", env):
        return None
    return buffer.getvalue()


def _same_terms(old_pot, new_pot):
    """True when two templates hold the same entries (dates in the header ignored)."""

    def signature(po):
        return sorted(
            (_entry_key(e), tuple(e.occurrences), e.comment, tuple(e.flags))
            for e in po
            if not e.obsolete
        )

    return signature(old_pot) == signature(new_pot)


def merge_po(pot, old_po, lang, module):
    """Build the ``<lang>.po`` of ``module`` from the template ``pot``.

    Keeps the translations of ``old_po`` (a ``polib.POFile`` or ``None``) for the
    terms still in the template, adds the new terms untranslated and drops the
    others. Returns ``(new_po, dropped_msgids)``.
    """
    import polib

    old = {}
    if old_po is not None:
        old = {_entry_key(e): e for e in old_po if not e.obsolete}
    po = polib.POFile(wrapwidth=78)
    po.header = (
        "Translation of Odoo Server.\n"
        "This file contains the translation of the following modules:\n"
        f"\t* {module}\n"
    )
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    previous = old_po.metadata if old_po is not None else {}
    po.metadata = {
        "Project-Id-Version": pot.metadata.get("Project-Id-Version", "Odoo Server"),
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": pot.metadata.get("POT-Creation-Date", now),
        "PO-Revision-Date": previous.get("PO-Revision-Date", now),
        "Last-Translator": previous.get("Last-Translator", ""),
        "Language-Team": LANGUAGE_METADATA.get(lang, {}).get("Language-Team", ""),
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "",
        "Plural-Forms": LANGUAGE_METADATA.get(lang, {}).get("Plural-Forms", ""),
    }
    changed = False
    for template_entry in pot:
        if template_entry.obsolete:
            continue
        previous_entry = old.pop(_entry_key(template_entry), None)
        entry = polib.POEntry(
            msgid=template_entry.msgid,
            msgctxt=template_entry.msgctxt,
            msgstr=previous_entry.msgstr if previous_entry else "",
            comment=template_entry.comment,
            occurrences=list(template_entry.occurrences),
            flags=[f for f in (previous_entry.flags if previous_entry else []) if f == "fuzzy"],
        )
        if previous_entry is None or (
            previous_entry.occurrences != entry.occurrences
            or previous_entry.comment != entry.comment
        ):
            changed = True
        po.append(entry)
    if changed and old_po is not None:
        po.metadata["PO-Revision-Date"] = now
    dropped = [msgid for (_ctx, msgid) in old]
    return po, dropped


def untranslated(po):
    return [e for e in po if not e.obsolete and (not e.msgstr.strip() or "fuzzy" in e.flags)]


def main(argv=None):
    args = _parse_args(argv if argv is not None else sys.argv[1:])

    import polib

    import odoo
    from odoo.modules import get_module_path
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config_args = ["--no-http", "-d", args.database]
    if args.config:
        config_args += ["-c", args.config]
    config.parse_config(config_args, setup_logging=True)

    problems = 0
    report = []
    with Registry(args.database).cursor(readonly=True) as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        installed = set(
            env["ir.module.module"]
            .search([("name", "in", args.modules), ("state", "=", "installed")])
            .mapped("name")
        )
        for module in args.modules:
            module_path = get_module_path(module)
            if not module_path:
                print(f"{module}: addon not found in the addons path", file=sys.stderr)
                problems += 1
                continue
            i18n_dir = os.path.join(module_path, "i18n")
            pot_path = os.path.join(i18n_dir, f"{module}.pot")

            if args.no_export:
                if not os.path.exists(pot_path):
                    print(f"{module}: {pot_path} missing, run without --no-export", file=sys.stderr)
                    problems += 1
                    continue
                pot = polib.pofile(pot_path, wrapwidth=78)
            else:
                if module not in installed:
                    print(
                        f"{module}: not installed in {args.database}, install it first",
                        file=sys.stderr,
                    )
                    problems += 1
                    continue
                content = export_pot(env, module)
                if content is None:
                    print(f"{module}: no translatable term found", file=sys.stderr)
                    continue
                pot = polib.pofile(content.decode(), wrapwidth=78)
                old_pot = polib.pofile(pot_path) if os.path.exists(pot_path) else None
                if old_pot is not None and _same_terms(old_pot, pot):
                    # keep the file (and its creation date) when nothing changed
                    pot = polib.pofile(pot_path, wrapwidth=78)
                elif args.check:
                    print(f"{module}: {pot_path} is out of date")
                    problems += 1
                else:
                    os.makedirs(i18n_dir, exist_ok=True)
                    pot.save(pot_path)
            report.append((f"{module}/i18n/{module}.pot", len(pot), None, 0))

            for lang in args.languages:
                po_path = os.path.join(i18n_dir, f"{lang}.po")
                old_po = polib.pofile(po_path, wrapwidth=78) if os.path.exists(po_path) else None
                po, dropped = merge_po(pot, old_po, lang, module)
                missing = untranslated(po)
                if args.check:
                    problems += bool(missing) + bool(dropped) + (old_po is None)
                else:
                    os.makedirs(i18n_dir, exist_ok=True)
                    po.save(po_path)
                report.append((f"{module}/i18n/{lang}.po", len(po), len(missing), len(dropped)))

    width = max((len(r[0]) for r in report), default=10)
    print(f"{'file':<{width}}  {'terms':>6}  {'untranslated':>12}  {'dropped':>7}")
    for name, terms, missing, dropped in report:
        missing_text = "-" if missing is None else str(missing)
        print(f"{name:<{width}}  {terms:>6}  {missing_text:>12}  {dropped:>7}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
