# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class ResCurrency(models.Model):
    _inherit = "res.currency"

    @api.model
    def _crm_rate_sql(self, currency, company, day):
        """SQL of the rate of ``currency`` for ``company`` on ``day`` (SQL expressions),
        chosen as ``res.currency._get_rates`` does: the latest rate on or before the day,
        the company's (its root company's) own rates before the shared ones, else the
        earliest rate, else 1."""
        root = SQL("split_part(%s.parent_path, '/', 1)::int", SQL.identifier(company))
        pick = SQL(
            """SELECT r.rate FROM res_currency_rate r
                WHERE r.currency_id = %(currency)s
                  AND (r.company_id = %(root)s OR r.company_id IS NULL)""",
            currency=currency,
            root=root,
        )
        return SQL(
            """COALESCE(
                   (%(pick)s AND r.name <= %(day)s ORDER BY r.company_id, r.name DESC LIMIT 1),
                   (%(pick)s ORDER BY r.company_id, r.name LIMIT 1),
                   1.0)""",
            pick=pick,
            day=day,
        )

    @api.model
    def _crm_order_rate_sql(self, order="so", company="c"):
        """SQL factor that converts an amount of the sale order aliased ``order`` (in its
        currency) into the currency of its company (the table ``res_company`` aliased
        ``company``, joined on the order's company) at the order's date, with the rates
        of ``res_currency_rate`` as Odoo converts them. 1 when the order is in the
        company's currency (the rates are not read)."""
        so = SQL.identifier(order)
        c = SQL.identifier(company)
        day = SQL("%s.date_order::date", so)
        return SQL(
            """(CASE WHEN %(so)s.currency_id = %(c)s.currency_id OR %(so)s.currency_id IS NULL
                     THEN 1.0
                     ELSE %(company_rate)s / NULLIF(%(order_rate)s, 0) END)""",
            so=so,
            c=c,
            company_rate=self._crm_rate_sql(SQL("%s.currency_id", c), company, day),
            order_rate=self._crm_rate_sql(SQL("%s.currency_id", so), company, day),
        )
