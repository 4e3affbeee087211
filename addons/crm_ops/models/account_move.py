# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _crm_followup_orders(self):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        return invoices.invoice_line_ids.sale_line_ids.order_id

    def _post(self, soft=True):
        posted = super()._post(soft)
        orders = posted._crm_followup_orders()
        if orders:
            self.env["crm.followup.item"]._plan(orders, "invoiced")
        return posted

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        orders = self._crm_followup_orders()
        if orders:
            self.env["crm.followup.item"]._plan(orders, "paid")
        return res
