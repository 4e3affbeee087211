# lead capture (issue: capture from every channel)
from . import crm_lead
from . import res_partner_match
from . import crm_capture_rule
from . import res_company
from . import res_config_settings
from . import crm_lead_import
from . import crm_lead_import_column
from . import crm_lead_import_error
from . import crm_ops_rate_limit

# follow-ups, satisfaction, after-sales service, 360° view
from . import crm_followup_plan
from . import crm_followup_step
from . import crm_followup_run
from . import crm_followup_item
from . import crm_ops_reply_template
from . import sale_order
from . import account_move
from . import rating_rating
from . import helpdesk_ticket_type
from . import helpdesk_ticket
from . import res_partner
