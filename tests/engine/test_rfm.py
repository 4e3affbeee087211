"""Tests for crm_engine.rfm."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from crm_engine.rfm import SEGMENTS, assign_segments, quintile_scores, rfm_scores, rfm_table


def test_segments_partition_the_grid():
    for r, fm in itertools.product(range(1, 6), range(1, 6)):
        matching = [s.key for s in SEGMENTS if s.matches(r, fm)]
        assert len(matching) == 1, (r, fm, matching)
    keys = [s.key for s in SEGMENTS]
    assert keys == [
        "champions",
        "loyal",
        "potential_loyalists",
        "new_customers",
        "promising",
        "need_attention",
        "about_to_sleep",
        "at_risk",
        "cant_lose",
        "hibernating",
        "lost",
    ]
    assert all(s.label and s.rule.startswith("r_score") for s in SEGMENTS)


@pytest.mark.parametrize(
    ("r", "fm", "expected"),
    [
        (5, 5, "champions"),
        (5, 4, "champions"),
        (4, 5, "loyal"),
        (3, 4, "loyal"),
        (5, 2, "potential_loyalists"),
        (5, 1, "new_customers"),
        (4, 1, "promising"),
        (3, 3, "need_attention"),
        (3, 1, "about_to_sleep"),
        (2, 3, "at_risk"),
        (1, 4, "at_risk"),
        (1, 5, "cant_lose"),
        (2, 2, "hibernating"),
        (1, 1, "lost"),
        (1, 2, "lost"),
    ],
)
def test_segment_rules(r, fm, expected):
    assert assign_segments(pd.Series([r]), pd.Series([fm])).iloc[0] == expected


def test_quintile_scores_hand_examples():
    assert quintile_scores(pd.Series([5, 1, 4, 2, 3])).tolist() == [5, 1, 4, 2, 3]
    assert quintile_scores(pd.Series([1, 2, 3, 4, 5]), ascending=False).tolist() == [5, 4, 3, 2, 1]
    assert quintile_scores(pd.Series([42.0])).tolist() == [3]
    assert quintile_scores(pd.Series([1, 1, 1, 1])).tolist() == [3, 3, 3, 3]
    # Ties share the score; ten values give two per quintile.
    assert quintile_scores(pd.Series(range(10))).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quintile_scores(pd.Series([1, 1, 1, 1, 1, 1, 9, 10])).tolist() == [2] * 6 + [5, 5]


def test_scores_are_balanced_on_many_distinct_values():
    s = quintile_scores(pd.Series(np.random.default_rng(1).normal(size=1000)))
    assert s.value_counts().sort_index().tolist() == [200] * 5


def test_rfm_table_hand_example():
    end = "2024-03-31"
    rows = []
    # Five customers with clearly ordered behaviour: c5 best, c1 worst.
    for k in range(1, 6):
        for j in range(k):
            day = pd.Timestamp(end) - pd.Timedelta(days=100 - 20 * k + j)
            rows.append((f"c{k}", day, 10.0 * k))
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    out = rfm_table(tx, observation_end=end)
    assert out.loc["c5", "recency"] == 0
    assert out.loc["c1", "recency"] == 80
    assert out.loc["c3", "frequency"] == 3
    assert out.loc["c3", "monetary"] == 90.0
    assert out["r_score"].to_dict() == {"c1": 1, "c2": 2, "c3": 3, "c4": 4, "c5": 5}
    assert out.loc["c5", "rfm_score"] == "555"
    assert out.loc["c5", "segment"] == "champions"
    assert out.loc["c1", "segment"] == "lost"
    assert out.loc["c3", "segment"] == "need_attention"
    assert out.loc["c5", "segment_label"] == "Champions"


def test_rfm_single_customer_and_refunds():
    tx = pd.DataFrame(
        {
            "customer_id": ["x", "x", "x"],
            "date": ["2024-01-01", "2024-01-10", "2024-01-12"],
            "amount": [100.0, 50.0, -30.0],
        }
    )
    out = rfm_table(tx)
    assert out.loc["x", "recency"] == 2  # the refund day is not a purchase
    assert out.loc["x", "frequency"] == 2
    assert out.loc["x", "monetary"] == 120.0
    assert out.loc["x", ["r_score", "f_score", "m_score"]].tolist() == [3, 3, 3]
    assert out.loc["x", "segment"] == "need_attention"


def test_rfm_order_independent():
    rng = np.random.default_rng(3)
    tx = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 50, 400),
            "date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 365, 400), unit="D"),
            "amount": rng.gamma(2.0, 30.0, 400),
        }
    )
    a = rfm_table(tx)
    b = rfm_table(tx.sample(frac=1.0, random_state=0))
    pd.testing.assert_frame_equal(a, b)
    assert set(a["segment"]) <= {s.key for s in SEGMENTS}


def test_rfm_errors():
    with pytest.raises(ValueError, match="missing column 'amount'"):
        rfm_table(pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"]}))
    with pytest.raises(ValueError, match="NaN"):
        quintile_scores(pd.Series([1.0, np.nan]))
    with pytest.raises(ValueError, match="between 1 and 5"):
        assign_segments(pd.Series([0]), pd.Series([3]))


def test_rfm_scores_of_aggregated_values_match_rfm_table():
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3, 3, 4],
            "date": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-02-01",
                    "2024-01-15",
                    "2024-03-01",
                    "2024-03-02",
                    "2024-03-03",
                    "2023-06-01",
                ]
            ),
            "amount": [10.0, 20.0, 5.0, 7.0, 8.0, 9.0, 400.0],
        }
    )
    table = rfm_table(tx, observation_end="2024-03-31")
    scored = rfm_scores(table[["recency", "frequency", "monetary"]])
    pd.testing.assert_frame_equal(scored, table, check_like=True)


def test_rfm_scores_needs_the_three_values():
    with pytest.raises(ValueError, match="monetary"):
        rfm_scores(pd.DataFrame({"recency": [1], "frequency": [2]}))
