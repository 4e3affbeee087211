# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        done = self.filtered(lambda p: p.state == "done" and p.sale_id)
        deliveries = done.filtered(lambda p: p.picking_type_code == "outgoing" and not p.return_id)
        if deliveries:
            self.env["crm.followup.item"]._plan(deliveries.sale_id, "delivered")
        returns = done.filtered(lambda p: p.return_id and p.picking_type_code == "incoming")
        if returns:
            returns.sale_id._crm_followup_cancel(self.env._("Order returned"))
        return res
