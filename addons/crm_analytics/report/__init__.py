from . import crm_campaign_report, crm_complaint_report, crm_purchase_report
