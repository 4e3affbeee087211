"""Match keys on res.partner: what lead capture looks customers up by, all indexed."""

import logging

from psycopg2.extras import execute_values

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# partners whose keys are recomputed per UPDATE in _crm_ops_recompute_match_keys
MATCH_KEYS_BATCH = 20000


def partner_match_keys(email, phone, website, country_code):
    """(email_normalized, phone_sanitized, domain) as lead capture compares them."""
    from crm_engine.normalize import company_domain, normalize_email, normalize_phone  # noqa: PLC0415

    keys = []
    for func, args in (
        (normalize_email, (email,)),
        (normalize_phone, (phone, country_code)),
        (company_domain, (email, website)),
    ):
        try:
            keys.append((args[0] or website) and func(*args) or None)
        except ValueError:
            keys.append(None)
    return tuple(keys)


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

    # lookups by lead capture: exact keys (btree) and fuzzy names (trigram)
    _crm_ops_email_idx = models.Index("(email_normalized) WHERE email_normalized IS NOT NULL")
    _crm_ops_phone_idx = models.Index("(phone_sanitized) WHERE phone_sanitized IS NOT NULL")
    _crm_ops_domain_idx = models.Index("(crm_ops_domain) WHERE crm_ops_domain IS NOT NULL")
    _crm_ops_name_trgm_idx = models.Index("USING gin (name gin_trgm_ops)")

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners.filtered(lambda p: p.email or p.website)._crm_ops_update_domain()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if "email" in vals or "website" in vals:
            self._crm_ops_update_domain()
        return res

    def _crm_ops_update_domain(self):
        for partner in self:
            domain = partner_match_keys(partner.email, None, partner.website, None)[2]
            if partner.crm_ops_domain != domain:
                partner.write({"crm_ops_domain": domain})

    @api.model
    def _crm_ops_recompute_match_keys(self, only_missing=True):
        """Fill the match keys of partners written by SQL (imports, the data generator).

        Reads and writes in batches of MATCH_KEYS_BATCH with one SELECT and one
        UPDATE ... FROM (VALUES ...) each. Returns the number of partners updated.
        """
        self.flush_model()
        cr = self.env.cr
        where = (
            "(p.email IS NOT NULL AND p.email_normalized IS NULL)"
            " OR (p.phone IS NOT NULL AND p.phone_sanitized IS NULL)"
            " OR ((p.website IS NOT NULL OR p.email IS NOT NULL) AND p.crm_ops_domain IS NULL)"
            if only_missing
            else "TRUE"
        )
        last_id, done = 0, 0
        while True:
            cr.execute(
                f"""SELECT p.id, p.email, p.phone, p.website, c.code
                      FROM res_partner p LEFT JOIN res_country c ON c.id = p.country_id
                     WHERE p.id > %s AND ({where}) ORDER BY p.id LIMIT %s""",  # noqa: E501
                [last_id, MATCH_KEYS_BATCH],
            )
            rows = cr.fetchall()
            if not rows:
                break
            values = [(pid, *partner_match_keys(e, ph, w, cc)) for pid, e, ph, w, cc in rows]
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
            last_id = rows[-1][0]
            done += len(rows)
            _logger.info("crm_ops: match keys of %s partners recomputed", done)
        self.invalidate_model(["email_normalized", "phone_sanitized", "crm_ops_domain"])
        return done
