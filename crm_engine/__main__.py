"""``python -m crm_engine``: see :mod:`crm_engine.cli`."""

import sys

from .cli import main

sys.exit(main())
