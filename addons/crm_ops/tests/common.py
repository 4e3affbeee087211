# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared set-up of the suite's tests, on Odoo's ``BaseCommon`` (as ``crm/tests/common.py``
and ``sale/tests/common.py`` build theirs): users of a company, API keys, the capture
companies and customers, follow-up plans. crm_analytics and crm_collab build on it."""

from contextlib import contextmanager
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import BaseCommon

SALESMAN = "sales_team.group_sale_salesman"
SALESMAN_ALL_LEADS = "sales_team.group_sale_salesman_all_leads"
SALES_MANAGER = "sales_team.group_sale_manager"
HELPDESK_MANAGER = "helpdesk_mgmt.group_helpdesk_manager"
# the context of tests that create much and read no chatter
MAIL_QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


class CrmOpsCommon(BaseCommon):
    """``BaseCommon`` with the suite's helpers; mail tracking is left on (see
    ``default_env_context``)."""

    # The class environment's context. Empty by default, where BaseCommon turns mail
    # tracking off: several tests read the chatter and tracking; a class that wants them
    # off says so here.
    env_context = {}

    @classmethod
    def default_env_context(cls):
        return dict(cls.env_context)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the multi-company tests' company A: the main one, unless a class makes its own
        cls.company_a = cls.company

    @classmethod
    def _create_company_user(
        cls, login, company=None, groups=SALESMAN, extra_companies=None, **kwargs
    ):
        """A user working in ``company`` (default: the current company), allowed in
        ``extra_companies`` too (none by default)."""
        company = company or cls.env.company
        allowed = company | (extra_companies or company.browse())
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(allowed.ids)],
            **kwargs,
        )

    @classmethod
    def _setup_api_company(cls, country="base.es"):
        """The main company in ``country`` (the default prefix of its phone numbers), with
        no API rate limit: these tests post more leads than a client may in a minute."""
        cls.company.country_id = cls.env.ref(country)
        cls.company.crm_ops_api_rate_limit = 0

    @classmethod
    def _create_api_key(cls, user, name="test", days=1):
        """An RPC-scoped API key of ``user``, valid for ``days``."""
        expiry = datetime.now() + timedelta(days=days)
        return cls.env["res.users.apikeys"].with_user(user)._generate("rpc", name, expiry)


class CrmOpsCaptureCommon(CrmOpsCommon):
    """Company A (the main one, in Spain) and B (in Italy), a salesperson of each, and a
    customer of A with a contact: what lead capture de-duplicates against."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.country_id = cls.env.ref("base.es")
        cls.company_b = cls._create_company(name="Company B", country_id=cls.env.ref("base.it").id)
        cls.user_a = cls._create_company_user("capture_a", cls.company_a)
        cls.user_b = cls._create_company_user("capture_b", cls.company_b)
        cls.Lead = cls.env["crm.lead"].with_user(cls.user_a)
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Acme Iberia S.L.",
                "is_company": True,
                "email": "info@acme-iberia.es",
                "website": "https://www.acme-iberia.es",
                "company_id": cls.company_a.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Laura García",
                "email": "laura.garcia@acme-iberia.es",
                "phone": "+34 600 12 34 56",
                "parent_id": cls.customer.id,
                "company_id": cls.company_a.id,
            }
        )


class CrmOpsFollowupCommon(CrmOpsCommon):
    """Plans, customers and salespeople shared by the follow-up tests."""

    env_context = {"tracking_disable": True, "mail_notrack": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the default plans are tested on their own
        cls.env["crm.followup.plan"].search([]).active = False
        cls.salesman = new_test_user(
            cls.env, login="fu_salesman", groups=SALESMAN, email="sales@example.com"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Ann Customer", "email": "ann@example.com"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Chair", "list_price": 100.0, "type": "consu", "invoice_policy": "order"}
        )
        cls.plan = cls.env["crm.followup.plan"].create(
            {
                "name": "Test plan",
                "trigger": "confirmed",
                "step_ids": [
                    Command.create({"name": "Call", "action_type": "activity", "sequence": 1}),
                    Command.create(
                        {
                            "name": "Call again",
                            "action_type": "activity",
                            "delay_days": 10,
                            "sequence": 2,
                        }
                    ),
                ],
            }
        )
        cls.step_now, cls.step_later = cls.plan.step_ids

    @classmethod
    def _order(cls, partner=None, qty=1, confirm=True, company=None, user=None):
        env = (
            cls.env
            if not company
            else cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        )
        order = env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "user_id": (user or cls.salesman).id,
                "company_id": (company or cls.company).id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": qty})
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _items(self, orders, step=None):
        domain = [("order_id", "in", orders.ids)]
        if step:
            domain.append(("step_id", "=", step.id))
        return self.env["crm.followup.item"].search(domain)

    def _run_all(self):
        """Execute every due follow-up like the cron does, without committing."""
        Item = self.env["crm.followup.item"]
        while Item._execute_batch(batch_size=50):
            pass


class CrmOpsCommittedCase(TransactionCase):
    """What two workers or two requests do at once, on two real cursors: the data they
    need is committed, so each class's ``_cleanup`` removes it after every test."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        """Remove what the test committed."""

    @contextmanager
    def _two_cursors(self, uid=SUPERUSER_ID):
        """Two environments of ``uid`` on cursors of their own (two workers), closed
        (what they did not commit rolled back) at the end."""
        registry = self.env.registry
        cr_a, cr_b = registry.cursor(), registry.cursor()
        try:
            yield api.Environment(cr_a, uid, {}), api.Environment(cr_b, uid, {})
        finally:
            cr_a.close()
            cr_b.close()
