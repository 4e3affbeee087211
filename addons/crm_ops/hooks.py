def pre_init_hook(env):
    """Trigram indexes on names need pg_trgm (a trusted extension since PostgreSQL 13)."""
    env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def post_init_hook(env):
    """Fill the match keys of the partners that exist before the addon, in batches."""
    env["res.partner"]._crm_ops_recompute_match_keys()
