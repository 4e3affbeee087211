"""JSON API for machine clients: create leads with an Odoo API key (Bearer token).

POST /api/crm/v1/leads          one lead (a JSON object); header Idempotency-Key
POST /api/crm/v1/leads/batch    {"leads": [...]} each item may carry "idempotency_key"
GET  /api/crm/v1/leads/<id>     the lead's capture outcome, if the key's user may read it

Every request runs as the key's user: access rights and company rules apply. The rate
limit counts per API key (per user for a browser session).
"""

import json
import logging
import re

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import SQL

from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT

from ..models.crm_lead import CaptureError

_logger = logging.getLogger(__name__)

# a request body larger than this is refused with 413
MAX_BODY_BYTES = 1024 * 1024


def _json(payload, status=200, headers=None):
    return request.make_response(
        json.dumps(payload, default=str),
        headers=[("Content-Type", "application/json"), *(headers or [])],
        status=status,
    )


def _error(status, code, message, **extra):
    return _json({"error": {"code": code, "message": message, **extra}}, status=status)


class CrmLeadApi(http.Controller):
    def _read_body(self):
        """Parsed JSON body, or an error response (413, 415, 400)."""
        httprequest = request.httprequest
        length = httprequest.content_length
        if length and length > MAX_BODY_BYTES:
            return None, _error(413, "payload_too_large", f"Body over {MAX_BODY_BYTES} bytes.")
        if httprequest.mimetype != "application/json":
            return None, _error(
                415, "unsupported_media_type", "Send Content-Type: application/json."
            )
        # cached: when Odoo retries the request after a serialization failure, the
        # retry reads the same body again (an uncached stream is empty the second time);
        # the cache holds at most MAX_BODY_BYTES + 1 bytes (content length checked above,
        # and werkzeug stops at the length it announced)
        raw = httprequest.get_data(cache=True)
        if len(raw) > MAX_BODY_BYTES:
            return None, _error(413, "payload_too_large", f"Body over {MAX_BODY_BYTES} bytes.")
        try:
            return json.loads(raw or b"null"), None
        except (ValueError, UnicodeDecodeError) as e:
            return None, _error(400, "invalid_json", f"Body is not valid JSON: {e}")

    def _rate_limit_key(self):
        """The counter of this request: its API key (``api:key:<id>``), or its user
        (``api:user:<id>``) for a browser session.

        ``auth="bearer"`` checked the token already but keeps only its user; the key is
        found again among that user's keys with the same index (the token's first
        characters), verified against the stored hash only when the index is shared.
        """
        header = request.httprequest.headers.get("Authorization") or ""
        match = re.match(r"^bearer\s+(.+)$", header, re.IGNORECASE)
        if match:
            token = match.group(1)
            # raw SQL: res.users.apikeys has no ORM access for reading the hashes
            request.env.cr.execute(
                SQL(
                    "SELECT id, key FROM res_users_apikeys WHERE user_id = %s AND index = %s",
                    request.env.uid,
                    token[:INDEX_SIZE],
                )
            )
            rows = request.env.cr.fetchall()
            for key_id, hashed in rows:
                if len(rows) == 1 or KEY_CRYPT_CONTEXT.verify(token, hashed):
                    return f"api:key:{key_id}"
        return f"api:user:{request.env.uid}"

    def _rate_limited(self):
        """429 response when the API key exceeded the company's per-minute limit."""
        limit = request.env.user.company_id.crm_ops_api_rate_limit
        # superuser only for the counter table (no user has access to it); the key is
        # the authenticated key or user, never a value the client chooses
        retry = request.env["crm.ops.rate.limit"].sudo()._hit(self._rate_limit_key(), limit, 60)
        if retry:
            return _json(
                {
                    "error": {
                        "code": "rate_limited",
                        "message": "Too many requests.",
                        "retry_after": retry,
                    }
                },
                status=429,
                headers=[("Retry-After", str(retry))],
            )
        return None

    def _accept_request(self):
        """Rate limit, then the JSON body: (body, None) or (None, the error response)."""
        limited = self._rate_limited()
        if limited:
            return None, limited
        return self._read_body()

    @http.route(
        "/api/crm/v1/leads",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def create_lead(self, **kw):
        body, error = self._accept_request()
        if error:
            return error
        key = request.httprequest.headers.get("Idempotency-Key")
        Lead = request.env["crm.lead"]
        try:
            with request.env.cr.savepoint():
                result = Lead._crm_ops_capture(body, "api", idempotency_key=key)
        except CaptureError as e:
            return _error(
                e.status,
                "invalid" if e.status == 400 else "forbidden",
                "The lead was not created.",
                fields=e.errors,
            )
        except AccessError as e:
            return _error(403, "forbidden", str(e))
        return _json(result, status=200 if result["status"] == "duplicate_request" else 201)

    @http.route(
        "/api/crm/v1/leads/batch",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def create_leads(self, **kw):
        body, error = self._accept_request()
        if error:
            return error
        if not isinstance(body, dict) or not isinstance(body.get("leads"), list):
            return _error(400, "invalid", 'Send {"leads": [ {...}, ... ]}.')
        leads = body["leads"]
        max_size = request.env.user.company_id.crm_ops_api_batch_max
        if len(leads) > max_size:
            return _error(413, "batch_too_large", f"At most {max_size} leads per batch.")
        keys = [
            item.pop("idempotency_key", None) if isinstance(item, dict) else None for item in leads
        ]
        results = request.env["crm.lead"]._crm_ops_capture_batch(leads, "api", keys)
        created = sum(1 for r in results if r["status"] != "error")
        return _json({"created": created, "errors": len(results) - created, "results": results})

    @http.route(
        "/api/crm/v1/leads/<int:lead_id>",
        type="http",
        auth="bearer",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def read_lead(self, lead_id, **kw):
        lead = request.env["crm.lead"].with_context(active_test=False).browse(lead_id)
        try:
            lead.check_access("read")
            result = lead._crm_ops_capture_result(lead.crm_ops_dedup_state or "created")
        except (AccessError, MissingError, NotFound):
            # no difference between "does not exist" and "not yours"
            return _error(404, "not_found", "No such lead.")
        result.update(name=lead.name, stage=lead.stage_id.name, company_id=lead.company_id.id)
        return _json(result)
