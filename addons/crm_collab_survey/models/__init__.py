from . import collab_feedback
from . import collab_timeline
from . import survey_user_input
from . import survey_survey
