"""Lead capture benchmark: plain creation vs capture with de-duplication, 10k vs 1M partners.

Run with Odoo's interpreter, on two databases filled by tools/generate_data.py, with
crm_ops installed afterwards, e.g.:

    /opt/odoo19/venv/bin/python benchmarks/bench_capture.py \
        --addons-path=<odoo>/odoo/addons,<odoo>/addons,.cache/oca/odoo/addons,addons \
        --db_host=127.0.0.1 --db_user=odoo --small gen_10k_ops --large gen_1m_ops --leads 200

For each database it first fills any missing match keys (committed: they are the data lead
capture needs). Then, in transactions that are rolled back, it creates the same incoming
leads (half of them variants of existing customers) one at a time, alternating rounds of
plain ``crm.lead.create`` and ``crm.lead._crm_ops_capture`` and alternating the two
databases round by round, so both see the same machine load. It prints leads/s for both,
their ratio, the per-lead times with the large database against the small one, and the
precision and recall of de-duplication on the generator's recorded duplicates
(table datagen_partner_duplicate). No assertion: the numbers are read against the targets
(capture <= 1.5x plain; large/small <= 1.5).
"""

import argparse
import random
import statistics
import sys
import time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config, email_normalize

from crm_engine.normalize import normalize_phone

ROUNDS = 3
QUALITY_SAMPLE = 300


def incoming_leads(env, count, seed):
    """Half variants of existing partners (upper-cased email, other phone format), half new."""
    rng = random.Random(seed)
    cr = env.cr
    cr.execute(
        # the pages of a 5% sample, then rows in random order: the first rows of the
        # table's pages are the generator's companies, so a plain LIMIT would compare
        # people at 10k with companies at 1M
        """SELECT name, email_normalized, phone_sanitized, is_company FROM res_partner
            TABLESAMPLE SYSTEM (5) REPEATABLE (%s)
            WHERE email_normalized ~ '^[^@ ]+@[^@ ]+[.][a-z]+$' AND active
            ORDER BY md5(id::text || %s) LIMIT %s""",
        [seed, str(seed), count],
    )
    existing = cr.fetchall()
    leads = []
    for i in range(count):
        if i % 2 == 0 and existing:
            name, email, phone, is_company = existing[(i // 2) % len(existing)]
            leads.append(
                {
                    # a company writes its name as the company
                    "partner_name" if is_company else "contact_name": (name or "").lower(),
                    "email": email.upper(),
                    "phone": phone and phone.replace("+", "00"),
                }
            )
        else:
            tag = rng.randrange(10**9)
            leads.append(
                {
                    "contact_name": f"Bench Person {tag}",
                    "email": f"bench{tag}@bench{tag % 997}.example",
                    "phone": f"+34 6{tag % 10**8:08d}",
                }
            )
    return [{k: v for k, v in lead.items() if v} for lead in leads]


def plain_values(lead):
    return {
        "name": lead.get("contact_name") or lead["email"],
        "contact_name": lead.get("contact_name"),
        "email_from": lead.get("email"),
        "phone": lead.get("phone"),
    }


def timed(cr, env, func):
    """Run func in a savepoint that is rolled back; return the seconds it took."""
    cr.execute("SAVEPOINT bench")
    t0 = time.perf_counter()
    func()
    env.flush_all()
    elapsed = time.perf_counter() - t0
    cr.execute("ROLLBACK TO SAVEPOINT bench")
    env.invalidate_all()
    return elapsed


def _e164(phone, country_code):
    try:
        return normalize_phone(phone, country_code) if phone else None
    except ValueError:
        return None


def dedup_quality(env, seed):
    """Precision and recall on the generator's known duplicates.

    For each sampled duplicate partner, its own values come in as a new lead while the
    duplicate itself is archived (in a rolled-back savepoint): the lead should be linked to
    the original partner.
    """
    cr = env.cr
    cr.execute("SELECT to_regclass('datagen_partner_duplicate')")
    if not cr.fetchone()[0]:
        return None
    cr.execute(
        """SELECT d.partner_id, d.original_id, p.name, p.email, p.phone, parent.name, c.code,
                  p.is_company
             FROM datagen_partner_duplicate d
             JOIN res_partner p ON p.id = d.partner_id
             LEFT JOIN res_partner parent ON parent.id = p.parent_id
             LEFT JOIN res_country c ON c.id = p.country_id
            ORDER BY md5(d.partner_id::text || %s) LIMIT %s""",
        [str(seed), QUALITY_SAMPLE],
    )
    tp = fp = fn = namesakes = 0
    Lead = env["crm.lead"]
    for dup_id, original_id, name, email, phone, parent, code, is_company in cr.fetchall():
        cr.execute("SAVEPOINT quality")
        cr.execute("UPDATE res_partner SET active = false WHERE id = %s", [dup_id])
        values = {
            # a company writes its name as the company, not as a person
            "contact_name": None if is_company else name,
            "email": email,
            "phone": phone,
            "partner_name": name if is_company else parent,
            "country_code": code,
        }
        # invalid values are left out by the preparation, the valid ones still match
        vals, company, _errors = Lead._crm_ops_prepare_capture(
            {k: v for k, v in values.items() if v}
        )
        decision = Lead._crm_ops_match(vals, company)
        cr.execute("ROLLBACK TO SAVEPOINT quality")
        if decision.action != "link_partner":
            fn += 1
        elif decision.target_id == original_id:
            tp += 1
        else:
            # another record of the same person (the generator's own copies) also counts,
            # and so does the holder of the lead's own mailbox or phone under the same
            # name: at a million partners the generator gives unrelated namesakes one
            # address ("sara_russo@alice.it" twice), and that holder is who wrote
            cr.execute(
                """SELECT id, email_normalized, phone_sanitized, name
                     FROM res_partner WHERE id IN %s""",
                [(decision.target_id, original_id)],
            )
            recs = {row[0]: row[1:] for row in cr.fetchall()}
            a = recs.get(decision.target_id, (None, None, None))
            b = recs.get(original_id, (None, None, None))
            same = (a[0] and a[0] == b[0]) or (a[1] and a[1] == b[1])
            # the record holding the lead's own address or phone, under a name the
            # engine found the same (typos, word order and accents included)
            own = any(e.startswith("name ") for e in decision.evidence) and (
                (a[0] and a[0] == email_normalize(email or ""))
                or (a[1] and a[1] == _e164(phone, code))
            )
            namesakes += bool(own and not same)
            same = same or own
            tp, fp = (tp + 1, fp) if same else (tp, fp + 1)
    total = tp + fp + fn
    return {
        "sample": total,
        "namesakes": namesakes,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / total if total else 0.0,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--small", required=True, help="database with ~10,000 partners")
    ap.add_argument("--large", required=True, help="database with ~1,000,000 partners")
    ap.add_argument("--leads", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args, odoo_args = ap.parse_known_args()
    config.parse_config(odoo_args)
    dbs = {}
    for name in (args.small, args.large):
        cr = Registry(name).cursor()
        env = api.Environment(cr, SUPERUSER_ID, {})
        t0 = time.perf_counter()
        filled = env["res.partner"]._crm_ops_recompute_match_keys()
        cr.execute("ANALYZE res_partner")
        cr.commit()
        dbs[name] = {
            "cr": cr,
            "env": env,
            "leads": incoming_leads(env, args.leads, args.seed),
            "partners": env["res.partner"].search_count([]),
            "filled": filled,
            "fill_s": time.perf_counter() - t0,
            "plain": [],
            "capture": [],
            "dedup": [],
        }
    for _round in range(ROUNDS):
        for d in dbs.values():
            env, cr, leads = d["env"], d["cr"], d["leads"]
            Lead = env["crm.lead"]

            def plain(Lead=Lead, leads=leads):
                for v in leads:
                    Lead.create(plain_values(v))

            def capture(Lead=Lead, leads=leads):
                for v in leads:
                    Lead._crm_ops_capture(v, "api")

            def dedup(Lead=Lead, leads=leads):
                for v in leads:
                    vals, company, _errors = Lead._crm_ops_prepare_capture(v)
                    Lead._crm_ops_match(vals, company)

            d["plain"].append(timed(cr, env, plain))
            d["capture"].append(timed(cr, env, capture))
            d["dedup"].append(timed(cr, env, dedup))
    print(
        f"\nlead capture benchmark: {args.leads} leads x {ROUNDS} rounds (median),"
        " databases alternated round by round"
    )
    for name, d in dbs.items():
        n = args.leads
        d["plain_ms"] = 1000 * statistics.median(d["plain"]) / n
        d["capture_ms"] = 1000 * statistics.median(d["capture"]) / n
        d["dedup_ms"] = 1000 * statistics.median(d["dedup"]) / n
        print(
            f"  {name:<14} {d['partners']:>9} partners: plain {1000 / d['plain_ms']:6.1f} leads/s,"
            f" capture+dedup {1000 / d['capture_ms']:6.1f} leads/s,"
            f" ratio capture/plain {d['capture_ms'] / d['plain_ms']:.2f}x"
        )
        print(
            f"  {'':<14} per lead: plain {d['plain_ms']:.1f} ms, capture {d['capture_ms']:.1f} ms,"
            f" of which de-duplication {d['dedup_ms']:.1f} ms"
            f" (match keys filled for {d['filled']} partners in {d['fill_s']:.0f} s)"
        )
    small, large = dbs[args.small], dbs[args.large]
    print(
        f"  {large['partners']} vs {small['partners']} partners, per lead: capture "
        f"{large['capture_ms'] / small['capture_ms']:.2f}x, de-duplication step "
        f"{large['dedup_ms'] / small['dedup_ms']:.2f}x (target <= 1.5)"
    )
    for name, d in dbs.items():
        quality = dedup_quality(d["env"], args.seed)
        if quality:
            print(
                f"  {name}: de-duplication on {quality['sample']} recorded duplicates: "
                f"precision {quality['precision']:.3f}, recall {quality['recall']:.3f}"
                f" ({quality['namesakes']} linked to a namesake holding the lead's own"
                " mailbox or phone, counted right)"
            )
        d["cr"].rollback()
        d["cr"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
