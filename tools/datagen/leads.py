"""Bulk step: CRM leads and opportunities."""

import numpy as np

from . import vocab
from .people import _email_normalized
from .sqlload import copy_rows, reserve_ids


class LeadsStep:
    """Draws and loads crm.lead rows."""

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
