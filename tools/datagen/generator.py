"""Fill an Odoo 19 database with realistic, deterministic CRM data.

Setup records (companies, users, teams, products, helpdesk types, UTM campaigns,
mailings) go through the ORM; partners, leads, orders, lines, tickets and mailing
traces are drawn with numpy (``Generator(PCG64(seed))``) and loaded with COPY.

Ground truth for de-duplication is kept in the table ``datagen_partner_duplicate``
(partner_id, original_id, variation); each run is logged in ``datagen_run``.

This module holds the entry point, :func:`generate`; the rest lives beside it, one
concern a module: ``setup_records`` (ORM records), ``timeline`` and ``people`` (the
models the draws follow), one module per bulk step (``partners``, ``orders``,
``leads``, ``tickets``, ``mailings``), ``postload`` (bulk mode's indexes and
foreign-key checks, the updates after the load) and ``common`` (constants, helpers).
"""

import json
import time
from datetime import date, datetime, timedelta

import numpy as np

from odoo.tools import SQL

# DUP_TABLE, DataGenError and _fold are re-exported: callers import them from here
from .common import BULK_TABLES, DROP_INDEX_ROWS, DUP_TABLE, RUN_TABLE, DataGenError, _count, _fold
from .leads import LeadsStep
from .mailings import MailingsStep
from .orders import OrdersStep
from .partners import PartnersStep
from .people import People
from .postload import PostLoadStep, load
from .setup_records import _resolve_companies, _setup
from .tickets import TicketsStep
from .timeline import Calendar

__all__ = [
    "BULK_TABLES",
    "DUP_TABLE",
    "RUN_TABLE",
    "DataGenError",
    "_fold",
    "_total_rows",
    "generate",
]


def _validate(
    partners, orders, leads, tickets, mailings, traces, years, seed, duplicates, lines_per_order
):
    counts = {
        "partners": _count("partners", partners),
        "orders": _count("orders", orders),
        "leads": _count("leads", leads),
        "tickets": _count("tickets", tickets),
        "mailings": _count("mailings", mailings),
        "traces": _count("traces", traces),
    }
    _count("years", years, 1)
    _count("seed", seed)
    if not isinstance(duplicates, (int, float)) or not 0 <= duplicates <= 0.5:
        raise DataGenError(f"duplicates must be a fraction between 0 and 0.5, got {duplicates!r}")
    if not isinstance(lines_per_order, (int, float)) or not 1 <= lines_per_order <= 20:
        raise DataGenError(f"lines_per_order must be between 1 and 20, got {lines_per_order!r}")
    if (orders or tickets or traces) and not partners:
        raise DataGenError("orders, tickets and mailing traces need partners (partners > 0)")
    if traces and not mailings:
        raise DataGenError("mailing traces need at least one mailing (mailings > 0)")
    return counts


def generate(
    env,
    *,
    partners=1000,
    orders=2000,
    leads=None,
    tickets=None,
    mailings=None,
    traces=None,
    years=3,
    companies=None,
    n_companies=None,
    seed=42,
    duplicates=0.05,
    lines_per_order=2.5,
    end_date=None,
    progress=None,
    commit=None,
    drop_indexes=None,
):
    """Generate CRM data into the database of ``env``; return the counts created.

    Parameters
    ----------
    partners, orders : int
        Number of res.partner rows (near-duplicates included) and of sale orders.
    leads, tickets, mailings, traces : int, optional
        Defaults: partners // 10 leads and tickets, 10 mailings (0 without
        partners) and ``partners`` mailing traces in total.
    years : int
        Length of the period ending at ``end_date`` (default today) over which
        orders, leads and tickets are spread.
    companies : list of str, optional
        Names of existing companies to fill (unknown name -> DataGenError).
    n_companies : int, optional
        Create (or reuse) that many demo companies instead.
    seed : int
        Same seed and same end date (and same database start state) give the
        same data.
    duplicates : float
        Fraction of partners that are near-duplicates of another partner;
        recorded in table ``datagen_partner_duplicate``.
    progress : Progress, optional
        Receives the number of rows written.
    commit : callable, optional
        Called after every batch (the command line passes ``cr.commit``).
    drop_indexes : bool, optional
        Bulk mode: drop secondary indexes of the filled tables during the load and
        rebuild them after, and (as a PostgreSQL superuser) skip per-row foreign-key
        checks, verifying every foreign key of the new rows once at the end.
        Default: when more than 200,000 rows go into one table.

    Returns
    -------
    dict
        Row counts per kind, ``first_ids`` per table, timings per step in seconds.
    """
    leads = partners // 10 if leads is None else leads
    tickets = partners // 10 if tickets is None else tickets
    mailings = (10 if partners else 0) if mailings is None else mailings
    traces = (partners if mailings else 0) if traces is None else traces
    counts = _validate(
        partners, orders, leads, tickets, mailings, traces, years, seed, duplicates, lines_per_order
    )
    end_date = end_date or date.today()
    if isinstance(end_date, str):
        try:
            end_date = date.fromisoformat(end_date)
        except ValueError as exc:
            raise DataGenError(f"end_date must be YYYY-MM-DD, got {end_date!r}") from exc
    env = env(su=True)
    companies = _resolve_companies(env, companies, n_companies)
    end = datetime.combine(end_date, datetime.min.time()) + timedelta(hours=23, minutes=59)
    start = datetime.combine(end_date - timedelta(days=round(365.25 * years)), datetime.min.time())
    t0 = time.monotonic()
    rng = np.random.Generator(np.random.PCG64(seed))
    ref = _setup(env, companies, counts["mailings"], rng, start, end)
    cr = env.cr
    _ensure_side_tables(cr)
    timings = {"setup": time.monotonic() - t0}

    gen = _Run(
        env, rng, ref, companies, counts, duplicates, lines_per_order, start, end, progress, commit
    )
    if drop_indexes is None:
        drop_indexes = max(partners, orders * lines_per_order, traces) > DROP_INDEX_ROWS
    load(gen, timings, bulk=drop_indexes, progress=progress)
    env.invalidate_all()
    result = dict(
        gen.created,
        first_ids=gen.first_ids,
        timings=timings,
        companies=companies.ids,
        end_date=end_date.isoformat(),
    )
    result["seconds"] = round(time.monotonic() - t0, 1)
    cr.execute(
        SQL(
            "INSERT INTO %s (seed, params, result) VALUES (%s, %s, %s)",
            SQL.identifier(RUN_TABLE),
            seed,
            json.dumps(
                dict(
                    counts,
                    years=years,
                    duplicates=duplicates,
                    lines_per_order=lines_per_order,
                    companies=companies.mapped("name"),
                )
            ),
            json.dumps(result, default=str),
        )
    )
    if commit:
        commit()
    return result


def _ensure_side_tables(cr):
    cr.execute(
        SQL(
            """
        CREATE TABLE IF NOT EXISTS %(dup_table)s (
            partner_id integer PRIMARY KEY REFERENCES res_partner(id) ON DELETE CASCADE,
            original_id integer NOT NULL REFERENCES res_partner(id) ON DELETE CASCADE,
            variation varchar NOT NULL
        );
        CREATE TABLE IF NOT EXISTS %(run_table)s (
            id serial PRIMARY KEY,
            create_date timestamp NOT NULL DEFAULT (now() at time zone 'UTC'),
            seed integer, params jsonb, result jsonb
        );
    """,
            dup_table=SQL.identifier(DUP_TABLE),
            run_table=SQL.identifier(RUN_TABLE),
        )
    )


def _total_rows(counts, lines_per_order):
    """Rows the progress bar will count for these counts."""
    return int(
        counts["partners"]
        + counts["orders"] * (1 + lines_per_order)
        + counts["leads"]
        + counts["tickets"] * 1.4
        + counts["traces"] * 1.05
    )


class _Run(PartnersStep, OrdersStep, LeadsStep, TicketsStep, MailingsStep, PostLoadStep):
    """One generation run: holds the drawn arrays shared between the steps.

    Each step (partners.py, orders.py...) is a class of its own; they share the state set here.
    """

    def __init__(
        self,
        env,
        rng,
        ref,
        companies,
        counts,
        duplicates,
        lines_per_order,
        start,
        end,
        progress,
        commit,
    ):
        self.env, self.cr, self.rng, self.ref = env, env.cr, rng, ref
        self.companies = companies
        self.counts = counts
        self.duplicates = duplicates
        self.lines_per_order = lines_per_order
        self.start, self.end = start, end
        self.cal = Calendar(start, end)
        self.progress, self.commit = progress, commit
        self.people = People(rng)
        self.uid = env.uid
        self.now = np.datetime64(end, "s")
        self.created = {}
        self.first_ids = {}

    def _step(self, name, rows):
        if self.progress:
            self.progress.begin(name, rows)

    def _end(self):
        if self.progress:
            self.progress.end()

    def _reserve_names(self, code, company_ids):
        """Names from the ir.sequence ``code`` for rows of each company, in row order."""
        names = np.empty(len(company_ids), dtype=object)
        Seq = self.env["ir.sequence"]
        for company in self.companies:
            rows = np.flatnonzero(company_ids == company.id)
            if not len(rows):
                continue
            seq = Seq.search(
                [("code", "=", code), ("company_id", "in", [company.id, False])],
                order="company_id",
                limit=1,
            )
            if not seq:
                seq = Seq.create(
                    {
                        "name": code,
                        "code": code,
                        "prefix": "DG",
                        "padding": 6,
                        "company_id": company.id,
                    }
                )
            nxt = seq.number_next_actual
            prefix, suffix = seq.with_company(company)._get_prefix_suffix()
            fmt = f"{prefix}%0{seq.padding}d{suffix}"
            names[rows] = [fmt % (nxt + k) for k in range(len(rows))]
            seq.write({"number_next": nxt + len(rows)})
        self.env.flush_all()
        return names.tolist()

    def run(self, timings):
        for name, fn in (
            ("partners", self.partners),
            ("orders", self.orders),
            ("leads", self.leads),
            ("tickets", self.tickets),
            ("mailings", self.traces),
        ):
            t = time.monotonic()
            fn()
            timings[name] = round(time.monotonic() - t, 2)
