"""Names, e-mails and phones of people and companies, per country, messy on purpose."""

import numpy as np

from . import vocab
from .common import _fold


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
