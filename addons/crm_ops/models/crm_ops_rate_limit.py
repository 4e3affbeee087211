import time

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import api, fields, models
from odoo.sql_db import Cursor
from odoo.tools import SQL


class CrmOpsRateLimit(models.Model):
    """Fixed-window request counters shared by every worker (API keys, web form IPs)."""

    _name = "crm.ops.rate.limit"
    _description = "Capture Rate Limit Counter"
    _log_access = False

    key = fields.Char(required=True)
    window_start = fields.Integer(
        required=True, help="Start of the window, in seconds since epoch."
    )
    hits = fields.Integer(required=True, default=0)

    _key_window_uniq = models.Constraint(
        "UNIQUE(key, window_start)", "One counter per key and window."
    )

    @api.model
    def _hit(self, key, limit, period=60):
        """Count one request for ``key``; return 0 when allowed, else seconds to wait.

        One upsert in its own short transaction, committed at once, READ COMMITTED:
        concurrent workers increment the same row atomically, and the row lock is held
        for that upsert only, not until the request's (REPEATABLE READ) transaction
        ends, where a second request of the same key would wait, then fail with a
        serialization error. Safe outside the request's transaction: it only counts
        (a request that fails later still counted, as it should), and reads nothing
        the request relies on.
        """
        if not limit or limit <= 0:
            return 0
        now = int(time.time())
        window = now - now % period
        with self.env.registry.cursor() as cr:
            if isinstance(cr, Cursor):
                # a real new connection, before its first query (in HTTP tests the
                # registry lends the test's cursor, already in its transaction)
                cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            cr.execute(
                SQL(
                    """INSERT INTO crm_ops_rate_limit (key, window_start, hits) VALUES (%s, %s, 1)
                   ON CONFLICT (key, window_start) DO UPDATE SET hits = crm_ops_rate_limit.hits + 1
                   RETURNING hits""",
                    key,
                    window,
                )
            )
            hits = cr.fetchone()[0]
        return 0 if hits <= limit else max(1, window + period - now)

    @api.autovacuum
    def _gc_old_windows(self):
        self.env.cr.execute(
            SQL("DELETE FROM crm_ops_rate_limit WHERE window_start < %s", int(time.time()) - 86400)
        )
