"""Fill an Odoo 19 database with realistic, deterministic CRM data.

Setup records (companies, users, teams, products, helpdesk types, UTM campaigns,
mailings) go through the ORM; partners, leads, orders, lines, tickets and mailing
traces are drawn with numpy (``Generator(PCG64(seed))``) and loaded with COPY.

Ground truth for de-duplication is kept in the table ``datagen_partner_duplicate``
(partner_id, original_id, variation); each run is logged in ``datagen_run``.
"""

import json
import time
import unicodedata
from datetime import date, datetime, timedelta

import numpy as np

from . import vocab
from .sqlload import (
    check_foreign_keys,
    copy_rows,
    drop_secondary_indexes,
    reserve_ids,
    restore_foreign_key_checks,
    restore_indexes,
    skip_foreign_key_checks,
)

# monthly weight of the order intensity, January..December (December peak, summer dip)
SEASON = np.array([0.80, 0.85, 1.00, 1.00, 1.00, 0.90, 0.70, 0.65, 1.05, 1.10, 1.30, 1.60])
# weekday weight, Monday..Sunday
WEEKDAY = np.array([1.10, 1.10, 1.10, 1.05, 1.00, 0.55, 0.35])
GROWTH = 0.10  # yearly growth of the order intensity
PRICE_INFLATION = 0.03  # yearly list-price increase
# above this many rows in one table, its secondary indexes are dropped during the load
DROP_INDEX_ROWS = 200_000
BULK_TABLES = (
    "res_partner",
    "crm_lead",
    "sale_order",
    "sale_order_line",
    "helpdesk_ticket",
    "mailing_trace",
    "link_tracker_click",
    "helpdesk_ticket_sale_order_rel",
)
DUP_TABLE = "datagen_partner_duplicate"
RUN_TABLE = "datagen_run"
STREETS = [
    "Main Street",
    "Station Road",
    "Market Square",
    "Park Avenue",
    "Church Street",
    "Mill Lane",
    "Harbour Road",
    "King Street",
    "Oak Avenue",
    "Bridge Road",
]


class DataGenError(ValueError):
    """Bad input to the generator (the command line prints it and exits with 2)."""


# --------------------------------------------------------------------------- helpers
def _fold(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _count(name, value, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise DataGenError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise DataGenError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _validate(
    partners, orders, leads, tickets, mailings, traces, years, seed, duplicates, lines_per_order
):
    counts = {
        "partners": _count("partners", partners),
        "orders": _count("orders", orders),
        "leads": _count("leads", leads),
        "tickets": _count("tickets", tickets),
        "mailings": _count("mailings", mailings),
        "traces": _count("traces", traces),
    }
    _count("years", years, 1)
    _count("seed", seed)
    if not isinstance(duplicates, (int, float)) or not 0 <= duplicates <= 0.5:
        raise DataGenError(f"duplicates must be a fraction between 0 and 0.5, got {duplicates!r}")
    if not isinstance(lines_per_order, (int, float)) or not 1 <= lines_per_order <= 20:
        raise DataGenError(f"lines_per_order must be between 1 and 20, got {lines_per_order!r}")
    if (orders or tickets or traces) and not partners:
        raise DataGenError("orders, tickets and mailing traces need partners (partners > 0)")
    if traces and not mailings:
        raise DataGenError("mailing traces need at least one mailing (mailings > 0)")
    return counts


# --------------------------------------------------------------------------- setup (ORM)
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


# --------------------------------------------------------------------------- time model
class Calendar:
    """Day grid over the period with a seasonal, weekly and growing intensity.

    ``to_datetime(q)`` maps quantiles q in [0, 1] of the cumulated intensity to
    datetimes, so uniform draws in q-space follow the seasonal pattern.
    """

    def __init__(self, start, end):
        self.start = np.datetime64(start, "D")
        self.days = int((np.datetime64(end, "D") - self.start).astype(int)) + 1
        grid = self.start + np.arange(self.days)
        months = grid.astype("datetime64[M]").astype(int) % 12
        weekday = (grid.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
        years = np.arange(self.days) / 365.25
        w = SEASON[months] * WEEKDAY[weekday] * (1.0 + GROWTH) ** years
        self.cum = np.concatenate([[0.0], np.cumsum(w)])
        self.cum /= self.cum[-1]

    def to_datetime(self, q, rng):
        day = np.interp(q, self.cum, np.arange(self.days + 1))
        day = np.minimum(np.floor(day), self.days - 1).astype(np.int64)
        seconds = np.clip(rng.normal(13.5 * 3600, 3 * 3600, size=len(q)), 7 * 3600, 21 * 3600)
        return (self.start + day).astype("datetime64[s]") + seconds.astype(np.int64)

    def q_of(self, dt):
        """Inverse of to_datetime (to day precision)."""
        day = (dt.astype("datetime64[D]") - self.start).astype(np.int64)
        day = np.clip(day, 0, self.days - 1)
        return self.cum[day]


# --------------------------------------------------------------------------- people
class People:
    """Names, e-mails and phones drawn per country, with messy formats on purpose."""

    def __init__(self, rng):
        self.rng = rng
        self.codes = list(vocab.COUNTRIES)
        w = np.array([vocab.COUNTRIES[c]["weight"] for c in self.codes])
        self.weights = w / w.sum()

    def countries(self, n):
        return self.rng.choice(len(self.codes), size=n, p=self.weights)

    def person_names(self, cidx):
        rng = self.rng
        n = len(cidx)
        u1, u2, u3 = rng.random(n), rng.random(n), rng.random(n)
        initials = rng.integers(0, 26, size=n)
        firsts, lasts, names = [], [], []
        for i in range(n):
            conf = vocab.COUNTRIES[self.codes[cidx[i]]]
            f = conf["first"][int(u1[i] * len(conf["first"]))]
            last = conf["last"][int(u2[i] * len(conf["last"]))]
            firsts.append(f)
            lasts.append(last)
            if u3[i] < 0.25:
                names.append(f"{f} {chr(65 + initials[i])}. {last}")
            else:
                names.append(f"{f} {last}")
        return firsts, lasts, names

    def company_names(self, cidx):
        rng = self.rng
        n = len(cidx)
        a = rng.integers(0, len(vocab.COMPANY_WORDS), size=n)
        b = rng.integers(0, len(vocab.COMPANY_TRADES), size=n)
        c = rng.integers(0, len(vocab.COMPANY_WORDS), size=n)
        two = rng.random(n) < 0.5
        s = rng.random(n)
        names, domains = [], []
        for i in range(n):
            conf = vocab.COUNTRIES[self.codes[cidx[i]]]
            w1, trade = vocab.COMPANY_WORDS[a[i]], vocab.COMPANY_TRADES[b[i]]
            base = (
                f"{w1} {vocab.COMPANY_WORDS[c[i]]} {trade}"
                if two[i] and c[i] != a[i]
                else f"{w1} {trade}"
            )
            suffix = conf["suffix"][int(s[i] * len(conf["suffix"]))]
            names.append(f"{base} {suffix}")
            tld = "com" if self.codes[cidx[i]] in ("US", "GB") else self.codes[cidx[i]].lower()
            domains.append(f"{_fold(base).lower().replace(' ', '')}.{tld}")
        return names, domains

    def emails(self, cidx, firsts, lasts, company_domains=None):
        """Canonical e-mails (lower case) for persons; company contacts use its domain."""
        rng = self.rng
        n = len(cidx)
        sep = rng.integers(0, 3, size=n)
        num = np.where(rng.random(n) < 0.5, rng.integers(1, 1000, size=n), 0)
        dom = rng.random(n)
        out = []
        for i in range(n):
            conf = vocab.COUNTRIES[self.codes[cidx[i]]]
            f = _fold(firsts[i]).lower().replace(" ", "")
            last = _fold(lasts[i]).lower().replace(" ", "")
            local = f + (".", "_", "")[sep[i]] + last + (str(num[i]) if num[i] else "")
            if company_domains is not None and company_domains[i]:
                domain = company_domains[i]
            else:
                domain = conf["domains"][int(dom[i] * len(conf["domains"]))]
            out.append(f"{local}@{domain}")
        return out

    def messy_emails(self, canonical, display_names, missing=0.08):
        """Return (email, kind) with kind in plain/missing/upper/capital/spaces/named/invalid."""
        rng = self.rng
        n = len(canonical)
        u = rng.random(n)
        emails, kinds = [], []
        edges = np.cumsum([missing, 0.10, 0.03, 0.04, 0.02, 0.015])
        for i in range(n):
            e = canonical[i]
            x = u[i]
            if e is None or x < edges[0]:
                emails.append(None)
                kinds.append("missing")
            elif x < edges[1]:
                local, domain = e.split("@")
                emails.append(
                    ".".join(p.capitalize() for p in local.split(".")) + "@" + domain.capitalize()
                )
                kinds.append("capital")
            elif x < edges[2]:
                emails.append(e.upper())
                kinds.append("upper")
            elif x < edges[3]:
                emails.append(f" {e} " if i % 2 else f"{e} ")
                kinds.append("spaces")
            elif x < edges[4]:
                emails.append(f'"{_fold(display_names[i])}" <{e}>')
                kinds.append("named")
            elif x < edges[5]:
                emails.append(e.replace("@", " at ") if i % 2 else e.replace("@", "@@"))
                kinds.append("invalid")
            else:
                emails.append(e)
                kinds.append("plain")
        return emails, kinds

    def phone_numbers(self, cidx):
        """Return (dial code, national significant number) strings per row."""
        rng = self.rng
        n = len(cidx)
        plan_u = rng.random(n)
        digits = rng.integers(0, 10, size=(n, 9))
        dials, nsns = [], []
        for i in range(n):
            conf = vocab.COUNTRIES[self.codes[cidx[i]]]
            prefix, k = conf["phones"][int(plan_u[i] * len(conf["phones"]))]
            d = "".join(map(str, digits[i, :k]))
            if self.codes[cidx[i]] == "US" and d[0] in "01":
                d = "5" + d[1:]
            dials.append(conf["dial"])
            nsns.append(prefix + d)
        return dials, nsns

    def format_phone(self, code, dial, nsn, style):
        """One written form of the number; ``style`` 0..6 (0-1 international)."""
        trunk = vocab.COUNTRIES[code]["trunk"]
        if code == "US":
            a, b, c = nsn[:3], nsn[3:6], nsn[6:]
            return (
                f"+1{nsn}",
                f"+1 {a} {b} {c}",
                f"({a}) {b}-{c}",
                f"{a}{b}{c}",
                f"001 {a} {b} {c}",
                f"{a}.{b}.{c}",
                f"1-{a}-{b}-{c}",
            )[style]
        national = (trunk + nsn) if code != "IT" else nsn
        pairs = " ".join(national[max(0, j - 2) : j] for j in range(len(national), 0, -2)[::-1])
        if style == 0:
            return f"+{dial}{nsn}"
        if style == 1:
            return f"+{dial} {nsn[:1]} {nsn[1:4]} {nsn[4:]}" if len(nsn) > 5 else f"+{dial} {nsn}"
        if style == 2:
            return pairs
        if style == 3:
            return national
        if style == 4:
            return f"00{dial} {nsn}"
        if style == 5:
            return pairs.replace(" ", ".")
        # "+33 (0)6 12 ..": only where there is a trunk prefix
        if trunk:
            return f"+{dial} ({trunk}){nsn[:1]} {nsn[1:]}"
        return f"+{dial}-{nsn}"

    def messy_phones(self, cidx, has_country, missing=0.12, junk=0.01):
        """Return (phone, sanitized E.164 or None, dial, nsn)."""
        rng = self.rng
        n = len(cidx)
        dials, nsns = self.phone_numbers(cidx)
        u = rng.random(n)
        styles = rng.choice(7, size=n, p=[0.20, 0.20, 0.25, 0.12, 0.08, 0.08, 0.07])
        phones, sanitized = [], []
        for i in range(n):
            if u[i] < missing:
                phones.append(None)
                sanitized.append(None)
                continue
            if u[i] < missing + junk:
                phones.append(("n/a", "123", "0000", "tbd")[i % 4])
                sanitized.append(None)
                continue
            style = int(styles[i]) if has_country[i] else int(styles[i]) % 2
            phones.append(self.format_phone(self.codes[cidx[i]], dials[i], nsns[i], style))
            sanitized.append(f"+{dials[i]}{nsns[i]}")
        return phones, sanitized, dials, nsns


def _email_normalized(emails, kinds):
    from odoo.tools import email_normalize

    out = []
    for e, k in zip(emails, kinds):
        if e is None:
            out.append(None)
        elif k in ("plain", "capital", "upper"):
            out.append(e.lower())
        else:
            out.append(email_normalize(e) or None)
    return out


def round2(values):
    """Round half away from zero to cents like odoo.tools.float_round (not banker's)."""
    v = np.asarray(values, dtype=float) / 0.01
    mag = np.abs(v)
    eps = np.where(mag > 0, 2.0 ** (np.log2(np.where(mag > 0, mag, 1.0)) - 52), 0.0)
    return np.sign(v) * np.floor(mag + eps + 0.5) * 0.01


def _typo(rng_u, text):
    """Deterministic small typo: swap, drop or double one inner letter."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text + "e"
    pos = letters[1 + int(rng_u[0] * (len(letters) - 2))]
    kind = int(rng_u[1] * 3)
    if kind == 0 and pos + 1 < len(text):
        return text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
    if kind == 1:
        return text[:pos] + text[pos + 1 :]
    return text[:pos] + text[pos] + text[pos:]


# --------------------------------------------------------------------------- main entry
def generate(
    env,
    *,
    partners=1000,
    orders=2000,
    leads=None,
    tickets=None,
    mailings=None,
    traces=None,
    years=3,
    companies=None,
    n_companies=None,
    seed=42,
    duplicates=0.05,
    lines_per_order=2.5,
    end_date=None,
    progress=None,
    commit=None,
    drop_indexes=None,
):
    """Generate CRM data into the database of ``env``; return the counts created.

    Parameters
    ----------
    partners, orders : int
        Number of res.partner rows (near-duplicates included) and of sale orders.
    leads, tickets, mailings, traces : int, optional
        Defaults: partners // 10 leads and tickets, 10 mailings (0 without
        partners) and ``partners`` mailing traces in total.
    years : int
        Length of the period ending at ``end_date`` (default today) over which
        orders, leads and tickets are spread.
    companies : list of str, optional
        Names of existing companies to fill (unknown name -> DataGenError).
    n_companies : int, optional
        Create (or reuse) that many demo companies instead.
    seed : int
        Same seed and same end date (and same database start state) give the
        same data.
    duplicates : float
        Fraction of partners that are near-duplicates of another partner;
        recorded in table ``datagen_partner_duplicate``.
    progress : Progress, optional
        Receives the number of rows written.
    commit : callable, optional
        Called after every batch (the command line passes ``cr.commit``).
    drop_indexes : bool, optional
        Bulk mode: drop secondary indexes of the filled tables during the load and
        rebuild them after, and (as a PostgreSQL superuser) skip per-row foreign-key
        checks, verifying every foreign key of the new rows once at the end.
        Default: when more than 200,000 rows go into one table.

    Returns
    -------
    dict
        Row counts per kind, ``first_ids`` per table, timings per step in seconds.
    """
    leads = partners // 10 if leads is None else leads
    tickets = partners // 10 if tickets is None else tickets
    mailings = (10 if partners else 0) if mailings is None else mailings
    traces = (partners if mailings else 0) if traces is None else traces
    counts = _validate(
        partners, orders, leads, tickets, mailings, traces, years, seed, duplicates, lines_per_order
    )
    end_date = end_date or date.today()
    if isinstance(end_date, str):
        try:
            end_date = date.fromisoformat(end_date)
        except ValueError as exc:
            raise DataGenError(f"end_date must be YYYY-MM-DD, got {end_date!r}") from exc
    env = env(su=True)
    companies = _resolve_companies(env, companies, n_companies)
    end = datetime.combine(end_date, datetime.min.time()) + timedelta(hours=23, minutes=59)
    start = datetime.combine(end_date - timedelta(days=round(365.25 * years)), datetime.min.time())
    t0 = time.monotonic()
    rng = np.random.Generator(np.random.PCG64(seed))
    ref = _setup(env, companies, counts["mailings"], rng, start, end)
    cr = env.cr
    _ensure_side_tables(cr)
    timings = {"setup": time.monotonic() - t0}

    gen = _Run(
        env, rng, ref, companies, counts, duplicates, lines_per_order, start, end, progress, commit
    )
    if drop_indexes is None:
        drop_indexes = max(partners, orders * lines_per_order, traces) > DROP_INDEX_ROWS
    saved = drop_secondary_indexes(cr, BULK_TABLES) if drop_indexes else []
    no_fk = skip_foreign_key_checks(cr) if drop_indexes else False
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
        cr.execute(f"ANALYZE {table}")
    if progress:
        progress.end()
    env.invalidate_all()
    result = dict(
        gen.created,
        first_ids=gen.first_ids,
        timings=timings,
        companies=companies.ids,
        end_date=end_date.isoformat(),
    )
    result["seconds"] = round(time.monotonic() - t0, 1)
    cr.execute(
        f"INSERT INTO {RUN_TABLE} (seed, params, result) VALUES (%s, %s, %s)",
        (
            seed,
            json.dumps(
                dict(
                    counts,
                    years=years,
                    duplicates=duplicates,
                    lines_per_order=lines_per_order,
                    companies=companies.mapped("name"),
                )
            ),
            json.dumps(result, default=str),
        ),
    )
    if commit:
        commit()
    return result


def _ensure_side_tables(cr):
    cr.execute(f"""
        CREATE TABLE IF NOT EXISTS {DUP_TABLE} (
            partner_id integer PRIMARY KEY REFERENCES res_partner(id) ON DELETE CASCADE,
            original_id integer NOT NULL REFERENCES res_partner(id) ON DELETE CASCADE,
            variation varchar NOT NULL
        );
        CREATE TABLE IF NOT EXISTS {RUN_TABLE} (
            id serial PRIMARY KEY,
            create_date timestamp NOT NULL DEFAULT (now() at time zone 'UTC'),
            seed integer, params jsonb, result jsonb
        );
    """)


def _total_rows(counts, lines_per_order):
    """Rows the progress bar will count for these counts."""
    return int(
        counts["partners"]
        + counts["orders"] * (1 + lines_per_order)
        + counts["leads"]
        + counts["tickets"] * 1.4
        + counts["traces"] * 1.05
    )


class _Run:
    """One generation run: holds the drawn arrays shared between the steps."""

    def __init__(
        self,
        env,
        rng,
        ref,
        companies,
        counts,
        duplicates,
        lines_per_order,
        start,
        end,
        progress,
        commit,
    ):
        self.env, self.cr, self.rng, self.ref = env, env.cr, rng, ref
        self.companies = companies
        self.counts = counts
        self.duplicates = duplicates
        self.lines_per_order = lines_per_order
        self.start, self.end = start, end
        self.cal = Calendar(start, end)
        self.progress, self.commit = progress, commit
        self.people = People(rng)
        self.uid = env.uid
        self.now = np.datetime64(end, "s")
        self.created = {}
        self.first_ids = {}

    def _step(self, name, rows):
        if self.progress:
            self.progress.begin(name, rows)

    def _end(self):
        if self.progress:
            self.progress.end()

    def run(self, timings):
        for name, fn in (
            ("partners", self.partners),
            ("orders", self.orders),
            ("leads", self.leads),
            ("tickets", self.tickets),
            ("mailings", self.traces),
        ):
            t = time.monotonic()
            fn()
            timings[name] = round(time.monotonic() - t, 2)

    # ----------------------------------------------------------------- partners
    def partners(self):
        rng, people, ref = self.rng, self.people, self.ref
        n = self.counts["partners"]
        if not n:
            self.partner = dict(
                ids=np.zeros(0, np.int64),
                parent_pos=np.zeros(0, np.int64),
                dup_of=np.zeros(0, np.int64),
                email=[],
                names=[],
            )
            self.created.update(partners=0, duplicates=0)
            return
        self._step("partners", n)
        n_dup = round(n * self.duplicates) if n > 1 else 0
        n_orig = n - n_dup
        n_co = int((rng.random(n_orig) < 0.12).sum())
        # originals: companies first (parents before children), then persons
        kinds = np.concatenate([np.ones(n_co, bool), np.zeros(n_orig - n_co, bool)])
        cidx = people.countries(n)
        has_country = rng.random(n) >= 0.04
        # persons: 35% are contacts of a company
        parent_pos = np.full(n, -1, np.int64)
        if n_co:
            contact = (~kinds) & (rng.random(n_orig) < 0.35)
            parent_pos[:n_orig][contact] = rng.integers(0, n_co, size=int(contact.sum()))
            cidx[:n_orig][contact] = cidx[parent_pos[:n_orig][contact]]
            has_country[:n_orig][contact] = has_country[parent_pos[:n_orig][contact]]
        first_id = reserve_ids(self.cr, "res_partner", n)
        self.first_ids["res_partner"] = first_id
        ids = first_id + np.arange(n, dtype=np.int64)

        co_names, co_domains = people.company_names(cidx[:n_co])
        firsts, lasts, p_names = people.person_names(cidx[n_co:n_orig])
        names = co_names + p_names
        # canonical e-mails
        co_mail = [
            f"{('info', 'contact', 'sales', 'hello')[i % 4]}@{d}" for i, d in enumerate(co_domains)
        ]
        contact_domains = [co_domains[p] if p >= 0 else None for p in parent_pos[n_co:n_orig]]
        p_mail = people.emails(cidx[n_co:n_orig], firsts, lasts, contact_domains)
        canonical = co_mail + p_mail
        emails, ekinds = people.messy_emails(canonical, names)
        phones, sanitized, dials, nsns = people.messy_phones(cidx[:n_orig], has_country[:n_orig])
        cities = []
        zips = []
        streets = []
        street_no = rng.integers(1, 200, size=n)
        city_u = rng.random(n)
        street_u = rng.integers(0, len(STREETS), size=n)
        for i in range(n_orig):
            conf = vocab.COUNTRIES[people.codes[cidx[i]]]
            city, zip_ = conf["cities"][int(city_u[i] * len(conf["cities"]))]
            cities.append(city)
            zips.append(zip_)
            streets.append(f"{street_no[i]} {STREETS[street_u[i]]}")

        # near-duplicates of originals that are not company contacts
        dup_of = np.full(n, -1, np.int64)
        variations = []
        if n_dup:
            pool = np.flatnonzero(parent_pos[:n_orig] < 0)
            orig = pool[rng.integers(0, len(pool), size=n_dup)]
            dup_of[n_orig:] = orig
            cidx[n_orig:] = cidx[orig]
            has_country[n_orig:] = has_country[orig]
            u = rng.random((n_dup, 8))
            styles = rng.integers(0, 7, size=n_dup)
            for k in range(n_dup):
                o = int(orig[k])
                code = people.codes[cidx[o]]
                name = names[o]
                v = u[k]
                kind_name = int(v[2] * 5)
                if kind_name == 0:
                    name, tag = _typo(v[3:5], name), "typo"
                elif kind_name == 1:
                    name, tag = (name.upper() if v[3] < 0.5 else name.lower()), "case"
                elif kind_name == 2:
                    name, tag = _fold(name), "accents"
                elif kind_name == 3 and not kinds[o]:
                    parts = name.split(" ")
                    name, tag = f"{parts[-1]} {parts[0]}", "swapped"
                elif kind_name == 3:
                    name, tag = " ".join(name.split(" ")[:-1]), "no_suffix"
                else:
                    name, tag = name, "same_name"
                tags = [tag]
                # e-mail: same address written otherwise, another one, or none
                e = canonical[o]
                if v[5] < 0.55:
                    e = (e.upper() if v[6] < 0.3 else f" {e.capitalize()}") if v[6] < 0.6 else e
                    tags.append("email")
                elif v[5] < 0.70:
                    local, domain = e.split("@")
                    alt = vocab.COUNTRIES[code]["domains"][int(v[6] * 5) % 5]
                    e = f"{local}@{alt if alt != domain else 'gmail.com'}"
                    tags.append("other_email")
                else:
                    e = None
                emails.append(e)
                ekinds.append("spaces" if e else "missing")
                # phone: same number in another format, or none
                if sanitized[o] and v[7] < 0.65:
                    style = int(styles[k]) if has_country[o] else int(styles[k]) % 2
                    phones.append(people.format_phone(code, dials[o], nsns[o], style))
                    sanitized.append(sanitized[o])
                    tags.append("phone")
                else:
                    phones.append(None)
                    sanitized.append(None)
                names.append(name)
                cities.append(cities[o] if v[0] < 0.9 else None)
                zips.append(zips[o] if v[1] < 0.7 else None)
                streets.append(streets[o] if v[1] < 0.5 else None)
                variations.append("+".join(tags))
            kinds = np.concatenate([kinds, kinds[orig]])
        email_norm = _email_normalized(emails, ekinds)

        parent_ids = np.where(parent_pos >= 0, first_id + parent_pos, -1)
        commercial = np.where(parent_pos >= 0, parent_ids, ids)
        complete, commercial_name = [], []
        for i in range(n):
            p = parent_pos[i]
            if p >= 0:
                complete.append(f"{names[p]}, {names[i]}")
                commercial_name.append(names[p])
            else:
                complete.append(names[i])
                commercial_name.append(names[i] if kinds[i] else None)
        country_ids = np.array([ref["countries"].get(c, -1) for c in people.codes])[cidx]
        country_ids = np.where(has_country, country_ids, -1)

        # creation dates: spread over the period, a quarter before it
        q = rng.random(n)
        created = self.cal.to_datetime(q, rng)
        created = np.where(
            rng.random(n) < 0.25, created - np.timedelta64(365 * 86400, "s"), created
        )
        self.partner = dict(
            ids=ids,
            n_orig=n_orig,
            is_company=kinds,
            parent_pos=parent_pos,
            cidx=cidx,
            country_ids=country_ids,
            created=created,
            email=email_norm,
            names=names,
            dup_of=dup_of,
            raw_email=emails,
            phone=phones,
            sanitized=sanitized,
            city=cities,
            zip=zips,
            street=streets,
            commercial_name=commercial_name,
            user=np.where(
                rng.random(n) < 0.3, ref["users"][rng.integers(0, len(ref["users"]), size=n)], -1
            ),
            company=np.array(self.companies.ids)[rng.integers(0, len(self.companies), size=n)],
        )
        cols = {
            "id": ids,
            "name": names,
            "complete_name": complete,
            "parent_id": parent_ids,
            "commercial_partner_id": commercial,
            "commercial_company_name": commercial_name,
            "is_company": kinds,
            "type": "contact",
            "active": "t",
            "employee": "f",
            "partner_share": "t",
            "email": emails,
            "email_normalized": email_norm,
            "phone": phones,
            "phone_sanitized": sanitized,
            "country_id": country_ids,
            "city": cities,
            "zip": zips,
            "street": streets,
            "lang": ref["lang"],
            "user_id": self.partner["user"],
            "color": "0",
            "customer_rank": "0",
            "supplier_rank": "0",
            "message_bounce": "0",
            "autopost_bills": "ask",
            "is_published": "f",
            "create_date": created,
            "write_date": created,
            "create_uid": str(self.uid),
            "write_uid": str(self.uid),
        }
        copy_rows(self.cr, "res_partner", cols, n, self.progress, self.commit)
        if n_dup:
            dup_cols = {
                "partner_id": ids[n_orig:],
                "original_id": ids[dup_of[n_orig:]],
                "variation": variations,
            }
            copy_rows(self.cr, DUP_TABLE, dup_cols, n_dup, None, self.commit)
        self.created["partners"] = n
        self.created["duplicates"] = n_dup
        self._end()

    # ----------------------------------------------------------------- orders
    def _simulate_purchases(self, n_orders):
        """BG/NBD-like purchases: gamma rates, beta dropout, seasonal calendar.

        Returns (customer position, q-time) of ``n_orders`` orders sorted by time.
        """
        rng, P = self.rng, self.partner
        buyers = np.flatnonzero(P["parent_pos"] < 0)
        m = len(buyers)
        weight = np.where(P["dup_of"][buyers] >= 0, 0.3, 1.0)
        lam = rng.gamma(0.7, 1.0, size=m) * weight
        p_drop = rng.beta(1.0, 6.0, size=m)
        k_max = rng.geometric(p_drop)
        birth = np.where(rng.random(m) < 0.3, 0.0, rng.random(m) ** 1.3)
        length = 1.0 - birth
        # scale the rates so the expected number of purchases matches n_orders
        lo, hi = 1e-3, 1e7
        for _ in range(40):
            mid = np.sqrt(lo * hi)
            trial = np.random.Generator(np.random.PCG64(12345))
            x = trial.poisson(np.minimum(mid * lam * length, 1e6))
            total = np.minimum(x, k_max).sum()
            if total < n_orders:
                lo = mid
            else:
                hi = mid
        x = rng.poisson(np.minimum(hi * lam * length, 1e6))
        cust = np.repeat(np.arange(m), x)
        t = birth[cust] + length[cust] * rng.random(len(cust))
        order = np.lexsort((t, cust))
        cust, t = cust[order], t[order]
        first = np.concatenate([[0], np.cumsum(x)[:-1]])
        rank = np.arange(len(cust)) - first[cust]
        keep = rank < k_max[cust]
        cust, t = cust[keep], t[keep]
        if len(cust) > n_orders:
            sel = np.sort(rng.choice(len(cust), size=n_orders, replace=False))
            cust, t = cust[sel], t[sel]
        elif len(cust) < n_orders:
            extra = n_orders - len(cust)
            pe = lam / lam.sum()
            c2 = rng.choice(m, size=extra, p=pe)
            t2 = birth[c2] + length[c2] * rng.random(extra)
            cust, t = np.concatenate([cust, c2]), np.concatenate([t, t2])
        order = np.argsort(t, kind="stable")
        return buyers[cust[order]], t[order]

    def _reserve_names(self, code, company_ids):
        """Names from the ir.sequence ``code`` for rows of each company, in row order."""
        names = np.empty(len(company_ids), dtype=object)
        Seq = self.env["ir.sequence"]
        for company in self.companies:
            rows = np.flatnonzero(company_ids == company.id)
            if not len(rows):
                continue
            seq = Seq.search(
                [("code", "=", code), ("company_id", "in", [company.id, False])],
                order="company_id",
                limit=1,
            )
            if not seq:
                seq = Seq.create(
                    {
                        "name": code,
                        "code": code,
                        "prefix": "DG",
                        "padding": 6,
                        "company_id": company.id,
                    }
                )
            nxt = seq.number_next_actual
            prefix, suffix = seq.with_company(company)._get_prefix_suffix()
            fmt = f"{prefix}%0{seq.padding}d{suffix}"
            names[rows] = [fmt % (nxt + k) for k in range(len(rows))]
            seq.write({"number_next": nxt + len(rows)})
        self.env.flush_all()
        return names.tolist()

    def orders(self):
        rng, ref, P = self.rng, self.ref, self.partner
        n = self.counts["orders"]
        if not n:
            self.created.update(orders=0, order_lines=0)
            self.order = None
            return
        self._step("orders", int(n * (1 + self.lines_per_order)))
        cust, q = self._simulate_purchases(n)
        dates = self.cal.to_datetime(q, rng)
        dates = np.minimum(dates, self.now)
        partner_ids = P["ids"][cust]
        company = P["company"][cust]
        first_id = reserve_ids(self.cr, "sale_order", n)
        self.first_ids["sale_order"] = first_id
        ids = first_id + np.arange(n, dtype=np.int64)
        age_days = (self.now - dates).astype(np.int64) / 86400.0
        u = rng.random(n)
        state = np.where(
            u < 0.90, "sale", np.where(u < 0.96, "cancel", np.where(u < 0.98, "draft", "sent"))
        )
        recent = age_days < 30
        state = np.where(
            recent & (rng.random(n) < 0.4), np.where(rng.random(n) < 0.5, "draft", "sent"), state
        )
        users = np.where(
            P["user"][cust] > 0,
            P["user"][cust],
            ref["users"][rng.integers(0, len(ref["users"]), size=n)],
        )
        users = np.where(rng.random(n) < 0.1, -1, users)
        teams = np.array([ref["team"][c] for c in company])
        currency = np.array([ref["currency"][c] for c in company])

        # lines
        n_lines = 1 + rng.poisson(self.lines_per_order - 1, size=n)
        total_lines = int(n_lines.sum())
        line_order = np.repeat(np.arange(n), n_lines)
        prods = ref["products"]
        pop = 1.0 / (np.arange(len(prods)) + 1.0) ** 0.8
        pop = pop[rng.permutation(len(prods))]
        pidx = rng.choice(len(prods), size=total_lines, p=pop / pop.sum())
        prod_ids = np.array([p[0] for p in prods])[pidx]
        uom_ids = np.array([p[1] for p in prods])[pidx]
        list_price = np.array([p[3] for p in prods])[pidx]
        is_service = np.array([p[4] == "service" for p in prods])[pidx]
        cheap = list_price < 30
        qty = np.where(
            is_service,
            1 + rng.poisson(0.3, size=total_lines),
            np.where(
                cheap, 1 + rng.poisson(6, size=total_lines), rng.geometric(0.6, size=total_lines)
            ),
        )
        years_in = (dates[line_order] - np.datetime64(self.start, "s")).astype(np.int64) / (
            365.25 * 86400
        )
        price = round2(list_price * (1 + PRICE_INFLATION) ** np.floor(years_in))
        disc = np.where(
            rng.random(total_lines) < 0.12,
            rng.choice([5.0, 10.0, 15.0, 20.0], size=total_lines),
            0.0,
        )
        raw = qty * price * (1 - disc / 100.0)
        subtotal = round2(raw)
        reduce = round2(subtotal / qty)
        # like account.tax's rounding: the order total is the rounded sum of the raw line
        # amounts, so it may differ by a cent from the sum of the rounded line subtotals
        untaxed = round2(np.bincount(line_order, weights=raw, minlength=n))
        # attribution to the latest mailing sent within 30 days (a quarter of them)
        campaign = np.full(n, -1, np.int64)
        source = np.full(n, -1, np.int64)
        medium = np.full(n, -1, np.int64)
        if ref["mailings"]:
            m_dates = np.array([m[1] for m in ref["mailings"]])
            k = np.searchsorted(m_dates, dates) - 1
            ok = (k >= 0) & (rng.random(n) < 0.25)
            gap = (dates - m_dates[np.maximum(k, 0)]).astype(np.int64)
            ok &= gap < 30 * 86400
            campaign[ok] = np.array([m[2] for m in ref["mailings"]])[k[ok]]
            source[ok] = np.array([m[3] for m in ref["mailings"]])[k[ok]]
            medium[ok] = ref["medium_email"] or -1
        names = self._reserve_names("sale.order", company)
        is_sale = state == "sale"
        invoice_status = np.where(is_sale, "to invoice", "no")
        validity = (dates.astype("datetime64[D]") + 30).astype("datetime64[s]")
        cols = {
            "id": ids,
            "name": names,
            "company_id": company,
            "partner_id": partner_ids,
            "partner_invoice_id": partner_ids,
            "partner_shipping_id": partner_ids,
            "date_order": dates,
            "state": state,
            "currency_id": currency,
            "currency_rate": "1.0",
            "amount_untaxed": untaxed,
            "amount_tax": "0.00",
            "amount_total": untaxed,
            "invoice_status": invoice_status,
            "user_id": users,
            "team_id": teams,
            "validity_date": np.datetime_as_string(validity.astype("datetime64[D]")),
            "locked": "f",
            "require_signature": "f",
            "require_payment": "f",
            "prepayment_percent": "1.0",
            "campaign_id": campaign,
            "source_id": source,
            "medium_id": medium,
            "create_date": dates,
            "write_date": dates,
            "create_uid": str(self.uid),
            "write_uid": str(self.uid),
        }
        copy_rows(self.cr, "sale_order", cols, n, self.progress, self.commit)
        first_line = reserve_ids(self.cr, "sale_order_line", total_lines)
        self.first_ids["sale_order_line"] = first_line
        seq = np.arange(total_lines) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
        line_sale = is_sale[line_order]
        prod_names = [p[2] for p in prods]
        lcols = {
            "id": first_line + np.arange(total_lines, dtype=np.int64),
            "order_id": ids[line_order],
            "sequence": 10 + seq,
            "company_id": company[line_order],
            "currency_id": currency[line_order],
            "order_partner_id": partner_ids[line_order],
            "salesman_id": users[line_order],
            "product_id": prod_ids,
            "product_uom_id": uom_ids,
            "state": state[line_order],
            "name": [prod_names[i] for i in pidx.tolist()],
            "product_uom_qty": qty.astype(float),
            "price_unit": price,
            "discount": disc,
            "technical_price_unit": price,
            "price_subtotal": subtotal,
            "price_total": subtotal,
            "price_tax": "0.0",
            "price_reduce_taxexcl": reduce,
            "price_reduce_taxinc": reduce,
            "qty_delivered": "0.0",
            "qty_delivered_method": "manual",
            "qty_invoiced": "0.0",
            "qty_to_invoice": np.where(line_sale, qty, 0).astype(float),
            "invoice_status": np.where(line_sale, "to invoice", "no"),
            "untaxed_amount_invoiced": "0.0",
            "untaxed_amount_to_invoice": np.where(line_sale, subtotal, 0.0),
            "customer_lead": "0.0",
            "is_downpayment": "f",
            "is_expense": "f",
            "collapse_prices": "f",
            "collapse_composition": "f",
            "is_optional": "f",
            "create_date": dates[line_order],
            "write_date": dates[line_order],
            "create_uid": str(self.uid),
            "write_uid": str(self.uid),
        }
        copy_rows(self.cr, "sale_order_line", lcols, total_lines, self.progress, self.commit)
        self.order = dict(ids=ids, cust=cust, dates=dates, state=state, company=company)
        self.created["orders"] = n
        self.created["order_lines"] = total_lines
        self._end()

    # ----------------------------------------------------------------- leads
    def leads(self):
        rng, ref, P, people = self.rng, self.ref, self.partner, self.people
        n = self.counts["leads"]
        if not n:
            self.created["leads"] = 0
            return
        self._step("leads", n)
        from odoo.addons.iap.tools import iap_tools

        created = self.cal.to_datetime(rng.random(n), rng)
        pool = np.flatnonzero(P["parent_pos"] < 0)
        linked = rng.random(n) < 0.55
        pick = rng.integers(0, max(len(pool), 1), size=n)
        ppos = np.where(linked, pool[pick], -1) if len(pool) else np.full(n, -1, np.int64)
        cidx = people.countries(n)
        cidx = np.where(ppos >= 0, P["cidx"][np.maximum(ppos, 0)], cidx)
        firsts, lasts, contact = people.person_names(cidx)
        co_names, co_domains = people.company_names(cidx)
        is_b2b = rng.random(n) < 0.6
        canonical = people.emails(
            cidx, firsts, lasts, [d if b else None for d, b in zip(co_domains, is_b2b)]
        )
        emails, ekinds = people.messy_emails(canonical, contact, missing=0.1)
        email_norm = _email_normalized(emails, ekinds)
        phones, sanitized, _d, _n = people.messy_phones(cidx, np.ones(n, bool))
        partner_ids = np.where(ppos >= 0, P["ids"][np.maximum(ppos, 0)], -1)
        partner_name = [co_names[i] if is_b2b[i] else None for i in range(n)]
        country_ids = np.array([ref["countries"].get(c, -1) for c in people.codes])[cidx]
        cities = [None] * n
        zips = [None] * n
        streets = [None] * n
        for i in np.flatnonzero(ppos >= 0).tolist():
            # values Odoo copies from the partner (see crm.lead _compute_* from partner_id)
            j = int(ppos[i])
            if not P["is_company"][j]:
                contact[i] = P["names"][j]
            partner_name[i] = P["commercial_name"][j]
            emails[i] = P["raw_email"][j]
            email_norm[i] = P["email"][j]
            phones[i] = P["phone"][j]
            sanitized[i] = P["sanitized"][j]
            country_ids[i] = P["country_ids"][j]
            cities[i], zips[i], streets[i] = P["city"][j], P["zip"][j], P["street"][j]
        domain_crit = [
            iap_tools.mail_prepare_for_domain_search(e) if e else None for e in email_norm
        ]
        email_state = [
            None if not e else ("correct" if en else "incorrect")
            for e, en in zip(emails, email_norm)
        ]
        phone_state = [
            None if not p else ("correct" if s else "incorrect") for p, s in zip(phones, sanitized)
        ]
        topics = rng.integers(0, len(vocab.LEAD_TOPICS), size=n)
        names = [
            f"{vocab.LEAD_TOPICS[t]} - {partner_name[i] or contact[i]}"
            for i, t in enumerate(topics.tolist())
        ]
        company = np.array(self.companies.ids)[rng.integers(0, len(self.companies), size=n)]
        company = np.where(ppos >= 0, P["company"][np.maximum(ppos, 0)], company)
        teams = np.array([ref["team"][c] for c in company])
        users = np.where(
            rng.random(n) < 0.8, ref["users"][rng.integers(0, len(ref["users"]), size=n)], -1
        )
        is_opp = rng.random(n) < 0.65
        u = rng.random(n)
        age = (self.now - created).astype(np.int64) / 86400.0
        won = is_opp & (u < 0.25) & (age > 7)
        lost = (~won) & (u < (np.where(is_opp, 0.5, 0.3))) & (age > 7)
        pending = ~(won | lost)
        open_stages = np.array(ref["crm_open"])
        open_prob = np.array([10.0, 30.0, 60.0])[: len(open_stages)]
        sidx = rng.integers(0, len(open_stages), size=n)
        sidx = np.where(is_opp, sidx, 0)
        stage = np.where(won, ref["crm_won"], open_stages[sidx])
        prob = np.where(won, 100.0, np.where(lost, 0.0, open_prob[sidx]))
        revenue = np.round(rng.lognormal(7.5, 1.0, size=n), -1)
        revenue = np.where(is_opp, revenue, 0.0)
        close_delay = (rng.exponential(25, size=n) * 86400).astype(np.int64) + 3600
        closed = np.where(
            won | lost, np.minimum(created + close_delay, self.now), np.datetime64("NaT")
        )
        date_open = np.where(users > 0, created, np.datetime64("NaT"))
        day_open = np.where(users > 0, 0.0, np.nan)
        day_close = np.where(
            won | lost, np.floor((closed - created).astype(np.int64) / 86400.0), np.nan
        )
        conversion = np.where(is_opp, created + 3600, np.datetime64("NaT"))
        last_update = np.where(won | lost, closed, created)
        deadline = np.where(
            pending & is_opp, np.datetime_as_string(created.astype("datetime64[D]") + 45), "\\N"
        )
        from_mail = (rng.random(n) < 0.2) & (len(ref["mailings"]) > 0)
        campaign = np.where(from_mail, ref["campaigns"][0], -1)
        medium = np.where(from_mail, ref["medium_email"] or -1, -1)
        first_id = reserve_ids(self.cr, "crm_lead", n)
        self.first_ids["crm_lead"] = first_id
        lost_reason = np.where(
            lost,
            np.array(ref["lost_reasons"])[rng.integers(0, len(ref["lost_reasons"]), size=n)],
            -1,
        )
        cols = {
            "id": first_id + np.arange(n, dtype=np.int64),
            "name": names,
            "type": np.where(is_opp, "opportunity", "lead"),
            "active": ~lost,
            "partner_id": partner_ids,
            "contact_name": contact,
            "partner_name": partner_name,
            "email_from": emails,
            "email_normalized": email_norm,
            "email_domain_criterion": domain_crit,
            "email_state": email_state,
            "phone": phones,
            "phone_sanitized": sanitized,
            "phone_state": phone_state,
            "country_id": country_ids,
            "city": cities,
            "zip": zips,
            "street": streets,
            "company_id": company,
            "team_id": teams,
            "user_id": users,
            "stage_id": stage,
            "probability": prob,
            "automated_probability": prob,
            "expected_revenue": revenue,
            "prorated_revenue": np.round(revenue * prob / 100.0, 2),
            "won_status": np.where(won, "won", np.where(lost, "lost", "pending")),
            "lost_reason_id": lost_reason,
            "priority": np.array(["0", "1", "2", "3"])[
                rng.choice(4, size=n, p=[0.5, 0.3, 0.15, 0.05])
            ],
            "date_open": date_open,
            "day_open": day_open,
            "date_closed": closed,
            "day_close": day_close,
            "date_conversion": conversion,
            "date_last_stage_update": last_update,
            "date_deadline": deadline.tolist(),
            "campaign_id": campaign,
            "medium_id": medium,
            "color": "0",
            "message_bounce": "0",
            "create_date": created,
            "write_date": last_update,
            "create_uid": str(self.uid),
            "write_uid": str(self.uid),
        }
        copy_rows(self.cr, "crm_lead", cols, n, self.progress, self.commit)
        self.created["leads"] = n
        self._end()

    # ----------------------------------------------------------------- tickets
    def tickets(self):
        rng, ref, P = self.rng, self.ref, self.partner
        n = self.counts["tickets"]
        if not n:
            self.created.update(tickets=0, ticket_order_links=0)
            return
        orders = self.order
        # 85% from customers (weighted by their number of orders), the rest from anyone
        if orders is not None:
            from_order = rng.random(n) < 0.85
            opos = rng.integers(0, len(orders["ids"]), size=n)
        else:
            from_order = np.zeros(n, bool)
            opos = np.zeros(n, np.int64)
        anyone = rng.integers(0, len(P["ids"]), size=n)
        ppos = np.where(from_order, orders["cust"][opos] if orders is not None else 0, anyone)
        tnames = ["Question", "Incident", "Complaint", "Return"]
        tkind = rng.choice(4, size=n, p=[0.35, 0.30, 0.20, 0.15])
        type_ids = np.array([ref["ticket_types"][t] for t in tnames])[tkind]
        complaint = tkind == 2
        link_order = from_order & np.where(
            complaint | (tkind == 3), rng.random(n) < 0.8, rng.random(n) < 0.3
        )
        self._step("tickets", n + int(link_order.sum()))
        base = np.where(
            from_order,
            orders["dates"][opos] if orders is not None else self.now,
            self.cal.to_datetime(rng.random(n), rng),
        )
        delay = (rng.exponential(12, size=n) * 86400).astype(np.int64)
        created = np.minimum(base + delay, self.now)
        age = (self.now - created).astype(np.int64) / 86400.0
        stages = ref["hd_stages"]
        closed_stages = [s for s in stages if s[2]]
        open_stages = [s for s in stages if not s[2]] or stages
        u = rng.random(n)
        is_closed = (age > 20) & (u < 0.93) | (age <= 20) & (u < 0.4)
        if closed_stages:
            weights = np.array([0.88] + [0.12] * (len(closed_stages) - 1))
            cs = rng.choice(len(closed_stages), size=n, p=weights / weights.sum())
        else:
            cs = np.zeros(n, np.int64)
        osx = rng.integers(0, len(open_stages), size=n)
        stage_id = np.where(
            is_closed & bool(closed_stages),
            np.array([s[0] for s in closed_stages] or [0])[cs],
            np.array([s[0] for s in open_stages])[osx],
        )
        unattended = np.where(
            is_closed & bool(closed_stages),
            np.array([bool(s[3]) for s in closed_stages] or [False])[cs],
            np.array([bool(s[3]) for s in open_stages])[osx],
        )
        close_delay = (rng.exponential(3, size=n) * 86400).astype(np.int64) + 1800
        closed_date = np.where(
            is_closed, np.minimum(created + close_delay, self.now), np.datetime64("NaT")
        )
        agents = ref["users"][3:] if len(ref["users"]) > 3 else ref["users"]
        assigned = rng.random(n) < 0.9
        users = np.where(assigned, agents[rng.integers(0, len(agents), size=n)], -1)
        assigned_date = np.where(assigned, created + 600, np.datetime64("NaT"))
        last_update = np.where(is_closed, closed_date, created)
        company = P["company"][ppos]
        if orders is not None:
            company = np.where(from_order, orders["company"][opos], company)
        topics = rng.integers(0, len(vocab.TICKET_TOPICS), size=n)
        topics = np.where(complaint, rng.choice([3, 4, 10, 11, 12], size=n), topics)
        names = [vocab.TICKET_TOPICS[t] for t in topics.tolist()]
        priority = np.where(
            complaint,
            rng.choice(["1", "2", "3"], size=n),
            rng.choice(["0", "1", "2"], size=n, p=[0.6, 0.3, 0.1]),
        )
        numbers = self._reserve_names("helpdesk.ticket.sequence", company)
        partner_ids = P["ids"][ppos]
        parent = P["parent_pos"][ppos]
        commercial = np.where(parent >= 0, P["ids"][np.maximum(parent, 0)], partner_ids)
        first_id = reserve_ids(self.cr, "helpdesk_ticket", n)
        self.first_ids["helpdesk_ticket"] = first_id
        ids = first_id + np.arange(n, dtype=np.int64)
        channels = ref["channels"] or [-1]
        cols = {
            "id": ids,
            "number": numbers,
            "name": names,
            "description": [f"<p>{t} (ticket generated for tests).</p>" for t in names],
            "partner_id": partner_ids,
            "commercial_partner_id": commercial,
            "partner_name": [P["names"][i] for i in ppos.tolist()],
            "partner_email": [P["email"][i] for i in ppos.tolist()],
            "company_id": company,
            "team_id": np.array([ref["hd_team"][c] for c in company]),
            "user_id": users,
            "stage_id": stage_id,
            "type_id": type_ids,
            "category_id": np.array(ref["ticket_categories"])[rng.integers(0, 4, size=n)],
            "channel_id": np.array(channels)[rng.integers(0, len(channels), size=n)],
            "priority": priority,
            "kanban_state": "normal",
            "active": "t",
            "unattended": unattended,
            "sequence": "10",
            "color": "0",
            "assigned_date": assigned_date,
            "closed_date": closed_date,
            "last_stage_update": last_update,
            "create_date": created,
            "write_date": last_update,
            "create_uid": str(self.uid),
            "write_uid": str(self.uid),
        }
        copy_rows(self.cr, "helpdesk_ticket", cols, n, self.progress, self.commit)
        n_links = int(link_order.sum())
        if n_links:
            rel = {
                "helpdesk_ticket_id": ids[link_order],
                "sale_order_id": orders["ids"][opos[link_order]],
            }
            copy_rows(
                self.cr, "helpdesk_ticket_sale_order_rel", rel, n_links, self.progress, self.commit
            )
        self.created["tickets"] = n
        self.created["complaints"] = int(complaint.sum())
        self.created["ticket_order_links"] = n_links
        self._end()

    # ----------------------------------------------------------------- mailing traces
    def traces(self):
        rng, ref, P = self.rng, self.ref, self.partner
        total = self.counts["traces"]
        mailings = ref["mailings"]
        if not total or not mailings:
            self.created.update(traces=0, clicks=0)
            return
        with_mail = np.flatnonzero(np.array([e is not None for e in P["email"]]))
        engagement = rng.beta(1.2, 3.0, size=len(P["ids"]))
        # recipients: partners with an e-mail that existed when the mailing was sent;
        # the traces are shared out in proportion to those audiences
        pools = []
        for _mid, when, *_rest in mailings:
            eligible = with_mail[P["created"][with_mail] <= when]
            pools.append(eligible if len(eligible) else with_mail)
        sizes = np.array([len(p) for p in pools], dtype=float)
        if total > sizes.sum():
            raise DataGenError(
                f"{total} mailing traces asked but the {len(mailings)} mailings reach at most "
                f"{int(sizes.sum())} partners: ask fewer traces or more partners/mailings"
            )
        per = np.minimum(
            np.floor(total * sizes / sizes.sum()).astype(np.int64), sizes.astype(np.int64)
        )
        while per.sum() < total:
            room = np.flatnonzero(per < sizes)
            k = room[np.argmax(sizes[room] - per[room])]
            per[k] += min(total - per.sum(), int(sizes[k] - per[k]))
        parts = []
        for k, (mid, when, campaign, _source, _link) in enumerate(mailings):
            eligible = pools[k]
            size = int(per[k])
            if not size:
                continue
            rec = np.sort(rng.choice(eligible, size=size, replace=False))
            open_rate = rng.uniform(0.18, 0.35)
            e = engagement[rec]
            u = rng.random((size, 4))
            bounce = u[:, 0] < 0.02
            opened = ~bounce & (u[:, 1] < np.clip(open_rate * e / 0.29, 0, 0.95))
            clicked = opened & (u[:, 2] < 0.18)
            replied = opened & (u[:, 3] < 0.02)
            sent = when + rng.integers(0, 3600, size=size)
            open_dt = sent + (rng.exponential(8, size=size) * 3600).astype(np.int64) + 60
            parts.append(
                dict(
                    partner=rec,
                    mailing=np.full(size, mid),
                    campaign=np.full(size, campaign),
                    status=np.where(
                        bounce,
                        "bounce",
                        np.where(replied, "reply", np.where(opened, "open", "sent")),
                    ),
                    sent=sent,
                    open=np.where(opened, open_dt, np.datetime64("NaT")),
                    click=np.where(
                        clicked, open_dt + rng.integers(5, 600, size=size), np.datetime64("NaT")
                    ),
                    reply=np.where(
                        replied, open_dt + rng.integers(600, 86400, size=size), np.datetime64("NaT")
                    ),
                    link=np.full(size, _link),
                )
            )
        cat = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
        n = len(cat["partner"])
        self._step("mailings", n + int((~np.isnat(cat["click"])).sum()))
        first_id = reserve_ids(self.cr, "mailing_trace", n)
        self.first_ids["mailing_trace"] = first_id
        ids = first_id + np.arange(n, dtype=np.int64)
        emails = [P["email"][i] for i in cat["partner"].tolist()]
        bounce = cat["status"] == "bounce"
        cols = {
            "id": ids,
            "trace_type": "mail",
            "model": "res.partner",
            "res_id": P["ids"][cat["partner"]],
            "mass_mailing_id": cat["mailing"],
            "campaign_id": cat["campaign"],
            "email": emails,
            "trace_status": cat["status"],
            "failure_type": np.where(bounce, "mail_bounce", "\\N"),
            "message_id": [f"<datagen.{i}@example.com>" for i in ids.tolist()],
            "is_test_trace": "f",
            "sent_datetime": cat["sent"],
            "open_datetime": cat["open"],
            "links_click_datetime": cat["click"],
            "reply_datetime": cat["reply"],
            "create_date": cat["sent"],
            "write_date": cat["sent"],
            "create_uid": str(self.uid),
            "write_uid": str(self.uid),
        }
        copy_rows(self.cr, "mailing_trace", cols, n, self.progress, self.commit)
        clicked = ~np.isnat(cat["click"])
        n_click = int(clicked.sum())
        if n_click:
            ccols = {
                "link_id": cat["link"][clicked],
                "mailing_trace_id": ids[clicked],
                "mass_mailing_id": cat["mailing"][clicked],
                "campaign_id": cat["campaign"][clicked],
                "country_id": P["country_ids"][cat["partner"][clicked]],
                "ip": [
                    f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
                    for i in cat["partner"][clicked].tolist()
                ],
                "create_date": cat["click"][clicked],
                "write_date": cat["click"][clicked],
                "create_uid": str(self.uid),
                "write_uid": str(self.uid),
            }
            copy_rows(self.cr, "link_tracker_click", ccols, n_click, self.progress, self.commit)
        self.created["traces"] = n
        self.created["clicks"] = n_click
        self.created["bounces"] = int(bounce.sum())
        self._end()

    # ----------------------------------------------------------------- after the load
    def link_records(self):
        """Updates that need the indexes: customer rank, bounces, won leads -> orders."""
        cr = self.cr
        if self.created.get("orders") and self.created.get("partners"):
            cr.execute(
                """
                UPDATE res_partner p SET customer_rank = s.cnt
                  FROM (SELECT partner_id, count(*) AS cnt FROM sale_order
                         WHERE id >= %s AND state = 'sale' GROUP BY partner_id) s
                 WHERE p.id = s.partner_id
            """,
                (self.first_ids["sale_order"],),
            )
        if self.created.get("bounces"):
            cr.execute(
                """
                UPDATE res_partner p SET message_bounce = s.cnt
                  FROM (SELECT res_id, count(*) AS cnt FROM mailing_trace
                         WHERE id >= %s AND trace_status = 'bounce' GROUP BY res_id) s
                 WHERE p.id = s.res_id
            """,
                (self.first_ids["mailing_trace"],),
            )
        if self.created.get("leads") and self.created.get("orders"):
            cr.execute(
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
                (self.first_ids["sale_order"], self.first_ids["crm_lead"]),
            )
            self.created["orders_from_opportunities"] = cr.rowcount
        if self.commit:
            self.commit()
