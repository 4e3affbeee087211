# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an analytics run (``crm.analytics.run``) reads and writes with SQL: the
company's sales, complaints, mailings and attributes as ``pandas`` frames (read with
COPY), and the write-back of per-customer results into ``crm.customer.metric``.

Plain functions of the run record; the model's methods call them."""

import csv
import io

import pandas as pd

from odoo.tools import SQL

from ..tools.pg_copy import copy_from, copy_to

# Reasons kept per propensity score.
N_REASONS = 3


def sql_frame(run, query, columns, dates=()):
    """Run ``query`` (an ``SQL``) and load its rows into a DataFrame via COPY."""
    buf = copy_to(run.env.cr, query, csv=True)
    if not buf.getvalue():
        frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    else:
        frame = pd.read_csv(buf, names=list(columns), header=None)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def flush_orders(run):
    """Flush what the order queries read (orders, their rates and partners)."""
    run.env["sale.order"].flush_model(
        ["state", "company_id", "date_order", "amount_untaxed", "partner_id", "currency_rate"]
    )


def order_rate_sql(run):
    """Factor converting an order ``so`` into its company's currency at the order's
    date (see ``res.currency._crm_order_rate_sql``)."""
    return run.env["res.currency"]._crm_order_rate_sql("so")


def _until(run):
    """Exclusive upper bound of the run's data: the day after its observation end."""
    return run.date + pd.Timedelta(days=1)


def transactions(run):
    """Net confirmed sales per customer (commercial partner) and day, as a frame.

    Columns ``customer_id, date, amount, n_orders``. Cached per run in the
    cursor so the stages of a synchronous run read the orders once.
    """
    key = ("crm_analytics_tx", run.id)
    if key in run.env.cr.cache:
        return run.env.cr.cache[key]
    flush_orders(run)
    query = SQL(
        """
        SELECT p.commercial_partner_id, so.date_order::date,
               SUM(so.amount_untaxed::float8 * %s), COUNT(*)
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
         WHERE so.state = 'sale' AND so.company_id = %s AND so.date_order < %s
         GROUP BY 1, 2
        """,
        order_rate_sql(run),
        run.company_id.id,
        _until(run),
    )
    frame = sql_frame(run, query, ("customer_id", "date", "amount", "n_orders"), ("date",))
    frame["customer_id"] = frame["customer_id"].astype("int64")
    run.env.cr.cache[key] = frame
    return frame


def complaints(run):
    """Complaint tickets per customer (``customer_id, date``), or None."""
    run.env["helpdesk.ticket"].flush_model(["type_id", "partner_id", "company_id"])
    query = SQL(
        """
        SELECT p.commercial_partner_id, t.create_date::date
          FROM helpdesk_ticket t
          JOIN helpdesk_ticket_type tt ON tt.id = t.type_id AND tt.is_complaint
          JOIN res_partner p ON p.id = t.partner_id
         WHERE t.company_id = %s AND t.create_date < %s
        """,
        run.company_id.id,
        _until(run),
    )
    frame = sql_frame(run, query, ("customer_id", "date"), ("date",))
    return frame if len(frame) else None


def mailings(run):
    """Mailings received by customers: partner recipients, lead recipients and
    mailing list contacts (the contact found by their email)."""
    env = run.env
    env["mailing.trace"].flush_model()
    env["mailing.contact"].flush_model(["email_normalized"])
    env["crm.lead"].flush_model(["partner_id"])
    env["res.partner"].flush_model(
        ["email_normalized", "active", "company_id", "commercial_partner_id"]
    )
    company = run.company_id.id
    query = SQL(
        """
        SELECT p.commercial_partner_id, tr.sent_datetime::date,
               (tr.open_datetime IS NOT NULL OR tr.trace_status IN ('open', 'reply'))::int,
               (tr.links_click_datetime IS NOT NULL)::int
          FROM mailing_trace tr
          JOIN res_partner p ON p.id = %s
         WHERE tr.sent_datetime IS NOT NULL AND tr.sent_datetime < %s
           AND tr.trace_status NOT IN ('bounce', 'error', 'cancel')
           AND (p.company_id IS NULL OR p.company_id = %s)
        """,
        env["res.partner"]._crm_mailing_recipient_sql("tr", company),
        _until(run),
        company,
    )
    return sql_frame(run, query, ("customer_id", "sent_date", "opened", "clicked"), ("sent_date",))


def attributes(run):
    """Numeric external attributes per customer, one column per key."""
    run.env["crm.partner.attribute"].flush_model()
    query = SQL(
        """
        SELECT a.partner_id, a.key, a.value_float
          FROM crm_partner_attribute a
         WHERE a.company_id = %s AND a.value_float IS NOT NULL
        """,
        run.company_id.id,
    )
    frame = sql_frame(run, query, ("customer_id", "key", "value"))
    if frame.empty:
        return pd.DataFrame()
    return frame.pivot_table(index="customer_id", columns="key", values="value", aggfunc="mean")


def rfm_values_sql(run):
    """Per customer, the RFM values by the engine's conventions (see
    ``crm_engine.rfm.rfm_table``), aggregated in the database: sales netted per
    customer and day (in float8, as the engine does; each order converted into the
    company's currency at its date), a day with a net amount
    >= 0 is a purchase day, recency from the last purchase day, monetary value
    net of refunds; customers with refunds only are left out. The last column,
    customer-days read, is counted and not stored."""
    return SQL(
        """
        SELECT d.customer_id AS partner_id,
               %(end)s - MAX(d.day) FILTER (WHERE d.amount >= 0) AS recency_days,
               COUNT(*) FILTER (WHERE d.amount >= 0) AS frequency,
               round(SUM(d.amount)::numeric, 2) AS monetary,
               SUM(d.n_orders) AS order_count,
               MIN(d.day) AS first_purchase,
               MAX(d.day) FILTER (WHERE d.amount >= 0) AS last_purchase,
               COUNT(*) AS days_read
          FROM (SELECT p.commercial_partner_id AS customer_id, so.date_order::date AS day,
                       SUM(so.amount_untaxed::float8 * %(rate)s) AS amount,
                       COUNT(*) AS n_orders
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company)s
                   AND so.date_order < %(until)s
                 GROUP BY 1, 2) d
         GROUP BY d.customer_id
        HAVING COUNT(*) FILTER (WHERE d.amount >= 0) > 0
        """,
        end=run.date,
        company=run.company_id.id,
        until=_until(run),
        rate=order_rate_sql(run),
    )


def monthly_sales_sql(run, end):
    """Confirmed sales per month up to the month ``end`` (a Timestamp, its first
    day) included, one series per company (orders' untaxed amounts), per sales team
    of the orders (0: no team) and per product category of the order lines (lines'
    untaxed subtotals; 0: no category), each order converted into the company's
    currency at its date. Columns ``dimension, team_id, categ_id, date, amount``."""
    return SQL(
        """
        WITH orders AS (
            SELECT so.id, so.team_id, %(rate)s AS rate, so.amount_untaxed,
                   date_trunc('month', so.date_order)::date AS month
              FROM sale_order so
             WHERE so.state = 'sale' AND so.company_id = %(company)s
               AND so.date_order < %(until)s
        )
        SELECT 'company', 0, 0, o.month, SUM(o.amount_untaxed::float8 * o.rate)
          FROM orders o
         GROUP BY o.month
        UNION ALL
        SELECT 'team', COALESCE(o.team_id, 0), 0, o.month,
               SUM(o.amount_untaxed::float8 * o.rate)
          FROM orders o
         GROUP BY COALESCE(o.team_id, 0), o.month
        UNION ALL
        SELECT 'category', 0, COALESCE(pt.categ_id, 0), o.month,
               SUM(sol.price_subtotal::float8 * o.rate)
          FROM orders o
          JOIN sale_order_line sol ON sol.order_id = o.id
          JOIN product_product pp ON pp.id = sol.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         GROUP BY COALESCE(pt.categ_id, 0), o.month
        """,
        company=run.company_id.id,
        until=end + pd.DateOffset(months=1),
        rate=order_rate_sql(run),
    )


def update_metrics(run, frame, columns):
    """UPDATE the run's metric rows from ``frame`` (indexed by partner id): the values
    are COPYed into a temporary table and applied in one UPDATE."""
    if frame.empty:
        return
    cr = run.env.cr
    Metric = run.env["crm.customer.metric"]
    tmp = SQL.identifier("crm_analytics_tmp")
    Metric.flush_model()
    cr.execute(
        SQL(
            "CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT partner_id, %s FROM %s WITH NO DATA",
            tmp,
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL.identifier(Metric._table),
        )
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in zip(frame.index.tolist(), *(frame[c].tolist() for c in columns), strict=True):
        writer.writerow(["\\N" if v is None else v for v in row])
    copy_from(Metric, ["partner_id", *columns], buf.getvalue(), table="crm_analytics_tmp", csv=True)
    cr.execute(
        SQL(
            """
            UPDATE %s m SET %s
              FROM %s t
             WHERE m.run_id = %s AND m.partner_id = t.partner_id
            """,
            SQL.identifier(Metric._table),
            SQL(", ").join(SQL("%s = t.%s", SQL.identifier(c), SQL.identifier(c)) for c in columns),
            tmp,
            run.id,
        )
    )
    cr.execute(SQL("DROP TABLE %s", tmp))
    Metric.invalidate_model(columns)


def reasons_text(scores):
    """'recency_days (+0.84), frequency (-0.31)' per row of propensity scores."""
    parts = []
    for i in range(1, N_REASONS + 1):
        name, contrib = f"reason_{i}", f"reason_{i}_contribution"
        if name not in scores:
            break
        parts.append(scores[name].astype(str) + " (" + scores[contrib].map("{:+.2f}".format) + ")")
    if not parts:
        return pd.Series("", index=scores.index)
    text = parts[0]
    for part in parts[1:]:
        text = text + ", " + part
    return text
