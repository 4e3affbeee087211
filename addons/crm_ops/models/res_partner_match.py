"""Match keys of res.partner: what lead capture looks customers up by, all indexed.

- ``email_normalized`` and ``phone_sanitized`` (Odoo's own, E.164), btree indexes;
- ``crm_ops_domain``: the company domain of the website or a non-free-mail email;
- ``crm_ops_name_keys`` (text[], GIN index): blocking keys of the person and company
  names and the canonical mailbox of Gmail-like addresses
  (``crm_engine.matching.blocking_keys``). Odoo has no array field, so the column
  is managed here: created by ``init()``, filled by create/write and in bulk, dropped by
  the uninstall hook. A NULL means "not computed yet" (an empty array: nothing to key on).
"""

import logging

from psycopg2.extras import execute_values

_logger = logging.getLogger(__name__)

# partners whose keys are recomputed per UPDATE in _crm_ops_recompute_match_keys
MATCH_KEYS_BATCH = 20000
NAME_KEYS_COLUMN = "crm_ops_name_keys"


def partner_match_keys(email, phone, website, country_code):
    """(email_normalized, phone_sanitized, domain) as lead capture compares them."""
    from crm_engine.normalize import company_domain, normalize_email, normalize_phone

    keys = []
    for func, args in (
        (normalize_email, (email,)),
        (normalize_phone, (phone, country_code)),
        (company_domain, (email, website)),
    ):
        try:
            keys.append(((args[0] or website) and func(*args)) or None)
        except ValueError:
            keys.append(None)
    return tuple(keys)


def partner_name_keys(name, is_company, parent_name, email=None, phone=None, region=None):
    """Blocking keys of a partner: its own name as a person or a company, its company's,
    its canonical mailbox where the provider rewrites addresses (Gmail dots, +tags) and
    its phone as the engine reads it (Odoo's phone_sanitized is empty for numbers it
    does not find valid, or written with an extension)."""
    from crm_engine.matching import blocking_keys

    if is_company:
        return blocking_keys(None, name, email, phone, region)
    return blocking_keys(name, parent_name, email, phone, region)


def ensure_name_keys_column(cr, table):
    """Add the text[] column and its GIN index (partial on active rows) if missing."""
    cr.execute(  # pylint: disable=sql-injection
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {NAME_KEYS_COLUMN} text[]"
    )
    cr.execute(  # pylint: disable=sql-injection
        f"CREATE INDEX IF NOT EXISTS {table}_{NAME_KEYS_COLUMN}_idx ON {table}"
        f" USING gin ({NAME_KEYS_COLUMN}) WHERE active"
    )


def write_name_keys(cr, table, values):
    """UPDATE table SET name keys FROM (VALUES (id, keys), ...) in pages."""
    execute_values(
        cr._obj,
        f"UPDATE {table} t SET {NAME_KEYS_COLUMN} = v.keys"
        " FROM (VALUES %s) AS v(id, keys) WHERE t.id = v.id",
        values,
        template="(%s, %s::text[])",
        page_size=5000,
    )
