from . import test_install

# lead capture
from . import test_capture
from . import test_capture_http
from . import test_capture_properties
from . import test_example_client
from . import test_data_generator

# follow-ups, satisfaction, after-sales, 360° view
from . import test_followup
from . import test_followup_concurrency
from . import test_satisfaction
from . import test_after_sales
from . import test_partner_360
from . import test_tours
