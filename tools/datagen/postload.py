"""The load around the bulk steps: secondary indexes and foreign-key checks off during
the steps in bulk mode (back and verified after), then the updates that need the indexes
(customer rank, bounces, orders of won opportunities)."""

import time

from odoo.tools import SQL

from .common import BULK_TABLES
from .sqlload import (
    check_foreign_keys,
    drop_secondary_indexes,
    restore_foreign_key_checks,
    restore_indexes,
    skip_foreign_key_checks,
)


class PostLoadStep:
    """Updates run once every row is loaded and indexed."""

    def _count_into_partners(self, column, table, partner_column, condition):
        """Set ``res_partner.<column>`` to the partner's number of this run's ``table`` rows
        that meet ``condition`` (an :class:`~odoo.tools.SQL` expression)."""
        self.cr.execute(
            SQL(
                """
            UPDATE res_partner p SET %(column)s = s.cnt
              FROM (SELECT %(partner_column)s, count(*) AS cnt FROM %(table)s
                     WHERE id >= %(first)s AND %(condition)s GROUP BY %(partner_column)s) s
             WHERE p.id = s.%(partner_column)s
            """,
                column=SQL.identifier(column),
                partner_column=SQL.identifier(partner_column),
                table=SQL.identifier(table),
                first=self.first_ids[table],
                condition=condition,
            )
        )

    def link_records(self):
        """Updates that need the indexes: customer rank, bounces, won leads -> orders."""
        cr = self.cr
        if self.created.get("orders") and self.created.get("partners"):
            self._count_into_partners(
                "customer_rank", "sale_order", "partner_id", SQL("state = 'sale'")
            )
        if self.created.get("bounces"):
            self._count_into_partners(
                "message_bounce", "mailing_trace", "res_id", SQL("trace_status = 'bounce'")
            )
        if self.created.get("leads") and self.created.get("orders"):
            cr.execute(
                SQL(
                    """
                UPDATE sale_order so SET opportunity_id = x.lead_id
                  FROM (SELECT DISTINCT ON (l.id) l.id AS lead_id, o.id AS order_id
                          FROM crm_lead l
                          JOIN sale_order o ON o.partner_id = l.partner_id
                                           AND o.date_order >= l.create_date
                                           AND o.id >= %s AND o.state = 'sale'
                         WHERE l.id >= %s AND l.won_status = 'won'
                         ORDER BY l.id, o.date_order) x
                 WHERE so.id = x.order_id AND so.opportunity_id IS NULL
            """,
                    self.first_ids["sale_order"],
                    self.first_ids["crm_lead"],
                )
            )
            self.created["orders_from_opportunities"] = cr.rowcount
        if self.commit:
            self.commit()


def load(gen, timings, *, bulk, progress):
    """Run the bulk steps of ``gen``, then the updates that need the indexes, then ANALYZE.

    In bulk mode the secondary indexes of :data:`BULK_TABLES` are dropped and (as a
    PostgreSQL superuser) the per-row foreign-key checks skipped during the steps; the
    indexes are rebuilt after, even when a step fails, and every foreign key of the new
    rows is verified once.
    """
    cr = gen.cr
    saved = drop_secondary_indexes(cr, BULK_TABLES) if bulk else []
    no_fk = skip_foreign_key_checks(cr) if bulk else False
    try:
        gen.run(timings)
    finally:
        if no_fk:
            restore_foreign_key_checks(cr)
        if saved:
            t = time.monotonic()
            if progress:
                progress.begin("indexes", 0)
            restore_indexes(cr, saved)
            timings["indexes"] = time.monotonic() - t
            if progress:
                progress.end()
    if progress:
        progress.begin("checks", 0)
    if no_fk:
        t = time.monotonic()
        errors = check_foreign_keys(cr, gen.first_ids)
        timings["fk_check"] = time.monotonic() - t
        if errors:
            raise RuntimeError("generated rows break foreign keys: " + "; ".join(errors))
    t = time.monotonic()
    gen.link_records()
    timings["links"] = time.monotonic() - t
    for table in BULK_TABLES:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    if progress:
        progress.end()
