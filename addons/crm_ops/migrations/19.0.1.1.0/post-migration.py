"""Recompute the match keys of every partner: they now carry the canonical mailbox of
Gmail-like addresses (``e:`` keys), which lead capture looks up."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._crm_ops_recompute_match_keys(only_missing=False)
    env["crm.lead"].with_context(active_test=False).search([])._crm_ops_update_name_keys()
