from . import match_keys
