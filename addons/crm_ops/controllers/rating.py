# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Satisfaction requests of orders on Odoo's rating pages (``/rate/<token>/...``).

A request sent by a follow-up has a validity date: it is answered once, before it
expires; a closed one shows why instead of the form. On an order's request the customer
may also ask for a complaint to be filed (``crm_complaint``). The answer goes through
``sale.order.rating_apply`` like any rating, and ``rating.rating._crm_ops_route_rating``
reacts to it.
"""

from odoo import http
from odoo.http import request

from odoo.addons.rating.controllers.main import Rating
from odoo.addons.rating.models.rating_data import RATING_NEUTRAL_VALUE


class CrmOpsRating(Rating):
    def _crm_closed_page(self, token):
        """The page of a closed satisfaction request of an order, or None."""
        rating = request.env["rating.rating"].sudo()._crm_find_by_token(token)
        state = rating and rating._crm_closed_state()
        if not state:
            return None
        # sudo: the token identifies the customer's own order; only its name is shown
        order = request.env["sale.order"].sudo().browse(rating.res_id)
        return request.render("crm_ops.satisfaction_page", {"order": order, "state": state})

    @http.route()
    def action_open_rating(self, token, rate, **kwargs):
        return self._crm_closed_page(token) or super().action_open_rating(token, rate, **kwargs)

    @http.route()
    def action_submit_rating(self, token, rate=0, **kwargs):
        closed = self._crm_closed_page(token)
        if closed:
            return closed
        if kwargs.get("complaint") and request.httprequest.method == "POST":
            # the token (checked by _crm_find_by_token) is the customer's: it lets them
            # ask for a complaint on their own open request, nothing else
            request.env["rating.rating"].sudo()._crm_find_by_token(token).crm_complaint = True
        return super().action_submit_rating(token, rate=rate, **kwargs)

    @http.route(
        "/crm_ops/satisfaction/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def crm_satisfaction_page(self, token, **kwargs):
        """The link of the satisfaction mails sent before 19.0.1.2.0 (crm_ops had its own
        page then): those mails are in customers' mailboxes, so it leads on to Odoo's
        rating page of the same request, "neutral" chosen until the customer picks."""
        rating = request.env["rating.rating"].sudo()._crm_find_by_token(token)
        if not rating:
            return request.not_found()
        return request.redirect(f"/rate/{rating.access_token}/{RATING_NEUTRAL_VALUE}")
