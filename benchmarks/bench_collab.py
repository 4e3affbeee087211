#!/usr/bin/env python3
"""Benchmark of crm_collab's sharing rules on 1,000,000 partners.

Prints, in one run:
  * the time for a company-B user to search and list partners (the list view's
    search_fetch of 80 rows + its count, and a name search) with sharing active,
    against the same search with crm_collab's rules off (Odoo's own multi-company
    rules only) and as superuser (no rules), and the ratios (target: <= 1.2x);
  * the time to activate (INSERT ... SELECT, whose trigger fills the records' cached
    agreement ids) and to revoke (one DELETE; the cache is purged later by the cron)
    an agreement covering 100,000 records.

Run it with Odoo's interpreter; it creates the database from a template holding the
suite's dependencies (base_deps), installs crm_collab, and fills it with bulk SQL
(generate_series) the first time; later runs reuse the data::

    /opt/odoo19/venv/bin/python benchmarks/bench_collab.py --db bench_collab \\
        --template base_deps --partners 1000000 --shared 100000
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default="bench_collab")
    p.add_argument("--template", default="base_deps")
    p.add_argument("--partners", type=int, default=1_000_000)
    p.add_argument(
        "--shared",
        type=int,
        default=100_000,
        help="partners of A shared with B by the measured agreement",
    )
    p.add_argument("--revoke-size", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--odoo-home", default=os.environ.get("ODOO_HOME", "/opt/odoo19"))
    p.add_argument(
        "--addons-path",
        default=None,
        help="default: Odoo's addons, .cache/oca/odoo/addons and addons/",
    )
    p.add_argument("--db-host", default=os.environ.get("PGHOST", "127.0.0.1"))
    p.add_argument("--db-port", default=os.environ.get("PGPORT", "5432"))
    p.add_argument("--db-user", default=os.environ.get("PGUSER", "odoo"))
    return p.parse_args()


def odoo_args(args):
    home = Path(args.odoo_home)
    addons = args.addons_path or ",".join(
        [
            str(home / "src" / "odoo" / "addons"),
            str(home / "src" / "addons"),
            str(ROOT / ".cache" / "oca" / "odoo" / "addons"),
            str(ROOT / "addons"),
        ]
    )
    return [
        f"--addons-path={addons}",
        f"--db_host={args.db_host}",
        f"--db_port={args.db_port}",
        f"--db_user={args.db_user}",
        f"--data-dir={ROOT / '.cache' / 'odoo-data'}",
    ]


def ensure_db(args):
    import psycopg2

    conn = psycopg2.connect(
        host=args.db_host, port=args.db_port, user=args.db_user, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db])
        if cr.fetchone():
            return
        print(f"creating {args.db} from {args.template} and installing crm_collab ...", flush=True)
        cr.execute(f'CREATE DATABASE "{args.db}" TEMPLATE "{args.template}"')
    conn.close()
    cmd = [
        sys.executable,
        str(Path(args.odoo_home) / "src" / "odoo-bin"),
        *odoo_args(args),
        "-d",
        args.db,
        "-i",
        "crm_collab",
        "--stop-after-init",
        "--log-level=warn",
        "--max-cron-threads=0",
        "--http-port=8179",
    ]
    subprocess.run(cmd, check=True)


def timed(fn, repeat):
    fn()  # warm-up (rule cache, plans)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    args = parse_args()
    ensure_db(args)
    sys.path.insert(0, str(Path(args.odoo_home) / "src"))
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config([*odoo_args(args), "-d", args.db], setup_logging=False)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        A, B, user_b, admin_a = setup(env, args)
        cr.commit()
        report(env, args, A, B, user_b, admin_a)
        cr.rollback()


def setup(env, args):
    Company = env["res.company"]
    A = Company.search([("name", "=", "Bench Owner A")]) or Company.create(
        {"name": "Bench Owner A"}
    )
    B = Company.search([("name", "=", "Bench Partner B")]) or Company.create(
        {"name": "Bench Partner B"}
    )
    Users = env["res.users"].with_context(no_reset_password=True)

    def user(login, company, groups):
        found = Users.search([("login", "=", login)])
        if found:
            return found
        return Users.create(
            {
                "name": login,
                "login": login,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "group_ids": [(6, 0, [env.ref(g).id for g in groups])],
            }
        )

    user_b = user(
        "bench_user_b", B, ["base.group_user", "sales_team.group_sale_salesman_all_leads"]
    )
    admin_a = user("bench_admin_a", A, ["base.group_user", "crm_collab.group_collab_admin"])
    admin_b = user("bench_admin_b", B, ["base.group_user", "crm_collab.group_collab_admin"])
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'BENCH-%%'")
    have = cr.fetchone()[0]
    if have < args.partners:
        n = args.partners - have
        print(f"inserting {n} partners with INSERT ... SELECT generate_series ...", flush=True)
        t0 = time.perf_counter()
        # 90% owned by A, 10% by B; ref encodes the region: N = the shared region,
        # R = the region of the revocation test, S = the rest
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, ref, company_id, active, type, is_company,
                                     partner_share, email, city, lang, create_date, write_date,
                                     create_uid, write_uid, autopost_bills)
            SELECT 'Bench partner ' || lpad(g::text, 7, '0'),
                   'Bench partner ' || lpad(g::text, 7, '0'),
                   'BENCH-' || CASE WHEN g %% 10 = 0 THEN 'B'
                                    WHEN g %% 10 = 1 AND g / 10 < %(shared)s THEN 'N'
                                    WHEN g %% 10 = 2 AND g / 10 < %(revoke)s THEN 'R'
                                    ELSE 'S' END || '-' || g,
                   CASE WHEN g %% 10 = 0 THEN %(b)s ELSE %(a)s END,
                   true, 'contact', true, true,
                   'p' || g || '@bench.example', 'City ' || (g %% 500), 'en_US',
                   now(), now(), 1, 1, 'ask'
              FROM generate_series(%(start)s, %(stop)s) g
        """,
            {
                "a": A.id,
                "b": B.id,
                "start": have + 1,
                "stop": args.partners,
                "shared": args.shared,
                "revoke": args.revoke_size,
            },
        )
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id "
            "WHERE ref LIKE 'BENCH-%%' AND commercial_partner_id IS NULL"
        )
        cr.execute("ANALYZE res_partner")
        print(f"  done in {time.perf_counter() - t0:.1f}s", flush=True)
    Agreement = env["crm.collab.agreement"]
    agreement = Agreement.search([("name", "=", "Bench north region")])
    if not agreement:
        agreement = Agreement.with_user(admin_a).create(
            {
                "name": "Bench north region",
                "owner_company_id": A.id,
                "partner_company_id": B.id,
                "res_model": "res.partner",
                "domain": "[('ref', '=like', 'BENCH-N-%')]",
            }
        )
        agreement.with_user(admin_a).action_propose()
        t0 = time.perf_counter()
        agreement.with_user(admin_b).action_accept()
        env.flush_all()
        print(
            f"activating an agreement of {agreement.share_count} records: "
            f"{time.perf_counter() - t0:.2f}s",
            flush=True,
        )
        env.cr.execute("ANALYZE crm_collab_share")
    return A, B, user_b, admin_a


def report(env, args, A, B, user_b, admin_a):
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner")
    n_partners = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM crm_collab_share WHERE res_model = 'res.partner' AND company_id = %s",
        [B.id],
    )
    n_shared = cr.fetchone()[0]
    print(
        f"\npartners: {n_partners:,}; shared with B: {n_shared:,}; repeat: {args.repeat} (median)"
    )

    def scenario(partner_model):
        def list_view():
            partner_model.env.invalidate_all()
            recs = partner_model.search_fetch([], ["display_name", "email", "city"], limit=80)
            recs._read_format(["display_name", "email", "city"])
            partner_model.search_count([], limit=10000)

        def name_search():
            partner_model.env.invalidate_all()
            recs = partner_model.search_fetch(
                [("name", "ilike", "partner 00012")], ["display_name", "email"], limit=80
            )
            recs._read_format(["display_name", "email"])

        def count_all():
            # no limit: every visible row is tested, so this shows the per-row cost of
            # the rule (the limited list stops early, sooner when more rows are visible)
            partner_model.search_count([])

        return {
            "list (80 rows + count)": list_view,
            "name search": name_search,
            "count (all rows)": count_all,
        }

    base = env["res.partner"].with_user(user_b).with_company(B)
    variants = {
        "B user, sharing on": base,
        "B user, crm_collab rules off": base.with_context(collab_rules_off=True),
        "superuser (no rules)": env["res.partner"].sudo().with_context(allowed_company_ids=[B.id]),
    }
    results = {}
    for vname, model in variants.items():
        for sname, fn in scenario(model).items():
            results[(vname, sname)] = timed(fn, args.repeat)
    print(
        f"\n{'search':28} {'sharing on':>12} {'rules off':>12} {'superuser':>12} {'on/off':>8} {'on/su':>8}"
    )
    for sname in scenario(base):
        on = results[("B user, sharing on", sname)]
        off = results[("B user, crm_collab rules off", sname)]
        su = results[("superuser (no rules)", sname)]
        print(
            f"{sname:28} {on * 1000:10.1f}ms {off * 1000:10.1f}ms {su * 1000:10.1f}ms "
            f"{on / off:7.2f}x {on / su:7.2f}x"
        )
    query = base._search([], limit=80, order=base._order)
    sql = query.select()
    cr.execute("EXPLAIN " + cr.mogrify(sql.code, sql.params).decode())
    plan = "\n".join(r[0] for r in cr.fetchall())
    print("\nplan of the B user's list query (sharing on):\n" + plan)
    print(
        "sub-query on the share table:",
        "crm_collab_share" in plan,
        "| per-row test of the cached agreement ids:",
        "collab_agreement_ids" in plan,
    )
    for vname in ("B user, sharing on", "B user, crm_collab rules off"):
        model = variants[vname]
        sql = model._search([]).select("count(*)")
        cr.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + cr.mogrify(sql.code, sql.params).decode()
        )
        print(
            f"\nEXPLAIN ANALYZE of the full count ({vname}):\n"
            + "\n".join(r[0] for r in cr.fetchall())
        )

    # revocation of an agreement covering --revoke-size records
    Agreement = env["crm.collab.agreement"]
    agreement = Agreement.with_user(admin_a).create(
        {
            "name": "Bench revocation",
            "owner_company_id": A.id,
            "partner_company_id": B.id,
            "res_model": "res.partner",
            "domain": "[('ref', '=like', 'BENCH-R-%')]",
        }
    )
    agreement.action_propose()
    admin_b = env["res.users"].search([("login", "=", "bench_admin_b")])
    t0 = time.perf_counter()
    agreement.with_user(admin_b).action_accept()
    env.flush_all()
    t_activate = time.perf_counter() - t0
    covered = agreement.share_count
    t0 = time.perf_counter()
    agreement.with_user(admin_a).action_revoke()
    env.flush_all()
    t_revoke = time.perf_counter() - t0
    print(
        f"\nagreement covering {covered:,} records: activate {t_activate:.2f}s, revoke {t_revoke:.3f}s"
    )
    ratios = ", ".join(
        f"{sname} {results[('B user, sharing on', sname)] / results[('B user, crm_collab rules off', sname)]:.2f}x"
        for sname in scenario(base)
    )
    print(
        f"RESULT sharing-on / rules-off: {ratios} (target <= 1.2x); "
        f"revoke {covered:,} records: {t_revoke:.3f}s"
    )


if __name__ == "__main__":
    main()
