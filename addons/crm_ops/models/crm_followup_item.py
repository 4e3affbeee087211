# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import Counter
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

# Orders per INSERT statement when planning.
PLAN_INSERT_BATCH = 5000
# Due follow-ups claimed and executed per transaction by the cron.
EXECUTE_BATCH_SIZE = 500
# first key of the advisory locks a worker takes on the orders it runs follow-ups for
ORDER_LOCK_SPACE = 0x43524D46  # "CRMF"
# Due follow-ups read per claim, in batches: a worker finds its batch after the orders of
# this many - 1 workers busy with theirs.
CLAIM_LOOKAHEAD = 8
# Attempts before a follow-up is marked as failed for good.
MAX_ATTEMPTS = 3
# Minutes to wait before retrying a failed attempt (times the attempt count).
RETRY_DELAY_MINUTES = 30
# Fields only planning (the server) sets: what a follow-up acts on.
PLANNED_FIELDS = {"order_id", "step_id", "plan_id", "partner_id", "company_id", "user_id"}


class CrmFollowupItem(models.Model):
    _name = "crm.followup.item"
    _description = "Planned Post-sale Follow-up"
    _order = "due_date desc, id desc"
    _rec_name = "step_id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------
    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, check_company=True
    )
    step_id = fields.Many2one(
        "crm.followup.step", required=True, ondelete="cascade", check_company=True
    )
    plan_id = fields.Many2one(
        "crm.followup.plan", required=True, ondelete="cascade", index=True, check_company=True
    )
    action_type = fields.Selection(related="step_id.action_type")
    partner_id = fields.Many2one("res.partner", required=True, index=True, check_company=True)
    user_id = fields.Many2one("res.users", string="Salesperson", check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    trigger_date = fields.Datetime(required=True)
    due_date = fields.Datetime(required=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="pending",
    )
    attempts = fields.Integer(readonly=True)
    error = fields.Text(readonly=True)
    note = fields.Char(readonly=True, help="Why the follow-up was skipped or cancelled.")
    done_date = fields.Datetime(readonly=True)
    result_ref = fields.Char(readonly=True, help="Record created by the follow-up.")
    run_id = fields.Many2one("crm.followup.run", readonly=True, index="btree_not_null")

    _order_step_uniq = models.Constraint(
        "UNIQUE(order_id, step_id)",
        "A follow-up step is planned only once per order.",
    )
    _due_pending_idx = models.Index("(due_date, id) WHERE state = 'pending'")

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        # planning inserts with SQL; a manager creating a row by hand gets the same shape
        items._check_planned_shape()
        return items

    def write(self, vals):
        # What a follow-up acts on is set by its plan. The executor runs as superuser, so a
        # user who could re-point a row (order, customer, step) would make it e-mail another
        # company's order or customer. Only the server itself (superuser, never reachable
        # from a client) may change these fields; users cancel and plan again instead.
        if PLANNED_FIELDS & set(vals) and not self.env.su:
            raise UserError(
                self.env._(
                    "The order, customer, step and company of a follow-up are set by its plan "
                    "and cannot be changed. Cancel the follow-up instead."
                )
            )
        return super().write(vals)

    def _check_planned_shape(self):
        """Raise when a row does not belong together (see _mismatch_reasons)."""
        reasons = self._mismatch_reasons()
        if reasons:
            raise ValidationError(next(iter(reasons.values())))

    def _mismatch_reasons(self):
        """{item: reason} for the rows whose order, customer, plan or step are not one whole
        of the item's company: the order and the step belong to the item's company, the step
        to the item's plan, the customer is the order's (same commercial entity)."""
        reasons = {}
        for item in self:
            order = item.order_id
            step = item.step_id
            partner = item.partner_id
            company = item.company_id
            if (
                order.company_id != company
                or step.plan_id != item.plan_id
                or item.plan_id.company_id != company
                or (partner.company_id and partner.company_id != company)
                or partner.commercial_partner_id != order.partner_id.commercial_partner_id
            ):
                reasons[item] = self.env._(
                    "Follow-up %(item)s does not match its order %(order)s (company, customer "
                    "or plan differ): nothing was done.",
                    item=item.id,
                    order=order.name,
                )
        return reasons

    # ------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------
    @api.model
    def _plan(self, orders, trigger, trigger_date=None):
        """Plan the steps of the plans of ``trigger`` for ``orders``.

        Existing (order, step) rows are kept: planning twice is harmless.
        Returns the new follow-ups.
        """
        orders = orders.filtered(lambda o: o.state == "sale")
        if not orders:
            return self.browse()
        now = trigger_date or fields.Datetime.now()
        plans = (
            self.env["crm.followup.plan"]
            .sudo()
            .search([("trigger", "=", trigger), ("company_id", "in", orders.company_id.ids)])
        )
        self.env["sale.order"].flush_model(["partner_id", "user_id", "company_id", "state"])
        self.flush_model()
        new_ids = []
        for plan in plans:
            plan_orders = plan._filter_orders(orders)
            if not plan_orders or not plan.step_ids:
                continue
            for step in plan.step_ids:
                delay = timedelta(days=step.delay_days, hours=step.delay_hours)
                for order_ids in split_every(PLAN_INSERT_BATCH, plan_orders.ids):
                    # one statement per step and batch; ON CONFLICT keeps planning idempotent
                    # even when two transactions plan the same order at once
                    self.env.cr.execute(
                        SQL(
                            """INSERT INTO crm_followup_item
                                   (order_id, step_id, plan_id, partner_id, user_id, company_id,
                                    trigger_date, due_date, state, attempts,
                                    create_uid, create_date, write_uid, write_date)
                            SELECT so.id, %(step)s, %(plan)s, so.partner_id, so.user_id, so.company_id,
                                   %(now)s, %(due)s, 'pending', 0,
                                   %(uid)s, %(stamp)s, %(uid)s, %(stamp)s
                              FROM sale_order so
                             WHERE so.id = ANY(%(ids)s)
                            ON CONFLICT (order_id, step_id) DO NOTHING
                         RETURNING id""",
                            step=step.id,
                            plan=plan.id,
                            now=now,
                            due=now + delay,
                            uid=self.env.uid,
                            stamp=fields.Datetime.now(),
                            ids=list(order_ids),
                        )
                    )
                    new_ids.extend(row[0] for row in self.env.cr.fetchall())
        if new_ids:
            orders.invalidate_recordset(["crm_followup_item_ids", "crm_followup_pending_count"])
            orders.partner_id.invalidate_recordset(["crm_followup_item_ids"])
        return self.browse(new_ids)

    def action_cancel(self):
        self.filtered(lambda i: i.state in ("pending", "failed")).write(
            {"state": "cancelled", "note": self.env._("Cancelled by %s", self.env.user.name)}
        )

    def action_retry(self):
        self.filtered(lambda i: i.state in ("failed", "cancelled")).write(
            {"state": "pending", "attempts": 0, "error": False, "due_date": fields.Datetime.now()}
        )

    def action_execute_now(self):
        """Run the selected pending follow-ups now (within the user's companies)."""
        items = self.filtered(lambda i: i.state == "pending")
        items.check_access("write")
        # sudo: the user may write these rows (checked just above, record rules included);
        # _execute locks them, so a row the cron or another click is running is not sent
        # twice, and re-checks that each row's order, customer and step belong to its company
        # before it acts.
        items.sudo()._execute()
        return True

    def _lock_pending(self):
        """The rows of ``self`` still pending, locked until the end of the transaction.

        Rows another transaction holds (a worker running them) are left out; a row another
        transaction has just run makes PostgreSQL refuse the lock (serialization failure),
        and the request is retried by Odoo, then sees the row done: each follow-up acts once.
        """
        if not self:
            return self
        self.flush_model(["state"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crm_followup_item
                    WHERE id = ANY(%s) AND state = 'pending'
                 ORDER BY id
                      FOR UPDATE SKIP LOCKED""",
                self.ids,
            )
        )
        locked = self.browse([row[0] for row in self.env.cr.fetchall()])
        locked.invalidate_recordset(["state", "attempts"])
        return locked

    # ------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------
    @api.model
    def _claim_due(self, limit):
        """Lock and return about ``limit`` due follow-ups no other worker holds.

        Claimed order by order: all the due follow-ups of an order go to one worker
        (a transaction-level advisory lock per order, skipped when another worker holds
        it), so two workers never post on one order at once (they would collide on its
        followers). The first due orders are tried one after the other and locking stops
        once the locked ones hold ``limit`` follow-ups (less than one order's more): a
        second worker passes over the orders the first one is running and takes the next.

        Raises a serialization failure when another worker finished one of the orders
        after this transaction's snapshot was taken (Odoo's transactions are REPEATABLE
        READ): nothing is claimed, the caller retries in a new transaction.
        """
        self.env["crm.followup.item"].flush_model()
        now = fields.Datetime.now()
        # the first due follow-ups, read from the partial index on (due_date, id); enough
        # of them that a batch is found after the orders of several busy workers
        self.env.cr.execute(
            SQL(
                """SELECT order_id FROM crm_followup_item
                    WHERE state = 'pending' AND due_date <= %s
                 ORDER BY due_date, id
                    LIMIT %s""",
                now,
                limit * CLAIM_LOOKAHEAD,
            )
        )
        counts = Counter(order_id for (order_id,) in self.env.cr.fetchall())
        candidates = list(counts)
        biggest = max(counts.values(), default=1)
        order_ids, total = [], 0
        while candidates and total < limit:
            # pg_try_advisory_xact_lock is evaluated row by row as LIMIT pulls them: orders
            # another worker holds are passed over, and no order beyond the batch is locked
            wanted = -(-(limit - total) // biggest)
            self.env.cr.execute(
                SQL(
                    """SELECT position, order_id
                         FROM unnest(%s::int[]) WITH ORDINALITY AS o(order_id, position)
                        WHERE pg_try_advisory_xact_lock(%s, order_id)
                        LIMIT %s""",
                    candidates,
                    ORDER_LOCK_SPACE,
                    wanted,
                )
            )
            rows = self.env.cr.fetchall()
            for _position, order_id in rows:
                order_ids.append(order_id)
                total += counts[order_id]
            if len(rows) < wanted:
                break  # every candidate was tried
            candidates = candidates[rows[-1][0] :]
        if not order_ids:
            return self.browse()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crm_followup_item
                    WHERE order_id = ANY(%s) AND state = 'pending' AND due_date <= %s
                 ORDER BY due_date, id
                      FOR UPDATE SKIP LOCKED""",
                order_ids,
                now,
            ),
            # refused when another worker finished one of these rows after this
            # transaction's snapshot: expected, the caller claims again (no error log)
            log_exceptions=False,
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _count_due(self):
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM crm_followup_item WHERE state = 'pending' AND due_date <= %s",
                fields.Datetime.now(),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _execute_batch(self, batch_size=EXECUTE_BATCH_SIZE, run=None):
        """Claim one batch of due follow-ups and execute it. Does not commit."""
        items = self._claim_due(batch_size)
        if items:
            items._execute(run=run)
        return len(items)

    @api.model
    def _cron_execute_followups(self, batch_size=EXECUTE_BATCH_SIZE):
        """Scheduled job: plan late triggers, then run the due follow-ups batch by batch."""
        self.env["sale.order"]._crm_followup_scan_triggers()
        due = self._count_due()
        if not due:
            self.env["ir.cron"]._commit_progress(0, remaining=0)
            return
        run = self.env["crm.followup.run"].create({})
        self.env["ir.cron"]._commit_progress(0, remaining=due)
        conflicts = 0
        while True:
            try:
                processed = self._execute_batch(batch_size, run=run)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                # another worker finished one of the claimed orders after this
                # transaction's snapshot: drop the batch (nothing of it is committed, no
                # mail has left) and claim again in a new transaction
                conflicts += 1
                if conflicts >= MAX_TRIES_ON_CONCURRENCY_FAILURE:
                    raise
                _logger.info("Follow-up claim conflicted with another worker, retrying")
                self.env.cr.rollback()
                continue
            conflicts = 0
            if not processed:
                break
            run._refresh_counts()
            if self.env["ir.cron"]._commit_progress(processed, remaining=self._count_due()) <= 0:
                break
        run._finish()
        if self._count_due():
            # the time budget ran out with follow-ups still due: wake a cron worker now
            # (a trigger due now notifies the workers at commit) instead of waiting for
            # the next poll a minute later; superuser: the scheduled job's own record
            cron = self.env.ref("crm_ops.ir_cron_crm_followup_execute", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()
        self.env["ir.cron"]._commit_progress(0)

    def _execute(self, run=None):
        """Execute the pending follow-ups of ``self`` (runs as superuser).

        Each row is locked first (a no-op for rows the cron already claimed), and acts only
        inside its own company: a row whose order, customer or step is not of its company
        fails without doing anything.
        """
        items = self._lock_pending()
        if not items:
            return
        items.fetch(["order_id", "step_id", "partner_id", "user_id", "company_id", "due_date"])
        items.order_id.fetch(["state", "partner_id", "user_id", "name", "date_order", "company_id"])
        results = {}  # item id -> (state, values)
        for item, reason in items._mismatch_reasons().items():
            _logger.warning("Follow-up %s not executed: %s", item.id, reason)
            results[item.id] = ("failed", {"error": reason})
        # skip rules that do not depend on the action
        skipped = items.filtered(lambda i: i.id not in results)._skip_reasons()
        for item, reason in skipped.items():
            results[item.id] = ("cancelled", {"note": reason})
        todo = items.filtered(lambda i: i.id not in results)
        by_action = {}
        for item in todo:
            by_action.setdefault(item.step_id.action_type, []).append(item.id)
        for action, ids in by_action.items():
            group = self.browse(ids)
            results.update(getattr(group, f"_action_{action}")())
        self._store_results(results, run)

    def _skip_reasons(self):
        reasons = {}
        for item in self:
            if item.order_id.state == "cancel":
                reasons[item] = self.env._("Order cancelled")
            elif not item.plan_id.active:
                reasons[item] = self.env._("Plan archived")
        reorder_items = self.filtered(lambda i: i.step_id.skip_if_reordered and i not in reasons)
        if reorder_items:
            partners = reorder_items.partner_id.commercial_partner_id
            data = self.env["sale.order"]._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", partners.ids),
                    ("state", "=", "sale"),
                ],
                ["partner_id"],
                ["date_order:max"],
            )
            last = {}
            for partner, date in data:
                key = partner.commercial_partner_id.id
                last[key] = max(last.get(key, date), date)
            for item in reorder_items:
                last_date = last.get(item.partner_id.commercial_partner_id.id)
                if last_date and last_date > item.order_id.date_order:
                    reasons[item] = self.env._("The customer ordered again")
        return reasons

    def _store_results(self, results, run):
        """Write execution results grouped by identical values (few queries per batch).

        The per-item values (created record, error) go in one UPDATE ... FROM VALUES.
        """
        now = fields.Datetime.now()
        grouped = {}
        per_item = []
        for item in self.browse(list(results)):
            state, vals = results[item.id]
            vals = dict(vals)
            result_ref = vals.pop("result_ref", False)
            error = vals.pop("error", False)
            if result_ref or error:
                per_item.append((item.id, result_ref or None, error or None))
            if state == "retry":
                attempts = item.attempts + 1
                vals["attempts"] = attempts
                if attempts >= MAX_ATTEMPTS:
                    vals["state"] = "failed"
                else:
                    vals["state"] = "pending"
                    vals["due_date"] = now + timedelta(minutes=RETRY_DELAY_MINUTES * attempts)
            else:
                vals["state"] = state
                vals["attempts"] = item.attempts + 1
                if state == "done":
                    vals["done_date"] = now
                    if not error:
                        vals["error"] = False
            if run:
                vals["run_id"] = run.id
            key = tuple(sorted(vals.items()))
            grouped.setdefault(key, []).append(item.id)
        for key, ids in grouped.items():
            self.browse(ids).write(dict(key))
        if per_item:
            self.flush_model(["result_ref", "error"])
            for chunk in split_every(1000, per_item):
                self.env.cr.execute(
                    SQL(
                        """UPDATE crm_followup_item AS i
                              SET result_ref = COALESCE(v.ref, i.result_ref),
                                  error = COALESCE(v.err, i.error)
                             FROM (VALUES %s) AS v(id, ref, err)
                            WHERE i.id = v.id""",
                        SQL(", ").join(SQL("(%s, %s::varchar, %s::text)", *row) for row in chunk),
                    )
                )
            self.browse([row[0] for row in per_item]).invalidate_recordset(["result_ref", "error"])

    # ------------------------------------------------------------
    # Actions: each returns {item_id: (state, values)}
    # state is done, cancelled (skipped on purpose), failed (no retry) or retry
    # ------------------------------------------------------------
    def _run_isolated(self, func):
        """Run ``func(item)`` for each item in its own savepoint."""
        results = {}
        for item in self:
            try:
                with self.env.cr.savepoint():
                    result = func(item)
                results[item.id] = ("done", {"result_ref": result or False})
            except Exception as exc:
                _logger.info("Follow-up %s failed: %s", item.id, exc)
                results[item.id] = ("retry", {"error": str(exc)[:2000]})
        return results

    def _action_activity(self):
        model_id = self.env["ir.model"]._get_id("sale.order")
        default_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        today = fields.Date.context_today(self)

        def vals(item):
            step = item.step_id
            return {
                "res_model_id": model_id,
                "res_id": item.order_id.id,
                "activity_type_id": (step.activity_type_id or default_type).id,
                "summary": step.activity_summary or step.name,
                "note": step.activity_note,
                "user_id": (item.user_id or item.order_id.user_id or self.env.user).id,
                "date_deadline": today,
            }

        try:
            with self.env.cr.savepoint():
                # no email per activity: the salesperson sees them in the activity menu
                activities = (
                    self.env["mail.activity"]
                    .with_context(mail_activity_quick_update=True)
                    .create([vals(item) for item in self])
                )
            return {
                item.id: ("done", {"result_ref": f"mail.activity,{activity.id}"})
                for item, activity in zip(self, activities, strict=True)
            }
        except Exception:
            return self._run_isolated(
                lambda item: (
                    "mail.activity,%s"
                    % self.env["mail.activity"]
                    .with_context(mail_activity_quick_update=True)
                    .create(vals(item))
                    .id
                )
            )

    def _mail_skip_reasons(self):
        reasons = {}
        for item in self:
            partner = item.partner_id
            if partner.is_blacklisted:
                reasons[item.id] = ("cancelled", {"note": self.env._("Email blacklisted")})
            elif not partner.email:
                reasons[item.id] = (
                    "failed",
                    {
                        "error": self.env._(
                            "The customer %s has no email address.", partner.display_name
                        )
                    },
                )
        return reasons

    def _action_email(self):
        results = self._mail_skip_reasons()
        todo = self.filtered(lambda i: i.id not in results)

        def send(item):
            template = item.step_id.mail_template_id
            if not template:
                raise ValueError(self.env._("No email template on step %s", item.step_id.name))
            item.order_id.with_context(mail_post_autofollow=False).message_post_with_source(
                template,
                partner_ids=item.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            return f"mail.template,{template.id}"

        results.update(todo._run_isolated(send))
        return results

    def _action_satisfaction(self):
        results = self._mail_skip_reasons()
        todo = self.filtered(lambda i: i.id not in results)
        default_template = self.env.ref(
            "crm_ops.mail_template_satisfaction_request", raise_if_not_found=False
        )

        def send(item):
            rating = item.order_id._crm_satisfaction_request(
                item.partner_id, validity_days=item.step_id.rating_validity_days, item=item
            )
            template = item.step_id.mail_template_id or default_template
            item.order_id.invalidate_recordset(["crm_satisfaction_url"])
            item.order_id.with_context(mail_post_autofollow=False).message_post_with_source(
                template, partner_ids=item.partner_id.ids, subtype_xmlid="mail.mt_comment"
            )
            return f"rating.rating,{rating.id}"

        results.update(todo._run_isolated(send))
        return results

    def _action_ticket(self):
        def create(item):
            order = item.order_id
            step = item.step_id
            ticket = self.env["helpdesk.ticket"].create(
                {
                    "name": f"{step.name} - {order.name}",
                    "description": Markup("<p>%s</p>")
                    % self.env._(
                        "Follow-up %(step)s for order %(order)s", step=step.name, order=order.name
                    ),
                    "partner_id": item.partner_id.id,
                    "company_id": item.company_id.id,
                    "team_id": step.ticket_team_id.id,
                    "type_id": step.ticket_type_id.id,
                    "sale_order_ids": [(4, order.id)],
                }
            )
            return f"helpdesk.ticket,{ticket.id}"

        return self._run_isolated(create)

    def _action_mailing_list(self):
        results = {}
        for item in self:
            if item.partner_id.is_blacklisted:
                results[item.id] = ("cancelled", {"note": self.env._("Email blacklisted")})
            elif not item.partner_id.email:
                results[item.id] = (
                    "failed",
                    {
                        "error": self.env._(
                            "The customer %s has no email address.", item.partner_id.display_name
                        )
                    },
                )
            elif not item.step_id.mailing_list_id:
                results[item.id] = ("failed", {"error": self.env._("No mailing list on the step.")})
        todo = self.filtered(lambda i: i.id not in results)

        def subscribe(item):
            mlist = item.step_id.mailing_list_id
            partner = item.partner_id
            Contact = self.env["mailing.contact"]
            contact = Contact.search([("email_normalized", "=", partner.email_normalized)], limit=1)
            if not contact:
                contact = Contact.create({"name": partner.name, "email": partner.email})
            subscription = self.env["mailing.subscription"].search(
                [("contact_id", "=", contact.id), ("list_id", "=", mlist.id)], limit=1
            )
            if subscription.opt_out:
                return False  # the customer opted out of this list: keep it that way
            if not subscription:
                self.env["mailing.subscription"].create(
                    {"contact_id": contact.id, "list_id": mlist.id}
                )
            return f"mailing.contact,{contact.id}"

        results.update(todo._run_isolated(subscribe))
        return results

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------
    def _result_message(self):
        return escape(self.error or self.note or "")
