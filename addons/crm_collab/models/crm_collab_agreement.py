# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.modules import module
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .ir_rule import COLLAB_COLUMN

SHARED_MODELS = [
    ("res.partner", "Contacts"),
    ("crm.lead", "Leads / Opportunities"),
    ("helpdesk.ticket", "Helpdesk Tickets"),
    ("sale.order", "Sale Order Summaries (read only)"),
]
# fields that define what is shared: only the owner edits them, and each change is audited
DEFINITION_FIELDS = {
    "res_model",
    "write_field_ids",
    "domain",
    "access_level",
    "date_start",
    "date_end",
    "partner_company_id",
    "owner_company_id",
    "collab_share_conversation",
}

# changes to these fields of an active agreement widen or move what is shared: the
# agreement goes back to "proposed" until the partner company accepts it again
REACCEPT_FIELDS = {
    "res_model",
    "domain",
    "access_level",
    "partner_company_id",
    "owner_company_id",
    "write_field_ids",
}
# fields a read-and-write share never lets the partner change: ownership, archiving
# (a soft delete), the sharing's own fields and Odoo's bookkeeping; relational lists
# (one2many / many2many) are refused by type, private fields by model
NEVER_WRITABLE = {
    "id",
    "company_id",
    "active",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
    "display_name",
    "parent_id",
    "commercial_partner_id",
    "access_token",
}
NEVER_WRITABLE_PREFIXES = ("collab_", "message_", "activity_", "website_message", "rating_")
# key of the transaction's cache of the active agreements in ``env.cr.cache``
CACHE_KEY = "crm_collab.active_agreements"
# an agreement in these states never becomes active again
ENDED_STATES = ("revoked", "expired")
# records whose cached agreement ids are purged per statement (and commit, in the cron)
PURGE_BATCH_SIZE = 50000

# set by the life-cycle methods only
PROTECTED_FIELDS = {
    "state",
    "proposed_by_id",
    "accepted_by_id",
    "accepted_date",
    "revoked_by_id",
    "revoked_date",
    "last_refresh",
}


class CrmCollabAgreement(models.Model):
    _name = "crm.collab.agreement"
    _description = "Sharing Agreement between Companies"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(required=True, tracking=True)
    owner_company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    partner_company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
    )
    res_model = fields.Selection(
        SHARED_MODELS, string="Shared Records", required=True, default="res.partner", tracking=True
    )
    domain = fields.Char(
        string="Which Records",
        default="[]",
        required=True,
        tracking=True,
        help="Domain on the shared model, evaluated in the owner company.",
    )
    access_level = fields.Selection(
        [("read", "Read"), ("write", "Read and Write"), ("handoff", "Hand-off")],
        required=True,
        default="read",
        tracking=True,
        help="Hand-off: the owner passes leads to the partner, who works them in its own "
        "pipeline; the partner reads the original, the outcome flows back.",
    )
    write_field_ids = fields.Many2many(
        "ir.model.fields",
        "crm_collab_agreement_write_field_rel",
        "agreement_id",
        "field_id",
        string="Fields the Partner May Change",
        groups="crm_collab.group_collab_admin",
        domain="[('model', '=', res_model), ('store', '=', True), "
        "('ttype', 'not in', ('one2many', 'many2many', 'binary'))]",
        help="A read-and-write share lets the partner company change these fields of the "
        "shared records, and nothing else: never their company, never delete or archive them.",
    )
    collab_share_conversation = fields.Boolean(
        string="Share the Conversation",
        tracking=True,
        help="Also share the messages, notes, attachments, activities and followers of the "
        "shared records (never the tracking of their private fields). Off: they stay with "
        "the owner.",
    )
    date_start = fields.Date(string="Valid From", tracking=True)
    date_end = fields.Date(string="Valid Until", tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("proposed", "Proposed"),
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("revoked", "Revoked"),
            ("expired", "Expired"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    note = fields.Html()
    proposed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    accepted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    accepted_date = fields.Datetime(readonly=True, copy=False)
    revoked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    revoked_date = fields.Datetime(readonly=True, copy=False)
    share_count = fields.Integer(compute="_compute_share_count", string="Shared Records Count")
    handoff_count = fields.Integer(compute="_compute_handoff_count")
    audit_ids = fields.One2many("crm.collab.audit", "agreement_id", readonly=True)
    last_refresh = fields.Datetime(readonly=True, copy=False)
    is_owner_side = fields.Boolean(compute="_compute_side")
    is_partner_side = fields.Boolean(compute="_compute_side")

    _check_companies_differ = models.Constraint(
        "CHECK(owner_company_id != partner_company_id)",
        "The owner and the partner company must differ.",
    )
    _check_dates = models.Constraint(
        "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
        "The agreement must end after it starts.",
    )

    # ------------------------------------------------------------------ computes
    def _compute_share_count(self):
        counts = {}
        if self.ids:
            self.env["crm.collab.share"].flush_model()
            self.env.cr.execute(
                SQL(
                    "SELECT agreement_id, count(*) FROM crm_collab_share"
                    " WHERE agreement_id IN %s GROUP BY agreement_id",
                    tuple(self.ids),
                )
            )
            counts = dict(self.env.cr.fetchall())
        for rec in self:
            rec.share_count = counts.get(rec.id, 0)

    def _compute_handoff_count(self):
        data = dict(
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("collab_handoff_agreement_id", "in", self.ids)],
                ["collab_handoff_agreement_id"],
                ["__count"],
            )
        )
        for rec in self:
            rec.handoff_count = data.get(rec, 0)

    @api.depends_context("uid")
    def _compute_side(self):
        companies = self.env.user.company_ids
        for rec in self:
            rec.is_owner_side = rec.owner_company_id in companies
            rec.is_partner_side = rec.partner_company_id in companies

    @api.constrains("res_model", "access_level")
    def _check_access_level(self):
        for rec in self:
            if rec.res_model == "sale.order" and rec.access_level != "read":
                raise ValidationError(_("Sale orders are shared as read-only summaries."))
            if rec.access_level == "handoff" and rec.res_model != "crm.lead":
                raise ValidationError(_("Only leads and opportunities can be handed off."))

    @api.constrains("domain", "res_model")
    def _check_domain(self):
        for rec in self:
            try:
                rec._get_domain().validate(self.env[rec.res_model].sudo())
            except Exception as e:
                raise ValidationError(_("Invalid domain: %s", e)) from e

    def _get_domain(self):
        self.ensure_one()
        return Domain(safe_eval(self.domain or "[]", {"context_today": fields.Date.context_today}))

    @api.constrains("access_level", "write_field_ids", "res_model")
    def _check_write_fields(self):
        for rec in self:
            if rec.access_level == "write" and not rec.write_field_ids:
                raise ValidationError(
                    _("Name the fields a read-and-write share lets the partner company change.")
                )
            if rec.access_level != "write" and rec.write_field_ids:
                raise ValidationError(
                    _("Only a read-and-write share lets the partner change fields.")
                )
            Model = self.env[rec.res_model]
            for field in rec.write_field_ids.sudo():
                if field.model != rec.res_model or not Model._collab_field_writable(
                    field.model, field.name
                ):
                    raise ValidationError(
                        _(
                            "A share never lets the partner company change %(field)s of %(model)s.",
                            field=field.field_description,
                            model=Model._description,
                        )
                    )

    # ------------------------------------------------------------------ transaction cache
    @api.model
    def _collab_active_rows(self):
        """The active agreements, read once per transaction: a tuple of
        ``(id, owner_company_id, partner_company_id, res_model, access_level, date_start,
        date_end, frozenset(write field names))``.

        Kept in ``env.cr.cache``, which Odoo empties with the transaction (commit, rollback,
        rolled-back flushing savepoints: ``Transaction.clear``); it is also emptied by every
        create, write or unlink of an agreement (``_collab_clear_cache``) and, as Odoo does
        for its own transaction caches, by a ``postrollback`` hook. It holds no per-user
        data (each caller filters it by its own companies), and a security decision never
        sees a state older than its own transaction."""
        cache = self.env.cr.cache
        rows = cache.get(CACHE_KEY)
        if rows is None:
            self.flush_model(
                [
                    "state",
                    "date_start",
                    "date_end",
                    "owner_company_id",
                    "partner_company_id",
                    "res_model",
                    "access_level",
                    "write_field_ids",
                ]
            )
            self.env.cr.execute(
                SQL(
                    """
                SELECT a.id, a.owner_company_id, a.partner_company_id, a.res_model,
                       a.access_level, a.date_start, a.date_end,
                       ARRAY(SELECT f.name FROM crm_collab_agreement_write_field_rel r
                               JOIN ir_model_fields f ON f.id = r.field_id
                              WHERE r.agreement_id = a.id)
                  FROM crm_collab_agreement a
                 WHERE a.state = 'active'
                 ORDER BY a.id
                """
                )
            )
            rows = cache[CACHE_KEY] = tuple(
                (*row[:7], frozenset(row[7] or ())) for row in self.env.cr.fetchall()
            )
            cr = self.env.cr
            cr.postrollback.add(lambda: cr.cache.pop(CACHE_KEY, None))
        return rows

    @api.model
    def _collab_clear_cache(self):
        self.env.cr.cache.pop(CACHE_KEY, None)

    @api.model
    def _collab_valid_rows(self, company_ids, res_model=None, write=False):
        """The rows of ``_collab_active_rows`` sharing records with these (partner)
        companies today, of ``res_model`` if given; with ``write``, only the
        read-and-write ones."""
        today = fields.Date.context_today(self)
        company_ids = set(company_ids)
        return [
            row
            for row in self._collab_active_rows()
            if row[2] in company_ids
            and (res_model is None or row[3] == res_model)
            and (not write or row[4] == "write")
            and (not row[5] or row[5] <= today)
            and (not row[6] or row[6] >= today)
        ]

    @api.model
    def _collab_valid_ids(self, company_ids, res_model=None, write=False):
        """Ids of the agreements that share records with these companies today
        (active and within their dates), of ``res_model`` if given; with ``write``,
        only the read-and-write ones."""
        return [row[0] for row in self._collab_valid_rows(company_ids, res_model, write)]

    # ------------------------------------------------------------------ guards
    def _check_sharing_admin(self):
        if not self.env.su and not self.env.user.has_group("crm_collab.group_collab_admin"):
            raise AccessError(_("Only a Sharing Administrator can do this."))

    def _check_side(self, side):
        """The current user must belong to the given side ('owner', 'partner' or 'any')."""
        self._check_sharing_admin()
        if self.env.su:
            return
        companies = self.env.user.company_ids
        for rec in self:
            ok = {
                "owner": rec.owner_company_id in companies,
                "partner": rec.partner_company_id in companies,
                "any": bool((rec.owner_company_id | rec.partner_company_id) & companies),
            }[side]
            if not ok:
                raise AccessError(
                    _(
                        "You are not on the %(side)s side of agreement %(name)s.",
                        side=side,
                        name=rec.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """Agreements are born drafts, on the owner's side: the state and the life-cycle
        fields are refused in the values (and in the client's ``default_*`` context keys,
        checked on the result), and the owner company must be one of the creating user's
        companies. No context key takes part in these checks."""
        self._check_sharing_admin()
        if not self.env.su:
            for vals in vals_list:
                if PROTECTED_FIELDS & set(vals):
                    raise AccessError(
                        _(
                            "An agreement is created as a draft; its life cycle goes through its buttons."
                        )
                    )
        self._collab_clear_cache()
        records = super().create(vals_list)
        if not self.env.su:
            records._check_born_draft()
        records._check_side("owner")
        for rec in records:
            rec._audit("create", _("Agreement created"))
        return records

    def _check_born_draft(self):
        for rec in self:
            if rec.state != "draft" or any(rec[f] for f in PROTECTED_FIELDS - {"state"}):
                raise AccessError(
                    _(
                        "An agreement is created as a draft; its life cycle goes through its buttons."
                    )
                )

    def write(self, vals):
        if vals.get("access_level", "write") != "write" and "write_field_ids" not in vals:
            # no longer read-and-write: it names no field any more
            vals = dict(vals, write_field_ids=[(5, 0, 0)])
        keys = set(vals)
        if not self.env.su:
            # each family of fields is checked on its own: a write mixing the life cycle
            # with a definition change is refused, not let through by the first test
            if PROTECTED_FIELDS & keys:
                raise AccessError(_("The life cycle of an agreement goes through its buttons."))
            if DEFINITION_FIELDS & keys:
                self._check_side("owner")
                if any(rec.state in ENDED_STATES for rec in self):
                    raise UserError(_("A revoked or expired agreement cannot be changed."))
                if any(rec.state == "proposed" for rec in self):
                    raise UserError(
                        _("Withdraw (reset to draft) a proposed agreement to change it.")
                    )
            elif {"name", "note"} & keys:
                self._check_side("any")
        reaccept = self.browse()
        if DEFINITION_FIELDS & keys:
            before = {rec.id: rec._collab_definition() for rec in self.sudo()}
        self._collab_clear_cache()
        res = super().write(vals)
        self._collab_clear_cache()
        if DEFINITION_FIELDS & keys:
            if not self.env.su:
                # the new owner company must be one of the user's companies too
                self._check_side("owner")
            changed = self.filtered(lambda r: r._collab_definition() != before[r.id])
            for rec in changed:
                rec._audit(
                    "change",
                    ", ".join(f"{k}={vals[k]}" for k in sorted(DEFINITION_FIELDS & keys)),
                )
            reaccept = changed.filtered(
                lambda r: r.state == "active" and r._collab_needs_acceptance(before[r.id])
            )
            if reaccept:
                reaccept._delete_shares()
                super(CrmCollabAgreement, reaccept.sudo()).write(
                    {"state": "proposed", "accepted_by_id": False, "accepted_date": False}
                )
                self._collab_clear_cache()
                for rec in reaccept:
                    rec._audit(
                        "propose",
                        _(
                            "Changed while active: proposed again, waiting for the partner's acceptance"
                        ),
                    )
            (changed - reaccept).filtered(lambda r: r.state == "active")._refresh_shares()
        return res

    def _collab_definition(self):
        """What the agreement shares, to compare before and after a write."""
        self.ensure_one()
        return {
            "res_model": self.res_model,
            "domain": self.domain,
            "access_level": self.access_level,
            "partner_company_id": self.partner_company_id.id,
            "owner_company_id": self.owner_company_id.id,
            "write_field_ids": frozenset(self.write_field_ids.ids),
            "collab_share_conversation": self.collab_share_conversation,
            "date_start": self.date_start,
            "date_end": self.date_end,
        }

    def _collab_needs_acceptance(self, before):
        """A change of the parties, the model, the domain, the access or the writable
        fields, or a longer validity, needs the partner's acceptance again; ending sooner
        or starting later only narrows what is shared."""
        self.ensure_one()
        now = self._collab_definition()
        if any(now[f] != before[f] for f in REACCEPT_FIELDS):
            return True
        start_earlier = now["date_start"] != before["date_start"] and (
            not now["date_start"]
            or (before["date_start"] and now["date_start"] < before["date_start"])
        )
        end_later = now["date_end"] != before["date_end"] and (
            not now["date_end"] or (before["date_end"] and now["date_end"] > before["date_end"])
        )
        return bool(start_earlier or end_later)

    def unlink(self):
        if any(rec.state != "draft" for rec in self):
            raise UserError(_("Only draft agreements can be deleted; revoke the others."))
        self._check_side("owner")
        self._collab_clear_cache()
        return super().unlink()

    # ------------------------------------------------------------------ life cycle
    def action_propose(self):
        self._check_side("owner")
        for rec in self:
            if rec.state not in ("draft", "suspended"):
                raise UserError(_("Only draft or suspended agreements can be proposed."))
        self.sudo().write({"state": "proposed", "proposed_by_id": self.env.uid})
        for rec in self:
            rec._audit("propose", _("Proposed to %s", rec.sudo().partner_company_id.name))
        return True

    def action_reset_draft(self):
        self._check_side("owner")
        if any(rec.state != "proposed" for rec in self):
            raise UserError(_("Only proposed agreements can be withdrawn."))
        self.sudo().write({"state": "draft"})
        for rec in self:
            rec._audit("change", _("Proposal withdrawn"))
        return True

    def action_accept(self):
        self._check_side("partner")
        for rec in self:
            if rec.state != "proposed":
                raise UserError(_("Only proposed agreements can be accepted."))
            if rec.date_end and rec.date_end < fields.Date.context_today(rec):
                raise UserError(_("This agreement has already ended."))
        self.sudo().write(
            {
                "state": "active",
                "accepted_by_id": self.env.uid,
                "accepted_date": fields.Datetime.now(),
            }
        )
        for rec in self:
            rec._audit("accept", _("Accepted by %s", rec.sudo().partner_company_id.name))
        self._refresh_shares()
        return True

    def action_suspend(self):
        self._check_side("any")
        if any(rec.state != "active" for rec in self):
            raise UserError(_("Only active agreements can be suspended."))
        self._delete_shares()
        self.sudo().write({"state": "suspended"})
        for rec in self:
            rec._audit("suspend", _("Suspended"))
        return True

    def action_revoke(self):
        self._check_side("any")
        if any(rec.state in ("revoked", "expired") for rec in self):
            raise UserError(_("This agreement is already ended."))
        # ended first: the shares' DELETE then leaves the cached ids for the purge
        self.sudo().write(
            {
                "state": "revoked",
                "revoked_by_id": self.env.uid,
                "revoked_date": fields.Datetime.now(),
            }
        )
        self._delete_shares()
        for rec in self:
            rec._audit("revoke", _("Revoked"))
        return True

    def action_refresh(self):
        self._check_side("owner")
        self._refresh_shares()
        return True

    # ------------------------------------------------------------------ shares
    def _delete_shares(self):
        """Revocation: one DELETE on the indexed share table. Its trigger recomputes the
        cached ``collab_agreement_ids`` of the records at once, except for ended agreements
        (revoked, expired: set their state first), left to ``_collab_purge_ended``."""
        if not self.ids:
            return 0
        self.flush_model(["state"])
        self.env["crm.collab.share"].flush_model()
        self.env.cr.execute(
            SQL("DELETE FROM crm_collab_share WHERE agreement_id IN %s", tuple(self.ids))
        )
        count = self.env.cr.rowcount
        self.env["crm.collab.share"].invalidate_model()
        self.invalidate_recordset(["share_count"])
        return count

    def _refresh_shares(self):
        """(Re)materialise the shares of active agreements with one INSERT ... SELECT each.

        The domain is evaluated by the ORM in the owner company (``_search`` returns a
        Query), restricted to the owner's records, so what is shared is exactly what the
        domain selects there and never a record of a third company.
        """
        self._delete_shares()
        total = 0
        for rec in self.sudo():
            if rec.state != "active":
                continue
            Model = (
                self.env[rec.res_model]
                .sudo()
                .with_context(active_test=False, allowed_company_ids=[rec.owner_company_id.id])
            )
            domain = rec._get_domain() & Domain("company_id", "=", rec.owner_company_id.id)
            query = Model._search(domain)
            table = SQL.identifier(Model._table, "id")
            select = query.select(
                SQL("%s", rec.id),
                SQL("%s", rec.res_model),
                table,
                SQL("%s", rec.partner_company_id.id),
                SQL("%s", rec.access_level == "write"),
                SQL("%s::date", rec.date_start or None),
                SQL("%s::date", rec.date_end or None),
            )
            self.env.cr.execute(
                SQL(
                    "INSERT INTO crm_collab_share (agreement_id, res_model, res_id, company_id, "
                    "perm_write, date_start, date_end) %s ON CONFLICT DO NOTHING",
                    select,
                )
            )
            total += self.env.cr.rowcount
            rec.last_refresh = fields.Datetime.now()
        self.env["crm.collab.share"].invalidate_model()
        self.invalidate_recordset(["share_count"])
        return total

    def _collab_sync_records(self, res_ids):
        """Re-evaluate this active agreement on some records only (after they changed):
        those out of its domain or of the owner company lose their share, those in it
        get one, with one DELETE and one INSERT ... SELECT, in this transaction."""
        self.ensure_one()
        rec = self.sudo()
        Model = (
            self.env[rec.res_model]
            .sudo()
            .with_context(active_test=False, allowed_company_ids=[rec.owner_company_id.id])
        )
        domain = (
            rec._get_domain()
            & Domain("company_id", "=", rec.owner_company_id.id)
            & Domain("id", "in", list(res_ids))
        )
        query = Model._search(domain)
        matching = query.select(SQL.identifier(Model._table, "id"))
        self.env["crm.collab.share"].flush_model()
        self.env.execute_query(
            SQL(
                "DELETE FROM crm_collab_share WHERE agreement_id = %s AND res_model = %s "
                "AND res_id = ANY(%s) AND res_id NOT IN (%s)",
                rec.id,
                rec.res_model,
                list(res_ids),
                matching,
            )
        )
        self.env.execute_query(
            SQL(
                "INSERT INTO crm_collab_share (agreement_id, res_model, res_id, company_id, "
                "perm_write, date_start, date_end) %s ON CONFLICT DO NOTHING",
                query.select(
                    SQL("%s", rec.id),
                    SQL("%s", rec.res_model),
                    SQL.identifier(Model._table, "id"),
                    SQL("%s", rec.partner_company_id.id),
                    SQL("%s", rec.access_level == "write"),
                    SQL("%s::date", rec.date_start or None),
                    SQL("%s::date", rec.date_end or None),
                ),
            )
        )
        self.env["crm.collab.share"].invalidate_model()

    @api.model
    def _cron_refresh(self):
        """Expire ended agreements, then refresh the shares of the active ones."""
        today = fields.Date.context_today(self)
        expired = self.sudo().search([("state", "=", "active"), ("date_end", "<", today)])
        if expired:
            expired.write({"state": "expired"})
            expired._delete_shares()
            for rec in expired:
                rec._audit("expire", _("Expired on %s", rec.date_end))
        active = self.sudo().search([("state", "=", "active")])
        for rec in active:
            rec._refresh_shares()
            self._collab_commit()
        self._collab_purge_ended()
        return True

    @api.model
    def _collab_commit(self):
        """Commit a batch of the cron's work (never in tests)."""
        if not module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _collab_purge_ended(self, batch_size=PURGE_BATCH_SIZE):
        """Remove the ids of ended (revoked, expired) agreements from the cached
        ``collab_agreement_ids``, by batches of records, recomputing them from the
        share table. Until then those ids are inert: the rules only match agreements
        that are active today, and an ended agreement never becomes active again."""
        self.flush_model(["state"])
        self.env.cr.execute(
            SQL("SELECT array_agg(id) FROM crm_collab_agreement WHERE state IN %s", ENDED_STATES)
        )
        ended = self.env.cr.fetchone()[0]
        total = 0
        for model, _label in SHARED_MODELS if ended else ():
            if model not in self.env:
                continue
            table = SQL.identifier(self.env[model]._table)
            while True:
                self.env.cr.execute(
                    SQL(
                        "SELECT crm_collab_share_sync_ids(%s, ARRAY(SELECT id FROM %s WHERE %s && %s::int4[] "
                        "ORDER BY id LIMIT %s))",
                        model,
                        table,
                        SQL.identifier(COLLAB_COLUMN),
                        ended,
                        batch_size,
                    )
                )
                done = self.env.cr.fetchone()[0] or 0
                total += done
                self._collab_commit()
                if done < batch_size:  # also stops if shares of an ended agreement remained
                    break
        return total

    # ------------------------------------------------------------------ audit
    def _audit(self, action, description="", res_model=None, res_ids=None):
        self.ensure_one()
        vals = {
            "agreement_id": self.id,
            "user_id": self.env.uid,
            "action": action,
            "description": description,
            "res_model": res_model or False,
            "res_ids": ",".join(map(str, res_ids)) if res_ids else False,
            "record_count": len(res_ids) if res_ids else 0,
        }
        self.env["crm.collab.audit"].sudo().create(vals)
        if action in ("create", "propose", "accept", "suspend", "revoke", "expire", "change"):
            self.sudo().message_post(body=description or action, subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------ smart buttons
    def action_view_shared_records(self):
        self.ensure_one()
        self.env["crm.collab.share"].flush_model()
        return {
            "type": "ir.actions.act_window",
            "name": _("Shared records"),
            "res_model": self.res_model,
            "view_mode": "list,form",
            "domain": [("collab_share_ids.agreement_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_handoffs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Hand-offs"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "domain": [
                "|",
                ("collab_handoff_agreement_id", "=", self.id),
                ("collab_handoff_ids.collab_handoff_agreement_id", "=", self.id),
            ],
            "context": {"active_test": False, "create": False},
        }

    def action_view_audit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Audit trail"),
            "res_model": "crm.collab.audit",
            "view_mode": "list",
            "domain": [("agreement_id", "=", self.id)],
        }
