# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.match_keys import (
    MATCH_KEYS_BATCH,
    NAME_KEYS_COLUMN,
    ensure_name_keys_column,
    partner_match_keys,
    partner_name_keys,
    update_from_values,
    write_name_keys,
)

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # 360° customer view (counts cover the company and its contacts)
    crm_followup_item_ids = fields.One2many("crm.followup.item", "partner_id", string="Follow-ups")
    crm_open_lead_count = fields.Integer(string="Open leads", compute="_compute_crm_360")
    crm_pending_followup_count = fields.Integer(
        string="Pending follow-ups", compute="_compute_crm_360"
    )
    crm_open_ticket_count = fields.Integer(string="Open tickets", compute="_compute_crm_360")
    crm_complaint_count = fields.Integer(string="Complaints", compute="_compute_crm_360")
    crm_rating_count = fields.Integer(string="Satisfaction ratings", compute="_compute_crm_360")
    crm_rating_avg = fields.Float(string="Average rating", compute="_compute_crm_360")
    crm_mailing_count = fields.Integer(string="Mailings received", compute="_compute_crm_360")

    def _crm_360_family(self):
        """{partner id: ids of the partner and, for companies, their contacts}."""
        commercial = self.commercial_partner_id
        children = self.with_context(active_test=False).search(
            [("commercial_partner_id", "in", commercial.ids)]
        )
        by_commercial = {}
        for child in children:
            by_commercial.setdefault(child.commercial_partner_id.id, []).append(child.id)
        return {
            partner.id: (
                by_commercial.get(partner.id, [partner.id])
                if partner.is_company or partner == partner.commercial_partner_id
                else [partner.id]
            )
            for partner in self
        }

    def _crm_count(self, model, domain, partner_field, family, aggregates=("__count",)):
        all_ids = list({pid for ids in family.values() for pid in ids})
        data = self.env[model]._read_group(
            Domain(partner_field, "in", all_ids) & Domain(domain), [partner_field], list(aggregates)
        )
        per_partner = {row[0].id: row[1:] for row in data}
        return per_partner

    def _compute_crm_360(self):
        partners = self.filtered("id")
        (self - partners).update(
            {
                "crm_open_lead_count": 0,
                "crm_pending_followup_count": 0,
                "crm_open_ticket_count": 0,
                "crm_complaint_count": 0,
                "crm_rating_count": 0,
                "crm_rating_avg": 0.0,
                "crm_mailing_count": 0,
            }
        )
        if not partners:
            return
        family = partners._crm_360_family()
        leads = partners._crm_count(
            "crm.lead", [("won_status", "=", "pending")], "partner_id", family
        )
        followups = partners._crm_count(
            "crm.followup.item", [("state", "=", "pending")], "partner_id", family
        )
        tickets = partners._crm_count(
            "helpdesk.ticket", [("closed", "=", False)], "partner_id", family
        )
        complaints = partners._crm_count(
            "helpdesk.ticket", [("is_complaint", "=", True)], "partner_id", family
        )
        ratings = partners._crm_count(
            "rating.rating",
            [("consumed", "=", True), ("res_model", "=", "sale.order")],
            "partner_id",
            family,
            aggregates=("__count", "rating:sum"),
        )
        emails = {p.email_normalized for p in partners if p.email_normalized}
        mailings = {}
        if emails:
            data = (
                self.env["mailing.trace"]
                .sudo()
                ._read_group(
                    [("email", "in", list(emails)), ("trace_status", "!=", "cancel")],
                    ["email"],
                    ["__count"],
                )
            )
            mailings = dict(data)

        def total(counts, partner, index=0):
            return sum(counts.get(pid, (0, 0))[index] for pid in family[partner.id])

        for partner in partners:
            rating_count = total(ratings, partner)
            partner.crm_open_lead_count = total(leads, partner)
            partner.crm_pending_followup_count = total(followups, partner)
            partner.crm_open_ticket_count = total(tickets, partner)
            partner.crm_complaint_count = total(complaints, partner)
            partner.crm_rating_count = rating_count
            partner.crm_rating_avg = (
                total(ratings, partner, 1) / rating_count if rating_count else 0.0
            )
            partner.crm_mailing_count = mailings.get(partner.email_normalized, 0)

    def _crm_360_action(self, xmlid, domain, context=None):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = context or {}
        return action

    def _crm_360_ids(self):
        return self._crm_360_family()[self.id]

    def action_crm_open_leads(self):
        return self._crm_360_action(
            "crm.crm_lead_all_leads",
            [("partner_id", "in", self._crm_360_ids()), ("won_status", "=", "pending")],
        )

    def action_crm_followups(self):
        return self._crm_360_action(
            "crm_ops.crm_followup_item_action",
            [("partner_id", "in", self._crm_360_ids())],
            {"search_default_filter_pending": 1},
        )

    def action_crm_tickets(self):
        return self._crm_360_action(
            "helpdesk_mgmt.helpdesk_ticket_action",
            [("partner_id", "in", self._crm_360_ids()), ("closed", "=", False)],
        )

    def action_crm_complaints(self):
        return self._crm_360_action(
            "helpdesk_mgmt.helpdesk_ticket_action",
            [("partner_id", "in", self._crm_360_ids()), ("is_complaint", "=", True)],
        )

    def action_crm_ratings(self):
        return self._crm_360_action(
            "rating.rating_rating_action",
            [
                ("partner_id", "in", self._crm_360_ids()),
                ("consumed", "=", True),
                ("res_model", "=", "sale.order"),
            ],
        )

    def action_crm_mailings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mailings received"),
            "res_model": "mailing.trace",
            "view_mode": "list,form",
            "domain": [("email", "=", self.email_normalized or "-")],
        }

    # Match keys of lead capture (see tools/match_keys.py)

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
        if {"email", "website", "name", "is_company", "parent_id", "phone", "country_id"} & set(
            vals
        ):
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
                # derived from the e-mail and website the user just wrote (with the user's
                # own rights): the key itself is bookkeeping, not a field a user edits, so a
                # partner company's write share that names the e-mail need not name it
                partner.sudo().write({"crm_ops_domain": domain})
        self.flush_recordset(["name", "is_company", "parent_id", "email", "phone", "country_id"])
        default_region = self.env.company.country_id.code
        # the keys of partners the user may write (a partner company's write share
        # included) need the country of the partner's company, which the user may not
        # read: read it as superuser, only the country code, only to compute the keys
        company_region = {
            p.id: p.sudo().company_id.country_id.code for p in self if not p.country_id
        }
        write_name_keys(
            self.env.cr,
            self._table,
            [
                (
                    p.id,
                    partner_name_keys(
                        p.name,
                        p.is_company,
                        p.parent_id.name,
                        p.email,
                        p.phone,
                        p.country_id.code or company_region.get(p.id) or default_region,
                    ),
                )
                for p in self
            ],
        )

    @api.model
    def _crm_ops_recompute_match_keys(self, only_missing=True):
        """Fill the match keys of partners written by SQL (imports, the data generator).

        Reads and writes in batches of MATCH_KEYS_BATCH with one SELECT and two
        UPDATE ... FROM (VALUES ...) each. Returns the number of partners updated.
        """
        self.flush_model()
        cr = self.env.cr
        default_region = self.env.company.country_id.code
        where = (
            SQL("%s IS NULL", SQL.identifier("p", NAME_KEYS_COLUMN))
            if only_missing
            else SQL("TRUE")
        )
        last_id, done = 0, 0
        while True:
            cr.execute(
                SQL(
                    """SELECT p.id, p.email, p.phone, p.website, c.code, p.name, p.is_company,
                              parent.name
                         FROM res_partner p
                         LEFT JOIN res_country c ON c.id = p.country_id
                         LEFT JOIN res_partner parent ON parent.id = p.parent_id
                        WHERE p.id > %s AND (%s) ORDER BY p.id LIMIT %s""",
                    last_id,
                    where,
                    MATCH_KEYS_BATCH,
                )
            )
            rows = cr.fetchall()
            if not rows:
                break
            values = [
                (pid, *partner_match_keys(email, phone, website, code))
                for pid, email, phone, website, code, *__ in rows
            ]
            update_from_values(
                cr,
                lambda rows: SQL(
                    """UPDATE res_partner p
                          SET email_normalized = COALESCE(p.email_normalized, v.email),
                              phone_sanitized = COALESCE(p.phone_sanitized, v.phone),
                              crm_ops_domain = v.domain
                         FROM (VALUES %s) AS v(id, email, phone, domain) WHERE p.id = v.id""",
                    rows,
                ),
                values,
                "(%s, %s, %s, %s)",
            )
            write_name_keys(
                cr,
                "res_partner",
                [
                    (
                        pid,
                        partner_name_keys(
                            name, is_company, parent_name, email, phone, code or default_region
                        ),
                    )
                    for pid, email, phone, _website, code, name, is_company, parent_name in rows
                ],
            )
            last_id = rows[-1][0]
            done += len(rows)
            _logger.info("crm_ops: match keys of %s partners recomputed", done)
        self.invalidate_model(["email_normalized", "phone_sanitized", "crm_ops_domain"])
        return done
