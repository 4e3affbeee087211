# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from .models.crm_collab_agreement import SHARED_MODELS
from .models.ir_rule import COLLAB_COLUMN


def uninstall_hook(env):
    """Drop the sharing cache: the columns on the shared tables (with their GIN index)
    and the trigger functions. Agreement ids restart after a reinstall, so cached ids
    must not survive the agreements."""
    cr = env.cr
    for model, _label in SHARED_MODELS:
        if model in env and column_exists(cr, env[model]._table, COLLAB_COLUMN):
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP COLUMN %s",
                    SQL.identifier(env[model]._table),
                    SQL.identifier(COLLAB_COLUMN),
                )
            )
    cr.execute(SQL("DROP FUNCTION IF EXISTS crm_collab_share_sync() CASCADE"))
    cr.execute(SQL("DROP FUNCTION IF EXISTS crm_collab_share_sync_ids(varchar, int4[])"))
