# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request


class CrmOpsSatisfaction(http.Controller):
    """Public satisfaction page reached from the follow-up email (no login)."""

    def _crm_rating(self, token):
        return request.env["rating.rating"].sudo()._crm_find_by_token(token)

    @http.route(
        "/crm_ops/satisfaction/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def satisfaction_page(self, token, **kwargs):
        rating = self._crm_rating(token)
        if not rating:
            return request.not_found()
        order = request.env["sale.order"].sudo().browse(rating.res_id)
        if rating.consumed:
            state = "already"
        elif rating._crm_is_expired():
            state = "expired"
        else:
            state = "open"
        return request.render(
            "crm_ops.satisfaction_page",
            {"rating": rating, "order": order, "token": token, "state": state},
        )

    @http.route(
        "/crm_ops/satisfaction/<string:token>/submit",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        csrf=False,  # the signed token in the URL authenticates the answer
    )
    def satisfaction_submit(self, token, rate=0, comment="", complaint=False, **kwargs):
        rating = self._crm_rating(token)
        if not rating:
            return request.not_found()
        try:
            value = int(rate)
        except (TypeError, ValueError):
            value = 0
        order = request.env["sale.order"].sudo().browse(rating.res_id)
        if not 1 <= value <= 5:
            state = "open"
            error = request.env._("Please choose a rating from 1 to 5.")
        else:
            state = rating._crm_submit(value, (comment or "").strip()[:5000], bool(complaint))
            error = False
        return request.render(
            "crm_ops.satisfaction_page",
            {"rating": rating, "order": order, "token": token, "state": state, "error": error},
        )
