"""Upgrade from 19.0.1.0.0 (the version the Docker stack installed before; README:
``git pull`` then ``-u crm_ops``): the match keys now carry the canonical mailbox of
Gmail-like addresses (``e:`` keys), which lead capture looks up. Keys written by
19.0.1.0.0 lack them, and nothing else rewrites a key until its record is edited, so
every partner's and every lead's keys are recomputed, in batches."""

from odoo import SUPERUSER_ID, api
from odoo.tools import split_every

from odoo.addons.crm_ops.tools.match_keys import MATCH_KEYS_BATCH


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._crm_ops_recompute_match_keys(only_missing=False)
    leads = env["crm.lead"].with_context(active_test=False)
    for ids in split_every(MATCH_KEYS_BATCH, leads.search([]).ids):
        leads.browse(ids)._crm_ops_update_name_keys()
        env.invalidate_all()
