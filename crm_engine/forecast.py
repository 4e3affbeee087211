"""Monthly sales forecasts per group with prediction intervals.

Sales are summed per month and per group (any group columns: company, team,
product category...). Each group's series runs from its first month with a
transaction to the last month of the data (missing months are 0).

Method, per group, chosen by the length ``n`` of its history and the season
length ``m`` (12):

* ``n >= 2m`` -- **additive Holt-Winters** (level, trend, seasonality),
  initialised from the first two seasons; the smoothing parameters
  ``alpha, beta, gamma`` are picked from a grid by the smallest in-sample
  one-step-ahead squared error (after the first season). The recursions run
  once over time, vectorised over all groups of the same length and all grid
  points, so thousands of groups cost little. Prediction variance (Hyndman et
  al., *Forecasting with Exponential Smoothing*, 2008, class 1):
  ``sigma^2 * (1 + sum_{j<h} (alpha * (1 + j * beta) + gamma * [j % m == 0])^2)``.
* ``m <= n < 2m`` -- **seasonal naive**: the value of the same month one
  season earlier; variance ``sigma^2 * ceil(h / m)`` with ``sigma`` from the
  seasonal differences (first differences if there are none).
* ``n < m`` -- **mean** of the last (up to 3) months, variance from the
  month-to-month differences, growing with ``h``.

Intervals are Gaussian at the requested ``level``. If a group never had a
negative month, its forecast and bounds are clipped at 0.

:func:`backtest` holds out the last months, forecasts them and reports MAE,
MAPE and sMAPE next to the seasonal-naive benchmark.

A month still under way is not a month of sales: forecast from, and backtest
up to, the same :func:`last_complete_month`, so that the error measured by the
backtest describes the forecast published.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .transactions import validate_transactions

__all__ = ["backtest", "forecast_sales", "last_complete_month", "monthly_sales"]

_ALPHAS = (0.05, 0.2, 0.4, 0.6, 0.8)
_BETAS = (0.0, 0.05, 0.15)
_GAMMAS = (0.05, 0.2, 0.4)
_GRID = np.array(list(itertools.product(_ALPHAS, _BETAS, _GAMMAS)))  # (P, 3)


def _group_list(group_cols: Sequence[str] | str | None) -> list[str]:
    if group_cols is None:
        return []
    if isinstance(group_cols, str):
        return [group_cols]
    cols = list(group_cols)
    if len(set(cols)) != len(cols):
        raise ValueError(f"group_cols has duplicates: {cols}")
    return cols


def last_complete_month(day: object) -> pd.Timestamp:
    """First day of the last calendar month complete on ``day`` (inclusive):
    ``day``'s own month when ``day`` is its last day, else the month before.

    >>> [str(last_complete_month(d).date()) for d in ("2026-03-01", "2026-03-15", "2026-03-31")]
    ['2026-02-01', '2026-02-01', '2026-03-01']
    """
    day = pd.Timestamp(day).normalize()
    month = day.to_period("M")
    if day != month.end_time.normalize():
        month -= 1
    return month.to_timestamp()


def _wide(
    transactions: pd.DataFrame,
    group_cols: list[str],
    datetime_col: str,
    monetary_value_col: str,
    observation_end: object,
) -> tuple[pd.DataFrame, np.ndarray, pd.PeriodIndex]:
    """Monthly sums as a (groups x months) frame and each group's first month index."""
    reserved = {"customer_id", "date", "amount", "month"}
    clash = [c for c in group_cols if c in reserved]
    if clash:
        raise ValueError(f"group column(s) {clash} clash with reserved names; rename them")
    frame = transactions.copy()
    if "customer_id" not in frame.columns:
        frame["customer_id"] = 0
    tx = validate_transactions(
        frame,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        extra_cols=group_cols,
    )
    if tx.empty:
        raise ValueError("no transactions to forecast")
    month = tx["date"].dt.to_period("M")
    end = month.max() if observation_end is None else pd.Period(pd.Timestamp(observation_end), "M")
    keep = month <= end
    tx, month = tx.loc[keep], month[keep]
    if tx.empty:
        raise ValueError("no transactions in or before the month of observation_end")
    start = month.min()
    months = pd.period_range(start, end, freq="M")
    pos = ((month.dt.year - start.year) * 12 + (month.dt.month - start.month)).to_numpy()
    if group_cols:
        codes_frame = tx[group_cols].reset_index(drop=True)
        grouped = codes_frame.groupby(group_cols, dropna=False, sort=True).ngroup().to_numpy()
        index = (
            codes_frame.assign(_g=grouped)
            .drop_duplicates("_g")
            .sort_values("_g")
            .set_index("_g")[group_cols]
        )
        index = (
            pd.MultiIndex.from_frame(index)
            if len(group_cols) > 1
            else pd.Index(index[group_cols[0]], name=group_cols[0])
        )
    else:
        grouped = np.zeros(len(tx), dtype=np.int64)
        index = pd.Index(["all"], name="group")
    n_groups = int(grouped.max()) + 1
    values = np.zeros((n_groups, len(months)))
    np.add.at(values, (grouped, pos), tx["amount"].to_numpy())
    first = np.full(n_groups, len(months), dtype=np.int64)
    np.minimum.at(first, grouped, pos)
    wide = pd.DataFrame(values, index=index, columns=months)
    return wide, first, months


def monthly_sales(
    transactions: pd.DataFrame,
    *,
    group_cols: Sequence[str] | str | None = None,
    observation_end: object = None,
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
) -> pd.DataFrame:
    """Monthly sales per group in long format.

    ``observation_end`` (date-like, optional): its month is the last month kept
    (later transactions are ignored; the months up to it are filled with 0);
    ``None`` = the month of the last transaction.

    Returns
    -------
    pandas.DataFrame
        Columns: the group columns (or ``group`` = ``"all"``), ``month``
        (Timestamp, first day) and ``amount``; every month from the group's
        first transaction to the last month of the data (0 when no sale).
    """
    groups = _group_list(group_cols)
    wide, first, months = _wide(
        transactions, groups, datetime_col, monetary_value_col, observation_end
    )
    mask = np.arange(len(months))[None, :] >= first[:, None]
    long = wide.stack(future_stack=True).rename("amount").reset_index()
    long = long.rename(columns={long.columns[len(wide.index.names)]: "month"})
    long = long.loc[mask.ravel()].reset_index(drop=True)
    long["month"] = long["month"].dt.to_timestamp()
    return long


def _holt_winters(y: np.ndarray, m: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Grid-searched additive Holt-Winters for a batch ``y`` of shape (G, n), n >= 2m."""
    n_groups, n = y.shape
    alpha = _GRID[:, 0][:, None]
    beta = _GRID[:, 1][:, None]
    gamma = _GRID[:, 2][:, None]
    n_par = len(_GRID)
    first, second = y[:, :m].mean(axis=1), y[:, m : 2 * m].mean(axis=1)
    level = np.broadcast_to(first, (n_par, n_groups)).copy()
    trend = np.broadcast_to((second - first) / m, (n_par, n_groups)).copy()
    season = np.broadcast_to(y[:, :m] - first[:, None], (n_par, n_groups, m)).copy()
    sse = np.zeros((n_par, n_groups))
    for t in range(n):
        s = season[:, :, t % m]
        obs = y[:, t][None, :]
        err = obs - (level + trend + s)
        if t >= m:
            sse += err**2
        new_level = alpha * (obs - s) + (1 - alpha) * (level + trend)
        trend = beta * (new_level - level) + (1 - beta) * trend
        season[:, :, t % m] = gamma * (obs - new_level) + (1 - gamma) * s
        level = new_level
    best = np.argmin(sse, axis=0)  # (G,)
    cols = np.arange(n_groups)
    lvl, trd, ssn = level[best, cols], trend[best, cols], season[best, cols]  # ssn (G, m)
    h = np.arange(1, horizon + 1)
    slots = (n + h - 1) % m
    mean = lvl[:, None] + h[None, :] * trd[:, None] + ssn[:, slots]
    sigma2 = sse[best, cols] / max(n - m - 3, 1)
    a, b, g = _GRID[best, 0][:, None], _GRID[best, 1][:, None], _GRID[best, 2][:, None]
    j = np.arange(1, horizon)[None, :]
    c = a * (1 + j * b) + g * (j % m == 0)
    cum = np.concatenate([np.zeros((n_groups, 1)), np.cumsum(c**2, axis=1)], axis=1)
    sd = np.sqrt(sigma2[:, None] * (1 + cum))
    return mean, sd


def _seasonal_naive(y: np.ndarray, m: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    n = y.shape[1]
    h = np.arange(1, horizon + 1)
    mean = y[:, n - m + (h - 1) % m]
    diffs = y[:, m:] - y[:, :-m] if n > m else np.diff(y, axis=1)
    sigma = np.sqrt(np.mean(diffs**2, axis=1)) if diffs.shape[1] else np.zeros(len(y))
    sd = sigma[:, None] * np.sqrt(np.ceil(h / m))[None, :]
    return mean, sd


def _mean_forecast(y: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    n = y.shape[1]
    mean = np.repeat(y[:, -min(n, 3) :].mean(axis=1)[:, None], horizon, axis=1)
    diffs = np.diff(y, axis=1)
    sigma = np.sqrt(np.mean(diffs**2, axis=1)) if diffs.shape[1] else np.zeros(len(y))
    sd = sigma[:, None] * np.sqrt(np.arange(1, horizon + 1))[None, :]
    return mean, sd


def _forecast_wide(
    values: np.ndarray, first: np.ndarray, horizon: int, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forecast every row of ``values`` (history starts at ``first``)."""
    n_groups, n_months = values.shape
    mean = np.zeros((n_groups, horizon))
    sd = np.zeros((n_groups, horizon))
    method = np.empty(n_groups, dtype=object)
    lengths = n_months - first
    for length in np.unique(lengths):  # batches of equal history length
        rows = np.flatnonzero(lengths == length)
        y = values[rows][:, n_months - length :]
        if length >= 2 * m:
            mean[rows], sd[rows] = _holt_winters(y, m, horizon)
            method[rows] = "holt_winters"
        elif length >= m:
            mean[rows], sd[rows] = _seasonal_naive(y, m, horizon)
            method[rows] = "seasonal_naive"
        else:
            mean[rows], sd[rows] = _mean_forecast(y, horizon)
            method[rows] = "mean"
    return mean, sd, method


def _check_common(horizon: int, level: float, season_length: int, name: str) -> None:
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {horizon!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    if (
        isinstance(season_length, bool)
        or not isinstance(season_length, (int, np.integer))
        or season_length < 2
    ):
        raise ValueError(f"season_length must be an integer >= 2, got {season_length!r}")


def forecast_sales(
    transactions: pd.DataFrame,
    *,
    group_cols: Sequence[str] | str | None = None,
    observation_end: object = None,
    horizon_months: int = 6,
    level: float = 0.9,
    season_length: int = 12,
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
) -> pd.DataFrame:
    """Forecast monthly sales per group for the next ``horizon_months`` months.

    Parameters
    ----------
    transactions : pandas.DataFrame
        A date, an amount and the group columns (a customer column is not needed).
    group_cols : str or list of str, optional
        Columns defining the series (none = one series for everything).
    observation_end : date-like, optional
        Read at month resolution: its month is the last month of history (later
        transactions are ignored); ``None`` = the month of the last transaction.
        A partial last month is used as if complete: pass
        :func:`last_complete_month` of the observation day.
    horizon_months : int, default 6
        Months to forecast after the last month of history.
    level : float, default 0.9
        Coverage of the prediction interval.
    season_length : int, default 12
    datetime_col, monetary_value_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame, shape (n_groups * horizon_months, n_group_cols + 6)
        Group columns (or ``group``), ``month`` (Timestamp, first day),
        ``step`` (1..horizon_months), ``forecast``, ``lower``, ``upper``, ``method``.

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.date_range("2022-01-01", periods=36, freq="MS"),
    ...                    "amount": [100.0 + 10 * (i % 12) for i in range(36)]})
    >>> fc = forecast_sales(tx, horizon_months=2)
    >>> fc["forecast"].round().tolist(), fc["method"].iloc[0]
    ([100.0, 110.0], 'holt_winters')
    """
    _check_common(horizon_months, level, season_length, "horizon_months")
    horizon = int(horizon_months)
    groups = _group_list(group_cols)
    wide, first, months = _wide(
        transactions, groups, datetime_col, monetary_value_col, observation_end
    )
    values = wide.to_numpy()
    mean, sd, method = _forecast_wide(values, first, horizon, season_length)
    z = stats.norm.ppf(0.5 + level / 2)
    lower, upper = mean - z * sd, mean + z * sd
    had_negative = (values < 0).any(axis=1)  # months before a group's start are 0
    clip = ~had_negative[:, None]
    mean = np.where(clip, np.maximum(mean, 0), mean)
    lower = np.where(clip, np.maximum(lower, 0), lower)
    upper = np.where(clip, np.maximum(upper, 0), upper)
    future = pd.period_range(months[-1] + 1, periods=horizon, freq="M").to_timestamp()
    n_groups = len(values)
    out = wide.index.to_frame(index=False).loc[np.repeat(np.arange(n_groups), horizon)]
    out = out.reset_index(drop=True)
    out["month"] = np.tile(future.to_numpy(), n_groups)
    out["step"] = np.tile(np.arange(1, horizon + 1), n_groups)
    out["forecast"] = mean.ravel()
    out["lower"] = lower.ravel()
    out["upper"] = upper.ravel()
    out["method"] = np.repeat(method, horizon)
    return out


def _errors(actual: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    err = np.abs(actual - pred)
    nonzero = actual != 0
    denom = np.abs(actual) + np.abs(pred)
    with np.errstate(invalid="ignore", divide="ignore"):
        smape = np.where(denom > 0, 2 * err / np.where(denom > 0, denom, 1), 0.0)
        mape = (
            float(np.mean(err[nonzero] / np.abs(actual[nonzero])) * 100)
            if nonzero.any()
            else float("nan")
        )
    return {
        "mae": float(np.mean(err)) if err.size else float("nan"),
        "mape": mape,
        "smape": float(np.mean(smape) * 100) if err.size else float("nan"),
    }


def backtest(
    transactions: pd.DataFrame,
    *,
    group_cols: Sequence[str] | str | None = None,
    observation_end: object = None,
    holdout_months: int = 12,
    season_length: int = 12,
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
) -> pd.DataFrame:
    """Hold out the last ``holdout_months`` months and compare forecasts with actuals.

    Parameters as in :func:`forecast_sales`. Each group's model is fitted on
    its history before the holdout period and forecasts the held-out months;
    the benchmark is the seasonal naive forecast (same month one season
    earlier; the last value if the history is shorter than a season).
    Groups without history before the holdout are skipped.

    Returns
    -------
    pandas.DataFrame
        One row per group plus a last row ``"overall"`` (errors pooled over
        all group-months): ``method``, ``n_months``, ``mae``, ``mape``,
        ``smape`` (percent; MAPE ignores months with zero actuals) and
        ``naive_mae``, ``naive_mape``, ``naive_smape``.
    """
    _check_common(holdout_months, 0.5, season_length, "holdout_months")
    holdout = int(holdout_months)
    groups = _group_list(group_cols)
    wide, first, months = _wide(
        transactions, groups, datetime_col, monetary_value_col, observation_end
    )
    values = wide.to_numpy()
    n_train = len(months) - holdout
    if n_train < 1:
        raise ValueError(
            f"holdout_months={holdout} leaves no history: the data span {len(months)} month(s)"
        )
    ok = first < n_train
    if not ok.any():
        raise ValueError("no group has history before the holdout period")
    train, test, first_ok = values[ok, :n_train], values[ok, n_train:], first[ok]
    mean, _, method = _forecast_wide(train, first_ok, holdout, season_length)
    lengths = n_train - first_ok
    h = np.arange(holdout)
    naive = np.empty_like(mean)
    for length in np.unique(lengths):
        rows = np.flatnonzero(lengths == length)
        if length >= season_length:
            naive[rows] = train[rows][:, n_train - season_length + h % season_length]
        else:
            naive[rows] = train[rows][:, -1:]
    rows_out = []
    for i in range(len(train)):  # per group summary rows (groups, not customers)
        rows_out.append(
            {
                "method": method[i],
                "n_months": int(lengths[i]),
                **_errors(test[i], mean[i]),
                **{f"naive_{k}": v for k, v in _errors(test[i], naive[i]).items()},
            }
        )
    pooled = {
        "method": "",
        "n_months": int(lengths.sum()),
        **_errors(test.ravel(), mean.ravel()),
        **{f"naive_{k}": v for k, v in _errors(test.ravel(), naive.ravel()).items()},
    }
    index = [*wide.index[ok], "overall"]
    return pd.DataFrame(
        [*rows_out, pooled], index=pd.Index(index, name="group", tupleize_cols=False)
    )
