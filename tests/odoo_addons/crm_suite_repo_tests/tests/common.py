# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the repository's folders are: this module lives in <repo>/tests/odoo_addons/."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
TOOLS = REPO / "tools"
EXAMPLES = REPO / "examples"
if not (TOOLS / "datagen").is_dir() or not EXAMPLES.is_dir():
    raise ImportError(f"tools/ and examples/ are not in {REPO}: run from a repository checkout")
# the data generator is the package tools/datagen (tools/generate_data.py imports it the same way)
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))
