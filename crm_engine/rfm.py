"""RFM (recency, frequency, monetary) scores and named segments.

Per customer, over the transactions up to ``observation_end``:

* ``recency`` -- days since the last purchase day;
* ``frequency`` -- number of purchase days (refunds netted per day, see
  :mod:`crm_engine.transactions`);
* ``monetary`` -- total net amount (refunds included).

Scores 1-5 are rank-based quintiles: with ``rank`` the average rank (ties
share it) among ``n`` customers, ``score = floor(5 * (rank - 0.5) / n) + 1``.
Ties therefore always get the same score, a single customer (or a column of
ties) gets the middle score 3, and the scores never depend on the order of
the rows. A low recency is good, so the recency score uses the reverse order
(5 = most recent). ``fm_score = ceil((f_score + m_score) / 2)`` merges
frequency and monetary value.

Segments partition the 5 x 5 grid of ``r_score`` x ``fm_score``; every
customer gets exactly one segment:

=====================  ==========  ===========
segment                r_score     fm_score
=====================  ==========  ===========
champions              5           4-5
loyal                  3-4         4-5
potential_loyalists    4-5         2-3
new_customers          5           1
promising              4           1
need_attention         3           3
about_to_sleep         3           1-2
at_risk                1-2         3-4
cant_lose              1-2         5
hibernating            2           1-2
lost                   1           1-2
=====================  ==========  ===========

The same table is available as :data:`SEGMENTS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .transactions import _resolve_end, daily_purchases, validate_transactions

__all__ = [
    "SEGMENTS",
    "Segment",
    "assign_segments",
    "quintile_scores",
    "rfm_scores",
    "rfm_table",
]


@dataclass(frozen=True)
class Segment:
    """One RFM segment: a rectangle of the ``r_score`` x ``fm_score`` grid."""

    key: str
    label: str
    rule: str
    r_scores: tuple[int, int]
    fm_scores: tuple[int, int]

    def matches(self, r_score: int, fm_score: int) -> bool:
        """Whether a customer with these scores belongs to the segment."""
        return (
            self.r_scores[0] <= r_score <= self.r_scores[1]
            and self.fm_scores[0] <= fm_score <= self.fm_scores[1]
        )


def _segment(key: str, label: str, r: tuple[int, int], fm: tuple[int, int]) -> Segment:
    def span(lo_hi: tuple[int, int]) -> str:
        return str(lo_hi[0]) if lo_hi[0] == lo_hi[1] else f"{lo_hi[0]}-{lo_hi[1]}"

    return Segment(key, label, f"r_score {span(r)} and fm_score {span(fm)}", r, fm)


#: The segment rule table (see the module docstring); a partition of the grid.
SEGMENTS: tuple[Segment, ...] = (
    _segment("champions", "Champions", (5, 5), (4, 5)),
    _segment("loyal", "Loyal customers", (3, 4), (4, 5)),
    _segment("potential_loyalists", "Potential loyalists", (4, 5), (2, 3)),
    _segment("new_customers", "New customers", (5, 5), (1, 1)),
    _segment("promising", "Promising", (4, 4), (1, 1)),
    _segment("need_attention", "Need attention", (3, 3), (3, 3)),
    _segment("about_to_sleep", "About to sleep", (3, 3), (1, 2)),
    _segment("at_risk", "At risk", (1, 2), (3, 4)),
    _segment("cant_lose", "Can't lose them", (1, 2), (5, 5)),
    _segment("hibernating", "Hibernating", (2, 2), (1, 2)),
    _segment("lost", "Lost", (1, 1), (1, 2)),
)


def _grid() -> np.ndarray:
    grid = np.full((5, 5), -1, dtype=np.int64)
    for i, seg in enumerate(SEGMENTS):
        grid[seg.r_scores[0] - 1 : seg.r_scores[1], seg.fm_scores[0] - 1 : seg.fm_scores[1]] = i
    if (grid < 0).any():  # pragma: no cover - guarded by tests
        raise RuntimeError("SEGMENTS do not cover the whole score grid")
    return grid


_GRID = _grid()


def quintile_scores(values: pd.Series, *, ascending: bool = True) -> pd.Series:
    """Rank-based quintile scores 1-5.

    Parameters
    ----------
    values : pandas.Series
        Numeric values, no NaN.
    ascending : bool, default True
        If True, larger values get larger scores.

    Returns
    -------
    pandas.Series of int64
        Same index as ``values``.

    Examples
    --------
    >>> quintile_scores(pd.Series([10, 20, 30, 40, 50])).tolist()
    [1, 2, 3, 4, 5]
    >>> quintile_scores(pd.Series([7, 7, 7])).tolist()
    [3, 3, 3]
    """
    n = len(values)
    if n == 0:
        return pd.Series([], index=values.index, dtype="int64")
    if values.isna().any():
        raise ValueError("cannot score NaN values")
    ranks = values.rank(method="average", ascending=ascending).to_numpy()
    scores = np.floor(5.0 * (ranks - 0.5) / n).astype("int64") + 1
    return pd.Series(np.clip(scores, 1, 5), index=values.index, dtype="int64")


def assign_segments(r_score: pd.Series, fm_score: pd.Series) -> pd.Series:
    """Segment key for each (r_score, fm_score) pair (both 1-5)."""
    r = r_score.to_numpy("int64")
    fm = fm_score.to_numpy("int64")
    if len(r) and (r.min() < 1 or r.max() > 5 or fm.min() < 1 or fm.max() > 5):
        raise ValueError("scores must lie between 1 and 5")
    keys = np.array([s.key for s in SEGMENTS], dtype=object)
    return pd.Series(keys[_GRID[r - 1, fm - 1]], index=r_score.index, dtype=object)


def rfm_scores(values: pd.DataFrame) -> pd.DataFrame:
    """Scores and segments for customers whose RFM values are already known.

    The scoring half of :func:`rfm_table`, for callers that aggregate the
    values themselves (e.g. with SQL in a database).

    Parameters
    ----------
    values : pandas.DataFrame
        One row per customer with columns ``recency`` (days since the last
        purchase day), ``frequency`` (purchase days) and ``monetary`` (net
        total); the index is kept.

    Returns
    -------
    pandas.DataFrame
        ``values`` with ``r_score``, ``f_score``, ``m_score``, ``fm_score``,
        ``rfm_score``, ``segment`` and ``segment_label`` added (a copy).

    Examples
    --------
    >>> vals = pd.DataFrame({"recency": [3, 300], "frequency": [9, 1], "monetary": [900, 20]})
    >>> rfm_scores(vals)[["rfm_score", "segment"]].values.tolist()
    [['444', 'loyal'], ['222', 'hibernating']]
    """
    missing = {"recency", "frequency", "monetary"} - set(values.columns)
    if missing:
        raise ValueError(f"missing RFM columns: {', '.join(sorted(missing))}")
    out = values.copy()
    out["r_score"] = quintile_scores(out["recency"], ascending=False)
    out["f_score"] = quintile_scores(out["frequency"])
    out["m_score"] = quintile_scores(out["monetary"])
    out["fm_score"] = (out["f_score"] + out["m_score"] + 1) // 2
    scores = out[["r_score", "f_score", "m_score"]].to_numpy("int64")
    out["rfm_score"] = pd.Series(
        (scores[:, 0] * 100 + scores[:, 1] * 10 + scores[:, 2]).astype(str), index=out.index
    )
    out["segment"] = assign_segments(out["r_score"], out["fm_score"])
    labels = {s.key: s.label for s in SEGMENTS}
    out["segment_label"] = out["segment"].map(labels)
    return out


def rfm_table(
    transactions: pd.DataFrame,
    *,
    observation_end: object = None,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
) -> pd.DataFrame:
    """RFM values, scores and segments per customer.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Customer, date, amount (see
        :func:`~crm_engine.transactions.validate_transactions`).
    observation_end : date-like, optional
        Reference date for recency; later transactions are ignored. ``None``
        (default) = the last transaction date, computed at call time.
    customer_id_col, datetime_col, monetary_value_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame, shape (n_customers, 10)
        Indexed by ``customer_id``: ``recency`` (days, int), ``frequency``
        (purchase days, int), ``monetary`` (net total, float), ``r_score``,
        ``f_score``, ``m_score``, ``fm_score`` (int 1-5), ``rfm_score``
        (str, e.g. ``"545"``), ``segment`` (key of :data:`SEGMENTS`) and
        ``segment_label``. Customers without a purchase occasion in the
        window (refunds only) are left out.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10, 20, 5],
    ...                    "date": ["2024-01-01", "2024-03-01", "2024-01-15"]})
    >>> rfm_table(tx)[["recency", "frequency", "monetary"]].to_dict("index")[1]
    {'recency': 0, 'frequency': 2, 'monetary': 30.0}
    """
    tx = validate_transactions(
        transactions,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
    )
    columns = [
        "recency",
        "frequency",
        "monetary",
        "r_score",
        "f_score",
        "m_score",
        "fm_score",
        "rfm_score",
        "segment",
        "segment_label",
    ]
    if tx.empty:
        out = pd.DataFrame(columns=columns)
        out.index.name = "customer_id"
        return out
    end = _resolve_end(tx["date"], observation_end)
    daily = daily_purchases(tx, end)
    monetary = daily.groupby("customer_id", sort=True)["amount"].sum()
    pos = daily.loc[daily["purchase"]].groupby("customer_id", sort=True)["day"]
    last = pos.max()
    out = pd.DataFrame(
        {
            "recency": (end - last).dt.days.astype("int64"),
            "frequency": pos.size().astype("int64"),
            "monetary": monetary.reindex(last.index).astype("float64"),
        }
    )
    out = rfm_scores(out)
    out.index.name = "customer_id"
    out.attrs["observation_end"] = end
    return out
