from . import (
    crm_analytics_run,
    crm_customer_cluster,
    crm_customer_metric,
    crm_partner_attribute,
    crm_sales_forecast,
    res_company,
    res_partner,
)
