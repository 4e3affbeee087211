# lead capture (issue: capture from every channel)
# follow-ups, satisfaction, after-sales service, 360° view
from . import (
    account_move,
    crm_capture_rule,
    crm_followup_item,
    crm_followup_plan,
    crm_followup_run,
    crm_followup_step,
    crm_lead,
    crm_lead_import,
    crm_lead_import_column,
    crm_lead_import_error,
    crm_ops_rate_limit,
    crm_ops_reply_template,
    helpdesk_ticket,
    helpdesk_ticket_type,
    rating_rating,
    res_company,
    res_config_settings,
    res_partner,
    res_partner_match,
    sale_order,
)
