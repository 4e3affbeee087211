#!/usr/bin/env python3
"""Push leads into Odoo through the CRM suite's JSON API, authenticated with an API key.

    ODOO_URL=https://crm.example.com ODOO_API_KEY=... python push_leads.py leads.json
    python push_leads.py --url http://localhost:8069 --key KEY --email ana@example.com --name "Ana"

leads.json holds one lead object or a list of them (sent as batches). Create the key in
Odoo under Preferences ▸ Account Security ▸ New API Key. Only the standard library is used.
Exit code: 0 when every lead was accepted, 1 when some were rejected, 2 on a request error.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid


class LeadClient:
    """Minimal client of /api/crm/v1/leads: retries on 429 with Retry-After."""

    def __init__(self, url, key, retries=3):
        self.url = url.rstrip("/")
        self.key = key
        self.retries = retries

    def _request(self, method, path, payload=None, headers=None):
        data = json.dumps(payload).encode() if payload is not None else None
        hdrs = {
            "Authorization": f"Bearer {self.key}",
            "Content-Type": "application/json",
            **(headers or {}),
        }
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    return resp.status, json.loads(resp.read() or b"null")
            except urllib.error.HTTPError as e:
                body = e.read()
                if e.code == 429 and attempt < self.retries:
                    time.sleep(int(e.headers.get("Retry-After", "1")))
                    continue
                try:
                    return e.code, json.loads(body)
                except ValueError:
                    return e.code, {"error": {"message": body.decode(errors="replace")[:500]}}
        raise RuntimeError("unreachable")

    def create(self, lead, idempotency_key=None):
        """One lead. The same idempotency key never creates twice, even when retried."""
        key = idempotency_key or str(uuid.uuid4())
        return self._request("POST", "/api/crm/v1/leads", lead, {"Idempotency-Key": key})

    def create_batch(self, leads):
        return self._request("POST", "/api/crm/v1/leads/batch", {"leads": leads})

    def get(self, lead_id):
        return self._request("GET", f"/api/crm/v1/leads/{lead_id}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("file", nargs="?", help="JSON file with a lead or a list of leads")
    ap.add_argument("--url", default=os.environ.get("ODOO_URL", "http://localhost:8069"))
    ap.add_argument("--key", default=os.environ.get("ODOO_API_KEY"))
    ap.add_argument("--email")
    ap.add_argument("--phone")
    ap.add_argument("--name", help="contact name")
    ap.add_argument("--company", help="company name")
    ap.add_argument("--batch-size", type=int, default=100)
    args = ap.parse_args(argv)
    if not args.key:
        ap.error("an API key is required (--key or ODOO_API_KEY)")
    client = LeadClient(args.url, args.key)
    if args.file:
        with open(args.file, encoding="utf-8") as fh:
            leads = json.load(fh)
        leads = leads if isinstance(leads, list) else [leads]
    else:
        lead = {
            k: v
            for k, v in (
                ("email", args.email),
                ("phone", args.phone),
                ("contact_name", args.name),
                ("partner_name", args.company),
            )
            if v
        }
        leads = [lead]
    rejected = 0
    try:
        if len(leads) == 1:
            status, body = client.create(leads[0])
            print(json.dumps({"http_status": status, **body}))
            rejected = status >= 400
        else:
            for start in range(0, len(leads), args.batch_size):
                status, body = client.create_batch(leads[start : start + args.batch_size])
                print(json.dumps({"http_status": status, **body}))
                rejected += body.get("errors", 0) if status == 200 else 1
    except (urllib.error.URLError, OSError) as e:
        print(f"request failed: {e}", file=sys.stderr)
        return 2
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main())
