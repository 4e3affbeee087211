from . import crm_collab_feedback_rule
from . import crm_collab_timeline
from . import survey_user_input
from . import survey_survey
