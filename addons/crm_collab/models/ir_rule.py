# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Extend Odoo's multi-company record rules with the materialised shares.

Odoo's multi-company rules (``company_id in company_ids``) are *global* rules, and
global rules are AND-ed: another rule cannot widen them. Here the domain of the
multi-company rule of each shareable model is OR-ed, when the rule is evaluated,
with an overlap test on the row's cached agreement ids (``collab_agreement_ids``,
maintained from ``crm_collab_share`` by a trigger) against the agreements valid
today for the user's active companies. Every ORM path (search, read, write, export,
read_group, RPC, reports, portal) computes its access through ``_compute_domain``,
so all of them obey the sharing, and nothing else is widened. The rule records
themselves are not modified, so nothing has to be restored on uninstall.
"""

from odoo import api, models, tools
from odoo.fields import Domain
from odoo.tools import SQL, config
from odoo.tools.safe_eval import safe_eval

# model -> xmlid of Odoo's multi-company rule that shares widen
COLLAB_COMPANY_RULES = {
    "res.partner": "base.res_partner_rule",
    "crm.lead": "crm.crm_lead_company_rule",
    "helpdesk.ticket": "helpdesk_mgmt.helpdesk_ticket_comp_rule",
    "sale.order": "sale.sale_order_comp_rule",
}
# the column of each shareable table caching the ids of the agreements sharing the row
COLLAB_COLUMN = "collab_agreement_ids"


def collab_share_domain(env, mode="read", model_name=None, negate=False, agreement_ids=None):
    """Domain on a shareable model: records shared with the active companies.

    Each shareable table carries ``collab_agreement_ids`` (int4[]), the agreements
    whose shares cover the row, kept equal to ``crm_collab_share`` by a trigger on
    that table (the share table stays the source of truth and the audit). The
    condition is a per-row array overlap with the agreements valid *today* towards
    the active companies (write access: the read-and-write ones only); ``negate``
    gives the complement (rows not shared with them). No sub-query,
    no hash of the shared ids, and it can use the column's GIN index. Agreements
    out of their dates (before the hourly cron deletes their shares) are simply not
    in the list, so expiry and revocation take effect at once. ``agreement_ids``,
    when given, is that list (already read by the caller).
    """
    if agreement_ids is None:
        agreement_ids = collab_valid_agreement_ids(env, model_name, mode)
    agreement_ids = list(agreement_ids)
    if not agreement_ids:
        return Domain.TRUE if negate else Domain.FALSE

    def to_sql(model, alias, query):
        column = SQL.identifier(alias, COLLAB_COLUMN)
        if negate:  # NULL (not shared at all) is "not shared" too
            return SQL("(%s IS NULL OR NOT (%s && %s::int4[]))", column, column, agreement_ids)
        return SQL("%s && %s::int4[]", column, agreement_ids)

    return Domain.custom(to_sql=to_sql)


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

    def _compute_domain_keys(self):
        # turning the shares off (benchmarks, comparisons) only ever narrows access
        return super()._compute_domain_keys() + ["collab_rules_off"]

    @api.model
    def _collab_company_rule_id(self, model_name):
        xmlid = COLLAB_COMPANY_RULES.get(model_name)
        rule = xmlid and self.sudo().env.ref(xmlid, raise_if_not_found=False)
        return rule.id if rule else None

    @api.model
    def _compute_domain(self, model_name, mode="read"):
        """The agreements valid today are read in the current transaction at each call
        (one indexed query) and are part of the cache key of the combined domain: the
        cache never holds the state of an agreement. A concurrent request that fills it
        from an older snapshot (during an acceptance or a revocation) stores its domain
        under the agreement ids *it* saw, which a later transaction only reuses when it
        sees the same ones; nothing has to be invalidated, in this worker or another."""
        model = self.env.get(model_name)
        if (
            self.env.su
            or model is None
            or model_name not in COLLAB_COMPANY_RULES
            or "collab_shared" not in model._fields
            or mode not in ("read", "write")
            or self.env.user.share  # portal / public users never get shares
            or self.env.context.get("collab_rules_off")
        ):
            return super()._compute_domain(model_name, mode)
        agreement_ids = collab_valid_agreement_ids(self.env, model_name, mode)
        if not agreement_ids:  # nothing shared with these companies: Odoo's rules
            return super()._compute_domain(model_name, mode)
        return self._collab_compute_domain(model_name, mode, agreement_ids)

    @api.model
    @tools.conditional(
        "xml" not in config["dev_mode"],
        tools.ormcache(
            "self.env.uid",
            "self.env.su",
            "model_name",
            "mode",
            "tuple(self._compute_domain_context_values())",
            "agreement_ids",
        ),
    )
    def _collab_compute_domain(self, model_name, mode, agreement_ids):
        model = self.env[model_name]
        company_rule_id = self._collab_company_rule_id(model_name)
        rules = self._get_rules(model_name, mode=mode)
        if company_rule_id not in rules.ids:
            return super()._compute_domain(model_name, mode)
        # same combination as ir.rule._compute_domain (these models have no _inherits),
        # with the multi-company rule OR-ed with the shares
        eval_context = self._eval_context()
        user_groups = self.env.user.all_group_ids
        global_domains, group_domains = [], []
        for rule in rules.sudo():
            if rule.groups and not (rule.groups & user_groups):
                continue
            dom = (
                Domain(safe_eval(rule.domain_force, eval_context))
                if rule.domain_force
                else Domain.TRUE
            )
            if rule.id == company_rule_id:
                dom = dom | collab_share_domain(
                    self.env, mode, model_name, agreement_ids=agreement_ids
                )
            if rule.groups:
                group_domains.append(dom)
            else:
                global_domains.append(dom)
        if group_domains:
            global_domains.append(Domain.OR(group_domains))
        return Domain.AND(global_domains).optimize(model)
