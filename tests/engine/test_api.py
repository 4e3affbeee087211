"""The analytics functions share one calling convention (see ``crm_engine``'s docstring)."""

import inspect

import pytest

from crm_engine import clusters, clv, forecast, propensity, rfm, transactions

FUNCTIONS = [
    transactions.validate_transactions,
    transactions.summary_from_transactions,
    rfm.rfm_table,
    clusters.customer_features,
    clusters.cluster_customers,
    clusters.cluster_features,
    clv.clv_table,
    propensity.build_features,
    propensity.train_churn_model,
    propensity.train_response_model,
    forecast.monthly_sales,
    forecast.forecast_sales,
    forecast.backtest,
]
# The frames a function works on: its only positional parameters.
DATA = {"transactions", "mailings", "features"}
# Spellings replaced by the common ones.
RETIRED = {
    "df",
    "date_col",
    "amount_col",
    "last_month",
    "cutoff",
    "horizon",
    "holdout",
    "response_days",
    "time",
}


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_data_positional_options_keyword_only(function):
    params = inspect.signature(function).parameters.values()
    positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional and set(positional) <= DATA, positional
    assert all(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params)
    assert not {p.name for p in params} & RETIRED


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_column_and_end_names(function):
    names = set(inspect.signature(function).parameters)
    if "transactions" in names:
        assert {"datetime_col", "monetary_value_col"} <= names
        assert "observation_end" in names or function is transactions.validate_transactions
    if "random_state" in names:
        assert inspect.signature(function).parameters["random_state"].default is None


def test_customer_lifetime_value_options_keyword_only():
    params = inspect.signature(clv.customer_lifetime_value).parameters
    assert params["horizon_months"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["discount_rate"].kind is inspect.Parameter.KEYWORD_ONLY
