"""Shared helpers for transaction frames.

Every analytics module of :mod:`crm_engine` starts from a *transactions*
frame: one row per order line or order, with at least a customer identifier,
a date and an amount. This module validates such a frame and turns it into
the per-customer summary used by the BG/NBD and Gamma-Gamma models.

Conventions
-----------
* Rows whose customer, date or amount is missing (NaN/NaT/None) are dropped.
  The number of dropped rows is stored in ``result.attrs["n_dropped"]``; pass
  ``dropna=False`` to get a ``ValueError`` instead.
* Negative amounts are refunds. Amounts are netted per customer and per
  calendar day; a day with a net amount >= 0 and at least one row with a
  non-negative amount is a *purchase occasion* (so free orders count, as in
  the CDNOW data). Days with a negative net amount (refunds exceeding that
  day's purchases, or refund-only days) are not purchase occasions, but they
  still count in ``n_orders`` and ``total_amount``.
* Transactions after ``observation_end`` are ignored (they are "the future"
  from the point of view of the observation window).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "FREQ_DAYS",
    "daily_purchases",
    "summary_from_transactions",
    "validate_transactions",
]

#: Length of one time unit in days, for the ``freq`` argument.
FREQ_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12.0}


def _check_frame(df: object, name: str = "transactions") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    return df


def _check_freq(freq: str) -> float:
    if freq not in FREQ_DAYS:
        raise ValueError(f"freq must be one of {sorted(FREQ_DAYS)}, got {freq!r}")
    return FREQ_DAYS[freq]


def _to_datetime(values: pd.Series, column: str) -> pd.Series:
    """Parse ``values`` as naive datetimes, raising a ValueError naming ``column``."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.astype("datetime64[ns]")
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        if values.notna().any():
            raise ValueError(
                f"column {column!r} must contain dates, got numeric dtype {values.dtype}"
            )
    try:
        # Fast path: one inferred format; retry the leftovers element-wise.
        parsed = pd.to_datetime(values, errors="coerce", utc=True)
        retry = parsed.isna() & values.notna()
        if retry.any():
            parsed = parsed.copy()
            parsed[retry] = pd.to_datetime(
                values[retry].astype(str), errors="coerce", format="mixed", utc=True
            )
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"column {column!r} contains unparseable dates: {exc}") from exc
    bad = parsed.isna() & values.notna()
    if bad.any():
        example = values[bad].iloc[0]
        raise ValueError(
            f"column {column!r} contains {int(bad.sum())} unparseable date(s), e.g. {example!r}"
        )
    return parsed.dt.tz_localize(None).astype("datetime64[ns]")


def _to_numeric(values: pd.Series, column: str) -> pd.Series:
    """Parse ``values`` as float64, raising a ValueError naming ``column``."""
    if pd.api.types.is_bool_dtype(values.dtype):
        raise ValueError(f"column {column!r} must be numeric, got booleans")
    if pd.api.types.is_numeric_dtype(values.dtype):
        out = values.astype("float64")
    else:
        out = pd.to_numeric(values, errors="coerce").astype("float64")
        bad = out.isna() & values.notna()
        if bad.any():
            example = values[bad].iloc[0]
            raise ValueError(
                f"column {column!r} contains {int(bad.sum())} non-numeric value(s), "
                f"e.g. {example!r}"
            )
    if np.isinf(out.to_numpy()).any():
        raise ValueError(f"column {column!r} contains infinite values")
    return out


def validate_transactions(
    transactions: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str | None = "amount",
    extra_cols: Sequence[str] = (),
    dropna: bool = True,
) -> pd.DataFrame:
    """Check and normalise a transactions frame.

    Parameters
    ----------
    transactions : pandas.DataFrame, shape (n_rows, >=3)
        One row per order (line).
    customer_id_col, datetime_col, monetary_value_col : str
        Column names. ``monetary_value_col=None`` means the frame has no amount
        (every row then gets amount 1.0).
    extra_cols : sequence of str, default ()
        Further columns that must exist (e.g. group columns); they are kept.
    dropna : bool, default True
        Drop rows with a missing customer, date or amount (their number is
        stored in ``attrs["n_dropped"]``). If False, raise a ``ValueError``.

    Returns
    -------
    pandas.DataFrame
        A new frame with columns ``customer_id`` (original dtype), ``date``
        (``datetime64[ns]``, naive; tz-aware input is converted to UTC),
        ``amount`` (float64) and the ``extra_cols``, sorted by customer and
        date (stable), with a fresh ``RangeIndex``.

    Raises
    ------
    ValueError
        If a column is missing, an amount is not numeric, a date cannot be
        parsed, or customer ids of mixed, unorderable types are given.

    Examples
    --------
    >>> df = pd.DataFrame({"customer_id": [1, 1], "date": ["2024-01-02", "2024-01-01"],
    ...                    "amount": ["10", 5]})
    >>> validate_transactions(df)["amount"].tolist()
    [5.0, 10.0]
    """
    df = _check_frame(transactions)
    wanted = [customer_id_col, datetime_col]
    if monetary_value_col is not None:
        wanted.append(monetary_value_col)
    wanted.extend(c for c in extra_cols if c not in wanted)
    for column in wanted:
        if column not in df.columns:
            raise ValueError(
                f"missing column {column!r} in transactions (columns: {list(df.columns)})"
            )
    out = pd.DataFrame(
        {
            "customer_id": df[customer_id_col].to_numpy(),
            "date": _to_datetime(df[datetime_col], datetime_col).to_numpy(),
            "amount": (
                _to_numeric(df[monetary_value_col], monetary_value_col).to_numpy()
                if monetary_value_col is not None
                else np.ones(len(df))
            ),
        }
    )
    for column in extra_cols:
        if column not in ("customer_id", "date", "amount"):
            out[column] = df[column].to_numpy()
    missing = out["customer_id"].isna() | out["date"].isna() | out["amount"].isna()
    n_dropped = int(missing.sum())
    if n_dropped:
        if not dropna:
            raise ValueError(
                f"{n_dropped} transaction row(s) have a missing customer, date or amount"
            )
        out = out.loc[~missing]
    if out["customer_id"].dtype == object and len(out):
        kinds = {type(v) for v in out["customer_id"].unique()[:100_000]}
        if len(kinds) > 1:
            raise ValueError(
                f"column {customer_id_col!r} mixes types {sorted(k.__name__ for k in kinds)}; "
                "cast it to one type (e.g. str) first"
            )
    out = out.sort_values(["customer_id", "date"], kind="stable").reset_index(drop=True)
    out.attrs["n_dropped"] = n_dropped
    return out


def _resolve_end(dates: pd.Series, observation_end: object) -> pd.Timestamp:
    if observation_end is None:
        if dates.empty:
            raise ValueError("no transactions: cannot infer observation_end")
        return pd.Timestamp(dates.max()).normalize()
    try:
        end = pd.Timestamp(observation_end)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"observation_end is not a date: {observation_end!r}") from exc
    if end is pd.NaT or pd.isna(end):
        raise ValueError("observation_end must not be NaT")
    if end.tzinfo is not None:
        end = end.tz_convert("UTC").tz_localize(None)
    return end.normalize()


def daily_purchases(tx: pd.DataFrame, observation_end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Net a *validated* transactions frame per customer and day.

    Parameters
    ----------
    tx : pandas.DataFrame
        Output of :func:`validate_transactions`.
    observation_end : Timestamp, optional
        Ignore days after this one.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``day`` (normalised date), ``amount`` (net),
        ``n_orders`` (rows that day) and ``purchase`` (bool: net amount >= 0
        and at least one row with amount >= 0),
        sorted by customer and day.
    """
    day = tx["date"].dt.normalize()
    keep = np.ones(len(tx), dtype=bool) if observation_end is None else (day <= observation_end)
    frame = pd.DataFrame(
        {
            "customer_id": tx["customer_id"].to_numpy()[keep],
            "day": day[keep].to_numpy(),
            "amount": tx["amount"].to_numpy()[keep],
        }
    )
    daily = (
        frame.groupby(["customer_id", "day"], sort=True, observed=True)["amount"]
        .agg(["sum", "size", "max"])
        .rename(columns={"sum": "amount", "size": "n_orders", "max": "max_amount"})
        .reset_index()
    )
    daily["purchase"] = (daily["amount"] >= 0) & (daily.pop("max_amount") >= 0)
    return daily


def summary_from_transactions(
    transactions: pd.DataFrame,
    *,
    observation_end: object = None,
    freq: str = "D",
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
) -> pd.DataFrame:
    """Per-customer frequency/recency/T/monetary summary (BG/NBD input).

    Follows the convention of Fader, Hardie & Lee (2005) and of lifetimes'
    ``summary_data_from_transaction_data``: purchases are netted per calendar
    day; ``frequency`` counts *repeat* purchase days (all purchase days but the
    first); ``recency`` is the time between the first and the last purchase
    day; ``T`` is the time between the first purchase day and
    ``observation_end``; ``monetary_value`` is the mean net amount of the
    *repeat* purchase days (0 when there is no repeat purchase).

    Parameters
    ----------
    transactions : pandas.DataFrame
        See :func:`validate_transactions`.
    observation_end : date-like, optional
        End of the observation window (inclusive, day resolution). Later
        transactions are ignored. ``None`` (default) means the last
        transaction date, computed at call time.
    freq : {"D", "W", "M"}, default "D"
        Time unit of ``recency`` and ``T``: days, weeks (7 days) or months
        (365.25/12 days). Purchase occasions are always calendar days.
    customer_id_col, datetime_col, monetary_value_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame, shape (n_customers, 8)
        Indexed by ``customer_id`` with columns ``frequency`` (int),
        ``recency``, ``T``, ``monetary_value`` (float), ``first_purchase``,
        ``last_purchase`` (Timestamp), ``n_orders`` (rows in the window, int)
        and ``total_amount`` (net sum in the window, refunds included).
        Customers without any purchase occasion in the window are
        left out. Empty input gives an empty frame with these columns.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"],
    ...                    "date": ["2024-01-01", "2024-01-03", "2024-01-05"],
    ...                    "amount": [10.0, 20.0, 40.0]})
    >>> s = summary_from_transactions(tx, observation_end="2024-01-11")
    >>> s.loc["a", ["frequency", "recency", "T", "monetary_value"]].tolist()
    [2.0, 4.0, 10.0, 30.0]
    """
    unit = _check_freq(freq)
    tx = validate_transactions(
        transactions,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
    )
    columns = [
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "first_purchase",
        "last_purchase",
        "n_orders",
        "total_amount",
    ]
    if tx.empty and observation_end is None:
        out = pd.DataFrame(columns=columns)
        out.index.name = "customer_id"
        return out
    end = _resolve_end(tx["date"], observation_end)
    daily = daily_purchases(tx, end)
    totals = daily.groupby("customer_id", sort=True)[["amount", "n_orders"]].sum()
    pos = daily.loc[daily["purchase"]]
    g = pos.groupby("customer_id", sort=True)
    first = g["day"].min()
    last = g["day"].max()
    n_days = g.size()
    first_amount = g["amount"].first()  # sorted by day within customer
    total_pos = g["amount"].sum()
    frequency = (n_days - 1).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (total_pos - first_amount) / frequency, 0.0)
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first).dt.days.astype("float64") / unit,
            "T": (end - first).dt.days.astype("float64") / unit,
            "monetary_value": monetary,
            "first_purchase": first,
            "last_purchase": last,
            "n_orders": totals["n_orders"].reindex(first.index).astype("int64"),
            "total_amount": totals["amount"].reindex(first.index).astype("float64"),
        }
    )
    out.index.name = "customer_id"
    out.attrs["observation_end"] = end
    out.attrs["freq"] = freq
    out.attrs["n_dropped"] = tx.attrs.get("n_dropped", 0)
    return out
