# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PostgreSQL COPY, the bulk path of the analytics runs (rows in and out by the
hundred thousand, where INSERT or fetchall would dominate a run).

Odoo 19's ``Cursor`` hands attributes it does not define to the psycopg2 cursor
(``Cursor.__getattr__``), so ``cr.copy_expert`` is the driver's own method."""

import io

from odoo.tools import SQL


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


def copy_to(cr, query, *, csv=False):
    """The rows of ``query`` (an ``SQL``) as COPY writes them (text format, or CSV),
    in a buffer at its start. The caller flushes the fields the query reads."""
    buffer = io.StringIO()
    _copy(
        cr,
        SQL("COPY (%s) TO STDOUT %s", query, SQL("WITH (FORMAT csv)") if csv else SQL()),
        buffer,
    )
    buffer.seek(0)
    return buffer
