from .tools.match_keys import drop_name_keys


def post_init_hook(env):
    """Fill the match keys of the partners that exist before the addon, in batches."""
    env["res.partner"]._crm_ops_recompute_match_keys()


def uninstall_hook(env):
    """Drop what the ORM does not know of: the name-key columns and the lookup functions."""
    drop_name_keys(env.cr)
