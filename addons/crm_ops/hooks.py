def pre_init_hook(env):
    """Trigram indexes on names need pg_trgm (a trusted extension since PostgreSQL 13)."""
    env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
