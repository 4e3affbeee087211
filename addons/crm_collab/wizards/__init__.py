from . import crm_collab_handoff_wizard
from . import base_partner_merge_automatic_wizard
