# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CrmCollabCampaign(models.Model):
    """Co-marketing: one UTM campaign run by two companies, with each side's results
    (aggregates only: neither side reads the other's leads through it)."""

    _name = "crm.collab.campaign"
    _description = "Co-marketing Campaign"
    _inherit = ["mail.thread"]

    name = fields.Char(required=True, tracking=True)
    agreement_id = fields.Many2one(
        "crm.collab.agreement", required=True, domain=[("state", "=", "active")]
    )
    owner_company_id = fields.Many2one(related="agreement_id.owner_company_id", store=True)
    partner_company_id = fields.Many2one(related="agreement_id.partner_company_id", store=True)
    campaign_id = fields.Many2one("utm.campaign", string="UTM Campaign", required=True)
    date_start = fields.Date()
    date_end = fields.Date()
    owner_lead_count = fields.Integer(compute="_compute_results")
    owner_won_revenue = fields.Float(compute="_compute_results")
    owner_order_amount = fields.Float(compute="_compute_results")
    partner_lead_count = fields.Integer(compute="_compute_results")
    partner_won_revenue = fields.Float(compute="_compute_results")
    partner_order_amount = fields.Float(compute="_compute_results")

    @api.depends("campaign_id", "agreement_id")
    def _compute_results(self):
        for rec in self:
            for side, company in (
                ("owner", rec.owner_company_id),
                ("partner", rec.partner_company_id),
            ):
                leads = dict.fromkeys(("count", "won"), 0)
                amount = 0.0
                if rec.campaign_id and company:
                    Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
                    dom = [
                        ("campaign_id", "=", rec.campaign_id.id),
                        ("company_id", "=", company.id),
                    ]
                    leads["count"] = Lead.search_count(dom)
                    [(won,)] = Lead._read_group(
                        dom + [("won_status", "=", "won")], [], ["expected_revenue:sum"]
                    )
                    leads["won"] = won or 0.0
                    [(amount,)] = (
                        self.env["sale.order"]
                        .sudo()
                        ._read_group(
                            [
                                ("campaign_id", "=", rec.campaign_id.id),
                                ("company_id", "=", company.id),
                                ("state", "=", "sale"),
                            ],
                            [],
                            ["amount_total:sum"],
                        )
                    )
                rec[f"{side}_lead_count"] = leads["count"]
                rec[f"{side}_won_revenue"] = leads["won"]
                rec[f"{side}_order_amount"] = amount or 0.0
