"""Tests for crm_engine.transactions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_engine.transactions import summary_from_transactions, validate_transactions

DATA = Path(__file__).resolve().parents[1] / "data"


def _tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_summary_hand_example():
    tx = _tx(
        [
            ("a", "2024-01-01", 10.0),
            ("a", "2024-01-01", 5.0),  # same day: one occasion of 15
            ("a", "2024-01-04", 20.0),
            ("a", "2024-01-08", 40.0),
            ("b", "2024-01-05", 7.0),
            ("c", "2024-01-20", 99.0),  # after observation_end: ignored
        ]
    )
    s = summary_from_transactions(tx, observation_end="2024-01-11")
    assert list(s.index) == ["a", "b"]
    a = s.loc["a"]
    assert a["frequency"] == 2
    assert a["recency"] == 7.0
    assert a["T"] == 10.0
    assert a["monetary_value"] == 30.0  # mean of the repeat days (20, 40)
    assert a["n_orders"] == 4
    assert a["total_amount"] == 75.0
    assert a["first_purchase"] == pd.Timestamp("2024-01-01")
    assert a["last_purchase"] == pd.Timestamp("2024-01-08")
    b = s.loc["b"]
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0.0, 6.0, 0.0)


def test_summary_weeks_and_default_end():
    tx = _tx([("a", "2024-01-01", 1.0), ("a", "2024-01-15", 1.0), ("b", "2024-01-29", 1.0)])
    s = summary_from_transactions(tx, freq="W")  # end = last date, computed at call time
    assert s.loc["a", "recency"] == 2.0
    assert s.loc["a", "T"] == 4.0
    assert s.loc["b", "T"] == 0.0


def test_refunds_are_netted_per_day():
    tx = _tx(
        [
            ("a", "2024-01-01", 100.0),
            ("a", "2024-01-03", 50.0),
            ("a", "2024-01-03", -20.0),  # partial refund the same day: occasion of 30
            ("a", "2024-01-05", -100.0),  # refund-only day: not a purchase occasion
        ]
    )
    s = summary_from_transactions(tx, observation_end="2024-01-10")
    assert s.loc["a", "frequency"] == 1
    assert s.loc["a", "monetary_value"] == 30.0
    assert s.loc["a", "recency"] == 2.0
    assert s.loc["a", "total_amount"] == 30.0
    assert s.loc["a", "n_orders"] == 4


def test_refund_only_customer_is_left_out():
    tx = _tx([("a", "2024-01-01", 10.0), ("z", "2024-01-02", -5.0)])
    s = summary_from_transactions(tx)
    assert list(s.index) == ["a"]


def test_matches_hardie_cdnow_summary():
    tx = pd.read_csv(DATA / "cdnow_sample_transactions.csv.gz")
    s = summary_from_transactions(tx, observation_end="1997-09-30", freq="W")
    ref = pd.read_csv(DATA / "cdnow_sample_summary.csv").set_index("ID").reindex(s.index)
    assert len(s) == 2357
    np.testing.assert_array_equal(s["frequency"], ref["x"])
    np.testing.assert_allclose(s["recency"], ref["t_x"], atol=0.006)
    np.testing.assert_allclose(s["T"], ref["T"], atol=0.006)
    np.testing.assert_allclose(s["monetary_value"], ref["zbar"], atol=0.006)


def test_nan_rows_dropped_and_counted():
    tx = _tx(
        [
            ("a", "2024-01-01", 1.0),
            (None, "2024-01-01", 1.0),
            ("a", None, 1.0),
            ("a", "2024-01-02", np.nan),
        ]
    )
    out = validate_transactions(tx)
    assert len(out) == 1
    assert out.attrs["n_dropped"] == 3
    with pytest.raises(ValueError, match="missing customer, date or amount"):
        validate_transactions(tx, dropna=False)


@pytest.mark.parametrize("column", ["customer_id", "date", "amount"])
def test_missing_column_named(column):
    tx = _tx([("a", "2024-01-01", 1.0)]).drop(columns=column)
    with pytest.raises(ValueError, match=f"missing column '{column}'"):
        validate_transactions(tx)


def test_non_numeric_amount_named():
    tx = _tx([("a", "2024-01-01", "12.5"), ("a", "2024-01-02", "twelve")])
    with pytest.raises(ValueError, match=r"column 'amount'.*non-numeric.*'twelve'"):
        validate_transactions(tx)


def test_unparseable_date_named():
    tx = _tx([("a", "2024-01-01", 1.0), ("a", "not a date", 1.0)])
    with pytest.raises(ValueError, match=r"column 'date'.*unparseable.*'not a date'"):
        validate_transactions(tx)


def test_numeric_dates_rejected():
    tx = _tx([("a", 20240101, 1.0)])
    with pytest.raises(ValueError, match="column 'date' must contain dates"):
        validate_transactions(tx)


def test_mixed_date_formats_and_timezones():
    tx = _tx(
        [
            ("a", "2024-01-01", 1.0),
            ("a", "02 Jan 2024", 1.0),
            ("a", "2024-01-03T23:30:00-02:00", 1.0),
        ]
    )
    out = validate_transactions(tx)
    assert out["date"].dt.day.tolist() == [1, 2, 4]  # converted to UTC


def test_custom_column_names_and_input_untouched():
    tx = pd.DataFrame({"cust": [2, 1], "when": ["2024-01-02", "2024-01-01"], "eur": [1, 2]})
    before = tx.copy()
    s = summary_from_transactions(
        tx, customer_id_col="cust", datetime_col="when", monetary_value_col="eur"
    )
    assert list(s.index) == [1, 2]
    pd.testing.assert_frame_equal(tx, before)


def test_bad_arguments():
    tx = _tx([("a", "2024-01-01", 1.0)])
    with pytest.raises(ValueError, match="freq must be one of"):
        summary_from_transactions(tx, freq="Y")
    with pytest.raises(ValueError, match="observation_end is not a date"):
        summary_from_transactions(tx, observation_end="soon")
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        summary_from_transactions([1, 2, 3])
    mixed = _tx([("a", "2024-01-01", 1.0), (1, "2024-01-01", 1.0)])
    with pytest.raises(ValueError, match="mixes types"):
        validate_transactions(mixed)


def test_empty_frame():
    s = summary_from_transactions(_tx([]))
    assert s.empty
    assert "frequency" in s.columns
