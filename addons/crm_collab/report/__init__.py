from . import crm_collab_forecast
