from . import collab_handoff_wizard
