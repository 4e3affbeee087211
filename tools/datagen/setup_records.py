"""Setup records through the ORM: companies, users, teams, products, helpdesk types,
UTM campaigns and mailings (``ref``, the ids the bulk steps point to)."""

from datetime import timedelta

import numpy as np

from . import vocab
from .common import DataGenError, _count


def _resolve_companies(env, companies, n_companies):
    Company = env["res.company"]
    if companies and n_companies:
        raise DataGenError("give either company names or a number of companies, not both")
    if companies:
        if isinstance(companies, str):
            companies = [companies]
        found = Company.browse()
        for name in companies:
            company = Company.search([("name", "=", name)], limit=1)
            if not company:
                existing = ", ".join(repr(n) for n in Company.search([]).mapped("name"))
                raise DataGenError(
                    f"unknown company {name!r}; existing companies: {existing} "
                    "(use --companies N to create new ones)"
                )
            found |= company
        return found
    if n_companies is not None:
        n = _count("companies", n_companies, 1)
        names = [
            vocab.COMPANY_NAMES[i] if i < len(vocab.COMPANY_NAMES) else f"Company {i + 1}"
            for i in range(n)
        ]
        result = Company.browse()
        for name in names:
            company = Company.search([("name", "=", name)], limit=1)
            if not company:
                company = Company.create({"name": name})
            result |= company
        admin = env.ref("base.user_admin", raise_if_not_found=False)
        if admin:
            admin.company_ids |= result
        return result
    return env.company


def _setup(env, companies, n_mailings, rng_setup, start, end):
    """Create (or reuse) the few reference records; return a dict of ids."""
    ref = {}
    # salespeople and support agents shared by the generated companies
    group_sale = env.ref("sales_team.group_sale_salesman")
    group_hd = env.ref("helpdesk_mgmt.group_helpdesk_user", raise_if_not_found=False)
    Users = env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True)
    users = []
    names = [
        "Alice Martin",
        "Bruno Keller",
        "Chiara Rossi",
        "Dylan Smith",
        "Eva Novak",
        "Farid Haddad",
    ]
    for i, name in enumerate(names):
        login = f"datagen.user{i + 1}"
        user = Users.search([("login", "=", login)], limit=1)
        groups = group_sale | (group_hd or group_sale)
        if not user:
            user = Users.create(
                {
                    "name": name,
                    "login": login,
                    "email": f"{login}@example.com",
                    "company_id": companies[0].id,
                    "company_ids": [(6, 0, companies.ids)],
                    "group_ids": [(4, g.id) for g in groups],
                }
            )
        else:
            user.company_ids |= companies
        users.append(user.id)
    ref["users"] = np.array(users)

    # one sales team and one helpdesk team per company
    Team = env["crm.team"]
    HdTeam = env["helpdesk.ticket.team"]
    ref["team"], ref["hd_team"], ref["currency"] = {}, {}, {}
    for company in companies:
        name = f"{company.name} Direct Sales"
        team = Team.search([("name", "=", name), ("company_id", "=", company.id)], limit=1)
        if not team:
            team = Team.create(
                {"name": name, "company_id": company.id, "member_ids": [(6, 0, users[:4])]}
            )
        ref["team"][company.id] = team.id
        name = f"{company.name} Support"
        hd = HdTeam.search([("name", "=", name), ("company_id", "=", company.id)], limit=1)
        if not hd:
            hd = HdTeam.create(
                {"name": name, "company_id": company.id, "user_ids": [(6, 0, users[3:])]}
            )
        ref["hd_team"][company.id] = hd.id
        ref["currency"][company.id] = company.currency_id.id

    # products, no taxes (amount_tax stays 0 so totals are checkable)
    Categ = env["product.category"]
    Product = env["product.product"]
    categ_ids = {}
    products = []
    for i, (name, categ, price, ptype) in enumerate(vocab.PRODUCTS):
        if categ not in categ_ids:
            c = Categ.search([("name", "=", categ)], limit=1) or Categ.create({"name": categ})
            categ_ids[categ] = c.id
        code = f"DG-{i + 1:03d}"
        product = Product.search([("default_code", "=", code)], limit=1)
        if not product:
            product = Product.create(
                {
                    "name": name,
                    "default_code": code,
                    "list_price": price,
                    "type": ptype,
                    "categ_id": categ_ids[categ],
                    "taxes_id": [(6, 0, [])],
                    "sale_ok": True,
                    "invoice_policy": "order",
                }
            )
        products.append((product.id, product.uom_id.id, product.display_name, price, ptype))
    ref["products"] = products

    # helpdesk ticket types (one is "Complaint") and categories
    Type = env["helpdesk.ticket.type"]
    ref["ticket_types"] = {}
    for name in ("Question", "Incident", "Complaint", "Return"):
        t = Type.search([("name", "=", name)], limit=1) or Type.create({"name": name})
        ref["ticket_types"][name] = t.id
    HdCateg = env["helpdesk.ticket.category"]
    ref["ticket_categories"] = [
        (HdCateg.search([("name", "=", n)], limit=1) or HdCateg.create({"name": n})).id
        for n in ("Billing", "Delivery", "Technical", "Product")
    ]
    stages = env["helpdesk.ticket.stage"].search([], order="sequence, id")
    ref["hd_stages"] = [(s.id, s.name, s.closed, s.unattended) for s in stages]
    ref["channels"] = env["helpdesk.ticket.channel"].search([]).ids

    # CRM stages and lost reasons
    stages = env["crm.stage"].search([], order="sequence, id")
    ref["crm_won"] = stages.filtered("is_won")[:1].id
    ref["crm_open"] = stages.filtered(lambda s: not s.is_won)[:3].ids
    if not ref["crm_won"] or not ref["crm_open"]:
        raise DataGenError("the database needs CRM stages (one won stage and one open stage)")
    reasons = env["crm.lost.reason"].search([])
    if not reasons:
        reasons = env["crm.lost.reason"].create(
            [{"name": "Too expensive"}, {"name": "Not enough stock"}]
        )
    ref["lost_reasons"] = reasons.ids

    # UTM: two campaigns, the e-mail medium; mailing list; mass mailings
    Campaign = env["utm.campaign"]
    campaigns = []
    for name in ("Newsletter", "Seasonal promotions"):
        c = Campaign.search([("name", "=", name)], limit=1) or Campaign.create({"name": name})
        campaigns.append(c.id)
    ref["campaigns"] = campaigns
    medium = env.ref("utm.utm_medium_email", raise_if_not_found=False)
    ref["medium_email"] = medium.id if medium else False
    mlist = env["mailing.list"].search([("name", "=", "Customers (generated)")], limit=1)
    if not mlist:
        mlist = env["mailing.list"].create({"name": "Customers (generated)"})
    ref["mailing_list"] = mlist.id
    model_partner = env["ir.model"]._get_id("res.partner")
    span = (end - start).total_seconds()
    mailings = []
    for k in range(n_mailings):
        when = start + timedelta(seconds=span * (k + 0.5) / n_mailings)
        when = when.replace(hour=9, minute=0, second=0, microsecond=0)
        subject = vocab.MAILING_SUBJECTS[k % len(vocab.MAILING_SUBJECTS)]
        mailing = env["mailing.mailing"].create(
            {
                "subject": f"{subject} ({when:%b %Y})",
                "body_html": f"<p>{subject}</p><p><a href='https://example.com/offers/{k + 1}'>"
                "See the offers</a></p>",
                "mailing_model_id": model_partner,
                "mailing_domain": "[('email', '!=', False)]",
                "campaign_id": campaigns[k % 2],
                "medium_id": ref["medium_email"],
                "state": "done",
                "schedule_type": "scheduled",
                "schedule_date": when,
                "sent_date": when,
            }
        )
        link = env["link.tracker"].create(
            {
                "url": f"https://example.com/offers/{k + 1}?m={mailing.id}",
                "title": subject,
                "mass_mailing_id": mailing.id,
                "campaign_id": campaigns[k % 2],
                "medium_id": ref["medium_email"],
                "source_id": mailing.source_id.id,
            }
        )
        mailings.append(
            (mailing.id, np.datetime64(when, "s"), campaigns[k % 2], mailing.source_id.id, link.id)
        )
    ref["mailings"] = mailings
    ref["lang"] = env["res.lang"].search([("active", "=", True)], limit=1).code or "en_US"
    ref["countries"] = {
        c.code: c.id for c in env["res.country"].search([("code", "in", list(vocab.COUNTRIES))])
    }
    env.flush_all()
    return ref
