"""Property-based tests: any input gives a correct result or a clear ValueError."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_engine.clusters import cluster_customers
from crm_engine.clv import clv_table
from crm_engine.forecast import forecast_sales
from crm_engine.propensity import train_churn_model
from crm_engine.rfm import SEGMENTS, rfm_table
from crm_engine.transactions import summary_from_transactions

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dates = st.one_of(
    st.dates(
        min_value=pd.Timestamp("2020-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()
    ).map(str),  # incl. future dates
    st.none(),
    st.sampled_from(["not a date", "", "2024-13-45"]),
)
amounts = st.one_of(
    st.floats(-1e6, 1e6), st.just(float("nan")), st.none(), st.sampled_from(["12.5", "x"])
)
customers = st.one_of(st.integers(0, 5), st.none())


@st.composite
def frames(draw, clean=False):
    n = draw(st.integers(0, 25))
    d = (
        st.dates(
            min_value=pd.Timestamp("2020-01-01").date(), max_value=pd.Timestamp("2026-12-31").date()
        ).map(str)
        if clean
        else dates
    )
    a = st.floats(-500, 1e4, allow_nan=False) if clean else amounts
    c = st.integers(0, 5) if clean else customers
    rows = draw(st.lists(st.tuples(c, d, a), min_size=n, max_size=n))
    df = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    if not clean and draw(st.booleans()):
        df = df.drop(columns=draw(st.sampled_from(list(df.columns))))
    return df


def _ok_or_value_error(fn, *args, **kwargs):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except ValueError as exc:
        assert str(exc)
        return None


@SETTINGS
@given(frames())
def test_summary_any_frame(df):
    out = _ok_or_value_error(summary_from_transactions, df)
    if out is not None and len(out):
        assert (out["frequency"] >= 0).all()
        assert (out["recency"] <= out["T"]).all() and (out["recency"] >= 0).all()
        assert (out["n_orders"] >= out["frequency"] + 1).all()


@SETTINGS
@given(frames(clean=True), st.sampled_from([None, "2023-06-30", "2019-01-01"]))
def test_summary_clean_frames(df, end):
    out = _ok_or_value_error(summary_from_transactions, df, observation_end=end, freq="W")
    if out is not None and len(out):
        assert out["T"].ge(0).all()
        assert np.isfinite(out["monetary_value"]).all()
        assert (out["last_purchase"] >= out["first_purchase"]).all()


@SETTINGS
@given(frames())
def test_rfm_any_frame(df):
    out = _ok_or_value_error(rfm_table, df)
    if out is not None and len(out):
        assert out["segment"].isin([s.key for s in SEGMENTS]).all()
        assert out[["r_score", "f_score", "m_score"]].isin(range(1, 6)).all().all()
        assert (out["recency"] >= 0).all()


@SETTINGS
@given(frames(clean=True))
def test_clv_clean_frames(df):
    res = _ok_or_value_error(clv_table, df, horizon_months=3, discount_rate=0.01, freq="D")
    out = None if res is None else res.table
    if out is not None:
        assert out["p_alive"].between(0, 1).all()
        assert np.isfinite(out["expected_purchases"]).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_clusters_any_frame(df):
    res = _ok_or_value_error(cluster_customers, df, k_range=(2, 3), random_state=0)
    if res is not None:
        assert len(res.labels) == res.descriptions["size"].sum()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames(clean=True), st.integers(1, 120))
def test_churn_clean_frames(df, horizon):
    res = _ok_or_value_error(train_churn_model, df, horizon_days=horizon, min_examples=4)
    if res is not None:
        assert res.scores["probability"].between(0, 1).all()


@SETTINGS
@given(frames(), st.integers(1, 4))
def test_forecast_any_frame(df, horizon):
    out = _ok_or_value_error(forecast_sales, df, horizon_months=horizon)
    if out is not None:
        assert len(out) == horizon
        assert (out["lower"] <= out["upper"]).all()
