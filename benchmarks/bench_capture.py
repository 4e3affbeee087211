"""Lead capture benchmark: plain creation vs capture with de-duplication, 10k vs 1M partners.

Run with Odoo's interpreter, on two databases filled by tools/generate_data.py (crm_ops
installed), e.g.:

    /opt/odoo19/venv/bin/python benchmarks/bench_capture.py \
        --addons-path=<odoo>/odoo/addons,<odoo>/addons,.cache/oca/odoo/addons,addons \
        --db_host=127.0.0.1 --db_user=odoo --small gen_10k --large gen_1m --leads 300

For each database it fills the partners' match keys once (committed: they are the data
lead capture needs), then, in a transaction that is rolled back, creates the same incoming
leads (half of them variants of existing customers) one at a time, alternating rounds of
plain ``crm.lead.create`` and ``crm.lead._crm_ops_capture``. It prints leads/s for both,
their ratio, and the per-lead capture time with the large database against the small one.
No assertion: the numbers are read against the targets (capture <= 1.5x plain; large/small
<= 1.5).
"""

import argparse
import random
import statistics
import sys
import time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

ROUNDS = 3


def incoming_leads(env, count, seed):
    """Half variants of existing partners (upper-cased email, other phone format), half new."""
    rng = random.Random(seed)
    cr = env.cr
    cr.execute(
        """SELECT name, email_normalized, phone_sanitized FROM res_partner
            TABLESAMPLE SYSTEM (5) REPEATABLE (%s)
            WHERE email_normalized IS NOT NULL AND active LIMIT %s""",
        [seed, count],
    )
    existing = cr.fetchall()
    leads = []
    for i in range(count):
        if i % 2 == 0 and existing:
            name, email, phone = existing[(i // 2) % len(existing)]
            leads.append({"contact_name": (name or "").lower(), "email": email.upper(),
                          "phone": phone and phone.replace("+", "00")})
        else:
            tag = rng.randrange(10**9)
            leads.append({"contact_name": f"Bench Person {tag}",
                          "email": f"bench{tag}@bench{tag % 997}.example",
                          "phone": f"+34 6{tag % 10**8:08d}"})
    return [{k: v for k, v in lead.items() if v} for lead in leads]


def plain_values(lead):
    return {"name": lead.get("contact_name") or lead["email"], "contact_name": lead.get("contact_name"),
            "email_from": lead.get("email"), "phone": lead.get("phone")}


def measure(dbname, count, seed):
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        partners = env["res.partner"].search_count([])
        started = time.perf_counter()
        filled = env["res.partner"]._crm_ops_recompute_match_keys()
        cr.execute("ANALYZE res_partner")
        cr.commit()
        fill_time = time.perf_counter() - started
        leads = incoming_leads(env, count, seed)
        Lead = env["crm.lead"].with_context(mail_create_nolog=False, tracking_disable=False)
        plain, capture, dedup, statuses = [], [], [], {}
        for _round in range(ROUNDS):
            cr.execute("SAVEPOINT bench")
            t0 = time.perf_counter()
            for lead in leads:
                Lead.create(plain_values(lead))
            env.flush_all()
            plain.append(time.perf_counter() - t0)
            cr.execute("ROLLBACK TO SAVEPOINT bench")
            env.invalidate_all()
            t0 = time.perf_counter()
            for lead in leads:
                result = Lead._crm_ops_capture(lead, "api")
                statuses[result["status"]] = statuses.get(result["status"], 0) + 1
            env.flush_all()
            capture.append(time.perf_counter() - t0)
            cr.execute("ROLLBACK TO SAVEPOINT bench")
            env.invalidate_all()
            # the de-duplication step alone: validation, normalisation, candidates, scoring
            t0 = time.perf_counter()
            for lead in leads:
                vals, company, _errors = Lead._crm_ops_prepare_capture(lead)
                Lead._crm_ops_match(vals, company)
            dedup.append(time.perf_counter() - t0)
        cr.rollback()
    return {
        "db": dbname,
        "partners": partners,
        "keys_filled": filled,
        "fill_s": fill_time,
        "plain_per_s": count / statistics.median(plain),
        "capture_per_s": count / statistics.median(capture),
        "capture_ms": 1000 * statistics.median(capture) / count,
        "plain_ms": 1000 * statistics.median(plain) / count,
        "dedup_ms": 1000 * statistics.median(dedup) / count,
        "statuses": {k: v // ROUNDS for k, v in statuses.items()},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--small", required=True, help="database with ~10,000 partners")
    ap.add_argument("--large", required=True, help="database with ~1,000,000 partners")
    ap.add_argument("--leads", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args, odoo_args = ap.parse_known_args()
    config.parse_config(odoo_args)
    results = [measure(db, args.leads, args.seed) for db in (args.small, args.large)]
    print(f"\nlead capture benchmark: {args.leads} leads x {ROUNDS} rounds (median)")
    for r in results:
        print(f"  {r['db']:<10} {r['partners']:>9} partners   plain {r['plain_per_s']:7.1f} leads/s"
              f"   capture+dedup {r['capture_per_s']:7.1f} leads/s"
              f"   ratio capture/plain {r['plain_per_s'] / r['capture_per_s']:.2f}x"
              f"\n             per lead: plain {r['plain_ms']:.1f} ms, capture {r['capture_ms']:.1f} ms,"
              f" of which de-duplication {r['dedup_ms']:.1f} ms; outcomes {r['statuses']};"
              f" match keys filled for {r['keys_filled']} in {r['fill_s']:.0f} s")
    small, large = results
    print(f"  capture time per lead, {large['partners']} vs {small['partners']} partners: "
          f"{large['capture_ms'] / small['capture_ms']:.2f}x; de-duplication step alone: "
          f"{large['dedup_ms'] / small['dedup_ms']:.2f}x (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
