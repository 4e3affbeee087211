from . import test_survey_feedback
from . import test_i18n
