"""Bulk step: sale orders and their lines, from simulated purchases."""

import numpy as np

from .common import PRICE_INFLATION, round2
from .sqlload import copy_rows, reserve_ids


class OrdersStep:
    """Draws and loads sale.order and sale.order.line rows."""

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
