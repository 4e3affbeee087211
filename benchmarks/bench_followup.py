"""Plan and execute post-sale follow-ups for many confirmed orders.

Usage (Odoo's interpreter, a database with crm_ops installed and confirmed orders,
e.g. filled by ``tools/generate_data.py``)::

    /opt/odoo19/venv/bin/python benchmarks/bench_followup.py -c odoo.conf -d db [--orders 100000]

In one run and on the same orders it times:

* baseline: creating one plain ``mail.activity`` per order, in batches;
* follow-ups: planning a one-step "activity for the salesperson" plan for the same
  orders (one ``crm.followup.item`` per order) and executing them with the cron's
  batch executor (claim with FOR UPDATE SKIP LOCKED, create the activities, record
  the results).

Both create their activities with ``mail_activity_quick_update`` (no notification
email per activity), as the follow-up executor does. Each phase runs in its own
transaction, rolled back at the end: the database is left unchanged.
Prints both times and the ratio (target: within 1.5x). No assertions.
"""

import argparse
import sys
import time

BATCH = 1000  # orders per batch in both phases
WARMUP = 300  # orders of the untimed warm-up run of each phase


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-c", "--config")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=BATCH)
    args = parser.parse_args(argv)

    import odoo  # noqa: F401  (Odoo's interpreter is required)
    from odoo import api, fields
    from odoo.modules.registry import Registry
    from odoo.tools import config, split_every

    config.parse_config(["-c", args.config] if args.config else [], setup_logging=False)
    registry = Registry(args.database)

    with registry.cursor() as cr:
        cr.execute(
            "SELECT id FROM sale_order WHERE state = 'sale' ORDER BY id LIMIT %s", [args.orders]
        )
        order_ids = [row[0] for row in cr.fetchall()]
    if len(order_ids) < args.orders:
        print(f"only {len(order_ids)} confirmed orders in {args.database}", file=sys.stderr)
    n = len(order_ids)
    if not n:
        return 2
    ctx = {"mail_activity_quick_update": True, "tracking_disable": True}
    # warm-up (untimed, rolled back): load caches for both phases on a few orders
    baseline_phase(registry, api, fields, split_every, ctx, order_ids[:WARMUP], args.batch)
    followup_phase(registry, api, split_every, ctx, order_ids[:WARMUP], args.batch)
    baseline = baseline_phase(registry, api, fields, split_every, ctx, order_ids, args.batch)
    followups, planned, done = followup_phase(
        registry, api, split_every, ctx, order_ids, args.batch
    )

    print(f"orders: {n}, batch: {args.batch}")
    print(f"baseline  mail.activity create : {baseline:8.1f} s  ({n / baseline:,.0f}/s)")
    print(
        f"follow-ups plan + execute      : {followups:8.1f} s  (planning {planned:.1f} s, {done} done)"
    )
    print(f"ratio follow-ups / baseline    : {followups / baseline:.2f}x (target <= 1.5x)")
    return 0


def baseline_phase(registry, api, fields, split_every, ctx, order_ids, batch):
    """Plain activities in batches; returns the time."""
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, ctx)
        model_id = env["ir.model"]._get_id("sale.order")
        todo = env.ref("mail.mail_activity_data_todo")
        today = fields.Date.today()
        start = time.perf_counter()
        for ids in split_every(batch, order_ids):
            orders = env["sale.order"].browse(ids)
            orders.fetch(["user_id", "name"])  # res_name of the activities, like the executor
            env["mail.activity"].create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": order.id,
                        "activity_type_id": todo.id,
                        "summary": "Follow-up",
                        "user_id": (order.user_id or env.user).id,
                        "date_deadline": today,
                    }
                    for order in orders
                ]
            )
            env.flush_all()
            env.invalidate_all()
        baseline = time.perf_counter() - start
        cr.rollback()
    return baseline


def followup_phase(registry, api, split_every, ctx, order_ids, batch):
    """Plan a one-step activity plan for the orders and execute it; returns times."""
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, ctx)
        env["crm.followup.plan"].search([]).active = False
        plan = env["crm.followup.plan"].create(
            {
                "name": "Benchmark",
                "company_id": env.company.id,
                "trigger": "confirmed",
                "step_ids": [(0, 0, {"name": "Follow-up", "action_type": "activity"})],
            }
        )
        # the benchmark plan covers every company of the orders
        cr.execute("SELECT DISTINCT company_id FROM sale_order WHERE id = ANY(%s)", [order_ids])
        companies = [row[0] for row in cr.fetchall()]
        plans = plan
        for company_id in companies:
            if company_id != plan.company_id.id:
                plans |= plan.copy({"company_id": company_id})
        env.flush_all()
        Item = env["crm.followup.item"]
        start = time.perf_counter()
        for ids in split_every(batch, order_ids):
            Item._plan(env["sale.order"].browse(ids), "confirmed")
            env.flush_all()
            env.invalidate_all()
        planned = time.perf_counter() - start
        while Item._execute_batch(batch_size=batch):
            env.flush_all()
            env.invalidate_all()
        followups = time.perf_counter() - start
        cr.execute(
            "SELECT count(*) FROM crm_followup_item WHERE plan_id = ANY(%s) AND state = 'done'",
            [plans.ids],
        )
        done = cr.fetchone()[0]
        cr.rollback()
    return followups, planned, done


if __name__ == "__main__":
    sys.exit(main())
