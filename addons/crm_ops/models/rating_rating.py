# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ratings of the suite: the satisfaction requests of orders (Odoo's rating flow, with a
validity date and a company) and the one hook that reacts to a rating just given,
``_crm_ops_route_rating``."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import consteq

# Ratings at or below this value open a complaint ticket (1-5 scale).
DEFAULT_LOW_RATING = 2


class RatingRating(models.Model):
    _inherit = "rating.rating"

    crm_followup_item_id = fields.Many2one(
        "crm.followup.item", string="Follow-up", index="btree_not_null", ondelete="set null"
    )
    crm_expiry_date = fields.Datetime(string="Link valid until")
    crm_ticket_id = fields.Many2one("helpdesk.ticket", string="Complaint ticket", readonly=True)
    # ticked by the customer on Odoo's rating page of an order (see controllers/rating.py)
    crm_complaint = fields.Boolean(string="Complaint", readonly=True, copy=False)
    # The company of the rated order: the record rule crm_ops.rating_rating_order_company_rule
    # hides the ratings of other companies' orders (and their access tokens, which open
    # Odoo's /rate pages) from their employees.
    crm_company_id = fields.Many2one(
        "res.company",
        string="Order company",
        compute="_compute_crm_company_id",
        store=True,
        index="btree_not_null",
    )

    @api.depends("res_model", "res_id")
    def _compute_crm_company_id(self):
        orders = self.filtered(lambda r: r.res_model == "sale.order" and r.res_id)
        (self - orders).crm_company_id = False
        if not orders:
            return
        # sudo: copies the owning company of each rated order, which decides who may read
        # the rating; the value is not shown to anyone who could not read the order
        companies = {
            order.id: order.company_id
            for order in self.env["sale.order"].sudo().browse(set(orders.mapped("res_id"))).exists()
        }
        for rating in orders:
            rating.crm_company_id = companies.get(rating.res_id, False)

    @api.model_create_multi
    def create(self, vals_list):
        ratings = super().create(vals_list)
        ratings.filtered(lambda r: r.consumed and r.rating)._crm_ops_route_rating()
        return ratings

    def write(self, vals):
        given = {"rating", "consumed"} & set(vals)
        before = {r.id: (r.consumed, r.rating) for r in self} if given else {}
        res = super().write(vals)
        if before:
            self.filtered(
                lambda r: r.consumed and r.rating and before.get(r.id) != (r.consumed, r.rating)
            )._crm_ops_route_rating()
        return res

    # ------------------------------------------------------------
    # Satisfaction requests of orders
    # ------------------------------------------------------------
    def _crm_find_by_token(self, token):
        """The satisfaction request of ``token`` (sudo), or an empty recordset."""
        if not token or len(token) < 16:
            return self.browse()
        rating = self.sudo().search(
            [
                ("access_token", "=", token),
                ("res_model", "=", "sale.order"),
                ("crm_expiry_date", "!=", False),
            ],
            limit=1,
        )
        if rating and consteq(rating.access_token, token):
            return rating
        return self.browse()

    def _crm_is_expired(self):
        self.ensure_one()
        return bool(self.crm_expiry_date and self.crm_expiry_date < fields.Datetime.now())

    def _crm_closed_state(self):
        """Why this satisfaction request takes no answer: 'already' (each is answered
        once) or 'expired'; False while it is open, and for Odoo's other ratings."""
        self.ensure_one()
        if not self.crm_expiry_date:
            return False
        if self.consumed:
            return "already"
        return "expired" if self._crm_is_expired() else False

    # ------------------------------------------------------------
    # The low-rating router
    # ------------------------------------------------------------
    def _crm_ops_route_rating(self):
        """React to ratings a customer just gave (created consumed, or answered): the one
        hook of the suite for feedback by rating, whichever way it came (Odoo's /rate
        pages, the portal, code). Here: a low rating of an order, or one with a complaint,
        opens a complaint ticket (threshold: system parameter
        ``crm_ops.low_rating_threshold``). crm_collab extends it (``super()``) to route the
        ratings by its feedback rules."""
        threshold = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_ops.low_rating_threshold", DEFAULT_LOW_RATING)
        )
        # sudo: the customer who rates is often the public user of the /rate page; the
        # ticket is the order's company's own, opened on its order
        for rating in self.sudo():
            if rating.res_model != "sale.order" or rating.crm_ticket_id:
                continue
            if rating.rating <= threshold or rating.crm_complaint:
                order = self.env["sale.order"].sudo().browse(rating.res_id).exists()
                if order:
                    rating._crm_open_complaint(order)

    def _crm_open_complaint(self, order):
        value, comment, complaint = round(self.rating), self.feedback, self.crm_complaint
        ticket_type = (
            self.env["helpdesk.ticket.type"].sudo().search([("is_complaint", "=", True)], limit=1)
        )
        team = self.env["helpdesk.ticket.team"].sudo().search(
            [
                ("company_id", "in", [order.company_id.id, False]),
                ("type_ids", "in", ticket_type.ids),
            ],
            limit=1,
        ) or self.env["helpdesk.ticket.team"].sudo().search(
            [("company_id", "in", [order.company_id.id, False])], limit=1
        )
        reason = self.env._("Complaint") if complaint else self.env._("Low rating (%s/5)", value)
        ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_company(order.company_id)
            .create(
                {
                    "name": f"{reason} - {order.name}",
                    "description": Markup("<p>%s</p><blockquote>%s</blockquote>")
                    % (
                        self.env._(
                            "%(reason)s from %(customer)s:",
                            reason=reason,
                            customer=self.partner_id.name,
                        ),
                        comment or "-",
                    ),
                    "partner_id": self.partner_id.id,
                    "company_id": order.company_id.id,
                    "team_id": team.id,
                    "type_id": ticket_type.id,
                    "priority": "2" if value <= 1 or complaint else "1",
                    "sale_order_ids": [(4, order.id)],
                }
            )
        )
        self.crm_ticket_id = ticket
        if order.user_id:
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Unhappy customer: %s", ticket.display_name),
                note=comment or False,
                user_id=order.user_id.id,
            )
        return ticket
