from .models.res_partner_match import NAME_KEYS_COLUMN


def post_init_hook(env):
    """Fill the match keys of the partners that exist before the addon, in batches."""
    env["res.partner"]._crm_ops_recompute_match_keys()


def uninstall_hook(env):
    """Drop what the ORM does not know of: the name-key columns and the lookup functions."""
    for table in ("res_partner", "crm_lead"):
        # constants only: the two table names above and the column name
        env.cr.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {NAME_KEYS_COLUMN}")  # pylint: disable=sql-injection
        env.cr.execute(f"DROP FUNCTION IF EXISTS crm_ops_{table}_candidates")  # pylint: disable=sql-injection
