from . import lead_api, lead_form, rating
