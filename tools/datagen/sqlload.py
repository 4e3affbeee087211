"""Bulk-load helpers: COPY FROM STDIN in batches, id reservation, index drop/restore."""

import io
import os
import sys
import time

import numpy as np

from odoo.tools import SQL

NULL = "\\N"
DEBUG = bool(os.environ.get("DATAGEN_DEBUG"))
BATCH = 50_000  # rows per COPY statement (and per commit from the command line)


def reserve_ids(cr, table, n):
    """Take ``n`` consecutive ids from the table's id sequence; return the first one.

    Not safe against another session inserting into the same table at the same
    moment: run the generator on a database nobody else writes to.
    """
    if n <= 0:
        return 0
    cr.execute(SQL("SELECT pg_get_serial_sequence(%s, 'id')", table))
    seq = cr.fetchone()[0]
    cr.execute(SQL("SELECT nextval(%s)", seq))
    first = cr.fetchone()[0]
    cr.execute(SQL("SELECT setval(%s, %s)", seq, first + n - 1))
    return first


def _strings(value, i, j):
    """Text of rows ``i:j`` of one column for COPY (``\\N`` for NULL).

    Accepted column values: a constant string (or None), a list of str/None,
    int arrays (negative = NULL), float arrays (NaN = NULL, 2 decimals),
    bool arrays and datetime64 arrays (NaT = NULL).
    """
    if value is None:
        return [NULL] * (j - i)
    if isinstance(value, str):
        return [value] * (j - i)
    if isinstance(value, list):
        return [NULL if v is None else v for v in value[i:j]]
    arr = value[i:j]
    kind = arr.dtype.kind
    if kind == "b":
        return np.where(arr, "t", "f").tolist()
    if kind in "iu":
        out = arr.astype(str)
        if kind == "i":
            out = np.where(arr < 0, NULL, out)
        return out.tolist()
    if kind == "f":
        return [NULL if v != v else f"{v:.2f}" for v in arr.tolist()]
    if kind == "M":
        out = np.datetime_as_string(arr.astype("datetime64[s]"), unit="s")
        return np.where(np.isnat(arr), NULL, out).tolist()
    if kind == "U":
        return arr.tolist()
    raise TypeError(f"unsupported column dtype {arr.dtype}")


def copy_rows(cr, table, columns, n, progress=None, commit=None, batch=BATCH):
    """COPY ``n`` rows into ``table``; ``columns`` maps column name -> column values."""
    names = list(columns)
    sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"
    for i in range(0, n, batch):
        j = min(i + batch, n)
        cols = [_strings(columns[name], i, j) for name in names]
        buf = io.StringIO()
        buf.write("\n".join(map("\t".join, zip(*cols))))
        buf.write("\n")
        buf.seek(0)
        t = time.monotonic()
        cr.copy_expert(sql, buf)
        if DEBUG:
            print(f"COPY {table} {j - i} rows {time.monotonic() - t:.2f}s", file=sys.stderr)
        if progress:
            progress.update(j - i)
        if commit:
            commit()


def drop_secondary_indexes(cr, tables):
    """Drop the indexes that back no constraint; return their definitions."""
    cr.execute(
        SQL(
            """
        SELECT t.relname, i.relname, pg_get_indexdef(i.oid)
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
          JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relname = ANY(%s)
           AND NOT x.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
         ORDER BY t.relname, i.relname
        """,
            list(tables),
        )
    )
    saved = cr.fetchall()
    for _table, name, _definition in saved:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
    return saved


def restore_indexes(cr, saved):
    for _table, name, definition in saved:
        cr.execute(SQL("SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'i'", name))
        if not cr.fetchone():
            cr.execute(definition)


def skip_foreign_key_checks(cr):
    """Stop checking foreign keys for this session (superuser only); True if done.

    The generator builds its references itself and checks them afterwards with
    :func:`check_foreign_keys`, which is much cheaper than one lookup per row.
    """
    cr.execute(SQL("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if not cr.fetchone()[0]:
        return False
    cr.execute(SQL("SET session_replication_role = replica"))
    return True


def restore_foreign_key_checks(cr):
    cr.execute(SQL("SET session_replication_role = DEFAULT"))


def check_foreign_keys(cr, first_ids):
    """Count rows loaded since ``first_ids[table]`` whose foreign keys point nowhere."""
    errors = []
    for table, first in first_ids.items():
        cr.execute(
            SQL(
                """
            SELECT a.attname, r.relname, ra.attname
              FROM pg_constraint c
              JOIN pg_class t ON t.oid = c.conrelid
              JOIN pg_class r ON r.oid = c.confrelid
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
              JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
             WHERE c.contype = 'f' AND t.relname = %s AND array_length(c.conkey, 1) = 1
            """,
                table,
            )
        )
        for column, ref_table, ref_column in cr.fetchall():
            cr.execute(
                SQL(
                    "SELECT count(*) FROM %(table)s x WHERE x.id >= %(first)s AND x.%(column)s IS NOT NULL "
                    "AND NOT EXISTS (SELECT 1 FROM %(ref_table)s y WHERE y.%(ref_column)s = x.%(column)s)",
                    table=SQL.identifier(table),
                    first=first,
                    column=SQL.identifier(column),
                    ref_table=SQL.identifier(ref_table),
                    ref_column=SQL.identifier(ref_column),
                )
            )
            bad = cr.fetchone()[0]
            if bad:
                errors.append(f"{table}.{column} -> {ref_table}: {bad} rows")
    return errors
