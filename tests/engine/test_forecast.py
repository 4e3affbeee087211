"""Tests for crm_engine.forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_engine.forecast import backtest, forecast_sales, last_complete_month, monthly_sales


def _seasonal(n_months=60, seed=0, noise=0.05):
    rng = np.random.default_rng(seed)
    rows = []
    for team, (base, slope) in {"A": (1000, 10), "B": (500, -3), "C": (200, 4)}.items():
        for i in range(n_months):
            month = pd.Timestamp("2020-01-01") + pd.DateOffset(months=i)
            value = base + slope * i + 0.3 * base * np.sin(2 * np.pi * i / 12)
            value += rng.normal(0, noise * base)
            # two transactions per month and team, in two categories
            rows.append((team, "x", month + pd.Timedelta(days=3), value * 0.6))
            rows.append((team, "y", month + pd.Timedelta(days=20), value * 0.4))
    return pd.DataFrame(rows, columns=["team", "category", "date", "amount"])


def test_monthly_sales_fills_gaps():
    tx = pd.DataFrame(
        {
            "team": ["a", "a", "b"],
            "date": ["2024-01-05", "2024-03-07", "2024-02-01"],
            "amount": [10.0, 5.0, 7.0],
        }
    )
    m = monthly_sales(tx, group_cols="team")
    assert m["team"].tolist() == ["a", "a", "a", "b", "b"]
    assert m["amount"].tolist() == [10.0, 0.0, 5.0, 7.0, 0.0]
    assert m["month"].iloc[0] == pd.Timestamp("2024-01-01")


def test_perfect_seasonal_series_is_forecast_exactly():
    tx = pd.DataFrame(
        {
            "date": pd.date_range("2022-01-01", periods=36, freq="MS"),
            "amount": [100.0 + 10 * (i % 12) for i in range(36)],
        }
    )
    fc = forecast_sales(tx, horizon_months=14)
    expected = [100.0 + 10 * (i % 12) for i in range(14)]
    np.testing.assert_allclose(fc["forecast"], expected, atol=1e-6)
    assert fc["method"].unique().tolist() == ["holt_winters"]
    assert fc["month"].iloc[0] == pd.Timestamp("2025-01-01")
    assert fc["step"].tolist() == list(range(1, 15))


def test_forecast_groups_intervals_and_methods():
    tx = _seasonal()
    fc = forecast_sales(tx, group_cols=["team", "category"], horizon_months=6, level=0.9)
    assert len(fc) == 6 * 6
    assert list(fc.columns[:2]) == ["team", "category"]
    assert (fc["lower"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["upper"]).all()
    width = (fc["upper"] - fc["lower"]).to_numpy().reshape(6, 6)
    assert (np.diff(width, axis=1) >= -1e-9).all()  # intervals widen with the horizon
    wider = forecast_sales(tx, group_cols=["team", "category"], horizon_months=6, level=0.99)
    assert ((wider["upper"] - wider["lower"]) > (fc["upper"] - fc["lower"])).all()
    short = forecast_sales(tx[tx["date"] >= "2023-06-01"], group_cols="team", horizon_months=3)
    assert set(short["method"]) == {"seasonal_naive"}
    tiny = forecast_sales(tx[tx["date"] >= "2024-09-01"], group_cols="team", horizon_months=3)
    assert set(tiny["method"]) == {"mean"}


def test_beats_seasonal_naive_on_trending_seasonal_series():
    res = backtest(_seasonal(), group_cols="team", holdout_months=12)
    overall = res.loc["overall"]
    assert overall["mae"] < overall["naive_mae"]
    assert overall["smape"] <= overall["naive_smape"]
    assert overall["n_months"] == 3 * 48
    assert (res.loc[["A", "B", "C"], "method"] == "holt_winters").all()


def test_interval_coverage_on_noisy_series():
    # 90% intervals should cover roughly 90% of held-out months.
    covered, total = 0, 0
    for seed in range(8):
        tx = _seasonal(n_months=48, seed=seed, noise=0.08)
        train = tx[tx["date"] < "2023-10-01"]
        fc = forecast_sales(train, group_cols="team", horizon_months=3, level=0.9)
        actual = monthly_sales(tx, group_cols="team")
        merged = fc.merge(actual, on=["team", "month"])
        covered += int(
            ((merged["amount"] >= merged["lower"]) & (merged["amount"] <= merged["upper"])).sum()
        )
        total += len(merged)
    assert 0.75 <= covered / total <= 1.0


def test_nonnegative_clipping_and_refunds():
    tx = pd.DataFrame(
        {
            "date": pd.date_range("2024-01-01", periods=5, freq="MS"),
            "amount": [10.0, 0.0, 0.0, 0.0, 0.0],
        }
    )
    fc = forecast_sales(tx, horizon_months=2)
    assert (fc["lower"] >= 0).all()
    refunds = tx.assign(amount=[10.0, -5.0, 0.0, 0.0, 0.0])
    assert (forecast_sales(refunds, horizon_months=2)["lower"] < 0).any()


def test_errors():
    tx = _seasonal(n_months=6)
    with pytest.raises(ValueError, match="horizon_months"):
        forecast_sales(tx, group_cols="team", horizon_months=0)
    with pytest.raises(ValueError, match="level"):
        forecast_sales(tx, group_cols="team", level=1.5)
    with pytest.raises(ValueError, match="missing column 'region'"):
        forecast_sales(tx, group_cols="region")
    with pytest.raises(ValueError, match="leaves no history"):
        backtest(tx, group_cols="team", holdout_months=6)
    with pytest.raises(ValueError, match="no transactions"):
        forecast_sales(tx.iloc[:0], group_cols="team")


@pytest.mark.parametrize(
    ("day", "month"),
    [
        ("2026-03-01", "2026-02-01"),
        ("2026-03-15", "2026-02-01"),
        ("2026-03-31", "2026-03-01"),
        ("2024-02-29", "2024-02-01"),
        ("2026-01-01 23:59", "2025-12-01"),
    ],
)
def test_last_complete_month(day, month):
    assert last_complete_month(day) == pd.Timestamp(month)


def test_monthly_sales_observation_end_cuts_and_fills():
    tx = pd.DataFrame(
        {"date": ["2024-01-05", "2024-02-07", "2024-04-01"], "amount": [10.0, 5.0, 7.0]}
    )
    m = monthly_sales(tx, observation_end="2024-03-01")
    assert m["month"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert m["amount"].tolist() == [10.0, 5.0, 0.0]
