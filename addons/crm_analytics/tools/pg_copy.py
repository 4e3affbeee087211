# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PostgreSQL COPY, the bulk path of the analytics runs (rows in and out by the
hundred thousand, where INSERT or fetchall would dominate a run).

Odoo 19's ``Cursor`` hands attributes it does not define to the psycopg2 cursor
(``Cursor.__getattr__``), so ``cr.copy_expert`` is the driver's own method."""

import io
from contextlib import contextmanager

from odoo.tools import SQL

# Planner costs for the bulk reads: a parallel plan is chosen wherever PostgreSQL can
# make one (max_parallel_workers_per_gather and the table size limits still apply).
# With the defaults (1000 / 0.1) the planner keeps the RFM aggregation of 3.5 million
# customer-days serial, which at a million customers is 1.5x slower than in parallel.
PARALLEL_SETTINGS = {"parallel_setup_cost": "0", "parallel_tuple_cost": "0.001"}


def _copy(cr, statement, buffer):
    cr.copy_expert(cr.mogrify(statement.code, statement.params).decode(), buffer)


def copy_from(model, columns, data, *, table=None, csv=False):
    """Bulk INSERT ``data`` (text in COPY's format: tab-separated, ``\\N`` for NULL;
    or CSV with ``csv=True``) into ``columns`` of ``model``'s table, or of ``table``
    (e.g. a temporary table). Like the ORM around its own SQL, the model's pending
    writes are flushed first and its cache invalidated after."""
    model.flush_model()
    statement = SQL(
        "COPY %s (%s) FROM STDIN %s",
        SQL.identifier(table or model._table),
        SQL(", ").join(SQL.identifier(c) for c in columns),
        SQL("WITH (FORMAT csv, NULL '\\N')") if csv else SQL(),
    )
    _copy(model.env.cr, statement, io.StringIO(data))
    model.invalidate_model()


@contextmanager
def parallel_plans(cr):
    """Make parallel plans cheap for the planner inside the block (``PARALLEL_SETTINGS``,
    transaction-local, the previous values set back after the block). When the block
    fails, the transaction's rollback drops them anyway."""
    names = list(PARALLEL_SETTINGS)
    # one statement: the CTE reads the current values before the outer query sets them
    cr.execute(
        SQL(
            "WITH old AS MATERIALIZED (SELECT %s) SELECT old.*, %s FROM old",
            SQL(", ").join(SQL("current_setting(%s)", n) for n in names),
            SQL(", ").join(
                SQL("set_config(%s, %s, true)", n, v) for n, v in PARALLEL_SETTINGS.items()
            ),
        )
    )
    before = cr.fetchone()[: len(names)]
    yield
    cr.execute(
        SQL(
            "SELECT %s",
            SQL(", ").join(
                SQL("set_config(%s, %s, true)", n, v) for n, v in zip(names, before, strict=True)
            ),
        )
    )


def copy_to(cr, query, *, csv=False):
    """The rows of ``query`` (an ``SQL``) as COPY writes them (text format, or CSV),
    in a buffer at its start, read with parallel plans where PostgreSQL can make them
    (``parallel_plans``). The caller flushes the fields the query reads."""
    buffer = io.StringIO()
    with parallel_plans(cr):
        _copy(
            cr,
            SQL("COPY (%s) TO STDOUT %s", query, SQL("WITH (FORMAT csv)") if csv else SQL()),
            buffer,
        )
    buffer.seek(0)
    return buffer
