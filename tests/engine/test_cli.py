"""Tests for the crm-engine command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_engine.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def tx_csv(tmp_path_factory):
    rng = np.random.default_rng(0)
    n = 4000
    cid = rng.integers(0, 400, n)
    days = rng.integers(0, 730, n)
    days = np.where(cid % 3 == 0, days % 200, days)  # a third of customers stop early
    tx = pd.DataFrame(
        {
            "customer_id": cid,
            "date": (pd.Timestamp("2022-01-01") + pd.to_timedelta(days, "D")).strftime("%Y-%m-%d"),
            "amount": rng.gamma(2.0, 30.0, n).round(2),
            "team": np.where(cid % 2, "north", "south"),
        }
    )
    path = tmp_path_factory.mktemp("cli") / "tx.csv"
    tx.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("command", ["rfm", "clusters", "clv", "churn"])
def test_subcommands_write_csv(command, tx_csv, tmp_path):
    out = tmp_path / f"{command}.csv"
    assert main([command, str(tx_csv), "-o", str(out)]) == 0
    frame = pd.read_csv(out)
    assert frame["customer_id"].nunique() == len(frame) > 100


def test_forecast_with_groups(tx_csv, tmp_path):
    out = tmp_path / "fc.csv"
    assert (
        main(["forecast", str(tx_csv), "--group-cols", "team", "--horizon", "3", "-o", str(out)])
        == 0
    )
    frame = pd.read_csv(out)
    assert len(frame) == 6
    assert set(frame.columns) >= {"team", "month", "forecast", "lower", "upper"}
    assert frame["month"].min() == "2024-01-01"  # the data end in December 2023


def test_forecast_observation_end(tx_csv, tmp_path):
    """--observation-end ends the history of the forecast too (its month is the last)."""
    out = tmp_path / "fc.csv"
    argv = ["forecast", str(tx_csv), "--observation-end", "2023-06-15", "-o", str(out)]
    assert main(argv) == 0
    assert pd.read_csv(out)["month"].tolist()[:2] == ["2023-07-01", "2023-08-01"]


def test_clv_on_cdnow(tmp_path):
    out = tmp_path / "clv.csv"
    src = DATA / "cdnow_sample_transactions.csv.gz"
    assert main(["clv", str(src), "--observation-end", "1997-09-30", "-o", str(out)]) == 0
    assert len(pd.read_csv(out)) == 2357


def test_churn_with_attributes(tx_csv, tmp_path, capsys):
    customers = np.arange(400)
    attributes = tmp_path / "attributes.csv"
    pd.DataFrame({"customer_id": customers, "early_stopper": (customers % 3 == 0) * 1.0}).to_csv(
        attributes, index=False
    )
    out = tmp_path / "churn.csv"
    assert main(["churn", str(tx_csv), "--attributes", str(attributes), "-o", str(out)]) == 0
    frame = pd.read_csv(out)
    assert "early_stopper" in set(frame["reason_1"]) | set(frame["reason_2"])
    attributes.write_text("customer_id,region\n1,north\n")
    assert main(["churn", str(tx_csv), "--attributes", str(attributes)]) == 2
    assert "must be numeric" in capsys.readouterr().err


def test_bad_inputs_exit_2(tmp_path, capsys):
    assert main(["rfm", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,when,amount\n1,2024-01-01,3\n")
    assert main(["rfm", str(bad)]) == 2
    assert "missing column 'date'" in capsys.readouterr().err
    bad.write_text("customer_id,date,amount\n1,2024-01-01,abc\n")
    assert main(["clv", str(bad)]) == 2
    assert "non-numeric" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["rfm", str(empty)]) == 2
    assert "cannot read CSV" in capsys.readouterr().err


def test_help_and_module_entry_point():
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    proc = subprocess.run(
        [sys.executable, "-m", "crm_engine", "rfm", "/nonexistent.csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("crm-engine: error:")
