"""Match keys and candidate lookups of lead capture: the SQL side of de-duplication.

What lead capture looks customers and open leads up by, all indexed:

- ``email_normalized`` and ``phone_sanitized`` (Odoo's own, E.164), btree indexes;
- ``crm_ops_domain``: the company domain of the website or a non-free-mail email;
- ``crm_ops_name_keys`` (text[], GIN index): blocking keys of the person and company
  names and the canonical mailbox of Gmail-like addresses
  (``crm_engine.matching.blocking_keys``). Odoo has no array field, so the column
  is managed here: created by ``init()``, filled by create/write and in bulk, dropped by
  the uninstall hook. A NULL means "not computed yet" (an empty array: nothing to key on).

The candidates of an incoming lead are fetched by one PL/pgSQL function per table
(``crm_ops_<table>_candidates``, created by ``crm.lead.init()``): one indexed lookup per
key, each limited, so the cost does not grow with the size of the table.
"""

from odoo.tools import SQL, split_every

# partners whose keys are recomputed per UPDATE in _crm_ops_recompute_match_keys
MATCH_KEYS_BATCH = 20000
NAME_KEYS_COLUMN = "crm_ops_name_keys"
# candidates fetched per key by the de-duplication lookup
CANDIDATE_LIMIT = 10
# the tables looked up, with the rows that may be candidates
CANDIDATE_TABLES = {
    "res_partner": SQL("(company_id = p_company OR company_id IS NULL)"),
    "crm_lead": SQL("company_id = p_company AND COALESCE(probability, 0) < 100"),
}
# rows per UPDATE ... FROM (VALUES ...) statement
VALUES_PAGE = 5000


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


def _candidate_function(table):
    return SQL.identifier(f"crm_ops_{table}_candidates")


def ensure_name_keys_column(cr, table):
    """Add the text[] column and its GIN index (partial on active rows) if missing.

    The index is built without GIN's pending list (``fastupdate = off``): with it, new
    and changed keys wait in an unsorted list that every lookup reads in full until
    VACUUM merges it (measured: 16,000 pending keys of 100,000 leads made each lead
    lookup 1.2 ms instead of 0.05 ms). Lead capture looks keys up for every lead, so
    each write pays its few index entries at once instead."""
    index = f"{table}_{NAME_KEYS_COLUMN}_idx"
    cr.execute(
        SQL(
            "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s text[]",
            SQL.identifier(table),
            SQL.identifier(NAME_KEYS_COLUMN),
        )
    )
    cr.execute(
        SQL(
            "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (%s) WITH (fastupdate = off)"
            " WHERE active",
            SQL.identifier(index),
            SQL.identifier(table),
            SQL.identifier(NAME_KEYS_COLUMN),
        )
    )
    # an index made by an earlier version: switch the list off and merge what it holds
    cr.execute(
        SQL(
            "SELECT 1 FROM pg_class WHERE relname = %s AND reloptions @> ARRAY['fastupdate=off']",
            index,
        )
    )
    if not cr.fetchone():
        cr.execute(SQL("ALTER INDEX %s SET (fastupdate = off)", SQL.identifier(index)))
        cr.execute(SQL("SELECT gin_clean_pending_list(%s::regclass)", index))


#: Rows of the capture lock table: contacts are spread over this many rows (two
#: contacts sharing one only make one of two concurrent captures run again).
CAPTURE_LOCK_BUCKETS = 1 << 20


def ensure_capture_lock_table(cr):
    """The table whose rows serialise the captures of one contact (see
    ``crm.ops.lead.capture._crm_ops_lock_contact``); not a model: no one reads it."""
    cr.execute(
        SQL(
            """CREATE TABLE IF NOT EXISTS crm_ops_capture_lock (
                   bucket integer PRIMARY KEY, captures bigint NOT NULL DEFAULT 0)"""
        )
    )


def drop_name_keys(cr):
    """Uninstall: drop the name-key columns, the lookup functions and the lock table."""
    cr.execute(SQL("DROP TABLE IF EXISTS crm_ops_capture_lock"))
    for table in CANDIDATE_TABLES:
        cr.execute(
            SQL(
                "ALTER TABLE %s DROP COLUMN IF EXISTS %s",
                SQL.identifier(table),
                SQL.identifier(NAME_KEYS_COLUMN),
            )
        )
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s", _candidate_function(table)))


def create_candidate_functions(cr):
    """(Re)create the candidate lookups as functions: PL/pgSQL keeps each statement's
    plan, so the planner does not weigh every index of res_partner again for every lead."""
    from crm_engine.matching import BROAD_KEY_PREFIXES

    for table, company_cond in CANDIDATE_TABLES.items():
        name, tab = _candidate_function(table), SQL.identifier(table)
        cr.execute(
            SQL("DROP FUNCTION IF EXISTS %s(text, text, text, text[], integer, integer)", name)
        )
        cr.execute(
            SQL(
                """CREATE FUNCTION %(name)s(
                    p_email text, p_phone text, p_domain text, p_keys text[],
                    p_company integer, p_limit integer)
                RETURNS SETOF integer LANGUAGE plpgsql STABLE AS $fn$
                DECLARE v_key text; v_found boolean := false;
                BEGIN
                    IF p_email IS NOT NULL THEN
                        RETURN QUERY SELECT id FROM %(tab)s WHERE email_normalized = p_email
                            AND active AND %(cond)s LIMIT p_limit;
                        v_found := v_found OR FOUND;
                    END IF;
                    IF p_phone IS NOT NULL THEN
                        RETURN QUERY SELECT id FROM %(tab)s WHERE phone_sanitized = p_phone
                            AND active AND %(cond)s LIMIT p_limit;
                        v_found := v_found OR FOUND;
                    END IF;
                    IF p_domain IS NOT NULL THEN
                        RETURN QUERY SELECT id FROM %(tab)s WHERE crm_ops_domain = p_domain
                            AND active AND %(cond)s LIMIT p_limit;
                        v_found := v_found OR FOUND;
                    END IF;
                    -- each key its own limit: a broad key (the first word of a company
                    -- name, "cf:talleres") must not crowd out the person's own key;
                    -- broad keys only when the precise ones found nobody
                    -- (crm_engine.matching.BROAD_KEY_PREFIXES)
                    FOREACH v_key IN ARRAY coalesce(p_keys, ARRAY[]::text[]) LOOP
                        CONTINUE WHEN v_key LIKE ANY(%(broad)s);
                        RETURN QUERY SELECT id FROM %(tab)s WHERE %(keys)s @> ARRAY[v_key]
                            AND active AND %(cond)s LIMIT p_limit;
                        v_found := v_found OR FOUND;
                    END LOOP;
                    IF NOT v_found THEN
                        FOREACH v_key IN ARRAY coalesce(p_keys, ARRAY[]::text[]) LOOP
                            CONTINUE WHEN NOT v_key LIKE ANY(%(broad)s);
                            RETURN QUERY SELECT id FROM %(tab)s WHERE %(keys)s @> ARRAY[v_key]
                                AND active AND %(cond)s LIMIT p_limit;
                        END LOOP;
                    END IF;
                END $fn$""",
                name=name,
                tab=tab,
                cond=company_cond,
                keys=SQL.identifier(NAME_KEYS_COLUMN),
                broad=[f"{prefix}%" for prefix in BROAD_KEY_PREFIXES],
            )
        )


def update_from_values(cr, make_query, rows, row_template):
    """Run ``make_query(values)`` once per page of ``rows``, ``values`` being the rows as
    an SQL ``VALUES`` list, each row rendered by ``row_template`` (``"(%s, %s::text[])"``)."""
    for page in split_every(VALUES_PAGE, rows):
        cr.execute(make_query(SQL(", ").join(SQL(row_template, *row) for row in page)))


def write_name_keys(cr, table, values):
    """UPDATE table SET name keys FROM (VALUES (id, keys), ...) in pages."""
    update_from_values(
        cr,
        lambda rows: SQL(
            "UPDATE %s t SET %s = v.keys FROM (VALUES %s) AS v(id, keys) WHERE t.id = v.id",
            SQL.identifier(table),
            SQL.identifier(NAME_KEYS_COLUMN),
            rows,
        ),
        values,
        "(%s, %s::text[])",
    )


def candidate_ids(cr, table, incoming, company_id):
    """Ids of the candidates of ``table`` for ``incoming`` (the engine's record: name,
    company_name, email, phone, domain, country_code) among the rows of ``company_id``."""
    from crm_engine.matching import blocking_keys
    from crm_engine.normalize import normalize_phone

    phone = None
    if incoming["phone"]:
        try:
            phone = normalize_phone(incoming["phone"], incoming["country_code"])
        except ValueError:
            phone = None
    keys = blocking_keys(
        incoming["name"],
        incoming["company_name"],
        incoming["email"],
        incoming["phone"],
        incoming["country_code"],
    )
    if not (incoming["email"] or phone or incoming["domain"] or keys):
        return []
    # small tables would otherwise be scanned row by row: indexes only, for this statement
    cr.execute(
        SQL(
            """SELECT set_config('enable_seqscan', 'off', true),
                      ARRAY(SELECT DISTINCT %s(%s, %s, %s, %s, %s, %s)),
                      set_config('enable_seqscan', 'on', true)""",
            _candidate_function(table),
            incoming["email"],
            phone,
            incoming["domain"],
            keys,
            company_id,
            CANDIDATE_LIMIT,
        )
    )
    return cr.fetchone()[1]


def _candidate_rows(cr, table, incoming, company_id, query):
    """Rows of ``query`` (an SQL with one ``%s``, the ids) for the candidates of ``table``."""
    ids = candidate_ids(cr, table, incoming, company_id)
    if not ids:
        return []
    cr.execute(SQL(query, ids))
    return cr.fetchall()


def partner_candidates(cr, incoming, company_id):
    """The customers that may be ``incoming``, as the engine reads them."""
    rows = _candidate_rows(
        cr,
        "res_partner",
        incoming,
        company_id,
        """SELECT p.id, p.name, p.is_company, p.email, p.phone, p.crm_ops_domain,
                  parent.name, c.code, parent.id
             FROM res_partner p
             LEFT JOIN res_partner parent ON parent.id = p.parent_id
             LEFT JOIN res_country c ON c.id = p.country_id
            WHERE p.id = ANY(%s)""",
    )
    return [
        {
            "id": pid,
            "model": "res.partner",
            "name": None if is_company else name,
            "company_name": name if is_company else parent_name,
            "email": email,
            "phone": phone,
            "domain": domain,
            "country_code": code,
            # the company a shared mailbox or landline of another person points to
            "parent_id": parent_id,
        }
        for pid, name, is_company, email, phone, domain, parent_name, code, parent_id in rows
    ]


def lead_candidates(cr, incoming, company_id):
    """The open leads that may be ``incoming``, as the engine reads them."""
    rows = _candidate_rows(
        cr,
        "crm_lead",
        incoming,
        company_id,
        """SELECT id, contact_name, partner_name, email_from, phone, crm_ops_domain
             FROM crm_lead WHERE id = ANY(%s)""",
    )
    return [
        {
            "id": lid,
            "model": "crm.lead",
            "name": contact,
            "company_name": pname,
            "email": email,
            "phone": phone,
            "domain": domain,
        }
        for lid, contact, pname, email, phone, domain in rows
    ]
