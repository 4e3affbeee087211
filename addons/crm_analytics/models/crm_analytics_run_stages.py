# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The computing stages of an analytics run (``crm.analytics.run``): each reads the
run's data (:mod:`.crm_analytics_run_data`), hands it to ``crm_engine`` and writes
the results back to rows of the run (inactive until the run is published).

Plain functions of the run record returning the values to write on the run; the
model's ``_stage_<name>`` methods call them (and are the points to override)."""

import numpy as np
import pandas as pd

from ..tools.pg_copy import copy_from, copy_to
from . import crm_analytics_run_data as data

# Months of actual sales kept next to the forecast.
FORECAST_HISTORY_MONTHS = 24
FORECAST_HORIZON_MONTHS = 6
# Months held out by the forecast backtest, and the history it needs before them.
FORECAST_BACKTEST_MONTHS = 6
FORECAST_BACKTEST_MIN_HISTORY = 12
FORECAST_METHODS = [
    ("holt_winters", "Holt-Winters (seasonal)"),
    ("seasonal_naive", "Seasonal naive"),
    ("mean", "Mean of the last months"),
]
# Columns of the RFM values query (crm_analytics_run_data.rfm_values_sql), in order.
RFM_VALUE_COLUMNS = [
    "partner_id",
    "recency",
    "frequency",
    "monetary",
    "order_count",
    "first_purchase",
    "last_purchase",
    "days_read",
]


def rfm(run):
    """RFM values aggregated by SQL, scored by the engine, and the rows COPYed
    back: the values' text travels out and back untouched, only recency,
    frequency and monetary value are parsed."""
    from crm_engine.rfm import rfm_scores

    Metric = run.env["crm.customer.metric"]
    data.flush_orders(run)
    # A re-run of this stage (job retried) starts from a clean slate.
    Metric._delete_rows("run_id", [run.id])
    out = copy_to(run.env.cr, data.rfm_values_sql(run))
    lines = [line.rpartition("\t")[0] for line in out.getvalue().splitlines()]
    if not lines:
        run._add_note(run.env._("No confirmed order up to %s.", run.date))
        return {"transaction_count": 0, "customer_count": 0}
    values = pd.read_csv(
        out,
        sep="\t",
        header=None,
        names=RFM_VALUE_COLUMNS,
        usecols=["partner_id", "recency", "frequency", "monetary", "days_read"],
        index_col="partner_id",
    )
    scores = rfm_scores(values)
    score_columns = ["r_score", "f_score", "m_score", "rfm_score", "segment"]
    constants = f"{run.company_id.id}\t{run.id}\t{run.date}"
    # Tab-separated text by hand: several times faster than DataFrame.to_csv.
    text = "\n".join(
        "\t".join((*row, constants))
        for row in zip(lines, *(map(str, scores[c].tolist()) for c in score_columns), strict=True)
    )
    columns = [
        "partner_id",
        "recency_days",
        "frequency",
        "monetary",
        "order_count",
        "first_purchase",
        "last_purchase",
        *score_columns,
        "company_id",
        "run_id",
        "date",
    ]
    copy_from(Metric, columns, text)
    return {"transaction_count": int(values["days_read"].sum()), "customer_count": len(scores)}


def clv(run):
    from crm_engine.clv import clv_table

    tx = data.transactions(run)
    if tx.empty:
        return {}
    try:
        table = clv_table(
            tx[["customer_id", "date", "amount"]],
            observation_end=run.date,
            horizon_months=run.company_id.crm_clv_horizon_months or 12,
        ).table
    except (ValueError, ArithmeticError) as exc:
        run._add_note(run.env._("CLV not computed: %s", exc))
        return {}
    columns = ["p_alive", "expected_purchases", "clv"]
    table = table[columns].astype("float64")
    table = table.replace([np.inf, -np.inf], np.nan).fillna(0.0).round(6)
    data.update_metrics(run, table, columns)
    return {}


def _attribute_features(run):
    """The imported numeric attributes as propensity features (``attr_<key>``), or None."""
    attributes = data.attributes(run)
    if attributes.empty:
        return None
    attributes.columns = [f"attr_{key}" for key in attributes.columns]
    attributes.index = attributes.index.astype("int64")
    return attributes


def propensity(run, kind):
    """The churn (``kind="churn"``) or offer-response (``"response"``) model: trained,
    evaluated and applied by the engine; probabilities and reasons written to the
    metrics as ``<kind>_probability`` and ``<kind>_factors``."""
    from crm_engine.propensity import train_churn_model, train_response_model

    env, company = run.env, run.company_id
    tx = data.transactions(run)
    mailings = data.mailings(run)
    if kind == "response" and (tx.empty or mailings.empty):
        run._add_note(env._("Response model not trained: no mailing sent yet."))
        return {}
    if tx.empty:
        return {}
    options = {
        "observation_end": run.date,
        "complaints": data.complaints(run),
        "extra_features": _attribute_features(run),
        "random_state": 0,
        "n_reasons": data.N_REASONS,
    }
    try:
        if kind == "churn":
            result = train_churn_model(
                tx[["customer_id", "date", "amount"]],
                horizon_days=company.crm_churn_horizon_days or 90,
                mailings=mailings if len(mailings) else None,
                **options,
            )
        else:
            result = train_response_model(
                tx[["customer_id", "date", "amount"]],
                mailings,
                horizon_days=company.crm_response_days or 30,
                **options,
            )
    except ValueError as exc:
        if kind == "churn":
            run._add_note(env._("Churn model not trained: %s", exc))
        else:
            run._add_note(env._("Response model not trained: %s", exc))
        return {}
    scores = result.scores
    frame = pd.DataFrame(
        {
            f"{kind}_probability": scores["probability"].round(6),
            f"{kind}_factors": data.reasons_text(scores),
        },
        index=scores.index,
    )
    data.update_metrics(run, frame, list(frame.columns))
    auc = result.metrics.auc
    return {f"{kind}_auc": 0.0 if auc is None else auc, f"scored_{kind}_count": len(frame)}


def churn(run):
    return propensity(run, "churn")


def response(run):
    return propensity(run, "response")


def clusters(run):
    from crm_engine.clusters import cluster_features, customer_features

    tx = data.transactions(run)
    if tx.empty:
        return {}
    feats = customer_features(tx[["customer_id", "date", "amount"]], observation_end=run.date)
    attributes = data.attributes(run)
    if not attributes.empty:
        attributes = attributes.reindex(feats.index)
        attributes = attributes.fillna(attributes.median()).fillna(0.0)
        feats = feats.join(attributes.add_prefix("attr_"))
    result = cluster_features(feats, random_state=0)
    # The run's own rows, created and replaced by the run for whoever started it (the
    # daily job, a manager): the clusters are derived data, not user records.
    Cluster = run.env["crm.customer.cluster"].sudo()
    Cluster.with_context(active_test=False).search([("run_id", "=", run.id)]).unlink()
    created = Cluster.create(
        [
            {
                "name": row["description"],
                "number": int(number),
                "active": False,
                "company_id": run.company_id.id,
                "run_id": run.id,
                "size": int(row["size"]),
                "share": float(row["share"]) * 100.0,
                "avg_amount": float(row.get("avg_amount", 0.0)),
                "n_purchases": float(row.get("n_purchases", 0.0)),
                "recency_days": float(row.get("recency_days", 0.0)),
                "tenure_days": float(row.get("tenure_days", 0.0)),
            }
            for number, row in result.descriptions.iterrows()
        ]
    )
    ids = {c.number: c.id for c in created}
    frame = pd.DataFrame({"cluster_id": result.labels.map(ids).astype("int64")})
    data.update_metrics(run, frame, ["cluster_id"])
    return {"cluster_count": len(created)}


def forecast_end(run):
    """Last month of history of the forecast and of its backtest: the last month
    complete on the run date (a month under way is not a month of sales)."""
    from crm_engine.forecast import last_complete_month

    return last_complete_month(run.date)


def _backtest(run, sales, end):
    """Hold out the last complete months of the company total (and of the teams),
    up to ``end``, the last month the published forecast is made from, forecast
    them from the months before, and compare with the seasonal naive forecast.
    Returns the run's quality fields (none when the history is short)."""
    from crm_engine.forecast import backtest

    total = sales[sales["dimension"] == "company"]
    first = None if total.empty else total["date"].min().to_period("M")
    n_months = 0 if first is None else (end.to_period("M") - first).n + 1
    needed = FORECAST_BACKTEST_MONTHS + FORECAST_BACKTEST_MIN_HISTORY
    if n_months < needed:
        run._add_note(
            run.env._(
                "Forecast not backtested: %(months)s complete month(s) of sales, "
                "%(needed)s needed.",
                months=n_months,
                needed=needed,
            )
        )
        return {}

    def mae(value):
        return 0.0 if np.isnan(value) else float(value)

    options = {"observation_end": end, "holdout_months": FORECAST_BACKTEST_MONTHS}
    result = backtest(total[["date", "amount"]], **options)
    method = result["method"].iloc[0]
    vals = {
        "forecast_method": method if method in dict(FORECAST_METHODS) else False,
        "forecast_mae": mae(result.loc["overall", "mae"]),
        "forecast_naive_mae": mae(result.loc["overall", "naive_mae"]),
    }
    teams = sales[sales["dimension"] == "team"]
    try:
        result = backtest(teams[["team_id", "date", "amount"]], group_cols="team_id", **options)
    except ValueError as exc:
        run._add_note(run.env._("Forecast per team not backtested: %s", exc))
    else:
        # Every team is scored on the same months: the pooled error is their mean.
        vals["forecast_team_mae"] = mae(result.loc["overall", "mae"])
        vals["forecast_team_naive_mae"] = mae(result.loc["overall", "naive_mae"])
    return vals


def forecast(run):
    """Monthly sales per company, sales team and product category (SQL), each
    series forecast by the engine with its interval, the rows created in one
    batch (inactive until published), and the forecast backtested."""
    from crm_engine.forecast import forecast_sales, monthly_sales

    env = run.env
    data.flush_orders(run)
    env["sale.order"].flush_model(["team_id"])
    env["sale.order.line"].flush_model(["order_id", "product_id", "price_subtotal"])
    env["product.product"].flush_model(["product_tmpl_id"])
    env["product.template"].flush_model(["categ_id"])
    # The run's own rows, as for the clusters: derived data the run replaces.
    Forecast = env["crm.sales.forecast"].sudo()
    Forecast.with_context(active_test=False).search([("run_id", "=", run.id)]).unlink()
    reset = {
        "forecast_method": False,
        "forecast_mae": 0.0,
        "forecast_naive_mae": 0.0,
        "forecast_team_mae": 0.0,
        "forecast_team_naive_mae": 0.0,
    }
    # The forecast is made from the complete months only, as its backtest is: the
    # month of the run date, unless it is its last day, is the first month forecast.
    end = forecast_end(run)
    sales = data.sql_frame(
        run,
        data.monthly_sales_sql(run, end),
        ("dimension", "team_id", "categ_id", "date", "amount"),
        ("date",),
    )
    if sales.empty:
        run._add_note(env._("Sales not forecast: no confirmed order before %s.", end.date()))
        return reset
    groups = ["dimension", "team_id", "categ_id"]
    sales[["team_id", "categ_id"]] = sales[["team_id", "categ_id"]].astype("int64")
    actual = monthly_sales(sales, group_cols=groups, observation_end=end)
    first = end - pd.DateOffset(months=FORECAST_HISTORY_MONTHS - 1)
    actual = actual[actual["month"] >= first]
    predicted = forecast_sales(
        sales, group_cols=groups, observation_end=end, horizon_months=FORECAST_HORIZON_MONTHS
    )
    common = {"run_id": run.id, "company_id": run.company_id.id, "active": False}

    def series(row):
        return {
            **common,
            "dimension": row.dimension,
            "team_id": int(row.team_id) or False,
            "categ_id": int(row.categ_id) or False,
            "date": row.month.date(),
        }

    vals = [
        {**series(row), "kind": "actual", "amount": float(row.amount)}
        for row in actual.itertuples()
    ] + [
        {
            **series(row),
            "kind": "forecast",
            "amount": float(row.forecast),
            "lower": float(row.lower),
            "upper": float(row.upper),
            "method": row.method,
        }
        for row in predicted.itertuples()
    ]
    Forecast.create(vals)
    return {**reset, **_backtest(run, sales, end)}
