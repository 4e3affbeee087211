from . import (
    test_actions,
    test_attribute_import,
    test_example_client,
    test_i18n,
    test_install,
    test_multi_company,
    test_recompute,
    test_reports,
    test_tours,
    test_views,
)
