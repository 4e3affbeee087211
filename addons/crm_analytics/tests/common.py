# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.crm_ops.tests.common import MAIL_QUIET, SALES_MANAGER, CrmOpsCommon


class CrmAnalyticsCommon(CrmOpsCommon):
    """A small generated data set: customers with confirmed orders over two
    years, mailings with traces and complaint tickets, in the main company."""

    env_context = MAIL_QUIET

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.product = cls.env["product.product"].create(
            {"name": "Analytics widget", "list_price": 100.0, "type": "consu"}
        )
        cls.product_b = cls.env["product.product"].create(
            {"name": "Analytics gadget", "list_price": 40.0, "type": "consu"}
        )
        cls.team = cls.env["crm.team"].create({"name": "Analytics team"})
        cls.manager = new_test_user(cls.env, login="ana_manager", groups=SALES_MANAGER)
        cls.customers = cls._create_customers(cls.company, 60, "A")
        cls.orders = cls._create_orders(cls.customers, cls.company, seed=7)
        cls.mailing, cls.traces = cls._create_mailing_traces(cls.customers)
        cls.complaint_type = cls.env["helpdesk.ticket.type"].create(
            {"name": "Complaint", "is_complaint": True}
        )
        cls.other_type = cls.env["helpdesk.ticket.type"].create({"name": "Question"})
        cls.tickets = cls._create_tickets(cls.orders[:12])

    @classmethod
    def _create_customers(cls, company, count, prefix):
        return cls.env["res.partner"].create(
            [
                {
                    "name": f"Customer {prefix}{i:03d}",
                    "email": f"customer.{prefix.lower()}{i}@example.com",
                    "ref": f"{prefix}{i:03d}",
                    "is_company": True,
                    "company_id": company.id,
                }
                for i in range(count)
            ]
        )

    @classmethod
    def _create_orders(cls, customers, company, seed):
        """Orders of three behaviours: loyal (frequent, recent), lapsed, one-off."""
        rng = random.Random(seed)
        vals_list = []
        for index, partner in enumerate(customers):
            kind = index % 3
            if kind == 0:  # loyal: an order every ~30 days until recently
                days = sorted(rng.randint(0, 700) for _ in range(rng.randint(8, 14)))
            elif kind == 1:  # lapsed: bought a year ago and more
                days = sorted(rng.randint(300, 700) for _ in range(rng.randint(2, 6)))
            else:  # one-off or two orders, any time
                days = [rng.randint(0, 700) for _ in range(rng.randint(1, 2))]
            for age in days:
                qty = rng.randint(1, 4)
                vals_list.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "team_id": cls.team.id,
                        "date_order": fields.Datetime.now() - timedelta(days=age, hours=1),
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": cls.product.id,
                                    "product_uom_qty": qty,
                                    "price_unit": 100.0 + 10 * kind,
                                }
                            ),
                            Command.create(
                                {
                                    "product_id": cls.product_b.id,
                                    "product_uom_qty": 1,
                                    "price_unit": 40.0,
                                }
                            ),
                        ],
                    }
                )
        orders = cls.env["sale.order"].with_company(company).create(vals_list)
        # A few quotations that must not count.
        orders[:5].copy()
        orders.write({"state": "sale"})
        return orders

    @classmethod
    def _create_mailing_traces(cls, customers):
        rng = random.Random(11)
        mailings = cls.env["mailing.mailing"]
        trace_vals = []
        for age in (400, 250, 120, 60):
            mailing = cls.env["mailing.mailing"].create(
                {
                    "subject": f"Offer {age}",
                    "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": repr([("id", "in", customers.ids)]),
                    "state": "done",
                    "user_id": cls.env.user.id,
                }
            )
            mailings |= mailing
            sent = fields.Datetime.now() - timedelta(days=age)
            for partner in customers:
                status = rng.choice(["sent", "sent", "open", "reply", "bounce"])
                trace_vals.append(
                    {
                        "mass_mailing_id": mailing.id,
                        "model": "res.partner",
                        "res_id": partner.id,
                        "email": partner.email,
                        "trace_status": status,
                        "sent_datetime": sent,
                        "open_datetime": sent + timedelta(hours=2)
                        if status in ("open", "reply")
                        else False,
                        "links_click_datetime": sent + timedelta(hours=3)
                        if status == "reply" or rng.random() < 0.2
                        else False,
                    }
                )
        traces = cls.env["mailing.trace"].create(trace_vals)
        return mailings, traces

    @classmethod
    def _create_tickets(cls, orders):
        vals_list = []
        for index, order in enumerate(orders):
            vals_list.append(
                {
                    "name": f"Ticket {index}",
                    "description": "<p>Problem</p>",
                    "partner_id": order.partner_id.id,
                    "company_id": order.company_id.id,
                    "type_id": (cls.complaint_type if index % 4 else cls.other_type).id,
                    "sale_order_ids": [(6, 0, order.ids)],
                }
            )
        return cls.env["helpdesk.ticket"].create(vals_list)

    @classmethod
    def _run(cls, company=None):
        """A run of every stage for ``company`` (default: the main one), in this transaction."""
        run = cls.env["crm.analytics.run"].create({"company_id": (company or cls.company).id})
        run._run_all()
        return run

    def _sql(self, query, *params):
        self.env.flush_all()
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()
