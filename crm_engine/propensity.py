"""Churn and offer-response propensity models.

Features
--------
For a customer and a cut-off date ``c`` (:data:`BASE_FEATURES`), computed from
the purchase days (refunds netted per day, see :mod:`crm_engine.transactions`)
on or before ``c``:

* ``recency_days`` -- days since the last purchase day;
* ``frequency`` -- number of purchase days;
* ``monetary_total`` / ``monetary_mean`` -- total and mean amount per purchase day;
* ``tenure_days`` -- days since the first purchase day;
* ``trend`` -- ``log1p(amount in (c-90d, c]) - log1p(amount in (c-180d, c-90d])``
  (window length ``trend_days``);
* ``days_between_orders`` -- ``(last - first) / (frequency - 1)``; for a
  single purchase, ``tenure_days``;
* ``complaints`` -- complaints on or before ``c`` (only with a ``complaints``
  frame: ``customer_id, date``);
* ``mailings_received`` / ``mailings_opened`` / ``mailings_clicked`` -- earlier
  mailings (only with a ``mailings`` frame: ``customer_id, sent_date, opened,
  clicked``).

All features come from one vectorised :func:`pandas.merge_asof` per event
type over per-customer cumulative sums, so each row may have its own cut-off
date (needed for the response model) at no extra cost.

External features
-----------------
``extra_features`` (both models): a frame indexed by customer id with one
numeric column per attribute (e.g. market or survey data), appended to the
features under its own column names, so they also appear in the reasons.
Values are static: the same value is used at every cut-off date (the
attribute is assumed to describe the customer, not to follow from the
outcome). A missing value (a customer absent from the frame, or NaN) is
replaced by the column's median over the customers of the frame (0 when the
column is empty), and when any modelled customer lacks a value a 0/1 column
``<name>_missing`` is added, so that the model can tell "median" from
"unknown". A non-numeric column, a duplicate customer id, an infinite value
or a name that clashes with a built-in feature is a ``ValueError``.

Labels and time split
---------------------
*Churn* (:func:`train_churn_model`), with ``h = horizon_days`` and ``E`` the
end of the data: the model is trained on features at ``E - 2h`` with the label
"no purchase day in (E-2h, E-h]", evaluated on features at ``E - h`` with the
label "no purchase day in (E-h, E]", and finally scores every customer on
features at ``E``.

*Response* (:func:`train_response_model`): one example per mailing whose
response window is complete. Features use purchases strictly before the
sent day (and earlier mailings only -- the opened/clicked flags of the mailing
itself are outcomes, not inputs); the label is "a purchase day within
``horizon_days`` days from the sent day". The mailings sent in the last
``holdout_fraction`` of the period form the holdout set. Scores are for a
mailing sent the day after ``E``.

Models and explanations
-----------------------
``model="logistic"`` (default): signed log ``sign(x) * log1p(|x|)``, standard
scaling, L2 logistic regression. The contribution of feature ``j`` to a score
is ``coef_j * z_j`` with ``z_j`` the standardised transformed value, in
log-odds; contributions plus the intercept sum to the score's logit.

``model="gbm"``: :class:`~sklearn.ensemble.HistGradientBoostingClassifier`.
Contribution of feature ``j`` = logit(score) - logit(score with feature ``j``
replaced by its training median) ("occlusion"); these do not sum to the logit.

Each score comes with its ``n_reasons`` largest contributions by absolute
value (``reason_1``, ``reason_1_contribution``, ...; positive = raises the
probability).

Holdout metrics: ROC AUC, Brier score and a reliability table (10 equal-width
bins of predicted probability: mean prediction vs observed rate).

Small data
----------
Training needs at least ``min_examples`` (default 20) examples and
both classes present (at least 2 of each); otherwise
:class:`InsufficientDataError` (a ``ValueError``) explains what is missing.
A holdout set with one class only gets ``metrics.auc = None`` and a note in
``metrics.notes`` (documented fallback, no exception); an empty holdout set
also leaves ``brier`` and ``base_rate`` at ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special
from sklearn.base import ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from .transactions import _resolve_end, _to_datetime, daily_purchases, validate_transactions

__all__ = [
    "BASE_FEATURES",
    "InsufficientDataError",
    "PropensityMetrics",
    "PropensityResult",
    "build_features",
    "reliability_table",
    "train_churn_model",
    "train_response_model",
]

BASE_FEATURES = [
    "recency_days",
    "frequency",
    "monetary_total",
    "monetary_mean",
    "tenure_days",
    "trend",
    "days_between_orders",
]
MAILING_FEATURES = ["mailings_received", "mailings_opened", "mailings_clicked"]
MODELS = ("logistic", "gbm")


class InsufficientDataError(ValueError):
    """Raised when there is not enough (or too uniform) data to train a model."""


@dataclass(frozen=True)
class PropensityMetrics:
    """Holdout evaluation of a propensity model.

    ``auc``, ``brier`` and ``base_rate`` (holdout positive rate) are ``None``
    when they are undefined (see "Small data" in the module docstring).
    """

    n_train: int
    n_test: int
    n_scored: int
    train_positive_rate: float
    auc: float | None = None
    brier: float | None = None
    base_rate: float | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PropensityResult:
    """A trained propensity model, its holdout evaluation and current scores.

    Attributes
    ----------
    model : sklearn classifier
        Fitted on the training window.
    feature_names : list of str
    metrics : PropensityMetrics
    reliability : pandas.DataFrame
        See :func:`reliability_table`.
    scores : pandas.DataFrame
        Indexed by ``customer_id``: ``probability`` and the reason columns.
    dates : dict
        The cut-off dates used (``train_cutoff``, ``test_cutoff``,
        ``score_date`` ...).
    """

    model: ClassifierMixin
    feature_names: list[str]
    metrics: PropensityMetrics
    reliability: pd.DataFrame
    scores: pd.DataFrame
    dates: dict[str, pd.Timestamp] = field(default_factory=dict)


# --------------------------------------------------------------------------- events


def _align_ids(ids: pd.Series, reference: pd.Series, name: str) -> pd.Series:
    """Make customer ids of an auxiliary frame comparable with the transactions'."""
    if ids.dtype == reference.dtype:
        return ids
    if pd.api.types.is_integer_dtype(ids.dtype) and pd.api.types.is_integer_dtype(reference.dtype):
        return ids.astype(reference.dtype)
    if pd.api.types.is_numeric_dtype(ids.dtype) != pd.api.types.is_numeric_dtype(reference.dtype):
        raise ValueError(
            f"customer ids of {name} ({ids.dtype}) and transactions ({reference.dtype}) "
            "have different types; cast them to the same type first"
        )
    return ids.astype(reference.dtype)


def _purchase_events(tx: pd.DataFrame) -> pd.DataFrame:
    daily = daily_purchases(tx)
    ev = daily.loc[daily["purchase"], ["customer_id", "day", "amount"]].reset_index(drop=True)
    g = ev.groupby("customer_id", sort=False)
    ev["cum_n"] = g.cumcount().to_numpy() + 1.0
    ev["cum_amount"] = g["amount"].cumsum().to_numpy()
    ev["first_day"] = g["day"].transform("min").to_numpy()
    return ev.rename(columns={"day": "time"})


def _asof(
    ids: np.ndarray, times: np.ndarray, events: pd.DataFrame, cols: list[str], strict: bool = False
) -> pd.DataFrame:
    """Last event per (id, time) with event time <= time (< time if strict).

    Returns a frame aligned with the queries; NaN where there is no event.
    """
    left = pd.DataFrame({"customer_id": ids, "_t": times, "_row": np.arange(len(ids))})
    left = left.sort_values("_t", kind="stable")
    right = events[["customer_id", "time", *cols]].sort_values("time", kind="stable")
    merged = pd.merge_asof(
        left,
        right,
        left_on="_t",
        right_on="time",
        by="customer_id",
        allow_exact_matches=not strict,
        direction="backward",
    )
    merged = merged.sort_values("_row", kind="stable")
    return merged[[*cols, "time"]].reset_index(drop=True)


def _validate_mailings(
    mailings: pd.DataFrame, reference: pd.Series, customer_id_col: str, sent_date_col: str
) -> pd.DataFrame:
    if not isinstance(mailings, pd.DataFrame):
        raise ValueError("mailings must be a pandas DataFrame")
    for col in (customer_id_col, sent_date_col, "opened", "clicked"):
        if col not in mailings.columns:
            raise ValueError(f"missing column {col!r} in mailings")
    out = pd.DataFrame(
        {
            "customer_id": _align_ids(mailings[customer_id_col], reference, "mailings").to_numpy(),
            "time": _to_datetime(mailings[sent_date_col], sent_date_col).dt.normalize().to_numpy(),
        }
    )
    for col in ("opened", "clicked"):
        raw = mailings[col]
        values = (
            raw.astype("float64")
            if pd.api.types.is_bool_dtype(raw.dtype)
            else pd.to_numeric(raw, errors="coerce").astype("float64")
        )
        if (values.isna() & raw.notna()).any():
            raise ValueError(f"column {col!r} of mailings must be 0/1 or boolean")
        out[col] = values.fillna(0.0).to_numpy() > 0
    out = out.loc[out["customer_id"].notna() & out["time"].notna()].reset_index(drop=True)
    return out


def _mailing_events(ml: pd.DataFrame) -> pd.DataFrame:
    ev = ml.sort_values(["customer_id", "time"], kind="stable").reset_index(drop=True)
    g = ev.groupby("customer_id", sort=False)
    ev["mailings_received"] = g.cumcount().to_numpy() + 1.0
    ev["mailings_opened"] = g["opened"].cumsum().to_numpy().astype("float64")
    ev["mailings_clicked"] = g["clicked"].cumsum().to_numpy().astype("float64")
    # One row per customer and day (the last), so that "strictly before" works per day.
    return ev.drop_duplicates(["customer_id", "time"], keep="last")


def _complaint_events(
    complaints: pd.DataFrame, reference: pd.Series, customer_id_col: str, date_col: str
) -> pd.DataFrame:
    if not isinstance(complaints, pd.DataFrame):
        raise ValueError("complaints must be a pandas DataFrame")
    for col in (customer_id_col, date_col):
        if col not in complaints.columns:
            raise ValueError(f"missing column {col!r} in complaints")
    ev = pd.DataFrame(
        {
            "customer_id": _align_ids(
                complaints[customer_id_col], reference, "complaints"
            ).to_numpy(),
            "time": _to_datetime(complaints[date_col], date_col).dt.normalize().to_numpy(),
        }
    ).dropna()
    ev = ev.sort_values(["customer_id", "time"], kind="stable").reset_index(drop=True)
    ev["complaints"] = ev.groupby("customer_id", sort=False).cumcount().to_numpy() + 1.0
    return ev.drop_duplicates(["customer_id", "time"], keep="last")


def _validate_extra_features(extra: object, reference: pd.Series) -> pd.DataFrame | None:
    """Check ``extra_features`` and return it as float64 columns indexed like the transactions."""
    if extra is None:
        return None
    if not isinstance(extra, pd.DataFrame):
        raise ValueError(
            f"extra_features must be a pandas DataFrame indexed by customer id, "
            f"got {type(extra).__name__}"
        )
    if extra.columns.empty:
        return None
    duplicated = extra.index.duplicated()
    if duplicated.any():
        raise ValueError(
            f"extra_features has {int(duplicated.sum())} duplicate customer id(s) in its index, "
            f"e.g. {extra.index[duplicated][0]!r}; give one row per customer"
        )
    if extra.columns.duplicated().any():
        raise ValueError("extra_features has duplicate column names")
    reserved = set(BASE_FEATURES) | set(MAILING_FEATURES) | {"complaints", "has_purchased"}
    columns = {}
    for name in extra.columns:
        if not isinstance(name, str) or not name:
            raise ValueError(f"extra_features column names must be non-empty strings, got {name!r}")
        if name in reserved or name in {f"{c}_missing" for c in extra.columns}:
            raise ValueError(
                f"extra_features column {name!r} clashes with a built-in feature name; rename it"
            )
        col = extra[name]
        if pd.api.types.is_bool_dtype(col.dtype):
            values = col.astype("float64")
        elif pd.api.types.is_numeric_dtype(col.dtype):
            values = col.astype("float64")
        else:
            raise ValueError(
                f"extra_features column {name!r} must be numeric, got dtype {col.dtype} "
                "(encode categories as numbers first)"
            )
        if np.isinf(values.to_numpy()).any():
            raise ValueError(f"extra_features column {name!r} contains infinite values")
        columns[name] = values.to_numpy()
    index = _align_ids(pd.Series(extra.index), reference, "extra_features")
    return pd.DataFrame(columns, index=pd.Index(index.to_numpy(), name="customer_id"))


def _add_extra_features(feats: pd.DataFrame, ids: np.ndarray, extra: pd.DataFrame | None) -> None:
    """Append the external features of the rows' customers to ``feats`` (in place)."""
    if extra is None:
        return
    rows = extra.reindex(ids)
    for name in extra.columns:
        values = rows[name].to_numpy()
        missing = np.isnan(values)
        median = float(np.nanmedian(extra[name])) if extra[name].notna().any() else 0.0
        feats[name] = np.where(missing, median, values)
        if missing.any():
            feats[f"{name}_missing"] = missing.astype("float64")


def _features_at(
    ids: np.ndarray,
    times: np.ndarray,
    purchases: pd.DataFrame,
    complaints: pd.DataFrame | None,
    mailings: pd.DataFrame | None,
    trend_days: int,
    strict: bool,
) -> pd.DataFrame:
    """Feature matrix for query rows (customer id, cut-off time)."""
    times = pd.DatetimeIndex(times).normalize().to_numpy()
    now = _asof(ids, times, purchases, ["cum_n", "cum_amount", "first_day"], strict)
    window = np.timedelta64(int(trend_days), "D")
    mid = _asof(ids, times - window, purchases, ["cum_amount"], strict)
    old = _asof(ids, times - 2 * window, purchases, ["cum_amount"], strict)
    n = now["cum_n"].fillna(0.0).to_numpy()
    total = now["cum_amount"].fillna(0.0).to_numpy()
    day = np.timedelta64(1, "D")
    recency = (times - now["time"].to_numpy()) / day
    tenure = (times - now["first_day"].to_numpy()) / day
    span = (now["time"].to_numpy() - now["first_day"].to_numpy()) / day
    c_mid = mid["cum_amount"].fillna(0.0).to_numpy()
    c_old = old["cum_amount"].fillna(0.0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        feats = pd.DataFrame(
            {
                "recency_days": recency,
                "frequency": n,
                "monetary_total": total,
                "monetary_mean": np.where(n > 0, total / np.maximum(n, 1), 0.0),
                "tenure_days": tenure,
                "trend": (
                    np.log1p(np.maximum(total - c_mid, 0)) - np.log1p(np.maximum(c_mid - c_old, 0))
                ),
                "days_between_orders": np.where(n > 1, span / np.maximum(n - 1, 1), tenure),
            }
        )
    if complaints is not None:
        feats["complaints"] = (
            _asof(ids, times, complaints, ["complaints"], strict)["complaints"]
            .fillna(0.0)
            .to_numpy()
        )
    if mailings is not None:
        # Earlier mailings only: strictly before the cut-off day.
        m = _asof(ids, times, mailings, MAILING_FEATURES, strict=True)
        for col in MAILING_FEATURES:
            feats[col] = m[col].fillna(0.0).to_numpy()
    return feats


def build_features(
    transactions: pd.DataFrame,
    *,
    observation_end: object = None,
    complaints: pd.DataFrame | None = None,
    mailings: pd.DataFrame | None = None,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
    sent_date_col: str = "sent_date",
    trend_days: int = 90,
) -> pd.DataFrame:
    """Features at ``observation_end`` for every customer who bought on or before it.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Customer, date, amount.
    observation_end : date-like, optional
        Inclusive cut-off day; ``None`` = last transaction date.
    complaints : pandas.DataFrame, optional
        ``customer_id, date`` (same column names as ``transactions``).
    mailings : pandas.DataFrame, optional
        ``customer_id, sent_date, opened, clicked``.
    trend_days : int, default 90
        Window length of the ``trend`` feature.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``; columns :data:`BASE_FEATURES` then
        ``complaints`` and the mailing features when those frames are given.
    """
    _check_int(trend_days, "trend_days", 1)
    tx = validate_transactions(
        transactions,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
    )
    if tx.empty:
        raise InsufficientDataError("no transactions")
    end = _resolve_end(tx["date"], observation_end)
    purchases = _purchase_events(tx)
    comp, mail = _aux_events(tx, complaints, mailings, customer_id_col, datetime_col, sent_date_col)
    ids = purchases.loc[purchases["time"] <= end, "customer_id"].unique()
    feats = _features_at(
        ids,
        np.full(len(ids), end, dtype="datetime64[ns]"),
        purchases,
        comp,
        mail,
        trend_days,
        strict=False,
    )
    feats.index = pd.Index(ids, name="customer_id")
    return feats.sort_index()


def _aux_events(
    tx: pd.DataFrame,
    complaints: pd.DataFrame | None,
    mailings: pd.DataFrame | None,
    customer_id_col: str,
    datetime_col: str,
    sent_date_col: str,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    comp = (
        None
        if complaints is None
        else _complaint_events(complaints, tx["customer_id"], customer_id_col, datetime_col)
    )
    mail = (
        None
        if mailings is None
        else _mailing_events(
            _validate_mailings(mailings, tx["customer_id"], customer_id_col, sent_date_col)
        )
    )
    return comp, mail


# --------------------------------------------------------------------------- models


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _signed_log(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.log1p(np.abs(x))


def _make_model(model: str, random_state: object) -> ClassifierMixin:
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    seed = check_random_state(random_state).randint(2**31 - 1)
    if model == "logistic":
        return Pipeline(
            [
                ("log", FunctionTransformer(_signed_log)),
                ("scale", StandardScaler()),
                ("clf", LogisticRegression(C=1.0, max_iter=2000, random_state=seed)),
            ]
        )
    return HistGradientBoostingClassifier(
        max_iter=150,
        learning_rate=0.08,
        max_leaf_nodes=15,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )


def _contributions(model: ClassifierMixin, x: np.ndarray, medians: np.ndarray) -> np.ndarray:
    if isinstance(model, Pipeline):
        z = model[:-1].transform(x)
        return z * model[-1].coef_[0]
    base = special.logit(np.clip(model.predict_proba(x)[:, 1], 1e-12, 1 - 1e-12))
    out = np.empty_like(x)
    for j in range(x.shape[1]):  # loop over features, vectorised over customers
        occluded = x.copy()
        occluded[:, j] = medians[j]
        p = np.clip(model.predict_proba(occluded)[:, 1], 1e-12, 1 - 1e-12)
        out[:, j] = base - special.logit(p)
    return out


def _explain(
    model: ClassifierMixin, x: np.ndarray, names: list[str], medians: np.ndarray, n_reasons: int
) -> pd.DataFrame:
    contrib = _contributions(model, x, medians)
    k = min(n_reasons, len(names))
    order = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(contrib, order, axis=1)
    name_arr = np.asarray(names, dtype=object)
    out = {}
    for i in range(k):
        out[f"reason_{i + 1}"] = name_arr[order[:, i]]
        out[f"reason_{i + 1}_contribution"] = top[:, i]
    return pd.DataFrame(out)


def reliability_table(y_true: np.ndarray, y_prob: np.ndarray, n_bins: int = 10) -> pd.DataFrame:
    """Calibration table over equal-width probability bins.

    Returns
    -------
    pandas.DataFrame, shape (n_bins, 5)
        ``bin_lower``, ``bin_upper``, ``n``, ``mean_predicted``,
        ``observed_rate`` (NaN for empty bins).
    """
    y_true = np.asarray(y_true, dtype="float64")
    y_prob = np.asarray(y_prob, dtype="float64")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.digitize(y_prob, edges[1:-1], right=False), 0, n_bins - 1)
    n = np.bincount(idx, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_pred = np.bincount(idx, weights=y_prob, minlength=n_bins) / n
        observed = np.bincount(idx, weights=y_true, minlength=n_bins) / n
    return pd.DataFrame(
        {
            "bin_lower": edges[:-1],
            "bin_upper": edges[1:],
            "n": n,
            "mean_predicted": mean_pred,
            "observed_rate": observed,
        }
    )


def _fit_evaluate_score(
    x_train: pd.DataFrame,
    y_train: np.ndarray,
    x_test: pd.DataFrame,
    y_test: np.ndarray,
    x_score: pd.DataFrame,
    score_index: pd.Index,
    model_name: str,
    random_state: object,
    n_reasons: int,
    min_examples: int,
    what: str,
) -> tuple[ClassifierMixin, PropensityMetrics, pd.DataFrame, pd.DataFrame]:
    n_pos = int(y_train.sum())
    n_neg = len(y_train) - n_pos
    if len(y_train) < min_examples:
        raise InsufficientDataError(
            f"only {len(y_train)} training example(s) for the {what} model; "
            f"at least {min_examples} are needed (use a longer history or a shorter horizon)"
        )
    if n_pos < 2 or n_neg < 2:
        raise InsufficientDataError(
            f"the {what} training labels have {n_pos} positive and {n_neg} negative "
            "example(s); both classes need at least 2 (e.g. change the horizon)"
        )
    model = _make_model(model_name, random_state)
    xt = x_train.to_numpy("float64")
    # Small fits are faster single-threaded (OpenMP start-up dominates).
    with threadpool_limits(limits=1 if len(xt) < 50_000 else None):
        model.fit(xt, y_train)
    notes: list[str] = []
    evaluation: dict[str, float] = {}
    if len(y_test):
        p_test = model.predict_proba(x_test.to_numpy("float64"))[:, 1]
        evaluation["base_rate"] = float(np.mean(y_test))
        evaluation["brier"] = float(brier_score_loss(y_test, p_test))
        if len(np.unique(y_test)) == 2:
            evaluation["auc"] = float(roc_auc_score(y_test, p_test))
        else:
            notes.append("holdout has a single class: ROC AUC is undefined")
        reliability = reliability_table(y_test, p_test)
    else:
        notes.append("empty holdout set: no evaluation")
        reliability = reliability_table(np.zeros(0), np.zeros(0))
    metrics = PropensityMetrics(
        n_train=len(y_train),
        n_test=len(y_test),
        n_scored=len(x_score),
        train_positive_rate=float(y_train.mean()),
        notes=tuple(notes),
        **evaluation,
    )
    xs = x_score.to_numpy("float64")
    if len(xs):
        prob = model.predict_proba(xs)[:, 1]
        reasons = _explain(model, xs, list(x_train.columns), np.median(xt, axis=0), n_reasons)
    else:
        prob = np.zeros(0)
        reasons = _explain(
            model,
            np.zeros((0, xt.shape[1])),
            list(x_train.columns),
            np.median(xt, axis=0),
            n_reasons,
        )
    scores = pd.concat([pd.DataFrame({"probability": prob}), reasons], axis=1)
    scores.index = score_index
    return model, metrics, reliability, scores


def train_churn_model(
    transactions: pd.DataFrame,
    *,
    horizon_days: int = 90,
    observation_end: object = None,
    complaints: pd.DataFrame | None = None,
    mailings: pd.DataFrame | None = None,
    extra_features: pd.DataFrame | None = None,
    model: str = "logistic",
    random_state: int | np.random.RandomState | None = None,
    n_reasons: int = 3,
    trend_days: int = 90,
    min_examples: int = 20,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
    sent_date_col: str = "sent_date",
) -> PropensityResult:
    """Train, evaluate and apply a churn model (label 1 = no purchase in the horizon).

    Parameters
    ----------
    transactions : pandas.DataFrame
        Customer, date, amount.
    horizon_days : int, default 90
        Churn = no purchase day within this many days after the cut-off.
    observation_end : date-like, optional
        End of the data ``E``; ``None`` = last transaction date.
    complaints, mailings : pandas.DataFrame, optional
        Extra feature sources (see the module docstring).
    extra_features : pandas.DataFrame, optional
        Numeric per-customer attributes indexed by customer id, used as
        features under their column names (see "External features" in the
        module docstring).
    model : {"logistic", "gbm"}, default "logistic"
    random_state : int, RandomState or None
    n_reasons : int, default 3
        Reasons reported per score.
    trend_days : int, default 90
    min_examples : int, default 20
        Minimum training examples.

    Returns
    -------
    PropensityResult
        ``scores`` holds the churn probability of every customer with a
        purchase on or before ``E``, at ``E``.

    Raises
    ------
    InsufficientDataError
        Too few customers, or a single class in the training window.
    """
    horizon_days = _check_int(horizon_days, "horizon_days", 1)
    _check_int(n_reasons, "n_reasons", 1)
    _check_int(trend_days, "trend_days", 1)
    _check_int(min_examples, "min_examples", 4)
    tx = validate_transactions(
        transactions,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
    )
    if tx.empty:
        raise InsufficientDataError("no transactions")
    end = _resolve_end(tx["date"], observation_end)
    h = pd.Timedelta(days=horizon_days)
    test_cutoff, train_cutoff = end - h, end - 2 * h
    purchases = _purchase_events(tx)
    purchases = purchases.loc[purchases["time"] <= end].reset_index(drop=True)
    comp, mail = _aux_events(tx, complaints, mailings, customer_id_col, datetime_col, sent_date_col)
    extra = _validate_extra_features(extra_features, tx["customer_id"])
    first = purchases.groupby("customer_id", sort=True)["time"].min()

    def rows(cutoff: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
        ids = first.index[first.to_numpy() <= cutoff].to_numpy()
        return ids, np.full(len(ids), cutoff, dtype="datetime64[ns]")

    parts = [rows(train_cutoff), rows(test_cutoff), rows(end)]
    ids = np.concatenate([p[0] for p in parts])
    times = np.concatenate([p[1] for p in parts])
    feats = _features_at(ids, times, purchases, comp, mail, trend_days, strict=False)
    _add_extra_features(feats, ids, extra)
    later = _asof(ids, times + np.timedelta64(horizon_days, "D"), purchases, ["cum_n"])
    churned = (later["cum_n"].fillna(0.0).to_numpy() - feats["frequency"].to_numpy()) <= 0
    n1, n2 = len(parts[0][0]), len(parts[1][0])
    model_, metrics, reliability, scores = _fit_evaluate_score(
        feats.iloc[:n1],
        churned[:n1].astype(int),
        feats.iloc[n1 : n1 + n2],
        churned[n1 : n1 + n2].astype(int),
        feats.iloc[n1 + n2 :],
        pd.Index(parts[2][0], name="customer_id"),
        model,
        random_state,
        n_reasons,
        min_examples,
        "churn",
    )
    return PropensityResult(
        model_,
        list(feats.columns),
        metrics,
        reliability,
        scores.sort_index(),
        {"train_cutoff": train_cutoff, "test_cutoff": test_cutoff, "score_date": end},
    )


def train_response_model(
    transactions: pd.DataFrame,
    mailings: pd.DataFrame,
    *,
    horizon_days: int = 30,
    observation_end: object = None,
    complaints: pd.DataFrame | None = None,
    extra_features: pd.DataFrame | None = None,
    holdout_fraction: float = 0.25,
    model: str = "logistic",
    random_state: int | np.random.RandomState | None = None,
    n_reasons: int = 3,
    trend_days: int = 90,
    min_examples: int = 20,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
    sent_date_col: str = "sent_date",
) -> PropensityResult:
    """Train, evaluate and apply an offer-response model.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Customer, date, amount.
    mailings : pandas.DataFrame
        ``customer_id, sent_date, opened, clicked``: one row per mailing sent.
    horizon_days : int, default 30
        A response is a purchase day within this many days from the sent day.
    observation_end : date-like, optional
        End of the data; ``None`` = the last transaction or mailing date.
    holdout_fraction : float, default 0.25
        Share of the mailing period (the latest sent days) used as holdout.
    Other parameters as in :func:`train_churn_model`.

    Returns
    -------
    PropensityResult
        ``scores``: response probability of every customer who bought or was
        mailed, for a mailing sent the day after ``observation_end``.
        ``feature_names`` add ``has_purchased`` (0/1) to the features, then
        the ``extra_features`` columns.
    """
    horizon_days = _check_int(horizon_days, "horizon_days", 1)
    _check_int(n_reasons, "n_reasons", 1)
    _check_int(trend_days, "trend_days", 1)
    _check_int(min_examples, "min_examples", 4)
    if not 0 < holdout_fraction < 1:
        raise ValueError(f"holdout_fraction must be in (0, 1), got {holdout_fraction!r}")
    tx = validate_transactions(
        transactions,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
    )
    ml = _validate_mailings(mailings, tx["customer_id"], customer_id_col, sent_date_col)
    extra = _validate_extra_features(extra_features, tx["customer_id"])
    if ml.empty:
        raise InsufficientDataError("no mailings")
    all_dates = pd.concat([tx["date"], ml["time"]], ignore_index=True)
    end = _resolve_end(all_dates, observation_end)
    purchases = _purchase_events(tx)
    purchases = purchases.loc[purchases["time"] <= end].reset_index(drop=True)
    comp = (
        None
        if complaints is None
        else _complaint_events(complaints, tx["customer_id"], customer_id_col, datetime_col)
    )
    mail_ev = _mailing_events(ml)
    window = np.timedelta64(horizon_days, "D")
    labelled = ml.loc[ml["time"].to_numpy() + window <= end + pd.Timedelta(days=1)]
    labelled = labelled.sort_values("time", kind="stable").reset_index(drop=True)
    score_day = end + pd.Timedelta(days=1)
    score_ids = pd.Index(
        pd.concat(
            [pd.Series(purchases["customer_id"].unique()), pd.Series(ml["customer_id"].unique())]
        ).unique(),
        name="customer_id",
    ).sort_values()
    ids = np.concatenate([labelled["customer_id"].to_numpy(), score_ids.to_numpy()])
    times = np.concatenate(
        [labelled["time"].to_numpy(), np.full(len(score_ids), score_day, dtype="datetime64[ns]")]
    )
    # Features: purchases strictly before the sent day.
    feats = _features_at(ids, times, purchases, comp, mail_ev, trend_days, strict=True)
    feats["has_purchased"] = (feats["frequency"] > 0).astype("float64")
    for col in ("recency_days", "tenure_days", "days_between_orders"):
        feats[col] = feats[col].fillna(-1.0)
    _add_extra_features(feats, ids, extra)
    nl = len(labelled)
    after = _asof(ids[:nl], times[:nl] + window, purchases, ["cum_n"], strict=True)
    y = (after["cum_n"].fillna(0.0).to_numpy() - feats["frequency"].to_numpy()[:nl]) > 0
    y = y.astype(int)
    if nl:
        days = labelled["time"]
        split = days.min() + (days.max() - days.min()) * (1 - holdout_fraction)
        is_test = (days > split).to_numpy() if days.max() > days.min() else np.zeros(nl, bool)
    else:
        split, is_test = end, np.zeros(0, bool)
    train_idx = np.flatnonzero(~is_test)
    test_idx = np.flatnonzero(is_test)
    model_, metrics, reliability, scores = _fit_evaluate_score(
        feats.iloc[train_idx],
        y[train_idx],
        feats.iloc[test_idx],
        y[test_idx],
        feats.iloc[nl:],
        score_ids,
        model,
        random_state,
        n_reasons,
        min_examples,
        "response",
    )
    return PropensityResult(
        model_,
        list(feats.columns),
        metrics,
        reliability,
        scores,
        {"split_date": pd.Timestamp(split), "score_date": score_day},
    )
