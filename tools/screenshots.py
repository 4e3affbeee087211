#!/usr/bin/env python3
"""Capture the screenshots of the documentation (docs/screenshots/*.png) from a real Odoo 19.

Run it with Odoo's interpreter, where Playwright's Python package is installed::

    /opt/odoo19/venv/bin/pip install playwright     # the package only
    /opt/odoo19/venv/bin/python tools/screenshots.py -c /etc/odoo/odoo.conf --template base_deps

Never run ``playwright install``: the system's Chromium (``--chromium``, default
/usr/bin/chromium) is driven instead of a downloaded browser.

Steps:

1. copy ``--template`` (a database with the suite's dependencies installed, not our
   addons) into ``--db``, its filestore included;
2. fill it with ``tools/generate_data.py`` at a small scale;
3. install crm_ops, crm_analytics and crm_collab;
4. prepare one example of each flow (admin password ``admin``, an analytics run, a
   follow-up plan and a confirmed order, a satisfaction request, a partner company with its
   sharing administrator and a proposed agreement);
5. start ``odoo-bin`` on a loopback port, log in and go through each flow in headless
   Chromium, saving 1280x800 PNGs into ``--out``.

``--reuse`` skips steps 1-4 on a database prepared by an earlier run (to retake pictures).
The database is dropped at the end unless ``--keep-db`` is given.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ["crm_ops", "crm_analytics", "crm_collab"]
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ADMIN = ("admin", "admin")
DISTRIBUTOR = ("distributor", "distributor")
PARAM = "crm_screenshots.prepared"
LEAD = {
    "contact_name": "Tina Tourist",
    "partner_name": "Tourist Trips Ltd",
    "email": "tina@tourist-trips.example.com",
    "phone": "+32 470 12 34 56",
    "description": "We need 40 city bikes for our guests this summer. Can you send an offer?",
}
LEAD_URL = "/crm/contact?utm_source=Trade%20fair&utm_medium=Banner&utm_campaign=Spring%20offer"


def log(msg):
    print(f"[screenshots] {msg}", flush=True)


def build_parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "-c", "--config", help="Odoo configuration file (db_host, addons_path, data_dir)"
    )
    p.add_argument("--template", default="base_deps", help="database with the dependencies")
    p.add_argument("--db", default="crm_screenshots", help="database to create (dropped first)")
    p.add_argument("--port", type=int, default=8290, help="loopback HTTP port of the server")
    p.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="folder of the PNGs")
    p.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium executable")
    p.add_argument("--odoo-bin", help="odoo-bin (default: beside the imported odoo package)")
    p.add_argument("--partners", type=int, default=400, help="generated partners")
    p.add_argument("--orders", type=int, default=1500, help="generated sale orders")
    p.add_argument("--reuse", action="store_true", help="capture only, on a prepared --db")
    p.add_argument("--keep-db", action="store_true", help="keep the database at the end")
    return p


# ------------------------------------------------------------------ database
def odoo_args(args):
    out = ["-c", args.config] if args.config else []
    return out + ["--addons-path", addons_path()]


def addons_path():
    from odoo.tools import config

    paths = config.get("addons_path") or []
    if isinstance(paths, str):
        paths = paths.split(",")
    paths = [str(p) for p in paths if p]
    for extra in (ROOT / ".cache" / "oca" / "odoo" / "addons", ROOT / "addons"):
        if extra.is_dir() and str(extra) not in paths:
            paths.append(str(extra))
    return ",".join(paths)


def find_odoo_bin(args):
    if args.odoo_bin:
        return args.odoo_bin
    from odoo import release

    candidate = Path(release.__file__).resolve().parent.parent / "odoo-bin"
    if not candidate.exists():
        sys.exit(f"odoo-bin not found at {candidate}: give --odoo-bin")
    return str(candidate)


def run(cmd):
    log("$ " + " ".join(str(c) for c in cmd))
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    errors = [ln for ln in (proc.stdout + proc.stderr).splitlines() if " ERROR " in ln]
    if proc.returncode or errors:
        print(proc.stdout[-4000:], proc.stderr[-4000:], sep="\n")
        sys.exit(f"command failed (exit {proc.returncode}, {len(errors)} ERROR lines)")
    return proc.stdout


def copy_template(template, db):
    """CREATE DATABASE ... TEMPLATE, then the filestore; never touches others' sessions."""
    import shutil

    from odoo import sql_db
    from odoo.service import db as db_service
    from odoo.tools import SQL, config

    if not db_service.exp_db_exist(template):
        sys.exit(f"template database {template!r} does not exist")
    sql_db.close_db(template)
    with sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(
            SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(db), SQL.identifier(template))
        )
    source, target = config.filestore(template), config.filestore(db)
    shutil.rmtree(target, ignore_errors=True)
    if os.path.isdir(source):
        shutil.copytree(source, target)


def create_database(args, odoo_bin):
    from odoo.service import db as db_service

    if db_service.exp_db_exist(args.db):
        log(f"dropping {args.db}")
        db_service.exp_drop(args.db)
    log(f"copying {args.template} into {args.db}")
    copy_template(args.template, args.db)
    run(
        [
            sys.executable,
            ROOT / "tools" / "generate_data.py",
            "-d",
            args.db,
            *odoo_args(args),
            "--partners",
            args.partners,
            "--orders",
            args.orders,
            "--seed",
            "42",
        ]
    )
    run(
        [
            sys.executable,
            odoo_bin,
            *odoo_args(args),
            "-d",
            args.db,
            "-i",
            ",".join(ADDONS),
            "--stop-after-init",
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
        ]
    )


def prepare(env):
    """One example of each flow; returns the ids the captures open."""
    from odoo import fields

    main = env.ref("base.main_company")
    admin = env.ref("base.user_admin")
    groups = [
        "sales_team.group_sale_manager",
        "mass_mailing.group_mass_mailing_user",
        "crm_collab.group_collab_admin",
    ]
    admin.write(
        {
            "password": ADMIN[1],
            "company_id": main.id,
            "company_ids": [(6, 0, main.ids)],
            "group_ids": [(4, env.ref(g).id) for g in groups],
        }
    )
    env["website"].search([]).company_id = main

    # analytics: a real run on the generated orders
    run = env["crm.analytics.run"]._start(main, sync=True)
    if run.state != "done":
        sys.exit(f"the analytics run failed: {run.error}")
    champions = env["crm.customer.metric"].search(
        [("company_id", "=", main.id), ("segment", "=", "champions")], order="clv desc", limit=8
    )
    if not champions:
        sys.exit("the analytics run found no champions: generate more orders")

    # sharing: a distributor company, its sharing administrator, a proposed agreement
    key_accounts = env["res.partner.category"].create({"name": "Key accounts"})
    champions.partner_id.write({"category_id": [(4, key_accounts.id)], "company_id": main.id})
    distributor_co = env["res.company"].create({"name": "Contoso Retail"})
    distributor = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Dana Distributor",
                "login": DISTRIBUTOR[0],
                "password": DISTRIBUTOR[1],
                "email": "dana@contoso.example.com",
                "company_id": distributor_co.id,
                "company_ids": [(6, 0, distributor_co.ids)],
                "group_ids": [
                    (4, env.ref(g).id)
                    for g in (
                        "base.group_user",
                        "sales_team.group_sale_salesman_all_leads",
                        "crm_collab.group_collab_admin",
                    )
                ],
            }
        )
    )
    today = fields.Date.context_today(admin)
    agreement = (
        env["crm.collab.agreement"]
        .with_user(admin)
        .create(
            {
                "name": "Key accounts to Contoso Retail",
                "owner_company_id": main.id,
                "partner_company_id": distributor_co.id,
                "res_model": "res.partner",
                "domain": repr([("category_id.name", "=", "Key accounts")]),
                "access_level": "read",
                "date_start": today,
                "date_end": today + timedelta(days=365),
                "note": "<p>Contoso serves our key accounts in the north region.</p>",
            }
        )
    )
    agreement.action_propose()

    # follow-ups: a plan of the company and an order confirmed under it
    plan = env["crm.followup.plan"].create(
        {
            "name": "Thank you and feedback",
            "company_id": main.id,
            "trigger": "confirmed",
            "step_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Thank-you call",
                        "sequence": 1,
                        "action_type": "activity",
                        "activity_type_id": env.ref("mail.mail_activity_data_call").id,
                        "activity_summary": "Thank the customer for the order",
                    },
                ),
                (
                    0,
                    0,
                    {
                        "name": "Ask how it went",
                        "sequence": 2,
                        "delay_days": 7,
                        "action_type": "satisfaction",
                        "mail_template_id": env.ref(
                            "crm_ops.mail_template_satisfaction_request"
                        ).id,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "name": "Call back if no repeat purchase",
                        "sequence": 3,
                        "delay_days": 45,
                        "action_type": "activity",
                        "skip_if_reordered": True,
                    },
                ),
            ],
        }
    )
    customer = champions[0].partner_id
    products = env["product.product"].search([("sale_ok", "=", True)], limit=2)
    salesperson = env["res.users"].search([("login", "=", "datagen.user1")], limit=1) or admin
    order = (
        env["sale.order"]
        .with_user(admin)
        .create(
            {
                "partner_id": customer.id,
                "user_id": salesperson.id,
                "order_line": [
                    (0, 0, {"product_id": p.id, "product_uom_qty": 2}) for p in products
                ],
            }
        )
    )
    order.action_confirm()
    env["crm.followup.item"]._execute_batch()
    rating = order._crm_satisfaction_request(customer, validity_days=30)

    for user in admin | distributor:
        if "tour_enabled" in user._fields:
            user.tour_enabled = False
        if "odoobot_state" in user._fields:
            user.odoobot_state = "disabled"
    ids = {
        "crm_menu": env.ref("crm.crm_menu_root").id,
        "plan": plan.id,
        "order": order.id,
        "agreement": agreement.id,
        "token": rating.access_token,
        "segment_customer": customer.display_name,
    }
    env["ir.config_parameter"].set_param(PARAM, json.dumps(ids))
    return ids


def with_env(db, func):
    from odoo import api
    from odoo.modules.registry import Registry

    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        result = func(env)
        cr.commit()
    return result


# ------------------------------------------------------------------ server
def port_free(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_server(args, odoo_bin, logfile):
    if not port_free(args.port):
        sys.exit(f"port {args.port} is in use: give another --port")
    cmd = [
        sys.executable,
        odoo_bin,
        *odoo_args(args),
        "-d",
        args.db,
        "--db-filter",
        f"^{args.db}$",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(args.port),
        "--max-cron-threads",
        "0",
        "--workers",
        "0",
        "--log-level",
        "warn",
    ]
    log(f"starting the server on 127.0.0.1:{args.port} (log: {logfile})")
    proc = subprocess.Popen(cmd, stdout=logfile.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{args.port}/web/login"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server stopped (exit {proc.returncode}): see {logfile}")
        try:
            with urllib.request.urlopen(url, timeout=60) as res:
                if res.status == 200:
                    return proc
        except OSError:
            time.sleep(1)
    proc.terminate()
    sys.exit(f"the server did not answer on {url}: see {logfile}")


# ------------------------------------------------------------------ captures
class Shooter:
    def __init__(self, out, base):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.base = base
        self.taken = []

    def shot(self, page, name, wait_for=None):
        if wait_for:
            page.wait_for_selector(wait_for, state="visible")
        if page.locator(".o_view_sample_data").count():
            sys.exit(f"{name}: the view shows Odoo's sample data, so it found no record")
        page.mouse.move(VIEWPORT["width"] - 2, VIEWPORT["height"] - 2)  # no hover effects
        page.wait_for_timeout(800)  # animations, lazy images
        path = self.out / f"{name}.png"
        page.screenshot(path=str(path))
        shrink(path)
        self.taken.append(path)
        log(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def login(self, browser, login, password):
        context = browser.new_context(viewport=VIEWPORT, locale="en-US")
        page = context.new_page()
        page.goto(f"{self.base}/web/login")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", password)
        page.click("form.oe_login_form button[type=submit]")
        page.wait_for_url("**/odoo**")
        page.wait_for_selector(".o_main_navbar")
        return page

    def goto(self, page, path, wait_for):
        page.goto(f"{self.base}{path}")
        page.wait_for_selector(wait_for, state="visible")


def shrink(path):
    """Palette PNG: a third of the size, same look for UI screens."""
    from PIL import Image

    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def capture(args, ids):
    from playwright.sync_api import sync_playwright

    s = Shooter(args.out, f"http://127.0.0.1:{args.port}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        # 1. a visitor sends the public form; the lead is found in the pipeline
        public = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
        public.set_default_timeout(120_000)
        public.goto(s.base + LEAD_URL)
        for name, value in LEAD.items():
            public.fill(f"form.crm_ops_lead_form [name={name}]", value)
        s.shot(public, "01-lead-form", "form.crm_ops_lead_form")
        public.click("form.crm_ops_lead_form button[type=submit]")
        public.wait_for_selector("#wrap h1:has-text('Thank you')")

        admin = s.login(browser, *ADMIN)
        admin.set_default_timeout(60_000)
        # the CRM app opens on the pipeline
        s.goto(admin, f"/odoo?menu_id={ids['crm_menu']}", ".o_kanban_renderer")
        admin.click(".o_searchview_facet:has-text('My Pipeline') .o_facet_remove")
        admin.fill(".o_searchview_input", "Tourist Trips")
        admin.press(".o_searchview_input", "Enter")
        s.shot(admin, "02-lead-pipeline", ".o_kanban_record:has-text('Tourist Trips Ltd')")
        admin.click(".o_kanban_record:has-text('Tourist Trips Ltd')")
        admin.click(".o_notebook_headers a[name=lead]")
        admin.locator(".o_field_widget[name=referred]").scroll_into_view_if_needed()
        s.shot(admin, "03-lead-utm", ".o_field_widget[name=source_id]")

        # 2. a follow-up plan, and the follow-ups of a confirmed order
        s.goto(
            admin,
            f"/odoo/action-crm_ops.crm_followup_plan_action/{ids['plan']}",
            ".o_form_view .o_field_widget[name=step_ids] .o_data_row",
        )
        s.shot(admin, "04-followup-plan")
        s.goto(
            admin,
            f"/odoo/action-sale.action_orders/{ids['order']}",
            "button[name=action_view_crm_followups]",
        )
        admin.click("button[name=action_view_crm_followups]")
        s.shot(admin, "05-followup-order", ".o_list_view .o_data_row")

        # 3. the customer answers the satisfaction request
        public.goto(f"{s.base}/rate/{ids['token']}/5")
        public.fill(
            ".o_rating_page_submit textarea[name=feedback]",
            "Quick delivery, and the chairs are great. One was a bit scratched.",
        )
        s.shot(public, "06-satisfaction", ".o_rating_page_submit form")
        public.click(".o_rating_page_submit button[type=submit]")
        s.shot(public, "07-satisfaction-done", ".o_rating_page_thank_you")

        # 4. the segments dashboard, then one segment
        s.goto(
            admin,
            "/odoo/action-crm_analytics.crm_customer_metric_action_segments",
            ".o_graph_renderer canvas",
        )
        s.shot(admin, "08-analytics-segments")
        admin.click(".o_control_panel .o_switch_view.o_pivot")
        cell = ".o_pivot tr:has(th:has-text('Champions')) td.o_pivot_cell_value >> nth=0"
        admin.wait_for_selector(cell)
        admin.click(cell)
        s.shot(admin, "09-analytics-segment", ".o_list_view .o_data_row")

        # 5. the owner proposed an agreement; the partner accepts and sees the customers
        s.goto(
            admin,
            f"/odoo/action-crm_collab.action_crm_collab_agreement/{ids['agreement']}",
            ".o_statusbar_status",
        )
        s.shot(admin, "10-collab-proposed")
        dist = s.login(browser, *DISTRIBUTOR)
        dist.set_default_timeout(60_000)
        s.goto(
            dist,
            f"/odoo/action-crm_collab.action_crm_collab_agreement/{ids['agreement']}",
            ".o_statusbar_status",
        )
        if dist.locator(
            ".o_statusbar_buttons button[name=action_accept]"
        ).count():  # not on --reuse
            dist.click(".o_statusbar_buttons button[name=action_accept]")
        dist.wait_for_selector(".o_statusbar_status .o_arrow_button_current:has-text('Active')")
        dist.click("button[name=action_view_shared_records]")
        s.shot(dist, "11-collab-shared", ".o_list_view .o_data_row")
        browser.close()
    return s.taken


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        import playwright  # noqa: F401
    except ImportError:
        sys.exit(
            "playwright is missing: run `<odoo python> -m pip install playwright` "
            "(the package only; never `playwright install`)"
        )
    if not os.access(args.chromium, os.X_OK):
        sys.exit(f"no Chromium at {args.chromium} (Debian: apt-get install chromium)")
    import odoo  # noqa: F401
    from odoo.tools import config

    config_args = (["-c", args.config] if args.config else []) + ["--http-interface", "127.0.0.1"]
    config.parse_config(config_args, setup_logging=False)  # to read its addons_path
    config.parse_config(
        config_args + ["--addons-path", addons_path(), "--log-level", "warn"], setup_logging=True
    )
    odoo_bin = find_odoo_bin(args)
    if args.reuse:
        ids = with_env(
            args.db, lambda env: json.loads(env["ir.config_parameter"].get_param(PARAM) or "null")
        )
        if not ids:
            sys.exit(f"{args.db} was not prepared by this script: run without --reuse")

        def new_request(env):  # the earlier request was answered by the previous run
            order = env["sale.order"].browse(ids["order"])
            return order._crm_satisfaction_request(order.partner_id, validity_days=30).access_token

        ids["token"] = with_env(args.db, new_request)
    else:
        create_database(args, odoo_bin)
        log("preparing one example of each flow")
        ids = with_env(args.db, prepare)
    logfile = Path("/tmp") / f"screenshots-{args.db}.log"
    server = start_server(args, odoo_bin, logfile)
    try:
        taken = capture(args, ids)
    finally:
        server.terminate()
        server.wait(30)
    if not args.keep_db and not args.reuse:
        from odoo.service import db as db_service

        db_service.exp_drop(args.db)
    log(f"{len(taken)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
