"""Rules that turn campaign responders and purchase history into leads."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .crm_lead import CaptureError

_logger = logging.getLogger(__name__)

# partners captured per batch by a rule run
RULE_BATCH = 500


class CrmCaptureRule(models.Model):
    _name = "crm.capture.rule"
    _description = "Lead Generation Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    rule_type = fields.Selection(
        [
            ("mailing_responders", "Mailing Responders"),
            ("lapsed_category", "No Recent Purchase in a Category"),
            ("due_product", "Product Due for Renewal"),
        ],
        required=True,
        default="mailing_responders",
        tracking=True,
    )
    mailing_ids = fields.Many2many("mailing.mailing")
    responder_action = fields.Selection(
        [
            ("clicked", "Clicked"),
            ("replied", "Replied"),
            ("clicked_or_replied", "Clicked or Replied"),
        ],
        default="clicked_or_replied",
    )
    product_category_id = fields.Many2one("product.category")
    product_ids = fields.Many2many(
        "product.product", string="Renewable Products", check_company=True
    )
    days = fields.Integer(
        default=365,
        help="Lapsed category: days since the last order in the category. "
        "Due product: days after the purchase when the product is due again.",
    )
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], default="opportunity", required=True
    )
    team_id = fields.Many2one("crm.team", check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", domain=[("share", "=", False)], check_company=True
    )
    tag_ids = fields.Many2many("crm.tag", string="Tags")
    use_cron = fields.Boolean(string="Run Daily", default=True)
    last_run = fields.Datetime(readonly=True)
    last_run_count = fields.Integer(string="Leads Created Last Run", readonly=True)
    lead_ids = fields.One2many("crm.lead", "crm_ops_rule_id", string="Leads")
    lead_count = fields.Integer(compute="_compute_lead_count")

    _check_days = models.Constraint("CHECK(days >= 0)", "The number of days cannot be negative.")

    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group([("crm_ops_rule_id", "in", self.ids)], ["crm_ops_rule_id"], ["__count"])
        )
        for rule in self:
            rule.lead_count = counts.get(rule, 0)

    # ------------------------------------------------------------------
    def _target_partner_ids(self):
        """Partners of the company the rule selects, found with one query."""
        self.ensure_one()
        if self.rule_type == "mailing_responders":
            return self._responder_partner_ids()
        if self.rule_type == "lapsed_category":
            if not self.product_category_id:
                raise UserError(_("Choose the product category."))
            lines = [("product_id.categ_id", "child_of", self.product_category_id.id)]
        else:
            if not self.product_ids:
                raise UserError(_("Choose the renewable products."))
            lines = [("product_id", "in", self.product_ids.ids)]
        # customers whose last confirmed order with such a line is older than the rule's
        # days. sudo: the rule's company is named in the domain and only partner ids are
        # read; a salesperson running a rule sees the leads it captures, not the orders.
        # active_test off: an archived product still counts as bought.
        cutoff = fields.Datetime.now() - timedelta(days=self.days)
        groups = (
            self.env["sale.order"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("state", "=", "sale"),
                    ("company_id", "=", self.company_id.id),
                    ("order_line", "any", lines),
                ],
                ["partner_id"],
                having=[("date_order:max", "<", cutoff)],
            )
        )
        return [partner.id for (partner,) in groups if partner]

    def _responder_partner_ids(self):
        """Partners of the company who clicked or replied to the rule's mailings."""
        self.env["mailing.trace"].flush_model()
        self.env["mailing.contact"].flush_model(["email_normalized"])
        self.env["res.partner"].flush_model(["email_normalized", "active", "company_id"])
        self.env["crm.lead"].flush_model(["partner_id", "company_id"])
        # only the ids of the mailings the rule names, to filter the traces below (a
        # sales manager may run a rule without Email Marketing rights to read mailings)
        mailing_ids = self.sudo().mailing_ids.ids
        if not mailing_ids:
            raise UserError(_("Choose the mailings whose responders become leads."))
        responded = {
            "clicked": SQL("t.links_click_datetime IS NOT NULL"),
            "replied": SQL("t.trace_status = 'reply'"),
            "clicked_or_replied": SQL(
                "(t.links_click_datetime IS NOT NULL OR t.trace_status = 'reply')"
            ),
        }[self.responder_action]
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT p.id FROM mailing_trace t
                      JOIN res_partner p ON p.id = t.res_id
                     WHERE t.model = 'res.partner' AND t.mass_mailing_id = ANY(%(mailings)s)
                       AND %(responded)s
                       AND p.active AND (p.company_id = %(company)s OR p.company_id IS NULL)
                    UNION
                    SELECT DISTINCT l.partner_id FROM mailing_trace t
                      JOIN crm_lead l ON l.id = t.res_id
                     WHERE t.model = 'crm.lead' AND t.mass_mailing_id = ANY(%(mailings)s)
                       AND %(responded)s
                       AND l.partner_id IS NOT NULL AND l.company_id = %(company)s
                    UNION
                    -- mailing list subscribers: the contact with their email, as Odoo
                    -- finds one (the company's own before shared ones, then the oldest)
                    SELECT DISTINCT (
                           SELECT p.id FROM res_partner p
                            WHERE p.email_normalized = mc.email_normalized AND p.active
                              AND (p.company_id = %(company)s OR p.company_id IS NULL)
                            ORDER BY p.company_id IS NULL, p.id LIMIT 1)
                      FROM mailing_trace t
                      JOIN mailing_contact mc ON mc.id = t.res_id
                     WHERE t.model = 'mailing.contact' AND t.mass_mailing_id = ANY(%(mailings)s)
                       AND %(responded)s""",
                mailings=mailing_ids,
                responded=responded,
                company=self.company_id.id,
            )
        )
        return [pid for (pid,) in self.env.cr.fetchall() if pid]

    def _exclude_open(self, partner_ids):
        """Partners that already have an open lead of this rule are skipped, and those
        whose lead of this rule was merged into a lead that is still open."""
        self.env["crm.lead"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT l.partner_id FROM crm_lead l
                 LEFT JOIN crm_lead t ON t.id = l.crm_ops_merged_into_id
                WHERE l.crm_ops_rule_id = %s AND l.partner_id = ANY(%s)
                  AND ((l.active AND COALESCE(l.probability, 0) < 100)
                       OR (t.active AND COALESCE(t.probability, 0) < 100))""",
                self.id,
                partner_ids,
            )
        )
        busy = {pid for (pid,) in self.env.cr.fetchall()}
        return [pid for pid in partner_ids if pid not in busy]

    def _capture_values(self, partner):
        """What the capture service receives for ``partner``: the same keys as a web form
        or an API call, so the lead is normalised and de-duplicated like theirs."""
        self.ensure_one()
        company_name = partner.commercial_company_name or (partner.is_company and partner.name)
        return {
            "name": _("%(rule)s: %(partner)s", rule=self.name, partner=partner.display_name),
            "type": self.lead_type,
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "team_id": self.team_id.id or None,
            "user_id": self.user_id.id or None,
            "contact_name": None if partner.is_company else partner.name,
            "partner_name": company_name or None,
            "email": partner.email or None,
            "phone": partner.phone or None,
        }

    def _capture(self, partner, channel):
        """Capture one lead for ``partner``; a stored email or phone the capture refuses
        (the customer is known by ``partner_id``) is left out rather than the lead lost.

        :returns: the capture result, or None when the partner cannot be captured
        """
        Lead = self.env["crm.lead"].with_company(self.company_id)
        values = self._capture_values(partner)
        for __ in range(2):
            try:
                with self.env.cr.savepoint():
                    return Lead._crm_ops_capture(values, channel, rule=self)
            except CaptureError as e:
                bad = {"email", "phone"} & set(e.errors)
                if not bad or set(e.errors) - {"email", "phone"}:
                    _logger.warning(
                        "Rule %s: no lead for partner %s: %s", self.id, partner.id, e.errors
                    )
                    return None
                for key in bad:
                    values.pop(key, None)
        return None

    def action_run(self):
        """Capture a lead per selected partner without an open lead of the same rule.

        Each lead goes through the capture service (``crm.lead._crm_ops_capture``), the
        same as the web form, the API and the import: normalised, matched against the
        open leads of the company (merged into one when it is the same person), created
        as the current user.
        """
        total = 0
        for rule in self:
            partner_ids = rule._exclude_open(rule._target_partner_ids())
            channel = "campaign" if rule.rule_type == "mailing_responders" else "purchase"
            leads = self.env["crm.lead"]
            for start in range(0, len(partner_ids), RULE_BATCH):
                partners = self.env["res.partner"].browse(partner_ids[start : start + RULE_BATCH])
                for partner in partners:
                    result = rule._capture(partner, channel)
                    if result:
                        leads |= leads.browse(result["id"])
            if rule.tag_ids and leads:
                leads.write({"tag_ids": [fields.Command.link(tag.id) for tag in rule.tag_ids]})
            rule.write({"last_run": fields.Datetime.now(), "last_run_count": len(leads)})
            rule.message_post(
                body=_("%(count)s leads created.", count=len(leads)),
                subtype_xmlid="mail.mt_note",
            )
            total += len(leads)
        return total

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action.update(domain=[("crm_ops_rule_id", "=", self.id)], context={"create": False})
        return action

    @api.model
    def _cron_run_rules(self):
        rules = self.search([("use_cron", "=", True)])
        for index, rule in enumerate(rules):
            rule.action_run()
            if self.env["ir.cron"]._commit_progress(1, remaining=len(rules) - index - 1) <= 0:
                break
