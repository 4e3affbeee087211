"""Shared by the generator's modules: its tables and model constants, its error, small helpers."""

import unicodedata

import numpy as np

# monthly weight of the order intensity, January..December (December peak, summer dip)
SEASON = np.array([0.80, 0.85, 1.00, 1.00, 1.00, 0.90, 0.70, 0.65, 1.05, 1.10, 1.30, 1.60])
# weekday weight, Monday..Sunday
WEEKDAY = np.array([1.10, 1.10, 1.10, 1.05, 1.00, 0.55, 0.35])
GROWTH = 0.10  # yearly growth of the order intensity
PRICE_INFLATION = 0.03  # yearly list-price increase
# above this many rows in one table, its secondary indexes are dropped during the load
DROP_INDEX_ROWS = 200_000
BULK_TABLES = (
    "res_partner",
    "crm_lead",
    "sale_order",
    "sale_order_line",
    "helpdesk_ticket",
    "mailing_trace",
    "link_tracker_click",
    "helpdesk_ticket_sale_order_rel",
)
DUP_TABLE = "datagen_partner_duplicate"
RUN_TABLE = "datagen_run"
STREETS = [
    "Main Street",
    "Station Road",
    "Market Square",
    "Park Avenue",
    "Church Street",
    "Mill Lane",
    "Harbour Road",
    "King Street",
    "Oak Avenue",
    "Bridge Road",
]


class DataGenError(ValueError):
    """Bad input to the generator (the command line prints it and exits with 2)."""


def _fold(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _count(name, value, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise DataGenError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise DataGenError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def round2(values):
    """Round half away from zero to cents like odoo.tools.float_round (not banker's)."""
    v = np.asarray(values, dtype=float) / 0.01
    mag = np.abs(v)
    eps = np.where(mag > 0, 2.0 ** (np.log2(np.where(mag > 0, mag, 1.0)) - 52), 0.0)
    return np.sign(v) * np.floor(mag + eps + 0.5) * 0.01


def _typo(rng_u, text):
    """Deterministic small typo: swap, drop or double one inner letter."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text + "e"
    pos = letters[1 + int(rng_u[0] * (len(letters) - 2))]
    kind = int(rng_u[1] * 3)
    if kind == 0 and pos + 1 < len(text):
        return text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
    if kind == 1:
        return text[:pos] + text[pos + 1 :]
    return text[:pos] + text[pos] + text[pos:]
