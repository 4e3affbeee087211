"""Time the crm_engine analytics at 10k and 1M customers.

Usage: ``python benchmarks/bench_engine.py [--sizes 10000 1000000] [--seed 0]``

Synthetic data (seeded): about 5 transactions per customer over two years,
heterogeneous purchase rates and lifetimes, three sales teams. Prints the time
of each function per size and the ratio of the per-customer time at the
largest size to that at the smallest (1.0 = perfectly linear). No assertions.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from crm_engine.clusters import cluster_customers
from crm_engine.clv import clv_table
from crm_engine.forecast import backtest, forecast_sales
from crm_engine.propensity import train_churn_model
from crm_engine.rfm import rfm_table
from crm_engine.transactions import summary_from_transactions


def synthetic_transactions(n_customers: int, seed: int = 0) -> pd.DataFrame:
    """About ``5 * n_customers`` transactions over 2022-2023."""
    rng = np.random.default_rng(seed)
    days = 730
    start = rng.integers(0, days, n_customers)
    life = rng.exponential(300, n_customers)
    span = np.minimum(start + life, days) - start
    rate = rng.gamma(1.2, 1 / 40, n_customers)
    k = 1 + rng.poisson(rate * span)
    k = np.minimum(k, 200)
    cid = np.repeat(np.arange(n_customers), k)
    offset = (rng.random(k.sum()) * np.repeat(span, k)).astype(np.int64)
    offset[np.r_[0, np.cumsum(k)[:-1]]] = 0  # first purchase at the start day
    day = np.repeat(start, k) + offset
    month_effect = 1 + 0.3 * np.sin(2 * np.pi * (day % 365) / 365)
    return pd.DataFrame(
        {
            "customer_id": cid,
            "date": pd.Timestamp("2022-01-01").to_datetime64() + day.astype("timedelta64[D]"),
            "amount": np.round(rng.gamma(2.0, 25.0, k.sum()) * month_effect, 2),
            "team": np.asarray(["north", "south", "east"])[cid % 3],
        }
    )


TASKS = {
    "summary_from_transactions": lambda tx: summary_from_transactions(tx, freq="W"),
    "rfm_table": rfm_table,
    "cluster_customers": lambda tx: cluster_customers(tx, random_state=0),
    "clv_table": lambda tx: clv_table(tx, freq="W"),
    "train_churn_model": lambda tx: train_churn_model(tx, horizon_days=90, random_state=0),
    "forecast_sales": lambda tx: forecast_sales(tx, group_cols="team", horizon_months=6),
    "backtest": lambda tx: backtest(tx, group_cols="team", holdout_months=6),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    times: dict[int, dict[str, float]] = {}
    for n in args.sizes:
        t0 = time.perf_counter()
        tx = synthetic_transactions(n, args.seed)
        print(
            f"\n{n:,} customers, {len(tx):,} transactions "
            f"(generated in {time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        times[n] = {}
        for name, task in TASKS.items():
            t0 = time.perf_counter()
            task(tx)
            times[n][name] = time.perf_counter() - t0
            print(f"  {name:28s} {times[n][name]:8.2f} s", flush=True)
    small, large = min(args.sizes), max(args.sizes)
    if small != large:
        print(f"\nper-customer time ratio {large:,} vs {small:,} (1.0 = linear scaling)")
        for name in TASKS:
            ratio = (times[large][name] / large) / (times[small][name] / small)
            print(f"  {name:28s} {ratio:8.2f}")


if __name__ == "__main__":
    main()
