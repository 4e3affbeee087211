from . import crm_campaign_report
from . import crm_complaint_report
from . import crm_purchase_report
