"""Deterministic CRM data generator for Odoo 19 (see tools/generate_data.py).

``generate(env, ...)`` fills the database behind ``env`` with companies, partners
(with recorded near-duplicates), leads, sale orders over several years, helpdesk
tickets and mass-mailing traces. Setup records go through the ORM; the volume goes
through ``COPY FROM STDIN``.
"""

from .generator import DataGenError, generate
from .progress import Progress
