# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Widen Odoo's multi-company rules of the shareable models with the materialised shares,
with record rules and one variable of their evaluation context.

Odoo's multi-company rules (``company_id in company_ids``) are *global* rules, and
global rules are AND-ed: another rule cannot widen them. So, for each shareable model,
``security/crm_collab_security.xml`` holds two rules, for read and for write: Odoo's
domain OR-ed with ``collab_shared('read')`` (``'write'``), a variable that
``ir.rule._eval_context`` (the extension point Odoo gives for rule domains) adds. They
are archived, so that Odoo never selects them by itself (a registry without this code,
while an addon is updated before crm_collab is loaded, keeps Odoo's rule alone), and
``ir.rule._get_rules`` puts them in place of Odoo's rule for read and write. Odoo's rule
records are not changed; create and delete keep Odoo's rule.

``collab_shared`` is an overlap test on the row's cached agreement ids
(``collab_agreement_ids``, maintained from ``crm_collab_share`` by a trigger) against the
agreements valid today for the user's active companies, read when the SQL is built: the
rule domain that Odoo caches holds no agreement, so accepting, suspending or revoking
one takes effect in the next query of any transaction that sees it, with nothing to
invalidate. Every ORM path (search, read, write, export, read_group, RPC, reports,
portal) computes its access from the rules, so all of them obey the sharing, and
nothing else is widened.
"""

from odoo import models
from odoo.fields import Domain
from odoo.tools import SQL

# model -> xmlid of Odoo's multi-company rule that shares widen: for read and write, the rule
# ``crm_collab.rule_<table>_company_or_shared_<mode>`` stands in for it
COLLAB_COMPANY_RULES = {
    "res.partner": "base.res_partner_rule",
    "crm.lead": "crm.crm_lead_company_rule",
    "helpdesk.ticket": "helpdesk_mgmt.helpdesk_ticket_comp_rule",
    "sale.order": "sale.sale_order_comp_rule",
}
# the column of each shareable table caching the ids of the agreements sharing the row
COLLAB_COLUMN = "collab_agreement_ids"


def collab_share_domain(env, mode="read", model_name=None, negate=False):
    """Domain on a shareable model: records shared with the active companies.

    Each shareable table carries ``collab_agreement_ids`` (int4[]), the agreements
    whose shares cover the row, kept equal to ``crm_collab_share`` by a trigger on
    that table (the share table stays the source of truth and the audit). The
    condition is a per-row array overlap with the agreements valid *today* towards
    the active companies (write access: the read-and-write ones only); ``negate``
    gives the complement (rows not shared with them). No sub-query,
    no hash of the shared ids, and it can use the column's GIN index. Agreements
    out of their dates (before the hourly cron deletes their shares) are simply not
    in the list, so expiry and revocation take effect at once.
    """
    agreement_ids = collab_valid_agreement_ids(env, model_name, mode)
    if not agreement_ids:
        return Domain.TRUE if negate else Domain.FALSE

    def to_sql(model, alias, query):
        return shared_row_sql(alias, agreement_ids, negate)

    return Domain.custom(to_sql=to_sql)


def shared_row_sql(alias, agreement_ids, negate=False):
    """SQL condition on the row ``alias`` of a shareable table: one of ``agreement_ids``
    shares it (``negate``: none does)."""
    column = SQL.identifier(alias, COLLAB_COLUMN)
    if not agreement_ids:
        return SQL("TRUE") if negate else SQL("FALSE")
    if negate:  # NULL (not shared at all) is "not shared" too
        return SQL("(%s IS NULL OR NOT (%s && %s::int4[]))", column, column, list(agreement_ids))
    return SQL("%s && %s::int4[]", column, list(agreement_ids))


def collab_valid_agreement_ids(env, model_name, mode="read"):
    """Ids of the agreements sharing records of ``model_name`` with the active companies
    today (``mode`` write: the read-and-write ones only), read in the current transaction."""
    return tuple(
        env["crm.collab.agreement"]
        .sudo()
        ._collab_valid_ids(env.companies.ids, model_name, write=mode != "read")
    )


class IrRule(models.Model):
    _inherit = "ir.rule"

    def _get_rules(self, model_name, mode="read"):
        """For read and write on a shareable model, crm_collab's rule (archived: see
        security/crm_collab_security.xml) stands in for Odoo's multi-company rule. Without
        it (deleted), Odoo's rule stays: nothing is shared, nothing is opened."""
        rules = super()._get_rules(model_name, mode=mode)
        xmlid = COLLAB_COMPANY_RULES.get(model_name)
        if not rules or not xmlid or mode not in ("read", "write"):
            return rules
        odoo_rule = self.env.ref(xmlid, raise_if_not_found=False)
        if not odoo_rule or odoo_rule not in rules:
            return rules
        table = self.env[model_name]._table
        ours = self.env.ref(
            f"crm_collab.rule_{table}_company_or_shared_{mode}", raise_if_not_found=False
        )
        return (rules - odoo_rule) | ours if ours else rules

    def _eval_context(self):
        """``collab_shared(mode)``: the rows shared with the user's active companies, for
        ``mode`` 'read' or 'write' (the read-and-write agreements), for the rules of
        crm_collab (security/crm_collab_security.xml).

        Odoo caches the evaluated rule domains per user and active companies: the
        domain returned holds the company ids only (as Odoo's ``company_ids``), and reads
        the agreements valid today when its SQL is built, in the transaction and the
        context of the query (``_collab_valid_ids``: once per transaction, from
        ``env.cr.cache``). Portal and public users never get shares; ``collab_rules_off``
        in the context turns them off (benchmarks, comparisons: it only narrows access).
        """
        context = super()._eval_context()
        portal = self.env.user.share
        company_ids = tuple(self.env.companies.ids)

        def collab_shared(mode="read"):
            if mode not in ("read", "write"):
                raise ValueError(f"collab_shared: mode is 'read' or 'write', not {mode!r}")
            if portal:
                return Domain.FALSE

            def to_sql(model, alias, query):
                if model.env.context.get("collab_rules_off"):
                    return SQL("FALSE")
                agreement_ids = (
                    model.env["crm.collab.agreement"]
                    .sudo()
                    ._collab_valid_ids(company_ids, model._name, write=mode == "write")
                )
                return shared_row_sql(alias, agreement_ids)

            return Domain.custom(to_sql=to_sql)

        context["collab_shared"] = collab_shared
        return context
