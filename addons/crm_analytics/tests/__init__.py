from . import test_install
from . import test_recompute
from . import test_reports
from . import test_actions
from . import test_multi_company
from . import test_attribute_import
from . import test_views
from . import test_tours
