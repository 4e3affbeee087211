"""Bulk step: partners (companies and their contacts), with recorded near-duplicates."""

import numpy as np

from . import vocab
from .common import DUP_TABLE, STREETS, _fold, _typo
from .people import _email_normalized
from .sqlload import copy_rows, reserve_ids


class PartnersStep:
    """Draws and loads res.partner rows and the duplicate ground truth."""

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
