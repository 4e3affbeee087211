"""Bulk step: mass-mailing traces, clicks and bounces."""

import numpy as np

from .common import DataGenError
from .sqlload import copy_rows, reserve_ids


class MailingsStep:
    """Draws and loads mailing.trace and link.tracker.click rows."""

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
