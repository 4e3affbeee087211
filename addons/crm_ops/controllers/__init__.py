from . import lead_api
from . import lead_form
from . import satisfaction
