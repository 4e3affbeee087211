# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval

TRIGGERS = [
    ("confirmed", "Order confirmed"),
    ("delivered", "Order delivered (needs Inventory)"),
    ("invoiced", "Order invoiced"),
    ("paid", "Order paid"),
]


class CrmFollowupPlan(models.Model):
    _name = "crm.followup.plan"
    _description = "Post-sale Follow-up Plan"
    _order = "sequence, id"
    _inherit = ["mail.thread"]
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------
    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="confirmed", tracking=True)
    customer_kind = fields.Selection(
        [("all", "All orders"), ("first", "First order only"), ("repeat", "Repeat orders")],
        string="Customer",
        required=True,
        default="all",
        help="First order: the customer (commercial entity) had no confirmed order before.",
    )
    order_domain = fields.Char(
        string="Order conditions",
        default="[]",
        help="Domain on sale.order (amount, product category, ...).",
    )
    partner_domain = fields.Char(
        string="Customer conditions",
        default="[]",
        help="Domain on res.partner, e.g. a customer segment from CRM Analytics.",
    )
    step_ids = fields.One2many("crm.followup.step", "plan_id", string="Steps", copy=True)
    item_ids = fields.One2many("crm.followup.item", "plan_id", string="Follow-ups")
    pending_count = fields.Integer(compute="_compute_item_counts")
    failed_count = fields.Integer(compute="_compute_item_counts")
    done_count = fields.Integer(compute="_compute_item_counts")

    @api.constrains("order_domain", "partner_domain")
    def _check_domains(self):
        for plan in self:
            for fname, model in (("order_domain", "sale.order"), ("partner_domain", "res.partner")):
                try:
                    domain = plan._eval_domain(fname)
                    self.env[model].sudo().search(domain, limit=1)
                except Exception as exc:
                    raise ValidationError(
                        self.env._(
                            "Invalid condition on %(plan)s: %(error)s", plan=plan.name, error=exc
                        )
                    ) from exc

    def write(self, vals):
        res = super().write(vals)
        if "active" in vals and not vals["active"]:
            self._cancel_pending_items(self.env._("Plan archived"))
        return res

    def _cancel_pending_items(self, reason):
        """Cancel the pending follow-ups of these plans (archived plans plan and send nothing)."""
        # sudo: the user has just written these plans (access and record rules checked by
        # write); their pending rows, whoever's salesperson they are, stop with them.
        items = (
            self.env["crm.followup.item"]
            .sudo()
            .search([("plan_id", "in", self.ids), ("state", "=", "pending")])
        )
        items.write({"state": "cancelled", "note": reason})

    def _compute_item_counts(self):
        data = self.env["crm.followup.item"]._read_group(
            [("plan_id", "in", self.ids)], ["plan_id", "state"], ["__count"]
        )
        counts = {(plan.id, state): count for plan, state, count in data}
        for plan in self:
            plan.pending_count = counts.get((plan.id, "pending"), 0)
            plan.failed_count = counts.get((plan.id, "failed"), 0)
            plan.done_count = counts.get((plan.id, "done"), 0)

    def _eval_domain(self, fname):
        self.ensure_one()
        return Domain(safe_eval(self[fname] or "[]"))

    def _filter_orders(self, orders):
        """Orders of ``orders`` that meet this plan's conditions."""
        self.ensure_one()
        orders = orders.filtered(lambda o: o.company_id == self.company_id)
        if not orders:
            return orders
        order_domain = self._eval_domain("order_domain")
        if not order_domain.is_true():
            orders = orders.search(Domain("id", "in", orders.ids) & order_domain)
        partner_domain = self._eval_domain("partner_domain")
        if orders and not partner_domain.is_true():
            partners = orders.partner_id.search(
                Domain("id", "in", orders.partner_id.ids) & partner_domain
            )
            orders = orders.filtered(lambda o: o.partner_id in partners)
        if orders and self.customer_kind != "all":
            first = orders._crm_followup_first_orders()
            if self.customer_kind == "first":
                orders = orders.filtered(lambda o: o in first)
            else:
                orders = orders.filtered(lambda o: o not in first)
        return orders

    def action_view_items(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_ops.crm_followup_item_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"search_default_filter_pending": 1}
        return action
