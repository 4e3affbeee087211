import time

from odoo import api, fields, models


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

        One upsert: concurrent workers increment the same row atomically.
        """
        if not limit or limit <= 0:
            return 0
        now = int(time.time())
        window = now - now % period
        self.env.cr.execute(
            """INSERT INTO crm_ops_rate_limit (key, window_start, hits) VALUES (%s, %s, 1)
               ON CONFLICT (key, window_start) DO UPDATE SET hits = crm_ops_rate_limit.hits + 1
               RETURNING hits""",
            [key, window],
        )
        hits = self.env.cr.fetchone()[0]
        return 0 if hits <= limit else max(1, window + period - now)

    @api.autovacuum
    def _gc_old_windows(self):
        self.env.cr.execute(
            "DELETE FROM crm_ops_rate_limit WHERE window_start < %s", [int(time.time()) - 86400]
        )
