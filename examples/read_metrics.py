#!/usr/bin/env python3
"""Read customer metrics (RFM segment, CLV, churn) through Odoo 19's external JSON-2 API.

    ODOO_URL=http://localhost:8069 ODOO_API_KEY=... ODOO_DB=crm python read_metrics.py --segment champions

Calls POST /json/2/crm.customer.metric/search_read with the API key as a Bearer token; the
key's user sees only the metrics of their companies. Only the standard library is used.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request

FIELDS = [
    "partner_id",
    "company_id",
    "segment",
    "rfm_score",
    "clv",
    "p_alive",
    "churn_probability",
    "response_probability",
]


def call(url, key, db, model, method, **params):
    req = urllib.request.Request(
        f"{url.rstrip('/')}/json/2/{model}/{method}",
        data=json.dumps(params).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            **({"X-Odoo-Database": db} if db else {}),
        },
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("ODOO_URL", "http://localhost:8069"))
    ap.add_argument("--key", default=os.environ.get("ODOO_API_KEY"))
    ap.add_argument("--db", default=os.environ.get("ODOO_DB"))
    ap.add_argument("--segment", help="only this segment (e.g. champions, at_risk)")
    ap.add_argument("--order", default="clv desc")
    ap.add_argument("--limit", type=int, default=20)
    args = ap.parse_args(argv)
    if not args.key:
        ap.error("an API key is required (--key or ODOO_API_KEY)")
    domain = [["segment", "=", args.segment]] if args.segment else []
    try:
        fields = call(
            args.url, args.key, args.db, "crm.customer.metric", "fields_get", attributes=["type"]
        )
        wanted = [f for f in FIELDS if f in fields]
        rows = call(
            args.url,
            args.key,
            args.db,
            "crm.customer.metric",
            "search_read",
            domain=domain,
            fields=wanted,
            order=args.order,
            limit=args.limit,
        )
    except urllib.error.HTTPError as e:
        print(f"HTTP {e.code}: {e.read().decode(errors='replace')[:500]}", file=sys.stderr)
        return 2
    except (urllib.error.URLError, OSError) as e:
        print(f"request failed: {e}", file=sys.stderr)
        return 2
    print(json.dumps(rows, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
