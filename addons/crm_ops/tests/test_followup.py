# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SALES_MANAGER, CrmOpsFollowupCommon


class Crash(BaseException):
    """Simulates the worker being killed: not caught by the per-item error handling."""


@tagged("crm_ops_followup")
class TestFollowupPlanning(CrmOpsFollowupCommon):
    def test_confirm_plans_one_row_per_step(self):
        order = self._order()
        items = self._items(order)
        self.assertEqual(len(items), 2)
        self.assertEqual(items.step_id, self.plan.step_ids)
        later = items.filtered(lambda i: i.step_id == self.step_later)
        self.assertEqual((later.due_date - later.trigger_date).days, 10)
        self.assertEqual(set(items.mapped("state")), {"pending"})
        self.assertEqual(order.crm_followup_pending_count, 2)
        # planning again is harmless, a duplicate row is refused by the database
        self.env["crm.followup.item"]._plan(order, "confirmed")
        self.assertEqual(len(self._items(order)), 2)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            items[0].copy()

    def test_draft_order_not_planned(self):
        order = self._order(confirm=False)
        self.assertFalse(self._items(order))

    def test_cancel_order_cancels_pending(self):
        order = self._order()
        self._run_all()  # the first step is due now
        order._action_cancel()
        items = self._items(order)
        self.assertEqual(items.filtered(lambda i: i.step_id == self.step_now).state, "done")
        self.assertEqual(items.filtered(lambda i: i.step_id == self.step_later).state, "cancelled")

    def test_cancel_by_hand(self):
        order = self._order()
        item = self._items(order, self.step_now)
        item.action_cancel()
        self._run_all()
        self.assertEqual(item.state, "cancelled")
        self.assertFalse(order.activity_ids)

    def test_condition_order_domain(self):
        self.plan.order_domain = "[('amount_untaxed', '>=', 500)]"
        small, big = self._order(qty=1), self._order(qty=10)
        self.assertFalse(self._items(small))
        self.assertEqual(len(self._items(big)), 2)

    def test_condition_partner_domain(self):
        vip = self.env["res.partner"].create(
            {"name": "VIP", "email": "vip@example.com", "ref": "VIP"}
        )
        self.plan.partner_domain = "[('ref', '=', 'VIP')]"
        self.assertFalse(self._items(self._order()))
        self.assertEqual(len(self._items(self._order(partner=vip))), 2)

    def test_condition_first_and_repeat(self):
        repeat_plan = self.plan.copy({"name": "Repeat", "customer_kind": "repeat"})
        self.plan.customer_kind = "first"
        newcomer = self.env["res.partner"].create({"name": "New", "email": "new@example.com"})
        first = self._order(partner=newcomer)
        second = self._order(partner=newcomer)
        self.assertEqual(self._items(first).plan_id, self.plan)
        self.assertEqual(self._items(second).plan_id, repeat_plan)

    def test_invalid_domain_refused(self):
        with self.assertRaises(Exception):
            self.plan.order_domain = "[('no_such_field', '=', 1)]"

    def test_trigger_invoiced_and_paid(self):
        invoiced_plan = self.plan.copy({"name": "Invoiced", "trigger": "invoiced"})
        paid_plan = self.plan.copy({"name": "Paid", "trigger": "paid"})
        order = self._order()
        self.assertFalse(
            self._items(order).filtered(lambda i: i.plan_id in invoiced_plan | paid_plan)
        )
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(
            self._items(order).filtered(lambda i: i.plan_id == invoiced_plan).step_id,
            invoiced_plan.step_ids,
        )
        self.assertFalse(self._items(order).filtered(lambda i: i.plan_id == paid_plan))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(len(self._items(order).filtered(lambda i: i.plan_id == paid_plan)), 2)

    def test_scan_catches_missed_triggers(self):
        invoiced_plan = self.plan.copy({"name": "Invoiced", "trigger": "invoiced"})
        order = self._order()
        invoice = order._create_invoices()
        # posted while the plan was archived: the hook did nothing
        invoiced_plan.active = False
        invoice.action_post()
        invoiced_plan.active = True
        self.assertFalse(self._items(order).filtered(lambda i: i.plan_id == invoiced_plan))
        self.env["sale.order"]._crm_followup_scan_triggers()
        self.assertEqual(len(self._items(order).filtered(lambda i: i.plan_id == invoiced_plan)), 2)


@tagged("crm_ops_followup")
class TestFollowupExecution(CrmOpsFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mailing_list = cls.env["mailing.list"].create({"name": "Customers"})
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "After-sales"})
        cls.template = cls.env.ref("crm_ops.mail_template_thank_you")

    def _plan_with(self, **step_vals):
        self.plan.step_ids.unlink()
        self.plan.step_ids = [(0, 0, dict({"name": "Step"}, **step_vals))]
        return self.plan.step_ids

    def test_action_activity_for_salesperson(self):
        order = self._order()
        self._run_all()
        item = self._items(order, self.step_now)
        self.assertEqual(item.state, "done")
        self.assertEqual(item.attempts, 1)
        self.assertEqual(order.activity_ids.user_id, self.salesman)
        self.assertEqual(item.result_ref, f"mail.activity,{order.activity_ids.id}")
        # the later step is not due yet
        self.assertEqual(self._items(order, self.step_later).state, "pending")
        self.assertEqual(len(order.activity_ids), 1)

    def test_action_email(self):
        self._plan_with(action_type="email", mail_template_id=self.template.id)
        order = self._order()
        self._run_all()
        self.assertEqual(self._items(order).state, "done")
        message = order.message_ids.filtered(lambda m: m.subject and "Thank you" in m.subject)
        self.assertEqual(len(message), 1)
        self.assertIn(self.customer, message.partner_ids)

    def test_action_satisfaction(self):
        self._plan_with(action_type="satisfaction", rating_validity_days=5)
        order = self._order()
        self._run_all()
        item = self._items(order)
        self.assertEqual(item.state, "done")
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(len(rating), 1)
        self.assertFalse(rating.consumed)
        self.assertEqual(rating.crm_followup_item_id, item)
        self.assertAlmostEqual(
            rating.crm_expiry_date,
            fields.Datetime.now() + timedelta(days=5),
            delta=timedelta(minutes=5),
        )
        message = order.message_ids.filtered(lambda m: m.subject and "How was" in m.subject)
        self.assertIn(f"/rate/{rating.access_token}/3", str(message.body))

    def test_action_ticket(self):
        self._plan_with(action_type="ticket", ticket_team_id=self.team.id)
        order = self._order()
        self._run_all()
        ticket = self.env["helpdesk.ticket"].search([("sale_order_ids", "in", order.ids)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(order.ticket_ids, ticket)

    def test_action_mailing_list_and_opt_out(self):
        self._plan_with(action_type="mailing_list", mailing_list_id=self.mailing_list.id)
        order = self._order()
        self._run_all()
        self.assertEqual(self._items(order).state, "done")
        contact = self.mailing_list.contact_ids
        self.assertEqual(contact.email, "ann@example.com")
        # the customer opts out, a later order does not subscribe them again
        subscription = self.env["mailing.subscription"].search(
            [("list_id", "=", self.mailing_list.id)]
        )
        subscription.opt_out = True
        order2 = self._order()
        self._run_all()
        self.assertEqual(self._items(order2).state, "done")
        self.assertTrue(subscription.opt_out)
        self.assertEqual(
            len(self.env["mailing.subscription"].search([("list_id", "=", self.mailing_list.id)])),
            1,
        )

    def test_blacklisted_partner_skipped(self):
        self._plan_with(action_type="email", mail_template_id=self.template.id)
        self.env["mail.blacklist"]._add("ann@example.com")
        order = self._order()
        self._run_all()
        item = self._items(order)
        self.assertEqual(item.state, "cancelled")
        self.assertIn("blacklist", item.note)
        self.assertFalse(
            order.message_ids.filtered(lambda m: m.subject and "Thank you" in m.subject)
        )

    def test_partner_without_email_recorded_rest_go_on(self):
        self._plan_with(action_type="email", mail_template_id=self.template.id)
        no_email = self.env["res.partner"].create({"name": "No Mail"})
        bad, good = self._order(partner=no_email), self._order()
        self._run_all()
        self.assertEqual(self._items(bad).state, "failed")
        self.assertIn("no email", self._items(bad).error)
        self.assertEqual(self._items(good).state, "done")

    @mute_logger(
        "odoo.addons.crm_ops.models.crm_followup_item", "odoo.addons.mail.models.mail_render_mixin"
    )
    def test_broken_template_retried_then_failed(self):
        broken = self.template.copy(
            {"body_html": "<p>{{ object.no_such_field }}</p>", "subject": "{{ object.nope }}"}
        )
        self._plan_with(action_type="email", mail_template_id=broken.id)
        self.plan.copy(
            {"name": "Other", "step_ids": [(0, 0, {"name": "Call", "action_type": "activity"})]}
        )
        order = self._order()
        self._run_all()
        item = self._items(order).filtered(lambda i: i.plan_id == self.plan)
        self.assertEqual(item.state, "pending")
        self.assertEqual(item.attempts, 1)
        self.assertTrue(item.error)
        self.assertGreater(item.due_date, fields.Datetime.now())
        # the other follow-up went on
        self.assertEqual(
            self._items(order).filtered(lambda i: i.plan_id != self.plan).state, "done"
        )
        for attempt in (2, 3):
            item.due_date = fields.Datetime.now() - timedelta(minutes=1)
            self._run_all()
            self.assertEqual(item.attempts, attempt)
        self.assertEqual(item.state, "failed")
        item.due_date = fields.Datetime.now() - timedelta(minutes=1)
        self._run_all()
        self.assertEqual(item.attempts, 3, "a failed follow-up is not retried automatically")
        item.action_retry()
        self.assertEqual((item.state, item.attempts), ("pending", 0))

    def test_skip_if_reordered(self):
        self._plan_with(action_type="activity", skip_if_reordered=True)
        order = self._order()
        reorder = self._order()
        self.env.cr.execute(
            "UPDATE sale_order SET date_order = date_order + interval '1 day' WHERE id = %s",
            [reorder.id],
        )
        self.env.invalidate_all()
        self._run_all()
        self.assertEqual(self._items(order).state, "cancelled")
        self.assertFalse(order.activity_ids)
        self.assertEqual(self._items(reorder).state, "done")

    def test_run_log(self):
        orders = self._order() | self._order()
        Item = self.env["crm.followup.item"]
        run = self.env["crm.followup.run"].create({})
        Item._execute_batch(batch_size=10, run=run)
        run._finish()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.done_count, 2)
        self.assertEqual(run.item_ids, self._items(orders, self.step_now))

    def test_exactly_once_after_crash(self):
        orders = self.env["sale.order"]
        for _i in range(12):
            orders |= self._order()
        Item = self.env["crm.followup.item"]
        due = self._items(orders, self.step_now)
        self.assertEqual(len(due), 12)
        # each savepoint stands for one committed batch transaction of the cron
        with self.cr.savepoint():
            self.assertEqual(Item._execute_batch(batch_size=5), 5)
        create = type(self.env["mail.activity"]).create
        calls = []

        def crashing_create(records, vals_list):
            calls.append(1)
            if len(calls) == 1:
                raise Crash()
            return create(records, vals_list)

        with patch.object(type(self.env["mail.activity"]), "create", crashing_create):
            with self.assertRaises(Crash), self.cr.savepoint():
                Item._execute_batch(batch_size=5)
        self.env.invalidate_all()
        self.assertEqual(len(due.filtered(lambda i: i.state == "done")), 5)
        # the run is started again
        self._run_all()
        self.assertEqual(set(due.mapped("state")), {"done"})
        self.assertEqual(set(due.mapped("attempts")), {1})
        for order in orders:
            self.assertEqual(len(order.activity_ids), 1, "each follow-up executed exactly once")

    def test_query_count_constant_per_record(self):
        Item = self.env["crm.followup.item"]

        def queries_for(count):
            orders = self.env["sale.order"]
            for _i in range(count):
                orders |= self._order(confirm=False)
            orders.write({"state": "sale"})
            Item._plan(orders, "confirmed")
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Item._execute_batch(batch_size=count)
            self.env.flush_all()
            used = self.cr.sql_log_count - before
            self.assertEqual(
                len(self._items(orders, self.step_now).filtered(lambda i: i.state == "done")), count
            )
            return used

        queries_for(3)  # warm the caches (ir.model, activity types, ...)
        q10 = queries_for(10)
        q50 = queries_for(50)
        per_record = (q50 - q10) / 40
        self.assertLessEqual(per_record, 2, f"{q10} queries for 10 follow-ups, {q50} for 50")


@tagged("crm_ops_followup")
class TestFollowupMultiCompany(CrmOpsFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._create_company(name="Company B")
        cls.user_b = new_user = cls._create_company_user(
            "fu_seller_b", cls.company_b, SALES_MANAGER, name="Seller B"
        )
        cls.plan_b = cls.env["crm.followup.plan"].create(
            {
                "name": "Plan B",
                "company_id": cls.company_b.id,
                "step_ids": [(0, 0, {"name": "Call B", "action_type": "activity"})],
            }
        )
        cls.new_user = new_user

    def test_company_b_never_sees_or_triggers_company_a(self):
        order_a = self._order()
        order_b = self._order(company=self.company_b, user=self.user_b)
        self.assertEqual(self._items(order_a).plan_id, self.plan)
        self.assertEqual(
            self._items(order_b).plan_id, self.plan_b, "company A plans never apply to B orders"
        )
        Item_b = self.env["crm.followup.item"].with_user(self.user_b)
        self.assertEqual(Item_b.search([]), self._items(order_b))
        self.assertEqual(
            self.env["crm.followup.plan"].with_user(self.user_b).search([]), self.plan_b
        )
        # running "all" follow-ups as user B only touches company B
        Item_b.search([]).action_execute_now()
        self.assertEqual(self._items(order_b).state, "done")
        self.assertEqual(set(self._items(order_a).mapped("state")), {"pending"})
        with self.assertRaises(Exception):
            self._items(order_a, self.step_now).with_user(self.user_b).action_execute_now()
        self.assertEqual(self._items(order_a, self.step_now).state, "pending")


@tagged("crm_ops_followup")
class TestFollowupDefaults(CrmOpsFollowupCommon):
    def test_default_plans_work_out_of_the_box(self):
        self.plan.active = False
        defaults = self.env.ref("crm_ops.followup_plan_after_sale") | self.env.ref(
            "crm_ops.followup_plan_win_back"
        )
        defaults.active = True
        order = self._order()
        items = self._items(order)
        delays = {item.step_id: (item.due_date - item.trigger_date).days for item in items}
        self.assertEqual(
            delays,
            {
                self.env.ref("crm_ops.followup_step_thank_you"): 0,
                self.env.ref("crm_ops.followup_step_satisfaction"): 7,
                self.env.ref("crm_ops.followup_step_win_back"): 60,
            },
        )
        self._run_all()
        thank_you = self._items(order, self.env.ref("crm_ops.followup_step_thank_you"))
        self.assertEqual(thank_you.state, "done")
        self.assertTrue(
            order.message_ids.filtered(lambda m: m.subject and "Thank you" in m.subject)
        )
        # the satisfaction request, once due, sends a working link
        satisfaction = self._items(order, self.env.ref("crm_ops.followup_step_satisfaction"))
        satisfaction.due_date = fields.Datetime.now()
        self._run_all()
        self.assertEqual(satisfaction.state, "done")
        rating = self.env["rating.rating"].search([("crm_followup_item_id", "=", satisfaction.id)])
        self.assertEqual(self.env["rating.rating"]._crm_find_by_token(rating.access_token), rating)


@tagged("crm_ops_followup")
class TestFollowupViews(CrmOpsFollowupCommon):
    def test_actions_views_load(self):
        for xmlid in (
            "crm_ops.crm_followup_plan_action",
            "crm_ops.crm_followup_item_action",
            "crm_ops.crm_followup_run_action",
            "crm_ops.crm_ops_reply_template_action",
        ):
            action = self.env.ref(xmlid)
            views = self.env[action.res_model].get_views(
                [(False, "list"), (False, "form"), (False, "search")]
            )
            self.assertEqual(set(views["views"]), {"list", "form", "search"}, xmlid)
        for model in ("sale.order", "res.partner", "helpdesk.ticket"):
            arch = (
                self.env[model]
                .with_user(self.salesman if model != "helpdesk.ticket" else self.env.user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            self.assertTrue(arch)
        partner_form = self.env["res.partner"].with_user(self.salesman).get_views([(False, "form")])
        self.assertIn("action_crm_followups", partner_form["views"]["form"]["arch"])

    def test_cron_out_of_time_wakes_a_worker_at_once(self):
        """The time budget runs out with follow-ups still due: the job asks a cron
        worker to run it again now (a trigger due now), not at the next poll."""
        orders = self._order() | self._order()
        cron = self.env.ref("crm_ops.ir_cron_crm_followup_execute")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()

        def commit_progress(cron_model, processed=0, **kw):
            return 0.0  # no commit inside a test; the time budget is spent

        with patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress):
            self.env["crm.followup.item"]._cron_execute_followups(batch_size=1)
        items = self._items(orders, self.step_now)
        self.assertEqual(sorted(items.mapped("state")), ["done", "pending"])
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertTrue(triggers, "a worker is woken for the follow-ups still due")
        self.assertLessEqual(max(triggers.mapped("call_at")), fields.Datetime.now())

        # nothing left: no trigger
        triggers.unlink()
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress):
            self.env["crm.followup.item"]._cron_execute_followups(batch_size=5)
        self.assertEqual(set(items.mapped("state")), {"done"})
        self.assertFalse(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

    def test_cron_runs_and_logs(self):
        order = self._order()
        cron = self.env.ref("crm_ops.ir_cron_crm_followup_execute")
        self.assertEqual(cron.code, "model._cron_execute_followups()")
        progress = []

        def commit_progress(cron_model, processed=0, **kw):
            progress.append(processed)  # no commit inside a test
            return 1.0

        with patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress):
            self.env["crm.followup.item"]._cron_execute_followups()
        self.assertEqual(sum(progress), 1)
        self.assertEqual(self._items(order, self.step_now).state, "done")
        run = self._items(order, self.step_now).run_id
        self.assertEqual(run.state, "done")
        self.assertEqual(run.done_count, 1)
