"""Match keys on res.partner: what lead capture looks customers up by, all indexed.

- ``email_normalized`` and ``phone_sanitized`` (Odoo's own, E.164), btree indexes;
- ``crm_ops_domain``: the company domain of the website or a non-free-mail email;
- ``crm_ops_name_keys`` (text[], GIN index): blocking keys of the person and company
  names (``crm_engine.matching.blocking_keys``). Odoo has no array field, so the column
  is managed here: created by ``init()``, filled by create/write and in bulk, dropped by
  the uninstall hook. A NULL means "not computed yet" (an empty array: nothing to key on).
"""

import logging

from psycopg2.extras import execute_values

from odoo import api, fields, models

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


def partner_name_keys(name, is_company, parent_name):
    """Blocking keys of a partner: its own name as a person or a company, and its company's."""
    from crm_engine.matching import blocking_keys

    if is_company:
        return blocking_keys(None, name)
    return blocking_keys(name, parent_name)


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


class ResPartner(models.Model):
    _inherit = "res.partner"

    # kept up to date by create/write, and filled in bulk by _crm_ops_recompute_match_keys
    # (a stored compute would load every partner into the ORM when the addon is installed)
    crm_ops_domain = fields.Char(
        string="Company Domain",
        readonly=True,
        copy=False,
        help="Domain of the website, or of the email when it is not a free-mail address.",
    )

    # lookups by lead capture: exact keys, btree
    _crm_ops_email_idx = models.Index("(email_normalized) WHERE email_normalized IS NOT NULL")
    _crm_ops_phone_idx = models.Index("(phone_sanitized) WHERE phone_sanitized IS NOT NULL")
    _crm_ops_domain_idx = models.Index("(crm_ops_domain) WHERE crm_ops_domain IS NOT NULL")

    def init(self):
        res = super().init()
        ensure_name_keys_column(self.env.cr, self._table)
        return res

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._crm_ops_update_match_keys()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if {"email", "website", "name", "is_company", "parent_id"} & set(vals):
            self._crm_ops_update_match_keys()
            if {"name", "is_company"} & set(vals):
                # contacts carry their company's name in their keys
                self.child_ids._crm_ops_update_match_keys()
        return res

    def _crm_ops_update_match_keys(self):
        """Domain and name keys of these partners (and only of these, with one UPDATE)."""
        if not self:
            return
        for partner in self:
            domain = partner_match_keys(partner.email, None, partner.website, None)[2]
            if partner.crm_ops_domain != (domain or False):
                partner.write({"crm_ops_domain": domain})
        self.flush_recordset(["name", "is_company", "parent_id"])
        write_name_keys(
            self.env.cr,
            self._table,
            [(p.id, partner_name_keys(p.name, p.is_company, p.parent_id.name)) for p in self],
        )

    @api.model
    def _crm_ops_recompute_match_keys(self, only_missing=True):
        """Fill the match keys of partners written by SQL (imports, the data generator).

        Reads and writes in batches of MATCH_KEYS_BATCH with one SELECT and two
        UPDATE ... FROM (VALUES ...) each. Returns the number of partners updated.
        """
        self.flush_model()
        cr = self.env.cr
        where = f"p.{NAME_KEYS_COLUMN} IS NULL" if only_missing else "TRUE"
        last_id, done = 0, 0
        while True:
            cr.execute(
                f"""SELECT p.id, p.email, p.phone, p.website, c.code, p.name, p.is_company,
                           parent.name
                      FROM res_partner p
                      LEFT JOIN res_country c ON c.id = p.country_id
                      LEFT JOIN res_partner parent ON parent.id = p.parent_id
                     WHERE p.id > %s AND ({where}) ORDER BY p.id LIMIT %s""",
                [last_id, MATCH_KEYS_BATCH],
            )
            rows = cr.fetchall()
            if not rows:
                break
            values = [
                (pid, *partner_match_keys(email, phone, website, code))
                for pid, email, phone, website, code, *__ in rows
            ]
            execute_values(
                cr._obj,
                """UPDATE res_partner p
                      SET email_normalized = COALESCE(p.email_normalized, v.email),
                          phone_sanitized = COALESCE(p.phone_sanitized, v.phone),
                          crm_ops_domain = v.domain
                     FROM (VALUES %s) AS v(id, email, phone, domain) WHERE p.id = v.id""",
                values,
                template="(%s, %s, %s, %s)",
                page_size=5000,
            )
            write_name_keys(
                cr,
                "res_partner",
                [
                    (pid, partner_name_keys(name, is_company, parent_name))
                    for pid, *__, name, is_company, parent_name in rows
                ],
            )
            last_id = rows[-1][0]
            done += len(rows)
            _logger.info("crm_ops: match keys of %s partners recomputed", done)
        self.invalidate_model(["email_normalized", "phone_sanitized", "crm_ops_domain"])
        return done
