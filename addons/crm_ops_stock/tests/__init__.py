from . import test_followup_delivery
