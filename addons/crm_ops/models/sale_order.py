# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models
from odoo.fields import Domain

from odoo.addons.rating.models.rating_data import RATING_NEUTRAL_VALUE

# Orders scanned per plan when the cron looks for late triggers (invoiced, paid, delivered).
SCAN_LIMIT = 5000


class SaleOrder(models.Model):
    _name = "sale.order"
    # satisfaction requests are Odoo's ratings: answered on Odoo's /rate pages
    _inherit = ["rating.mixin", "sale.order"]

    crm_followup_item_ids = fields.One2many("crm.followup.item", "order_id", string="Follow-ups")
    crm_followup_pending_count = fields.Integer(compute="_compute_crm_followup_pending_count")
    crm_satisfaction_url = fields.Char(
        compute="_compute_crm_satisfaction_url",
        groups="base.group_user",
        help="Link of the satisfaction page of the request being sent.",
    )

    def _compute_crm_followup_pending_count(self):
        data = self.env["crm.followup.item"]._read_group(
            [("order_id", "in", self.ids), ("state", "=", "pending")], ["order_id"], ["__count"]
        )
        counts = {order.id: count for order, count in data}
        for order in self:
            order.crm_followup_pending_count = counts.get(order.id, 0)

    def _compute_crm_satisfaction_url(self):
        """Link to the latest open satisfaction request of the order: Odoo's rating page
        (``/rate/<token>/<rate>``), "neutral" chosen until the customer picks a face.

        Read with the user's rights (no sudo): the link holds the rating's token, and the
        rating rules hide the ratings of other companies' orders. The follow-up executor
        renders its emails as superuser.
        """
        data = self.env["rating.rating"]._read_group(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", self.ids),
                ("consumed", "=", False),
                ("crm_expiry_date", ">", fields.Datetime.now()),
            ],
            ["res_id"],
            ["id:max"],
        )
        latest = dict(data)
        ratings = self.env["rating.rating"].browse(list(latest.values()))
        tokens = {rating.id: rating.access_token for rating in ratings}
        for order in self:
            token = tokens.get(latest.get(order.id))
            order.crm_satisfaction_url = (
                f"{order.get_base_url()}/rate/{token}/{RATING_NEUTRAL_VALUE}" if token else False
            )

    # ------------------------------------------------------------
    # Triggers
    # ------------------------------------------------------------
    def action_confirm(self):
        res = super().action_confirm()
        self.env["crm.followup.item"]._plan(self, "confirmed")
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self._crm_followup_cancel(self.env._("Order cancelled"))
        return res

    def _crm_followup_cancel(self, reason):
        items = (
            self.env["crm.followup.item"]
            .sudo()
            .search([("order_id", "in", self.ids), ("state", "=", "pending")])
        )
        items.write({"state": "cancelled", "note": reason})

    def _crm_followup_first_orders(self):
        """Orders of ``self`` whose customer had no earlier confirmed order."""
        partners = self.partner_id.commercial_partner_id
        data = self.sudo()._read_group(
            [("partner_id.commercial_partner_id", "in", partners.ids), ("state", "=", "sale")],
            ["partner_id"],
            ["date_order:min", "id:min"],
        )
        first = {}
        for partner, date, order_id in data:
            key = partner.commercial_partner_id.id
            if key not in first or (date, order_id) < first[key]:
                first[key] = (date, order_id)
        return self.filtered(
            lambda o: (
                (o.date_order, o.id)
                <= first.get(o.partner_id.commercial_partner_id.id, (o.date_order, o.id))
            )
        )

    def _crm_followup_trigger_domain(self, trigger):
        """Domain of the confirmed orders that reached ``trigger``."""
        if trigger == "invoiced":
            return Domain("invoice_ids.state", "=", "posted") & Domain(
                "invoice_ids.move_type", "=", "out_invoice"
            )
        if trigger == "paid":
            return Domain("invoice_ids.payment_state", "in", ["paid", "in_payment"])
        if trigger == "delivered" and "picking_ids" in self._fields:
            return Domain("picking_ids.state", "=", "done") & Domain(
                "picking_ids.picking_type_code", "=", "outgoing"
            )
        return Domain.FALSE

    def _crm_followup_scan_triggers(self):
        """Plan follow-ups of orders that reached a trigger since the last run.

        Catches what the hooks can miss (payments reconciled later, deliveries
        with Inventory installed). Only orders of the last 365 days are looked at.
        """
        plans = self.env["crm.followup.plan"].sudo().search([("trigger", "!=", "confirmed")])
        since = fields.Datetime.now() - timedelta(days=365)
        for plan in plans:
            domain = (
                Domain("state", "=", "sale")
                & Domain("company_id", "=", plan.company_id.id)
                & Domain("date_order", ">=", since)
                & Domain("crm_followup_item_ids", "not any", [("plan_id", "=", plan.id)])
                & self._crm_followup_trigger_domain(plan.trigger)
            )
            if domain.is_false():
                continue
            orders = self.sudo().search(domain, limit=SCAN_LIMIT)
            self.env["crm.followup.item"]._plan(orders, plan.trigger)

    # ------------------------------------------------------------
    # Satisfaction
    # ------------------------------------------------------------
    def _crm_satisfaction_request(self, partner, validity_days=30, item=None):
        """Create the pending rating behind a satisfaction link."""
        self.ensure_one()
        return (
            self.env["rating.rating"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                    "res_id": self.id,
                    "partner_id": partner.id,
                    "rated_partner_id": self.user_id.partner_id.id,
                    "crm_followup_item_id": item.id if item else False,
                    "crm_expiry_date": fields.Datetime.now() + timedelta(days=validity_days or 30),
                }
            )
        )

    def _rating_apply_get_default_subtype_id(self):
        """The customer's answer is a note on the order: the customer follows it and is
        not sent their own rating back."""
        return self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """Odoo's rating flow, for satisfaction requests answered once, before they expire:
        a closed request is returned unchanged. The answer itself (a low rating opens a
        complaint ticket) is ``rating.rating._crm_ops_route_rating``."""
        request = rating
        if token and not rating:
            # sudo: only to tell whether the token's request is closed (nothing is read
            # back or written); Odoo's own lookup below applies the caller's rights
            request = (
                self.env["rating.rating"].sudo().search([("access_token", "=", token)], limit=1)
            )
        if request and request._crm_closed_state():
            return request.sudo(False)
        return super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )

    def action_view_crm_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_ops.crm_followup_item_action")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {}
        return action
