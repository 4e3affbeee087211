#!/usr/bin/env python3
"""Fill an Odoo 19 database with realistic CRM data at a chosen scale.

Run it with Odoo's interpreter, on a database where the suite's dependencies are
installed (a copy of ``base_deps`` for instance)::

    /opt/odoo19/venv/bin/python tools/generate_data.py -d gen_10k -c odoo.conf \\
        --partners 10000 --orders 10000 --seed 42

Same seed, same ``--end-date`` and same starting database give the same data.
Near-duplicate partners are listed in table ``datagen_partner_duplicate``
(partner_id, original_id, variation); every run is logged in ``datagen_run``.
Bad input exits with code 2 and a one-line message.
"""

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _count(text):
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _positive(text):
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 0.5:
        raise argparse.ArgumentTypeError(f"must be between 0 and 0.5, got {value}")
    return value


def _date(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser():
    p = argparse.ArgumentParser(
        prog="generate_data.py",
        description="Fill an Odoo database with realistic CRM data (deterministic per seed).",
    )
    p.add_argument("-d", "--database", required=True, help="database to fill")
    p.add_argument("-c", "--config", help="Odoo configuration file (db_host, addons_path...)")
    p.add_argument("--addons-path", help="Odoo addons path (when no config file gives it)")
    p.add_argument("--db_host", "--db-host", dest="db_host")
    p.add_argument("--db_port", "--db-port", dest="db_port")
    p.add_argument("-r", "--db_user", "--db-user", dest="db_user")
    p.add_argument("--partners", type=_count, default=1000, help="partners, duplicates included")
    p.add_argument("--orders", type=_count, default=2000, help="sale orders")
    p.add_argument("--lines-per-order", type=float, default=2.5, help="average lines per order")
    p.add_argument("--leads", type=_count, help="CRM leads/opportunities (default partners/10)")
    p.add_argument("--tickets", type=_count, help="helpdesk tickets (default partners/10)")
    p.add_argument("--mailings", type=_count, help="mass mailings (default 10)")
    p.add_argument(
        "--traces",
        type=_count,
        help="mailing traces in total over all mailings (default = partners)",
    )
    p.add_argument("--years", type=_positive, default=3, help="years of history (default 3)")
    p.add_argument("--end-date", type=_date, help="last day of the history (default today)")
    p.add_argument(
        "--company",
        action="append",
        dest="company_names",
        metavar="NAME",
        help="existing company to fill (repeatable)",
    )
    p.add_argument(
        "--companies",
        type=_positive,
        dest="n_companies",
        metavar="N",
        help="create (or reuse) N demo companies and spread the data over them",
    )
    p.add_argument("--seed", type=_count, default=42)
    p.add_argument(
        "--duplicates",
        type=_fraction,
        default=0.05,
        help="fraction of partners that are near-duplicates (default 0.05)",
    )
    p.add_argument(
        "--keep-indexes", action="store_true", help="never drop secondary indexes during the load"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    return p


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.company_names and args.n_companies:
        parser.error("--company and --companies cannot be combined")
    if not 1 <= args.lines_per_order <= 20:
        parser.error("--lines-per-order must be between 1 and 20")

    from datagen import DataGenError, Progress, generate
    from datagen.generator import _total_rows

    import odoo  # noqa: F401  (Odoo's interpreter is required)
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    odoo_args = []
    if args.config:
        odoo_args += ["-c", args.config]
    if args.addons_path:
        odoo_args += ["--addons-path", args.addons_path]
    for opt in ("db_host", "db_port", "db_user"):
        if getattr(args, opt):
            odoo_args += [f"--{opt}", str(getattr(args, opt))]
    odoo_args += ["-d", args.database, "--log-level", "warn"]
    config.parse_config(odoo_args, setup_logging=True)

    from odoo.service import db as db_service

    if not db_service.exp_db_exist(args.database):
        parser.exit(2, f"{parser.prog}: error: database {args.database!r} does not exist\n")
    registry = Registry(args.database)
    missing = [
        m
        for m in ("sale.order", "crm.lead", "helpdesk.ticket", "mailing.trace")
        if m not in registry
    ]
    if missing:
        parser.exit(
            2,
            f"{parser.prog}: error: database {args.database!r} lacks models "
            f"{', '.join(missing)}: install crm_ops' dependencies first\n",
        )
    leads = args.partners // 10 if args.leads is None else args.leads
    tickets = args.partners // 10 if args.tickets is None else args.tickets
    mailings = (10 if args.partners else 0) if args.mailings is None else args.mailings
    traces = (args.partners if mailings else 0) if args.traces is None else args.traces
    counts = dict(
        partners=args.partners, orders=args.orders, leads=leads, tickets=tickets, traces=traces
    )
    progress = Progress(_total_rows(counts, args.lines_per_order))
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        try:
            result = generate(
                env,
                partners=args.partners,
                orders=args.orders,
                leads=leads,
                tickets=tickets,
                mailings=mailings,
                traces=traces,
                years=args.years,
                companies=args.company_names,
                n_companies=args.n_companies,
                seed=args.seed,
                duplicates=args.duplicates,
                lines_per_order=args.lines_per_order,
                end_date=args.end_date,
                progress=progress,
                commit=cr.commit,
                drop_indexes=False if args.keep_indexes else None,
            )
        except DataGenError as exc:
            cr.rollback()
            parser.exit(2, f"{parser.prog}: error: {exc}\n")
        cr.commit()
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        timings = result.pop("timings")
        result.pop("first_ids")
        print(
            f"done in {result['seconds']} s: "
            + ", ".join(f"{k}={v:,}" for k, v in result.items() if isinstance(v, int))
        )
        print("steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
