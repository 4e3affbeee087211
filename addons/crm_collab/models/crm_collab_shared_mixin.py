# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What every shareable model gets: the share relation the rules query, private fields,
and the audit of exports of shared records."""

from collections import defaultdict
from contextvars import ContextVar
from itertools import groupby

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.sql import column_exists, table_exists

from .crm_collab_agreement import NEVER_WRITABLE, NEVER_WRITABLE_PREFIXES
from .ir_rule import COLLAB_COLUMN, collab_share_domain

# the superuser's id: its own jobs (crons, install) are not done on behalf of a user
SUPERUSER_UID = 1
# ids of the queries ``_fetch_query`` is running in this thread: their values go to the cache
FETCHING = ContextVar("crm_collab_fetching", default=frozenset())


class CrmCollabSharedMixin(models.AbstractModel):
    _name = "crm.collab.shared.mixin"
    _description = "Record shareable between companies"

    # fields that stay private to the owner company, even on a shared record
    _collab_private_fields = ()

    collab_share_ids = fields.One2many(
        "crm.collab.share",
        "res_id",
        string="Shares",
        domain=lambda self: [("res_model", "=", self._name)],
        groups="crm_collab.group_collab_admin",
        copy=False,
    )
    collab_shared = fields.Boolean(
        string="Shared with me",
        compute="_compute_collab_shared",
        search="_search_collab_shared",
        help="Visible through a sharing agreement, not through my companies",
    )

    def init(self):
        """Add the sharing cache to the shared table: ``collab_agreement_ids`` (int4[],
        NULL when the row is not shared), the agreements whose shares cover the row.
        It is not an ORM field: only the triggers of ``crm_collab_share`` write it, and
        the record rules read it. Each install or update rebuilds it from the share
        table (a no-op when they agree)."""
        super().init()
        if self._abstract or not self._auto:
            return
        cr = self.env.cr
        if not column_exists(cr, self._table, COLLAB_COLUMN):
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN %s int4[]",
                    SQL.identifier(self._table),
                    SQL.identifier(COLLAB_COLUMN),
                )
            )
        if table_exists(cr, "crm_collab_share"):
            self._collab_rebuild_cache()  # self-healing on each install / update
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (%s) WHERE %s IS NOT NULL",
                SQL.identifier(f"{self._table}_{COLLAB_COLUMN}_gin"),
                SQL.identifier(self._table),
                SQL.identifier(COLLAB_COLUMN),
                SQL.identifier(COLLAB_COLUMN),
            )
        )

    def _collab_rebuild_cache(self):
        """Recompute ``collab_agreement_ids`` of the whole table from the share table."""
        self.env["crm.collab.share"].flush_model()
        col = SQL.identifier(COLLAB_COLUMN)
        self.env.cr.execute(
            SQL(
                """
            UPDATE %(table)s t SET %(col)s = agg.agreements
              FROM (SELECT t2.id, s.agreements
                      FROM %(table)s t2
                      LEFT JOIN (SELECT res_id, array_agg(DISTINCT agreement_id ORDER BY agreement_id) AS agreements
                                   FROM crm_collab_share WHERE res_model = %(model)s
                                  GROUP BY res_id) s ON s.res_id = t2.id
                     WHERE t2.%(col)s IS NOT NULL OR s.res_id IS NOT NULL) agg
             WHERE t.id = agg.id AND t.%(col)s IS DISTINCT FROM agg.agreements
        """,
                table=SQL.identifier(self._table),
                col=col,
                model=self._name,
            )
        )
        return self.env.cr.rowcount

    # ------------------------------------------------------------------ helpers
    def _collab_foreign_ids(self):
        """Ids of the records of self that belong to a company the user is not a member of."""
        if self.env.su or "company_id" not in self._fields:
            return set()
        mine = set(self.env.user.company_ids.ids)
        return {rec.id for rec in self.sudo() if rec.company_id and rec.company_id.id not in mine}

    @api.depends_context("uid")
    def _compute_collab_shared(self):
        foreign = self._collab_foreign_ids()
        for rec in self:
            rec.collab_shared = rec.id in foreign

    def _search_collab_shared(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        mine = self.env.user.company_ids.ids
        if (operator == "=") == value:
            return (
                Domain("company_id", "!=", False)
                & Domain("company_id", "not in", mine)
                & collab_share_domain(self.env, "read", self._name)
            )
        return (
            Domain("company_id", "=", False)
            | Domain("company_id", "in", mine)
            | collab_share_domain(self.env, "read", self._name, negate=True)
        )

    # ------------------------------------------------------------------ private fields
    def _has_field_access(self, field, operation):
        if (
            field.name in self._collab_private_fields
            and not self.env.su
            and self._ids
            and self._collab_foreign_ids()
        ):
            return False
        return super()._has_field_access(field, operation)

    def fetch(self, field_names=None):
        """Private fields are fetched for the user's own records only."""
        if field_names is not None and not self.env.su:
            private = [f for f in field_names if f in self._collab_private_fields]
            foreign = private and self._collab_foreign_ids()
            if foreign:
                self.browse(foreign).check_access("read")
                super().fetch([f for f in field_names if f not in private])
                own = self.browse([i for i in self._ids if i not in foreign])
                if own:
                    super(CrmCollabSharedMixin, own).fetch(private)
                return
        return super().fetch(field_names)

    def _read_format(self, fnames, load="_classic_read"):
        """Shared records are read without their private fields (returned empty)."""
        private = [f for f in fnames if f in self._collab_private_fields]
        foreign = private and self._collab_foreign_ids()
        if not foreign:
            return super()._read_format(fnames, load=load)
        own = self.filtered(lambda r: r.id not in foreign)
        shared = self - own
        result = {vals["id"]: vals for vals in own._read_format(fnames, load=load)}
        public = [f for f in fnames if f not in private]
        for vals in shared._read_format(public, load=load):
            vals.update(dict.fromkeys(private, False))
            result[vals["id"]] = vals
        return [result[rec.id] for rec in self if rec.id in result]

    def _field_to_sql(self, alias, field_expr, query=None):
        """In SQL, a private field is NULL on the rows of the companies the user is not a
        member of: sorting, grouping, aggregating or filtering on it (here or through a
        path from another model, e.g. ``partner_id.comment`` on a lead; in search,
        read_group, the pivot's grouping sets, the list's sums) sees nothing of a shared
        record's private value: shared records sort together, fall in the empty group
        and add nothing to a sum, but are still listed and counted. One CASE on the
        row's company, only where a private field is used, no Python loop. Reads are
        left alone (see ``_fetch_query``): they blank the private fields after fetching."""
        sql = super()._field_to_sql(alias, field_expr, query)
        fname = field_expr.split(".", 1)[0]
        if (
            fname in self._collab_private_fields
            and not self.env.su
            and id(query) not in FETCHING.get()
            and self._fields[fname].column_type
            and "company_id" in self._fields
        ):
            company = super()._field_to_sql(alias, "company_id", query)
            sql = SQL(
                "(CASE WHEN %s IS NULL OR %s IN %s THEN %s END)",
                company,
                company,
                tuple(self.env.user.company_ids.ids),
                sql,
            )
        return sql

    def _fetch_query(self, query, fields):
        # the fetched values go to the ORM cache, which every user of the transaction
        # shares: they must be the real ones (``_read_format`` and ``fetch`` keep the
        # private fields of shared records from this user)
        token = FETCHING.set(FETCHING.get() | {id(query)})
        try:
            return super()._fetch_query(query, fields)
        finally:
            FETCHING.reset(token)

    def _collab_private_domain(self, domain):
        """Restrict every condition on a private field to the user's own companies, so a
        shared record can not be found (or counted, or grouped) by its private values."""
        if self.env.su or not self._collab_private_fields:
            return Domain(domain)
        mine = Domain("company_id", "in", self.env.user.company_ids.ids + [False])

        def restrict(cond):
            if cond.field_expr.split(".")[0] in self._collab_private_fields:
                return cond & mine
            return cond

        return Domain(domain).map_conditions(restrict)

    @api.model
    def _search(self, domain, *args, **kwargs):
        return super()._search(self._collab_private_domain(domain), *args, **kwargs)

    # ------------------------------------------------------------------ write shares
    @api.model
    def _collab_field_writable(self, model_name, field_name):
        """May a read-and-write share name this field? Never the company, archiving, the
        sharing's own fields, the chatter, relational lists or a private field."""
        Model = self.env[model_name]
        field = Model._fields.get(field_name)
        return bool(
            field
            and field.store
            and field.type not in ("one2many", "many2many", "binary")
            and field_name not in NEVER_WRITABLE
            and not field_name.startswith(NEVER_WRITABLE_PREFIXES)
            and field_name not in Model._collab_private_fields
            and not (field.compute and not field.inverse and field.readonly)
        )

    def _collab_check_shared_write(self, vals):
        """A user writing records of a company it is not a member of (reached through a
        read-and-write share) may change only the fields the share names, on every
        record: the union of the fields named by the write agreements valid today that
        cover the record. Anything else (``company_id``, archiving, private or sharing
        fields, a record no write agreement covers) is refused before anything is
        written."""
        rows = (
            self.env["crm.collab.agreement"]
            .sudo()
            ._collab_valid_rows(self.env.companies.ids, self._name, write=True)
        )
        # without a write share towards the user's companies, the record rules alone
        # refuse any write on another company's records
        foreign = rows and self._collab_foreign_ids()
        if not foreign:
            return
        fields_by_agreement = {row[0]: row[7] for row in rows}
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM %s WHERE id = ANY(%s)",
                SQL.identifier(COLLAB_COLUMN),
                SQL.identifier(self._table),
                sorted(foreign),
            )
        )
        keys = set(vals)
        for _id, agreement_ids in self.env.cr.fetchall():
            allowed = set()
            for agreement_id in agreement_ids or ():
                allowed |= fields_by_agreement.get(agreement_id, frozenset())
            refused = keys - allowed
            if refused:
                raise AccessError(
                    _(
                        "This record is shared with your company: you may change only the "
                        "fields its sharing agreement names (not %(fields)s).",
                        fields=", ".join(sorted(refused)),
                    )
                )

    def _collab_check_su_foreign(self, operation):
        """Work done as superuser on behalf of a user (``sudo()`` keeps the user's id:
        Odoo's partner merge and lead merge delete the merged records with ``sudo()``)
        re-checks the company of the records it deletes or moves to another company:
        they must be the user's own (or shared by no company). The superuser's own jobs
        (crons, install, uid 1) are not on behalf of a user."""
        if self.env.su:
            self._collab_check_own(operation)

    def _collab_check_own(self, operation):
        """The records must belong to the user's companies (or to none), whatever the
        environment: for tools that act as superuser on the user's behalf."""
        if self.env.uid == SUPERUSER_UID or not self._ids:
            return
        mine = set(self.env.user.company_ids.ids)
        for rec in self.sudo():
            if rec.company_id and rec.company_id.id not in mine:
                raise AccessError(
                    _(
                        "%(operation)s of %(record)s refused: it belongs to a company you are not "
                        "a member of (a share never gives that).",
                        operation=operation,
                        record=rec.display_name,
                    )
                )

    def write(self, vals):
        if not self.env.su:
            self._collab_check_shared_write(vals)
        elif "company_id" in vals:
            self._collab_check_su_foreign(_("Change of company"))
        res = super().write(vals)
        self._collab_follow_shares()
        return res

    def unlink(self):
        self._collab_check_su_foreign(_("Deletion"))
        return super().unlink()

    # ------------------------------------------------------------------ shares follow records
    def _collab_follow_shares(self):
        """Shares follow their records at once: after a write, each active agreement of
        this model re-evaluates its domain on the written records (in the owner company,
        as the refresh does): a record that left the domain or the owner company is
        unshared, one that entered it is shared, in this transaction. One DELETE and one
        INSERT ... SELECT per active agreement of the model; no query at all when the
        model has none (the agreements come from the transaction's cache). The hourly
        refresh stays as a repair (e.g. for domains on other records' fields)."""
        if not self._ids:
            return
        rows = [
            row
            for row in self.env["crm.collab.agreement"].sudo()._collab_active_rows()
            if row[3] == self._name
        ]
        if not rows:
            return
        # the domains read the records' new values (many2many included) from the database
        self.sudo().flush_recordset()
        Agreement = self.env["crm.collab.agreement"].sudo()
        for row in rows:
            Agreement.browse(row[0])._collab_sync_records(list(self._ids))

    # ------------------------------------------------------------------ export audit
    def export_data(self, fields_to_export):
        """Exports of shared records are audited per agreement (``_export_rows`` leaves
        their private columns empty)."""
        res = super().export_data(fields_to_export)
        self._collab_audit_access("export", _("Exported %(n)s shared record(s)"))
        return res

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        """Shared records carry their private columns empty, in an export of their own
        model and through a path (``partner_id/comment`` exported from a lead)."""
        private = {
            i for i, path in enumerate(fields) if path and path[0] in self._collab_private_fields
        }
        foreign = (private and self._collab_foreign_ids()) or set()
        if not foreign:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        self.browse(foreign).check_access("read")
        public = [path for i, path in enumerate(fields) if i not in private]
        lines = []
        # one call per run of own / shared records, so that the lines keep their order
        for is_foreign, run in groupby(self, key=lambda rec: rec.id in foreign):
            records = self.browse([rec.id for rec in run])
            if not is_foreign:
                lines += super(CrmCollabSharedMixin, records)._export_rows(
                    fields, _is_toplevel_call=_is_toplevel_call
                )
                continue
            for line in super(CrmCollabSharedMixin, records)._export_rows(
                public, _is_toplevel_call=_is_toplevel_call
            ):
                for i in sorted(private):
                    line.insert(i, "")
                lines.append(line)
        return lines

    def _collab_audit_access(self, action, description):
        """Log, per agreement, the shared records of self the user just used."""
        foreign = self._collab_foreign_ids()
        if not foreign:
            return
        shares = (
            self.env["crm.collab.share"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", list(foreign)),
                    ("company_id", "in", self.env.user.company_ids.ids),
                ]
            )
        )
        by_agreement = defaultdict(set)
        for share in shares:
            by_agreement[share.agreement_id].add(share.res_id)
        for agreement, ids in by_agreement.items():
            agreement.with_user(self.env.user)._audit(
                action, description % {"n": len(ids)}, res_model=self._name, res_ids=sorted(ids)
            )
