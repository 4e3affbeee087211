"""Lead capture: one service for every channel, with normalisation and de-duplication.

Every channel (web form, JSON API, email, CSV import, capture rules) ends in
``crm.lead._crm_ops_capture()``, which

1. validates and normalises the incoming values (``crm_engine.normalize``),
   collecting errors per field (:class:`CaptureError`);
2. fetches a few candidates of the same company with indexed SQL: exact
   e-mail, exact E.164 phone, same company domain, shared name keys
   (``crm_engine.matching.blocking_keys``, a GIN-indexed array; see
   ``tools/match_keys.py``);
3. scores them (``crm_engine.matching.best_match``) against the company's
   thresholds and links the lead to a customer, merges it into an open lead
   (the new lead is archived and points at the one it was merged into, so
   nothing is lost and the merge can be undone), or keeps it new;
4. creates the lead as the calling user, so access rights and multi-company
   rules apply to every channel alike.

The email channel (``crm.lead.message_new``) creates the lead first, as Odoo's mail
gateway does, then enriches and de-duplicates it here (``_crm_ops_enrich_from_email``).

An abstract model that ``crm.lead`` inherits, as ``mail.thread.phone`` is for Odoo's
``crm.lead``: the methods run on leads only.
"""

import dataclasses
import hashlib
import logging
import re

import psycopg2

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from ..tools.match_keys import lead_candidates, partner_candidates
from .crm_lead_match_review import pair_key

_logger = logging.getLogger(__name__)

# incoming keys accepted by the capture service, with their kind
CAPTURE_FIELDS = {
    "name": "text",
    "contact_name": "text",
    "partner_name": "text",
    "email": "text",
    "phone": "text",
    "website": "text",
    "function": "text",
    "street": "text",
    "city": "text",
    "zip": "text",
    "country_code": "text",
    "description": "html",
    "type": "selection",
    "expected_revenue": "float",
    "company_id": "id",
    "team_id": "id",
    "user_id": "id",
    "partner_id": "id",
    "utm_source": "text",
    "utm_medium": "text",
    "utm_campaign": "text",
    "tag_names": "list",
}
TEXT_MAX = 1000
# the closest candidate named by a "new" decision of crm_engine.matching.best_match
BEST_RE = re.compile(r"^best (res\.partner|crm\.lead) (\d+):")
TAG_RE = re.compile(r"<[^>]*>?")
HTML_MAX = 20000


class CaptureError(UserError):
    """Invalid incoming lead: ``errors`` maps each field to its message."""

    def __init__(self, errors, status=400):
        self.errors = errors
        self.status = status
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class CrmOpsLeadCapture(models.AbstractModel):
    _name = "crm.ops.lead.capture"
    _description = "Lead Capture and De-duplication"

    # ------------------------------------------------------------------
    # Capture service
    # ------------------------------------------------------------------
    @api.model
    def _crm_ops_capture(self, values, channel, idempotency_key=None, rule=None):
        """Validate, normalise, de-duplicate and create one lead, as the current user.

        :param dict values: incoming keys of ``CAPTURE_FIELDS``
        :param str channel: one of ``CHANNELS``
        :param str idempotency_key: a retried request with the same key of the same
            company returns the lead created the first time instead of a new one
        :returns: dict with ``id``, ``status`` (``created``, ``linked``, ``merged``,
            ``duplicate_request``), ``partner_id``, ``merged_into``, ``score``, ``reasons``
        :raises CaptureError: with an error per field; nothing is created
        """
        vals, company, errors = self._crm_ops_prepare_capture(values)
        if errors:
            raise CaptureError(
                errors, status=403 if "forbidden" in errors.pop("_status", "") else 400
            )
        if idempotency_key:
            idempotency_key = str(idempotency_key)[:200]
            existing = self._crm_ops_find_idempotent(company, idempotency_key)
            if existing:
                return existing._crm_ops_capture_result("duplicate_request")
            vals["crm_ops_idempotency_key"] = idempotency_key
        # a concurrent capture of this contact makes this one run again (serialization
        # failure), then it sees that capture's lead (or, same key, answers with it)
        result = self._crm_ops_lock_contact(vals, company, idempotency_key)
        if result:
            return result
        decision = self._crm_ops_match(vals, company)
        vals.update(crm_ops_channel=channel, crm_ops_rule_id=rule.id if rule else False)
        status = self._crm_ops_apply_decision(vals, decision)
        if not idempotency_key:
            lead = self.create(vals)
        else:
            lead, winner = self._crm_ops_create_idempotent(vals, company, idempotency_key)
            if winner:
                return winner
        if status == "merged":
            lead.crm_ops_merged_into_id._crm_ops_post_merge_note(lead)
        lead._crm_ops_queue_reviews(decision)
        return lead._crm_ops_capture_result(status)

    def _crm_ops_create_idempotent(self, vals, company, idempotency_key):
        """Create the lead in a savepoint: a concurrent request with the same key may win
        the race on the unique key; then answer with its lead, as a retry.

        :returns: ``(lead, None)``, or ``(empty recordset, the winner's capture result)``
        """
        try:
            with self.env.cr.savepoint():
                return self.create(vals), None
        except psycopg2.errors.UniqueViolation as e:
            if "idempotency" not in (e.diag.constraint_name or ""):
                raise
            result = self._crm_ops_idempotent_winner(company, idempotency_key)
            if not result:
                raise
            return self.browse(), result

    @api.model
    def _crm_ops_capture_batch(self, items, channel, idempotency_keys=None):
        """Capture each item in its own savepoint: a bad item never stops the others.

        :returns: list of dicts, each the capture result or ``{"errors": {...}}``
        """
        results = []
        for index, values in enumerate(items):
            key = idempotency_keys[index] if idempotency_keys else None
            try:
                with self.env.cr.savepoint():
                    results.append(self._crm_ops_capture(values, channel, idempotency_key=key))
            except CaptureError as e:
                results.append({"index": index, "errors": e.errors, "status": "error"})
            except (AccessError, UserError) as e:
                results.append(
                    {"index": index, "errors": {"_": str(e)}, "status": "error", "forbidden": True}
                )
        return results

    def _crm_ops_capture_result(self, status):
        self.ensure_one()
        return {
            "id": self.id,
            "status": status,
            "partner_id": self.partner_id.id or None,
            "merged_into": self.crm_ops_merged_into_id.id or None,
            "score": round(self.crm_ops_dedup_score or 0.0, 1),
            "reasons": self.crm_ops_dedup_reason or "",
        }

    def _crm_ops_idempotent_winner(self, company, key):
        """Result of the lead a concurrent request created with ``key``.

        That request committed after this transaction began, so this transaction's
        snapshot (REPEATABLE READ) does not show its lead: it is read in a new
        transaction, as the same user with the same access rules.
        """
        existing = self._crm_ops_find_idempotent(company, key)
        if existing:
            return existing._crm_ops_capture_result("duplicate_request")
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr)
            existing = env["crm.lead"]._crm_ops_find_idempotent(
                env["res.company"].browse(company.id), key
            )
            return existing._crm_ops_capture_result("duplicate_request") if existing else None

    def _crm_ops_find_idempotent(self, company, key):
        return self.with_context(active_test=False).search(
            [("company_id", "=", company.id), ("crm_ops_idempotency_key", "=", key)], limit=1
        )

    # ---- validation and normalisation --------------------------------
    @api.model
    def _crm_ops_prepare_capture(self, values):
        """Return (create values, company, errors per field)."""
        from crm_engine.normalize import (
            company_domain,
            normalize_company,
            normalize_email,
            normalize_name,
            normalize_phone,
            website_domain,
        )

        errors = {}
        if not isinstance(values, dict):
            return {}, self.env.company, {"_": _("A lead must be a JSON object.")}
        unknown = sorted(set(values) - set(CAPTURE_FIELDS))
        for key in unknown:
            errors[str(key)[:50]] = _("Unknown field.")
        clean = {}
        for key, kind in CAPTURE_FIELDS.items():
            value = values.get(key)
            if value in (None, "", False, []):
                continue
            if isinstance(value, str):
                # PostgreSQL text cannot hold NUL characters
                value = value.replace("\x00", "")
            if kind in ("text", "html", "selection") and not isinstance(value, str):
                errors[key] = _("Must be a string.")
            elif kind == "text":
                if len(value) > TEXT_MAX:
                    errors[key] = _("Too long (%(max)s characters at most).", max=TEXT_MAX)
                else:
                    # plain-text fields never keep markup
                    clean[key] = TAG_RE.sub("", value).strip() if "<" in value else value
            elif kind == "html":
                if len(value) > HTML_MAX:
                    errors[key] = _("Too long (%(max)s characters at most).", max=HTML_MAX)
                else:
                    clean[key] = tools.html_sanitize(value)
            elif kind == "float":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    errors[key] = _("Must be a positive number.")
                else:
                    clean[key] = float(value)
            elif kind == "id":
                if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                    errors[key] = _("Must be a record id (a positive integer).")
                else:
                    clean[key] = value
            elif kind == "list":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    errors[key] = _("Must be a list of strings.")
                else:
                    names = (v.replace("\x00", "").strip()[:64] for v in value)
                    clean[key] = [v for v in names if v][:20]
            elif kind == "selection":
                if value not in ("lead", "opportunity"):
                    errors[key] = _("Must be 'lead' or 'opportunity'.")
                else:
                    clean[key] = value

        company = self._crm_ops_capture_company(clean.get("company_id"), errors)
        country = self.env["res.country"]
        if clean.get("country_code"):
            country = country.search([("code", "=", clean["country_code"].upper())], limit=1)
            if not country:
                errors["country_code"] = _("Unknown country code.")
        region = (country or company.country_id).code

        vals = {"company_id": company.id}
        for key, func, args in (
            ("email", normalize_email, ()),
            ("phone", normalize_phone, (region,)),
            ("contact_name", normalize_name, ()),
            ("partner_name", normalize_company, ()),
            ("website", website_domain, ()),
        ):
            if key in clean:
                try:
                    normalised = func(clean[key], *args)
                except ValueError as e:
                    errors[key] = str(e)
                    continue
                if key == "email":
                    vals["email_from"] = normalised
                elif key == "website":
                    vals["website"] = clean[key]
                else:
                    vals[key] = normalised
        if not (vals.get("email_from") or vals.get("phone") or clean.get("partner_id")) and not {
            "email",
            "phone",
        } & set(errors):
            # a named customer (lead generation rules) identifies the lead by itself
            errors["email"] = _("An email or a phone number is required.")
        for key in (
            "name",
            "function",
            "street",
            "city",
            "zip",
            "description",
            "type",
            "expected_revenue",
        ):
            if key in clean:
                vals[key] = clean[key]
        if "name" not in vals:
            vals["name"] = (
                vals.get("partner_name")
                or vals.get("contact_name")
                or vals.get("email_from")
                or vals.get("phone")
                or _("New lead")
            )
        if country:
            vals["country_id"] = country.id
        try:
            vals["crm_ops_domain"] = company_domain(vals.get("email_from"), clean.get("website"))
        except ValueError:
            vals["crm_ops_domain"] = False
        self._crm_ops_capture_relations(clean, company, vals, errors)
        if "user_id" not in vals and self.env.user._is_public():
            vals["user_id"] = False  # a web visitor is nobody's salesperson
        return vals, company, errors

    @api.model
    def _crm_ops_capture_company(self, company_id, errors):
        """The lead's company: given, or the user's current one; it must be one of theirs."""
        if not company_id:
            return self.env.company
        company = self.env["res.company"].sudo().browse(company_id).exists()
        if not company:
            errors["company_id"] = _("Unknown company.")
            errors["_status"] = "invalid"
            return self.env.company
        # env.su is set by the server (crons, internal flows), never by an RPC client
        if company not in self.env.user.company_ids and not self.env.su:
            errors["company_id"] = _("You may not create leads for this company.")
            errors["_status"] = "forbidden"
            return self.env.company
        return self.env["res.company"].browse(company.id)

    @api.model
    def _crm_ops_capture_relations(self, clean, company, vals, errors):
        """Team, salesperson, customer, UTM and tags, each checked against the company."""
        company_domain = [("company_id", "in", [company.id, False])]
        checks = (
            ("team_id", "crm.team", company_domain),
            ("partner_id", "res.partner", company_domain),
            ("user_id", "res.users", [("share", "=", False), ("company_ids", "in", company.id)]),
        )
        for key, model, domain in checks:
            if key not in clean:
                continue
            record = self.env[model].search([("id", "=", clean[key]), *domain], limit=1)
            if record:
                vals[key] = record.id
            else:
                errors[key] = _("Unknown %(what)s for this company.", what=key.removesuffix("_id"))
        for key, model in (
            ("utm_source", "utm.source"),
            ("utm_medium", "utm.medium"),
            ("utm_campaign", "utm.campaign"),
        ):
            if clean.get(key):
                # utm records are shared reference data: found or created like utm.mixin does
                record = self._crm_ops_find_or_create_utm(model, clean[key][:100])
                vals[key.replace("utm_", "") + "_id"] = record.id
        if clean.get("tag_names"):
            tags = self.env["crm.tag"].search([("name", "in", clean["tag_names"])])
            vals["tag_ids"] = [fields.Command.set(tags.ids)]

    @api.model
    def _crm_ops_find_or_create_utm(self, model, name):
        """The utm record named ``name``, created if new (superuser: shared reference
        data, created like utm.mixin does for every tracked link).

        Two requests naming the same new source at once both miss it in their snapshot
        and both create it: the second one waits, then hits the unique name. Its
        snapshot (REPEATABLE READ) never shows the winner's record, so the request is
        retried with a serialization failure: a fresh snapshot finds the record.
        """
        try:
            with self.env.cr.savepoint():
                return self.sudo()._find_or_create_record(model, name)
        except psycopg2.errors.UniqueViolation:
            _logger.info("%s %r was created by a concurrent transaction: retry", model, name)
        self._crm_ops_serialization_conflict()

    @api.model
    def _crm_ops_lock_contact(self, vals, company, idempotency_key=None):
        """Serialise the captures of one contact: each capture updates the rows of
        (company, e-mail) and (company, E.164 phone) in ``crm_ops_capture_lock``, in a
        fixed order, before it looks for duplicates.

        Without it two requests for the same new contact both miss the other's lead
        and both create one. Under REPEATABLE READ (Odoo's isolation) updating a row
        that a concurrent transaction updated raises a serialization failure, both
        when that transaction is still running (this one waits for it to end first)
        and when it committed after this one's snapshot was taken (its lead is not
        visible here): Odoo's request retry and queue_job's job retry then run the
        capture again with a fresh snapshot, which sees the other lead. A
        transaction-level advisory lock, used before, covered only the first case: a
        capture that committed between this one's first query and its lock went
        unseen (measured: 2 race duplicates in 800 requests of 8 clients).
        """
        from ..tools.match_keys import CAPTURE_LOCK_BUCKETS

        keys = [
            f"crm_ops:{company.id}:{kind}:{value}"
            for kind, value in (("email", vals.get("email_from")), ("phone", vals.get("phone")))
            if value
        ]
        buckets = sorted(
            {
                int.from_bytes(hashlib.sha1(k.encode()).digest()[:4]) % CAPTURE_LOCK_BUCKETS
                for k in keys
            }
        )
        cr = self.env.cr
        for bucket in buckets:
            query = tools.SQL(
                """INSERT INTO crm_ops_capture_lock (bucket, captures) VALUES (%s, 1)
                   ON CONFLICT (bucket)
                   DO UPDATE SET captures = crm_ops_capture_lock.captures + 1""",
                bucket,
            )
            if not idempotency_key:
                # an expected conflict, retried by the caller's retry: not a bad query
                cr.execute(query, log_exceptions=False)
                continue
            try:
                with cr.savepoint(flush=False):
                    cr.execute(query, log_exceptions=False)
            except psycopg2.errors.SerializationFailure:
                # the concurrent capture may be this very request (same key, sent
                # twice): answer with its lead instead of running again
                result = self._crm_ops_idempotent_winner(company, idempotency_key)
                if result:
                    return result
                raise
        return None

    @api.model
    def _crm_ops_serialization_conflict(self):
        """Abort the transaction with a serialization failure (SQLSTATE 40001), which
        Odoo's request retry and queue_job's job retry both run again with a fresh
        snapshot, as for any concurrent update."""
        self.env.cr.execute(
            tools.SQL(
                "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', "
                "MESSAGE = 'crm_ops capture: a concurrent transaction changed what it read'; END $$"
            ),
            log_exceptions=False,  # an expected conflict, retried: not a bad query
        )

    # ---- de-duplication ----------------------------------------------
    @api.model
    def _crm_ops_match(self, vals, company):
        """Score the candidates of the company and return a MatchDecision."""
        from crm_engine.matching import MatchDecision, Thresholds, best_match

        incoming = {
            "name": vals.get("contact_name"),
            "company_name": vals.get("partner_name"),
            "email": vals.get("email_from"),
            "phone": vals.get("phone"),
            "domain": vals.get("crm_ops_domain"),
            "country_code": self.env["res.country"].browse(vals.get("country_id")).code
            or company.country_id.code,
        }
        if self.env.context.get("crm_ops_exclude_id"):
            incoming.update(id=self.env.context["crm_ops_exclude_id"], model="crm.lead")
        if vals.get("partner_id"):
            # the caller named the customer: keep it, de-duplicate only against leads
            candidates = lead_candidates(self.env.cr, incoming, company.id)
        else:
            candidates = partner_candidates(self.env.cr, incoming, company.id)
            candidates += lead_candidates(self.env.cr, incoming, company.id)
        thresholds = Thresholds(
            link=company.crm_ops_link_threshold,
            merge=company.crm_ops_merge_threshold,
            fuzzy_min=company.crm_ops_fuzzy_min,
            review=company.crm_ops_review_threshold,
        )
        key = pair_key(incoming["email"], incoming["phone"], incoming["name"])
        answers = self.env["crm.lead.match.review"]._remembered(
            company,
            key,
            [c["id"] for c in candidates if c["model"] == "res.partner"]
            + [c["parent_id"] for c in candidates if c.get("parent_id")],
            [c["id"] for c in candidates if c["model"] == "crm.lead"],
        )
        rejected = {target for target, state in answers.items() if state == "rejected"}
        for model, action, limit in (
            ("res.partner", "link_partner", thresholds.link),
            ("crm.lead", "merge_lead", thresholds.merge),
        ):
            confirmed = sorted(
                rid for (m, rid), state in answers.items() if m == model and state == "confirmed"
            )
            if confirmed:
                return MatchDecision(
                    action,
                    confirmed[0],
                    model,
                    100.0,
                    f"{model} {confirmed[0]}: confirmed in review",
                    evidence=("confirmed in review",),
                    limit=limit,
                )
        candidates = [c for c in candidates if (c["model"], c["id"]) not in rejected]
        decision = best_match(incoming, candidates, thresholds)
        if decision.target_model and (decision.target_model, decision.target_id) in rejected:
            decision = best_match(
                incoming,
                [c for c in candidates if c["id"] != decision.target_id],
                thresholds,
            )
        review = tuple(r for r in decision.review if (r[0], r[1]) not in rejected)
        if rejected:
            decision = dataclasses.replace(
                decision,
                evidence=(*decision.evidence, "rejected in review"),
                reasons=f"{decision.reasons}; rejected in review: "
                + ", ".join(f"{m} {rid}" for m, rid in sorted(rejected)),
            )
        return dataclasses.replace(decision, review=review)

    @api.model
    def _crm_ops_apply_decision(self, vals, decision):
        vals["crm_ops_dedup_score"] = decision.score
        vals["crm_ops_dedup_reason"] = decision.reasons
        model, target = decision.target_model, decision.target_id
        closest = BEST_RE.match(decision.reasons or "")
        if decision.action == "new" and closest:
            model, target = closest.group(1), int(closest.group(2))
        vals["crm_ops_dedup_details"] = {
            "action": decision.action,
            "model": model,
            "target": target,
            "score": decision.score,
            "limit": decision.limit,
            "evidence": list(decision.evidence),
            "review": len(decision.review),
        }
        if decision.action == "link_partner":
            vals["partner_id"] = decision.target_id
            vals["crm_ops_dedup_state"] = "linked"
            return "linked"
        if decision.action == "merge_lead":
            vals.update(
                crm_ops_merged_into_id=decision.target_id,
                crm_ops_dedup_state="merged",
                active=False,
            )
            return "merged"
        vals["crm_ops_dedup_state"] = "linked" if vals.get("partner_id") else "new"
        return "linked" if vals.get("partner_id") else "created"

    # ------------------------------------------------------------------
    # Email channel
    # ------------------------------------------------------------------
    def _crm_ops_enrich_from_email(self, body):
        """Fill phone, company and website from the mail's signature, then de-duplicate."""
        from crm_engine.normalize import company_domain, extract_contact_from_text

        self.ensure_one()
        try:
            found = extract_contact_from_text(body, self.company_id.country_id.code)
        except ValueError:
            found = {}
        vals = {"crm_ops_channel": "email"}
        phone = found.get("phone") or found.get("mobile")
        if not self.phone and phone:
            vals["phone"] = phone
        for key, field in (
            ("company_name", "partner_name"),
            ("contact_name", "contact_name"),
            ("website", "website"),
        ):
            if found.get(key) and not self[field]:
                vals[field] = found[key]
        vals["crm_ops_domain"] = company_domain(
            self.email_from, vals.get("website") or self.website
        )
        self.write(vals)
        incoming = {
            "contact_name": self.contact_name,
            "partner_name": self.partner_name,
            "email_from": self.email_normalized or self.email_from,
            "phone": self.phone,
            "crm_ops_domain": self.crm_ops_domain,
            "country_id": self.country_id.id,
            "partner_id": self.partner_id.id,
        }
        decision = self.with_context(crm_ops_exclude_id=self.id)._crm_ops_match(
            incoming, self.company_id
        )
        if decision.action == "merge_lead" and decision.target_id == self.id:
            return
        dedup = {}
        status = self._crm_ops_apply_decision(dedup, decision)
        if self.partner_id and "partner_id" in dedup:
            dedup.pop("partner_id")
        self.write(dedup)
        if status == "merged":
            self.crm_ops_merged_into_id._crm_ops_post_merge_note(self)
        self._crm_ops_queue_reviews(decision)

    def _crm_ops_queue_reviews(self, decision):
        """One review entry per near miss of the decision (none when it linked or merged)."""
        self.ensure_one()
        if not decision.review:
            return
        key = pair_key(self.email_from, self.phone, self.contact_name)
        # sudo: the entries are written by the capture service for the lead's own company,
        # from the engine's decision; whoever sent the lead (a web visitor, an API client
        # without the right to create reviews) reads nothing back from them
        self.env["crm.lead.match.review"].sudo().create(
            [
                {
                    "company_id": self.company_id.id,
                    "lead_id": self.id,
                    "partner_id": target if model == "res.partner" else False,
                    "candidate_lead_id": target if model == "crm.lead" else False,
                    "score": score,
                    "evidence": list(labels),
                    "pair_key": key,
                }
                for model, target, score, labels in decision.review
            ]
        )
