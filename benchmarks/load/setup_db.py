"""Prepare a throwaway database for benchmarks/bench_load.py (run inside ``odoo-bin shell``).

Reads its parameters as JSON from the environment variable ``LOAD_PARAMS``::

    {"clients": 8, "register": 2000, "orders": 1000, "followup_steps": 2, "email_every": 2,
     "followup_plans": ["warm", "one", "two", "kill"], "prefix": "load"}

and prints one line ``LOAD_SETUP_RESULT <json>`` with what bench_load.py needs:
API keys of the client users, the register's emails, the follow-up plans and cron ids.

What it does, all committed (the database is thrown away after the run):

* API rate limit raised to 1,000,000 per minute (the counter upsert still runs on every
  request, as in production; only the 429 answers are out of the way);
* ``clients`` API users (Sales / All documents) with one API key each;
* a register of ``register`` customers created through the ORM (match keys filled);
* ``orders`` confirmed sale orders inserted with SQL (the follow-ups only read
  state, partner, salesperson, name, date and company);
* one follow-up plan per name in ``followup_plans``, ``followup_steps`` steps each
  (every ``email_every``-th step, from the first, sends an email with its own template; the
  others schedule an activity),
  and its items for every order, due in 2100: the benchmark releases a plan by setting
  its items due now;
* every scheduled action inactive except the follow-up executor (left with its next
  call in 2100: the benchmark triggers it) and queue_job's; a second, inactive copy of the
  executor so two cron workers can run follow-ups at the same time;
* ``mail.mail.force.send.limit`` = 0: notification emails stay queued in mail.mail
  (nothing leaves the machine; they are counted instead).
"""

import json
import os

from odoo import fields

params = json.loads(os.environ["LOAD_PARAMS"])
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))  # noqa: F821
cr = env.cr
prefix = params.get("prefix", "load")
company = env.ref("base.main_company")

# ---- limits, crons, mail ------------------------------------------------
env["res.company"].search([]).write({"crm_ops_api_rate_limit": 1_000_000})
env["ir.config_parameter"].set_param("mail.mail.force.send.limit", "0")
executor = env.ref("crm_ops.ir_cron_crm_followup_execute")
queue_job_crons = env["ir.model.data"].search(
    [("module", "=", "queue_job"), ("model", "=", "ir.cron")]
)
keep = set(queue_job_crons.mapped("res_id")) | {executor.id}
env["ir.cron"].search([("id", "not in", list(keep))]).active = False
far = fields.Datetime.to_datetime("2100-01-01 00:00:00")
executor.write({"active": True, "nextcall": far})
executor_copy = executor.copy({"name": f"{executor.name} (second worker)", "active": False})
executor_copy.nextcall = far

# ---- API users and keys -----------------------------------------------------
group = env.ref("sales_team.group_sale_salesman_all_leads")
keys = []
for i in range(params["clients"]):
    login = f"{prefix}_api_{i}"
    user = env["res.users"].search([("login", "=", login)])
    if not user:
        user = env["res.users"].create(
            {
                "name": f"Load API client {i}",
                "login": login,
                "email": f"{login}@bench.example",
                "company_id": company.id,
                "company_ids": [(6, 0, [company.id])],
                "group_ids": [(4, group.id)],
            }
        )
    # sudo: the benchmark's own users get a key with no expiry (a throwaway database)
    keys.append(env["res.users.apikeys"].with_user(user).sudo()._generate(None, "bench_load", None))

# ---- the register ---------------------------------------------------------------
cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'LOADREG-%%'")
if not cr.fetchone()[0]:
    vals = [
        {
            "name": f"Register Customer {i}",
            "email": f"customer{i}@register{i % 97}.example",
            "phone": f"+34 91{i:07d}",
            "ref": f"LOADREG-{i}",
            "company_id": False,
            "is_company": False,
        }
        for i in range(params["register"])
    ]
    for start in range(0, len(vals), 1000):
        env["res.partner"].create(vals[start : start + 1000])
        env.flush_all()
        env.invalidate_all()
env["res.partner"]._crm_ops_recompute_match_keys()
cr.execute(
    "SELECT id, email, phone FROM res_partner WHERE ref LIKE 'LOADREG-%%' ORDER BY id",
)
register = cr.fetchall()

# ---- confirmed orders (SQL) -----------------------------------------------------------
cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'LOAD/%%'")
if not cr.fetchone()[0] and params["orders"]:
    currency = company.currency_id.id
    pricelist = env["product.pricelist"].search(
        [("company_id", "in", [company.id, False])], limit=1
    )
    cr.execute(
        """INSERT INTO sale_order
               (name, partner_id, partner_invoice_id, partner_shipping_id, company_id,
                user_id, state, date_order, currency_id, pricelist_id, amount_total,
                create_uid, create_date, write_uid, write_date)
           SELECT 'LOAD/' || g, p.id, p.id, p.id, %(company)s,
                  %(uid)s, 'sale', now() at time zone 'utc' - interval '1 day', %(currency)s,
                  %(pricelist)s, 100, %(uid)s, now() at time zone 'utc',
                  %(uid)s, now() at time zone 'utc'
             FROM generate_series(1, %(n)s) g
             JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM res_partner
                    WHERE ref LIKE 'LOADREG-%%') p
               ON p.rn = g %% %(reg)s""",
        {
            "company": company.id,
            "uid": env.uid,
            "currency": currency,
            "pricelist": pricelist.id or None,
            "n": params["orders"],
            "reg": len(register),
        },
    )

# ---- follow-up plans and their items ---------------------------------------------------
env["crm.followup.plan"].search([]).active = False
plans = {}
for plan_name in params["followup_plans"]:
    name = f"LOAD {plan_name}"
    plan = env["crm.followup.plan"].search([("name", "=", name)])
    if not plan:
        steps = []
        for k in range(params["followup_steps"]):
            step = {
                "name": f"LOAD-{plan_name}-{k}",
                "sequence": k,
                "skip_if_reordered": False,
            }
            if k % params.get("email_every", 2) == 0:
                template = env["mail.template"].create(
                    {
                        "name": f"LOAD-{plan_name}-{k}",
                        "model_id": env["ir.model"]._get_id("sale.order"),
                        "subject": f"LOAD-{plan_name}-{k}",
                        "body_html": "<p>Hello {{ object.partner_id.name }}, "
                        "how is order {{ object.name }}?</p>",
                    }
                )
                step.update(action_type="email", mail_template_id=template.id)
            else:
                step.update(action_type="activity", activity_summary=f"LOAD-{plan_name}-{k}")
            steps.append((0, 0, step))
        plan = env["crm.followup.plan"].create(
            {"name": name, "company_id": company.id, "trigger": "confirmed", "step_ids": steps}
        )
        env.flush_all()
        # order by order, then step: every batch the executor claims has the same mix of
        # emails and activities
        cr.execute(
            """INSERT INTO crm_followup_item
                   (order_id, step_id, plan_id, partner_id, user_id, company_id,
                    trigger_date, due_date, state, attempts,
                    create_uid, create_date, write_uid, write_date)
               SELECT so.id, st.id, %(plan)s, so.partner_id, so.user_id, so.company_id,
                      now() at time zone 'utc', %(far)s, 'pending', 0,
                      %(uid)s, now() at time zone 'utc', %(uid)s, now() at time zone 'utc'
                 FROM sale_order so CROSS JOIN crm_followup_step st
                WHERE so.name LIKE 'LOAD/%%' AND st.plan_id = %(plan)s
                ORDER BY so.id, st.sequence
               ON CONFLICT (order_id, step_id) DO NOTHING""",
            {"plan": plan.id, "far": far, "uid": env.uid},
        )
    plans[plan_name] = {
        "id": plan.id,
        "steps": [(s.id, s.name, s.action_type) for s in plan.step_ids],
    }
cr.execute("ANALYZE crm_followup_item")
cr.commit()

print(
    "LOAD_SETUP_RESULT",
    json.dumps(
        {
            "keys": keys,
            "register": [[email, phone] for _id, email, phone in register],
            "plans": plans,
            "crons": [executor.id, executor_copy.id],
            "company_id": company.id,
        }
    ),
)
