from . import crm_analytics_run
from . import crm_customer_cluster
from . import crm_customer_metric
from . import crm_partner_attribute
from . import crm_sales_forecast
from . import res_company
from . import res_config_settings
from . import res_partner
