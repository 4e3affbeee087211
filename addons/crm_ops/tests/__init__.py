# lead capture
# follow-ups, satisfaction, after-sales, 360° view
from . import (
    test_after_sales,
    test_capture,
    test_capture_http,
    test_capture_properties,
    test_data_generator,
    test_example_client,
    test_followup,
    test_followup_concurrency,
    test_i18n,
    test_install,
    test_partner_360,
    test_satisfaction,
    test_tours,
)
