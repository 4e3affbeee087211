"""Tests for crm_engine.propensity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from crm_engine.propensity import (
    BASE_FEATURES,
    InsufficientDataError,
    build_features,
    reliability_table,
    train_churn_model,
    train_response_model,
)


def _synthetic(n=2500, seed=0):
    """Customers with heterogeneous purchase rates and lifetimes over two years."""
    rng = np.random.default_rng(seed)
    days = 730
    rate = rng.gamma(1.0, 1 / 40, n)
    life = np.minimum(rng.exponential(400, n), days)
    k = rng.poisson(rate * life)
    cid = np.repeat(np.arange(n), k)
    t = (rng.uniform(0, 1, k.sum()) * np.repeat(life, k)).astype(int)
    return pd.DataFrame(
        {
            "customer_id": cid,
            "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(t, "D"),
            "amount": rng.gamma(2.0, 30.0, k.sum()).round(2),
        }
    )


@pytest.fixture(scope="module")
def tx():
    return _synthetic()


def test_build_features_hand_example():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "c"],
            "date": [
                "2024-01-01",
                "2024-03-01",
                "2024-03-01",
                "2024-05-30",
                "2024-06-01",
                "2024-07-01",
            ],
            "amount": [100.0, 30.0, 20.0, 10.0, 5.0, 1.0],
        }
    )
    complaints = pd.DataFrame(
        {"customer_id": ["a", "a", "b"], "date": ["2024-02-01", "2024-06-29", "2024-01-01"]}
    )
    mailings = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "sent_date": ["2024-02-01", "2024-06-30", "2024-05-01"],
            "opened": [1, 0, True],
            "clicked": [1, 0, 0],
        }
    )
    f = build_features(tx, observation_end="2024-06-30", complaints=complaints, mailings=mailings)
    assert list(f.index) == ["a", "b"]  # c bought after the cut-off
    a = f.loc["a"]
    assert a["recency_days"] == 31
    assert a["frequency"] == 3
    assert a["monetary_total"] == 160.0
    assert a["monetary_mean"] == pytest.approx(160 / 3)
    assert a["tenure_days"] == 181
    assert a["days_between_orders"] == pytest.approx(150 / 2)
    # last 90 days (Apr 2 - Jun 30): 10; the 90 days before (Jan 3 - Apr 1): 50.
    assert a["trend"] == pytest.approx(np.log1p(10) - np.log1p(50))
    assert a["complaints"] == 2
    # The mailing sent on the cut-off day itself is not "earlier".
    assert (a["mailings_received"], a["mailings_opened"], a["mailings_clicked"]) == (1, 1, 1)
    b = f.loc["b"]
    assert b["days_between_orders"] == b["tenure_days"] == 29
    assert b["complaints"] == 1 and b["mailings_opened"] == 1
    assert list(f.columns[: len(BASE_FEATURES)]) == BASE_FEATURES


def test_churn_model_has_signal_and_is_explained(tx):
    res = train_churn_model(tx, horizon_days=90, random_state=0)
    assert res.metrics.auc > 0.8
    assert 0 <= res.metrics.brier < 0.2
    assert res.metrics.notes == ()
    rel = res.reliability
    assert rel["n"].sum() == res.metrics.n_test
    filled = rel.dropna()
    # Reasonably calibrated: observed rates within 0.2 of the predictions where n >= 30.
    big = filled[filled["n"] >= 30]
    assert (big["observed_rate"] - big["mean_predicted"]).abs().max() < 0.2
    s = res.scores
    assert s["probability"].between(0, 1).all()
    assert set(s["reason_1"]) <= set(res.feature_names)
    # Logistic explanations: contributions + intercept = logit of the score.
    clf = res.model[-1]
    z = res.model[:-1].transform(
        build_features(tx).loc[s.index, res.feature_names].to_numpy("float64")
    )
    contrib = z * clf.coef_[0]
    np.testing.assert_allclose(
        contrib.sum(axis=1) + clf.intercept_[0],
        special.logit(s["probability"]),
        rtol=1e-6,
        atol=1e-6,
    )
    top = np.abs(contrib).max(axis=1)
    np.testing.assert_allclose(np.abs(s["reason_1_contribution"]), top)
    # Recency is the strongest churn signal: longer since the last purchase -> more churn.
    coef = dict(zip(res.feature_names, clf.coef_[0], strict=True))
    assert coef["recency_days"] > 0


def test_churn_gbm_and_determinism(tx):
    a = train_churn_model(tx, horizon_days=90, model="gbm", random_state=3)
    b = train_churn_model(tx, horizon_days=90, model="gbm", random_state=3)
    assert a.metrics.auc > 0.8
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert a.dates["train_cutoff"] < a.dates["test_cutoff"] < a.dates["score_date"]


def test_response_model(tx):
    rng = np.random.default_rng(1)
    customers = tx["customer_id"].unique()
    parts = []
    for day in pd.date_range("2022-03-01", "2023-11-01", freq="60D"):
        who = rng.choice(customers, size=600, replace=False)
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": who,
                    "sent_date": day,
                    "opened": rng.random(600) < 0.4,
                    "clicked": rng.random(600) < 0.1,
                }
            )
        )
    mailings = pd.concat(parts, ignore_index=True)
    res = train_response_model(tx, mailings, horizon_days=30, random_state=0)
    assert res.metrics.auc > 0.65
    assert "has_purchased" in res.feature_names
    assert "mailings_received" in res.feature_names
    assert res.metrics.n_train > res.metrics.n_test > 0
    assert res.scores["probability"].between(0, 1).all()
    assert res.scores.index.is_unique


def test_single_class_is_a_clear_error():
    # Everyone buys every week: nobody churns.
    days = pd.date_range("2024-01-01", "2024-12-31", freq="7D")
    tx = pd.DataFrame(
        [(c, d, 10.0) for c in range(30) for d in days], columns=["customer_id", "date", "amount"]
    )
    with pytest.raises(InsufficientDataError, match="0 positive"):
        train_churn_model(tx, horizon_days=60)


def test_tiny_data_is_a_clear_error():
    tx = pd.DataFrame(
        {"customer_id": [1, 2], "date": ["2024-01-01", "2024-06-01"], "amount": [1.0, 2.0]}
    )
    with pytest.raises(InsufficientDataError, match="training example"):
        train_churn_model(tx, horizon_days=30)
    with pytest.raises(ValueError, match="horizon_days"):
        train_churn_model(tx, horizon_days=0)
    with pytest.raises(ValueError, match="model must be one of"):
        train_churn_model(_synthetic(300), model="forest")


def test_holdout_with_one_class_is_reported_not_raised():
    rng = np.random.default_rng(0)
    rows = []
    # First year: half the customers stop early (churn signal in training)...
    for c in range(60):
        stop = 200 if c % 2 else 350
        rows += [
            (c, pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(d)), 10.0)
            for d in np.arange(0, stop, 14) + rng.integers(0, 3)
        ]
    # ...then all of them are gone in the last months: holdout is all "churned".
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    tx = pd.concat(
        [tx, pd.DataFrame({"customer_id": [999], "date": ["2025-03-31"], "amount": [1.0]})],
        ignore_index=True,
    )
    res = train_churn_model(tx, horizon_days=90, observation_end="2025-03-31", min_examples=10)
    assert res.metrics.auc is None
    assert "single class" in res.metrics.notes[0]


def test_reliability_table():
    rel = reliability_table(np.array([0, 1, 1, 0]), np.array([0.05, 0.95, 0.55, 0.5]), n_bins=2)
    assert rel["n"].tolist() == [1, 3]
    assert rel["observed_rate"].tolist() == [0.0, pytest.approx(2 / 3)]


def test_bad_mailings():
    tx = _synthetic(100)
    with pytest.raises(ValueError, match="missing column 'opened'"):
        train_response_model(
            tx, pd.DataFrame({"customer_id": [1], "sent_date": ["2023-01-01"], "clicked": [0]})
        )
    with pytest.raises(ValueError, match="different types"):
        build_features(
            tx,
            mailings=pd.DataFrame(
                {"customer_id": ["x"], "sent_date": ["2023-01-01"], "opened": [0], "clicked": [0]}
            ),
        )


# ----------------------------------------------------------------- external features


def _churn_with_attribute(n=3000, seed=0):
    """Regular buyers; those with a negative ``attr_score`` stop at a random day of the
    last months, which their purchase history alone does not announce."""
    rng = np.random.default_rng(seed)
    days = 730
    score = rng.normal(size=n)
    stop = np.where(score < 0, rng.uniform(days - 200, days + 30, n), days + 1000)
    t = rng.integers(0, 200, n)[:, None] + rng.exponential(40, (n, 60)).cumsum(axis=1)
    keep = t < np.minimum(stop, days)[:, None]
    cid = np.repeat(np.arange(n), keep.sum(axis=1))
    tx = pd.DataFrame(
        {
            "customer_id": cid,
            "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(t[keep].astype(int), "D"),
            "amount": rng.gamma(2.0, 30.0, len(cid)).round(2),
        }
    )
    extra = pd.DataFrame({"attr_score": score}, index=pd.Index(np.arange(n), name="customer_id"))
    return tx, extra


def _response_with_attribute(n=1500, seed=0):
    """Mailings every 90 days; the response probability is set by ``attr_affinity``."""
    rng = np.random.default_rng(seed)
    days = 730
    affinity = rng.normal(size=n)
    k = rng.poisson(days / 60, n) + 1
    cid, t, sent = [np.repeat(np.arange(n), k)], [rng.integers(0, days, k.sum())], []
    for day in range(60, days - 30, 90):
        respond = rng.random(n) < special.expit(3.0 * affinity - 1.5)
        sent.append(np.full(n, day))
        cid.append(np.flatnonzero(respond))
        t.append(day + rng.integers(0, 25, respond.sum()))
    cid, t, sent = np.concatenate(cid), np.concatenate(t), np.concatenate(sent)
    start = pd.Timestamp("2022-01-01")
    tx = pd.DataFrame(
        {
            "customer_id": cid,
            "date": start + pd.to_timedelta(t, "D"),
            "amount": rng.gamma(2.0, 30.0, len(cid)).round(2),
        }
    )
    mailings = pd.DataFrame(
        {
            "customer_id": np.tile(np.arange(n), len(sent) // n),
            "sent_date": start + pd.to_timedelta(sent, "D"),
            "opened": rng.random(len(sent)) < 0.3,
            "clicked": rng.random(len(sent)) < 0.05,
        }
    )
    extra = pd.DataFrame(
        {"attr_affinity": affinity}, index=pd.Index(np.arange(n), name="customer_id")
    )
    return tx, mailings, extra


@pytest.mark.parametrize("model", ["logistic", "gbm"])
def test_extra_feature_that_drives_churn_raises_auc(model):
    tx, extra = _churn_with_attribute()
    without = train_churn_model(tx, horizon_days=90, model=model, random_state=0)
    with_ = train_churn_model(
        tx, horizon_days=90, model=model, random_state=0, extra_features=extra
    )
    assert "attr_score" not in without.feature_names
    assert with_.feature_names[-1] == "attr_score"
    # Measured: logistic 0.67 -> 0.81, gbm 0.53 -> 0.78.
    assert with_.metrics.auc > without.metrics.auc + 0.1
    # The attribute is the first reason of many scores, under its own name.
    assert (with_.scores["reason_1"] == "attr_score").mean() > 0.2
    again = train_churn_model(
        tx, horizon_days=90, model=model, random_state=0, extra_features=extra
    )
    pd.testing.assert_frame_equal(with_.scores, again.scores)
    assert again.metrics.auc == with_.metrics.auc


def test_extra_feature_that_drives_response_raises_auc():
    tx, mailings, extra = _response_with_attribute()
    without = train_response_model(tx, mailings, horizon_days=30, random_state=0)
    with_ = train_response_model(
        tx, mailings, horizon_days=30, random_state=0, extra_features=extra
    )
    # Measured: 0.63 -> 0.73.
    assert with_.metrics.auc > without.metrics.auc + 0.05
    assert with_.feature_names[-1] == "attr_affinity"
    assert (with_.scores["reason_1"] == "attr_affinity").mean() > 0.3
    # Higher affinity, higher response probability.
    coef = dict(zip(with_.feature_names, with_.model[-1].coef_[0], strict=True))
    assert coef["attr_affinity"] > 0
    again = train_response_model(
        tx, mailings, horizon_days=30, random_state=0, extra_features=extra
    )
    pd.testing.assert_frame_equal(with_.scores, again.scores)


def test_extra_features_missing_values_are_imputed_with_an_indicator(tx):
    ids = np.sort(tx["customer_id"].unique())
    known = ids[: len(ids) // 2]
    income = pd.Series(np.arange(len(known), dtype=float) * 1000.0, index=known)
    income.iloc[:10] = np.nan  # known customers without a value
    extra = pd.DataFrame({"attr_income": income, "attr_panel": 1.0})
    extra.loc[known[0], "attr_panel"] = np.nan
    res = train_churn_model(tx, horizon_days=90, random_state=0, extra_features=extra)
    assert res.feature_names[-4:] == [
        "attr_income",
        "attr_income_missing",
        "attr_panel",
        "attr_panel_missing",
    ]
    assert res.scores["probability"].notna().all()
    # The fitted model sees the median for unknown customers, and the indicator set.
    feats = build_features(tx)
    from crm_engine.propensity import _add_extra_features, _validate_extra_features

    ref = pd.Series(feats.index)
    cols = feats.copy()
    _add_extra_features(cols, feats.index.to_numpy(), _validate_extra_features(extra, ref))
    median = float(np.nanmedian(income))
    unknown = ~feats.index.isin(income.dropna().index)
    assert (cols.loc[unknown, "attr_income"] == median).all()
    assert (cols.loc[unknown, "attr_income_missing"] == 1.0).all()
    assert (cols.loc[~unknown, "attr_income_missing"] == 0.0).all()
    # Nobody lacking a value: no indicator column.
    full = pd.DataFrame({"attr_x": np.ones(len(ids))}, index=ids)
    res = train_churn_model(tx, horizon_days=90, random_state=0, extra_features=full)
    assert res.feature_names[-1] == "attr_x"


def test_bad_extra_features_are_clear_errors(tx):
    ids = np.sort(tx["customer_id"].unique())[:50]
    cases = [
        (pd.DataFrame({"attr_region": ["north"] * 50}, index=ids), "must be numeric"),
        (pd.DataFrame({"attr_x": np.ones(3)}, index=[ids[0], ids[1], ids[0]]), "duplicate"),
        (pd.DataFrame({"recency_days": np.ones(50)}, index=ids), "clashes"),
        (pd.DataFrame({"attr_x": [np.inf] + [1.0] * 49}, index=ids), "infinite"),
        (pd.DataFrame({"attr_x": np.ones(50)}, index=ids.astype(str)), "different types"),
        (pd.Series(np.ones(50), index=ids), "must be a pandas DataFrame"),
    ]
    for extra, message in cases:
        with pytest.raises(ValueError, match=message):
            train_churn_model(tx, horizon_days=90, random_state=0, extra_features=extra)
    with pytest.raises(ValueError, match="must be numeric"):
        train_response_model(
            tx,
            pd.DataFrame(
                {"customer_id": [1], "sent_date": ["2023-01-01"], "opened": [0], "clicked": [0]}
            ),
            extra_features=cases[0][0],
        )
