"""Tests for crm_engine.clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_engine.clusters import cluster_customers, cluster_features, customer_features


def _three_groups(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 3, n)
    noise = lambda: rng.lognormal(0, 0.15, n)  # noqa: E731
    feats = pd.DataFrame(
        {
            "recency_days": np.choose(g, [5, 200, 60]) * noise(),
            "n_purchases": np.choose(g, [40, 1, 6]) * noise(),
            "avg_amount": np.choose(g, [400, 15, 60]) * noise(),
        },
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )
    return feats, g


def test_finds_planted_clusters_and_describes_them():
    feats, g = _three_groups()
    res = cluster_features(feats, k_range=(2, 6), random_state=0)
    assert res.k == 3
    assert max(res.silhouette, key=res.silhouette.get) == 3
    table = pd.crosstab(g, res.labels.to_numpy())
    assert (table.max(axis=1) == table.sum(axis=1)).all()  # pure clusters
    by_group = {grp: res.labels.to_numpy()[g == grp][0] for grp in range(3)}
    desc = res.descriptions["description"]
    vip = desc[by_group[0]]
    assert "high spend" in vip and "frequent" in vip and "recent" in vip
    gone = desc[by_group[1]]
    assert "low spend" in gone and "infrequent" in gone and "lapsed" in gone
    assert res.descriptions["size"].sum() == len(feats)
    assert res.descriptions["share"].sum() == pytest.approx(1.0)
    # Labels are numbered by decreasing size.
    assert res.descriptions["size"].is_monotonic_decreasing
    assert list(res.labels.index) == list(feats.index)


def test_log_transform_of_skewed_features():
    feats, _ = _three_groups()
    feats["n_purchases"] = np.exp(feats["n_purchases"] / 4)  # very skewed
    res = cluster_features(feats, k_range=(2, 4), random_state=0)
    assert "n_purchases" in res.transformed
    none = cluster_features(feats, k_range=(2, 4), random_state=0, log_transform=False)
    assert none.transformed == ()


def test_deterministic_with_seed():
    feats, _ = _three_groups(seed=5)
    a = cluster_features(feats, random_state=42)
    b = cluster_features(feats, random_state=42)
    pd.testing.assert_series_equal(a.labels, b.labels)
    pd.testing.assert_frame_equal(a.descriptions, b.descriptions)


def test_minibatch_and_sampling_path():
    feats, g = _three_groups(n=3000, seed=2)
    res = cluster_features(
        feats, k_range=(2, 5), random_state=0, sample_size=500, minibatch_threshold=1000
    )
    assert res.k == 3
    table = pd.crosstab(g, res.labels.to_numpy())
    assert (table.max(axis=1) >= 0.95 * table.sum(axis=1)).all()


def test_tiny_data_fallback():
    feats = pd.DataFrame({"a": [1.0, 1.0], "b": [2.0, 2.0]})
    res = cluster_features(feats, random_state=0)
    assert res.k == 1
    assert res.labels.tolist() == [0, 0]
    assert res.descriptions.loc[0, "description"] == "all customers"
    empty = cluster_features(feats.iloc[:0], random_state=0)
    assert len(empty.labels) == 0


def test_cluster_customers_from_transactions():
    rng = np.random.default_rng(0)
    n = 3000
    tx = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 300, n),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D"),
            "amount": rng.gamma(2.0, 25.0, n),
        }
    )
    feats = customer_features(tx)
    assert list(feats.columns) == ["recency_days", "n_purchases", "avg_amount", "tenure_days"]
    assert (feats["tenure_days"] >= feats["recency_days"]).all()
    res = cluster_customers(tx, random_state=1, k_range=(2, 4))
    assert 2 <= res.k <= 4
    assert set(res.labels.index) == set(tx["customer_id"])


def test_errors():
    feats, _ = _three_groups(n=50)
    with pytest.raises(ValueError, match="k_range"):
        cluster_features(feats, k_range=(1, 3))
    bad = feats.copy()
    bad.iloc[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"recency_days.*NaN"):
        cluster_features(bad)
    with pytest.raises(ValueError, match="not numeric"):
        cluster_features(feats.assign(name="x"))
    with pytest.raises(ValueError, match="negative"):
        cluster_features(feats.assign(neg=-1.0), log_transform=["neg"])
