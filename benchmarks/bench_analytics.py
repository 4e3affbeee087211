#!/usr/bin/env python3
"""Benchmark of the crm_analytics recompute on generated data.

Run with Odoo's interpreter on a database where crm_analytics is installed::

    /opt/odoo19/venv/bin/python benchmarks/bench_analytics.py -c odoo.conf -d bench_db \\
        --customers 100000 --lines 1000000

It fills the database once (bulk ``INSERT ... SELECT generate_series``: customers,
confirmed orders with 3 lines each, mailing traces), then prints in one run:

* the baseline: the bare SQL ``GROUP BY`` aggregating recency, frequency and monetary
  value per customer over the order lines (and, stricter, over the orders);
* the full RFM + segment recompute (SQL extraction, engine, bulk write-back, atomic
  publish including ``res.partner.crm_segment``) and its ratio to the baselines;
* the CLV, churn, response, cluster and forecast stages separately, with holdout AUCs;
* peak memory (max RSS of the process and the Python peak during the RFM recompute).
"""

import argparse
import resource
import statistics
import sys
import time
import tracemalloc

MARK = "BENCHCRM"


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--mailings", type=int, default=6, help="mailings of 20%% of customers")
    parser.add_argument("--repeat", type=int, default=3, help="timed recomputes")
    parser.add_argument("--no-fits", action="store_true", help="skip CLV/propensity/clusters")
    return parser.parse_args()


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(env, customers, lines, mailings):
    """Insert the data set once (idempotent: skipped if already there)."""
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM res_partner WHERE ref LIKE %s", [MARK + "%"])
    if cr.fetchone()[0] >= customers:
        print(f"data: reusing {customers} generated customers")
        return
    company = env.ref("base.main_company")
    product = env["product.product"].create({"name": "Bench product", "list_price": 50.0})
    started = time.perf_counter()
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, ref, is_company, active, type,
                                 autopost_bills, customer_rank, email,
                                 create_date, write_date, create_uid, write_uid)
        SELECT 'Bench customer ' || g, 'Bench customer ' || g, %s || g, TRUE, TRUE, 'contact',
               'ask', 1, 'bench' || g || '@example.com', now(), now(), 1, 1
          FROM generate_series(1, %s) g
        """,
        [MARK, customers],
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE ref LIKE %s",
        [MARK + "%"],
    )
    cr.execute(
        "CREATE TEMP TABLE bench_partner AS "
        "SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM res_partner WHERE ref LIKE %s",
        [MARK + "%"],
    )
    cr.execute("CREATE INDEX ON bench_partner (k)")
    n_orders = lines // 3
    # Skewed buyers (a few heavy ones), dates over two years skewed towards recent.
    cr.execute(
        """
        INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                                partner_shipping_id, date_order, state, currency_id,
                                create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH/' || s.g, %(company)s, p.id, p.id, p.id,
               now() - (power(random(), 1.3) * interval '730 days'), 'sale', %(currency)s,
               now(), now(), 1, 1
          FROM (SELECT g, floor(%(customers)s * power(random(), 1.6))::int AS k
                  FROM generate_series(1, %(n)s) g) s
          JOIN bench_partner p ON p.k = s.k
        """,
        {
            "company": company.id,
            "currency": company.currency_id.id,
            "n": n_orders,
            "customers": customers,
        },
    )
    cr.execute(
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty, price_unit,
                                     price_subtotal, customer_lead, company_id, state,
                                     create_date, write_date, create_uid, write_uid)
        SELECT so.id, 'Bench line', %s, q.qty, q.price, q.qty * q.price, 0, so.company_id,
               'sale', now(), now(), 1, 1
          FROM sale_order so
         CROSS JOIN generate_series(1, 3) l
         CROSS JOIN LATERAL (SELECT (1 + floor(random() * 4))::numeric AS qty,
                                    round((5 + random() * 95)::numeric, 2) AS price,
                                    l AS line) q
         WHERE so.name LIKE 'BENCH/%%'
        """,
        [product.id],
    )
    cr.execute(
        """
        UPDATE sale_order so SET amount_untaxed = s.total, amount_total = s.total
          FROM (SELECT order_id, SUM(price_subtotal) AS total FROM sale_order_line
                 GROUP BY order_id) s
         WHERE s.order_id = so.id AND so.name LIKE 'BENCH/%%'
        """
    )
    partner_model = env["ir.model"]._get_id("res.partner")
    for index in range(mailings):
        mailing = env["mailing.mailing"].create(
            {"subject": f"Bench offer {index}", "mailing_model_id": partner_model, "state": "done"}
        )
        age = 60 + index * 60
        cr.execute(
            """
            INSERT INTO mailing_trace (trace_type, model, res_id, mass_mailing_id, email,
                                       trace_status, sent_datetime, open_datetime,
                                       create_date, write_date, create_uid, write_uid)
            SELECT 'mail', 'res.partner', p.id, %(mailing)s, 'bench@example.com',
                   CASE WHEN random() < 0.3 THEN 'open' ELSE 'sent' END,
                   now() - %(age)s * interval '1 day', NULL, now(), now(), 1, 1
              FROM bench_partner p WHERE random() < 0.2
            """,
            {"mailing": mailing.id, "age": age},
        )
    cr.execute(
        "ANALYZE res_partner; ANALYZE sale_order; ANALYZE sale_order_line; ANALYZE mailing_trace"
    )
    env.invalidate_all()
    env.cr.commit()
    print(
        f"data: generated {customers} customers, {n_orders} orders, {3 * n_orders} lines "
        f"in {time.perf_counter() - started:.1f}s"
    )


def baseline(env, company_id, repeat=3):
    """Bare SQL aggregates of recency, frequency, monetary value (rows fetched)."""
    cr = env.cr
    timings = {}
    for name, query in (
        (
            "lines",
            """
            SELECT so.partner_id, CURRENT_DATE - MAX(so.date_order)::date,
                   COUNT(DISTINCT so.date_order::date), SUM(sol.price_subtotal)
              FROM sale_order_line sol JOIN sale_order so ON so.id = sol.order_id
             WHERE so.state = 'sale' AND so.company_id = %s
             GROUP BY so.partner_id""",
        ),
        (
            "orders",
            """
            SELECT so.partner_id, CURRENT_DATE - MAX(so.date_order)::date,
                   COUNT(DISTINCT so.date_order::date), SUM(so.amount_untaxed)
              FROM sale_order so
             WHERE so.state = 'sale' AND so.company_id = %s
             GROUP BY so.partner_id""",
        ),
    ):
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            cr.execute(query, [company_id])
            rows = cr.fetchall()
            best = min(best, time.perf_counter() - started)
        timings[name] = (best, len(rows))
    return timings


def main():
    args = _parse()
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        generate(env, args.customers, args.lines, args.mailings)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        cr.execute(
            "SELECT COUNT(*) FROM sale_order_line sol JOIN sale_order so "
            "ON so.id = sol.order_id WHERE so.state = 'sale' AND so.company_id = %s",
            [company.id],
        )
        n_lines = cr.fetchone()[0]
        base = baseline(env, company.id)
        print(f"order lines: {n_lines}, customers with orders: {base['lines'][1]}")
        print(f"baseline SQL GROUP BY over order lines: {base['lines'][0]:.3f}s")
        print(f"baseline SQL GROUP BY over orders     : {base['orders'][0]:.3f}s")

        Run = env["crm.analytics.run"]

        def rfm_publish():
            run = Run.create({"company_id": company.id})
            started = time.perf_counter()
            run._run_stage("rfm")
            run._run_stage("publish")
            elapsed = time.perf_counter() - started
            env.cr.cache.pop(("crm_analytics_tx", run.id), None)
            assert run.state == "done", run.error
            return run, elapsed

        # Warm-up (first publish writes every partner's segment), committed.
        run, warm = rfm_publish()
        cr.commit()
        print(f"first RFM + segment recompute (warm-up): {warm:.3f}s")
        rss_before = _rss_mb()
        # Timed runs interleaved with the baseline, best of each (as for the baseline
        # alone): these machines are noisy, a lone sample can be off by 50%.
        timings, lines = [], [base["lines"][0]]
        for _ in range(args.repeat):
            run, elapsed = rfm_publish()
            cr.commit()
            timings.append(elapsed)
            lines.append(baseline(env, company.id, repeat=1)["lines"][0])
            print(
                f"  recompute {elapsed:.3f}s (rfm stage {run.rfm_seconds:.3f}s, publish "
                f"{run.publish_seconds:.3f}s); order-line GROUP BY {lines[-1]:.3f}s"
            )
        rss_after = _rss_mb()
        elapsed, base_lines = min(timings), min(lines)
        print(
            f"full RFM + segment recompute: best {elapsed:.3f}s, median "
            f"{statistics.median(timings):.3f}s of {len(timings)}, for {run.customer_count}"
            f" customers"
        )
        print(f"ratio to the order-line GROUP BY: {elapsed / base_lines:.2f}x (target <= 2x)")
        print(
            f"ratio of the medians            : "
            f"{statistics.median(timings) / statistics.median(lines):.2f}x"
        )
        print(f"ratio to the order GROUP BY     : {elapsed / base['orders'][0]:.2f}x")
        tracemalloc.start()
        _run_t, _ = rfm_publish()
        cr.rollback()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python memory during the RFM recompute (tracemalloc): {peak / 2**20:.0f} MB")
        print(
            f"peak RSS of the process: {rss_after:.0f} MB (before the timed run "
            f"{rss_before:.0f} MB)"
        )

        if not args.no_fits:
            run = Run.create({"company_id": company.id})
            total = time.perf_counter()
            for stage in ("rfm", "clv", "churn", "response", "clusters", "forecast", "publish"):
                started = time.perf_counter()
                run._run_stage(stage)
                print(f"  stage {stage:<9}: {time.perf_counter() - started:8.3f}s")
                if run.state == "failed":
                    print(f"  FAILED: {run.error}")
                    break
            cr.commit()
            print(
                f"full pipeline (all stages): {time.perf_counter() - total:.3f}s, "
                f"churn AUC {run.churn_auc:.3f}, response AUC {run.response_auc:.3f}, "
                f"{run.cluster_count} clusters"
            )
            if run.notes:
                print(f"  notes: {run.notes}")
            print(f"peak RSS of the process: {_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
