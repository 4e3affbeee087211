"""Command-line interface: ``crm-engine`` / ``python -m crm_engine``.

Each subcommand reads a CSV of transactions (``customer_id,date,amount`` plus
optional group columns) and writes a CSV of results to ``-o`` (default:
standard output). Bad input (missing file, unreadable CSV, missing column,
invalid values, too little data) prints ``crm-engine: error: ...`` and exits
with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from .clusters import cluster_customers
from .clv import clv_table
from .forecast import forecast_sales
from .propensity import train_churn_model
from .rfm import rfm_table

__all__ = ["main"]


def _read(path: str) -> pd.DataFrame:
    try:
        return pd.read_csv(sys.stdin if path == "-" else path)
    except FileNotFoundError as exc:
        raise ValueError(f"no such file: {path}") from exc
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        IsADirectoryError,
        PermissionError,
    ) as exc:
        raise ValueError(f"cannot read CSV {path}: {exc}") from exc


def _write(frame: pd.DataFrame, output: str | None, index: bool = True) -> None:
    frame.to_csv(sys.stdout if output in (None, "-") else output, index=index)


def _cmd_rfm(args: argparse.Namespace) -> None:
    _write(
        rfm_table(_read(args.input), observation_end=args.observation_end, **_cols(args)),
        args.output,
    )


def _cmd_clusters(args: argparse.Namespace) -> None:
    res = cluster_customers(
        _read(args.input),
        observation_end=args.observation_end,
        k_range=(args.k_min, args.k_max),
        random_state=args.random_state,
        **_cols(args),
    )
    out = res.labels.to_frame().join(res.descriptions["description"], on="cluster")
    _write(out, args.output)
    if args.descriptions:
        _write(res.descriptions, args.descriptions)


def _cmd_clv(args: argparse.Namespace) -> None:
    res = clv_table(
        _read(args.input),
        observation_end=args.observation_end,
        horizon_months=args.horizon_months,
        discount_rate=args.discount_rate,
        freq=args.freq,
        **_cols(args),
    )
    _write(res.table, args.output)


def _read_attributes(path: str | None, customer_col: str) -> pd.DataFrame | None:
    """Per-customer numeric attributes: a CSV with the customer column and one column each."""
    if not path:
        return None
    frame = _read(path)
    if customer_col not in frame.columns:
        raise ValueError(f"missing column {customer_col!r} in the attributes CSV {path}")
    return frame.set_index(customer_col)


def _cmd_churn(args: argparse.Namespace) -> None:
    res = train_churn_model(
        _read(args.input),
        horizon_days=args.horizon_days,
        observation_end=args.observation_end,
        extra_features=_read_attributes(args.attributes, args.customer_col),
        model=args.model,
        random_state=args.random_state,
        **_cols(args),
    )
    _write(res.scores, args.output)
    m = res.metrics

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    print(
        f"holdout ROC AUC {fmt(m.auc)}, Brier {fmt(m.brier)}, "
        f"{m.n_train} train / {m.n_test} test examples",
        file=sys.stderr,
    )


def _cmd_forecast(args: argparse.Namespace) -> None:
    groups = [c for c in (args.group_cols or "").split(",") if c]
    columns = _cols(args)
    del columns["customer_id_col"]  # monthly sales per group: no customer
    out = forecast_sales(
        _read(args.input),
        group_cols=groups,
        observation_end=args.observation_end,
        horizon_months=args.horizon,
        level=args.level,
        **columns,
    )
    _write(out, args.output, index=False)


def _cols(args: argparse.Namespace) -> dict[str, str]:
    return {
        "customer_id_col": args.customer_col,
        "datetime_col": args.date_col,
        "monetary_value_col": args.amount_col,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crm-engine",
        description="CRM analytics on a CSV of transactions (customer_id,date,amount).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("input", help="transactions CSV ('-' = standard input)")
    common.add_argument("-o", "--output", help="result CSV (default: standard output)")
    common.add_argument("--customer-col", default="customer_id", help="default: customer_id")
    common.add_argument("--date-col", default="date", help="default: date")
    common.add_argument("--amount-col", default="amount", help="default: amount")
    common.add_argument(
        "--observation-end",
        default=None,
        help="ignore later transactions (default: last date in the file)",
    )

    p = sub.add_parser("rfm", parents=[common], help="RFM scores and segments per customer")
    p.set_defaults(func=_cmd_rfm)

    p = sub.add_parser("clusters", parents=[common], help="k-means behavioural clusters")
    p.add_argument("--k-min", type=int, default=2)
    p.add_argument("--k-max", type=int, default=8)
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--descriptions", help="also write the cluster descriptions to this CSV")
    p.set_defaults(func=_cmd_clusters)

    p = sub.add_parser("clv", parents=[common], help="BG/NBD + Gamma-Gamma lifetime value")
    p.add_argument("--horizon-months", type=int, default=12)
    p.add_argument("--discount-rate", type=float, default=0.01, help="monthly, default 0.01")
    p.add_argument(
        "--freq", choices=["D", "W", "M"], default="W", help="model time unit (default: W)"
    )
    p.set_defaults(func=_cmd_clv)

    p = sub.add_parser("churn", parents=[common], help="churn propensity with reasons")
    p.add_argument("--horizon-days", type=int, default=90)
    p.add_argument(
        "--attributes",
        help="CSV of numeric customer attributes (the customer column, then one column each), "
        "used as features",
    )
    p.add_argument("--model", choices=["logistic", "gbm"], default="logistic")
    p.add_argument("--random-state", type=int, default=0)
    p.set_defaults(func=_cmd_churn)

    p = sub.add_parser("forecast", parents=[common], help="monthly sales forecast per group")
    p.add_argument("--group-cols", default="", help="comma-separated group columns")
    p.add_argument("--horizon", type=int, default=6, help="months (default: 6)")
    p.add_argument("--level", type=float, default=0.9, help="interval coverage (default 0.9)")
    p.set_defaults(func=_cmd_forecast)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except ValueError as exc:  # includes InsufficientDataError
        print(f"crm-engine: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
