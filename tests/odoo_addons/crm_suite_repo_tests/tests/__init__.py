# common first: it puts the repository's tools/ on sys.path, for the datagen package
from . import common
from . import test_data_generator
from . import test_example_lead_client
from . import test_example_metrics_client
