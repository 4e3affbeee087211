from . import test_install
from . import test_lifecycle
from . import test_access
from . import test_handoff
from . import test_timeline_feedback
from . import test_http
from . import test_i18n
from . import test_tours
