"""Bulk step: helpdesk tickets (complaints linked to orders among them)."""

import numpy as np

from . import vocab
from .sqlload import copy_rows, reserve_ids


class TicketsStep:
    """Draws and loads helpdesk.ticket rows and their links to orders."""

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
