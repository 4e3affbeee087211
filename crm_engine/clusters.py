"""Behavioural customer clusters with k-means.

Pipeline
--------
1. Features per customer (:func:`customer_features`): ``recency_days``,
   ``n_purchases`` (purchase days), ``avg_amount`` (net total / purchase
   days), ``tenure_days`` (days since the first purchase), or any numeric
   frame passed to :func:`cluster_features`.
2. Skewed features (sample skewness > 1, all values >= 0) are replaced by
   ``log1p``; then every feature is standardised (zero mean, unit variance).
3. ``k`` is chosen in ``k_range`` by the silhouette score. Both the search
   and the silhouette run on a random sample of at most ``sample_size``
   customers, so the choice costs the same at 10,000 and at 1,000,000
   customers.
4. The final model is fitted on all customers: :class:`~sklearn.cluster.KMeans`
   up to ``minibatch_threshold`` customers, :class:`~sklearn.cluster.MiniBatchKMeans`
   above. Clusters are renumbered by decreasing size, so labels do not
   depend on the solver's arbitrary order.
5. Each cluster is described in words from its centroid in standardised
   units: a feature more than ``0.5`` standard deviations above (below) the
   overall mean is "high" ("low"), e.g. ``"high spend, frequent, recent"``.

All randomness goes through ``random_state``
(:func:`sklearn.utils.check_random_state`).

Fallback: with fewer than 3 distinct customers no clustering is possible;
every customer is then put in cluster 0, described as ``"all customers"``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import silhouette_score
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from .transactions import summary_from_transactions

__all__ = [
    "FEATURE_WORDS",
    "ClusterResult",
    "cluster_customers",
    "cluster_features",
    "customer_features",
]

#: Words used to describe a cluster: feature -> (word if high, word if low).
FEATURE_WORDS: dict[str, tuple[str, str]] = {
    "avg_amount": ("high spend", "low spend"),
    "n_purchases": ("frequent", "infrequent"),
    "recency_days": ("lapsed", "recent"),
    "tenure_days": ("long-standing", "new"),
}

_THRESHOLD = 0.5


@dataclass(frozen=True)
class ClusterResult:
    """Outcome of a clustering.

    Attributes
    ----------
    labels : pandas.Series
        Cluster number (int) per customer, same index as the features.
    descriptions : pandas.DataFrame
        One row per cluster: ``size``, ``share``, the mean of every original
        feature, the standardised centroid (``z_<feature>``) and
        ``description``.
    k : int
        Number of clusters.
    silhouette : dict
        ``{k: silhouette score}`` for every k tried (sampled).
    transformed : tuple of str
        Features that were log-transformed.
    """

    labels: pd.Series
    descriptions: pd.DataFrame
    k: int
    silhouette: dict[int, float] = field(default_factory=dict)
    transformed: tuple[str, ...] = ()


def customer_features(
    transactions: pd.DataFrame,
    *,
    observation_end: object = None,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
) -> pd.DataFrame:
    """Behavioural features per customer from transactions.

    Parameters as in :func:`crm_engine.rfm.rfm_table`.

    Returns
    -------
    pandas.DataFrame, shape (n_customers, 4)
        Indexed by ``customer_id``: ``recency_days``, ``n_purchases``,
        ``avg_amount``, ``tenure_days`` (all float).
    """
    s = summary_from_transactions(
        transactions,
        observation_end=observation_end,
        freq="D",
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
    )
    n = s["frequency"].astype("float64") + 1.0
    return pd.DataFrame(
        {
            "recency_days": s["T"] - s["recency"],
            "n_purchases": n,
            "avg_amount": s["total_amount"] / n,
            "tenure_days": s["T"].astype("float64"),
        },
        index=s.index,
    )


def _describe(z: np.ndarray, names: Sequence[str]) -> str:
    words = []
    order = np.argsort(-np.abs(z), kind="stable")
    for j in order:
        if abs(z[j]) <= _THRESHOLD:
            continue
        name = names[j]
        high, low = FEATURE_WORDS.get(name, (f"high {name}", f"low {name}"))
        words.append(high if z[j] > 0 else low)
    return ", ".join(words) if words else "average"


def _search_k(
    zs: np.ndarray, k_min: int, k_max: int, rng: np.random.RandomState, silhouette_size: int
) -> dict[int, float]:
    """Silhouette score of k-means on the sample ``zs`` for each feasible k."""
    n_distinct = len(np.unique(zs, axis=0)) if len(zs) else 0
    scores: dict[int, float] = {}
    if n_distinct < 3:
        return scores
    for k in range(k_min, min(k_max, n_distinct - 1, len(zs) - 1) + 1):
        km = KMeans(n_clusters=k, n_init=4, random_state=rng.randint(2**31 - 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels = km.fit_predict(zs)
        if len(np.unique(labels)) < 2:
            continue
        scores[k] = float(
            silhouette_score(
                zs,
                labels,
                sample_size=min(len(zs), silhouette_size),
                random_state=rng.randint(2**31 - 1),
            )
        )
    return scores


def _final_fit(
    z: np.ndarray, scores: dict[int, float], rng: np.random.RandomState, minibatch_threshold: int
) -> tuple[np.ndarray, int]:
    """Fit the chosen k on all rows; labels renumbered by decreasing size."""
    n = len(z)
    if not scores:
        return np.zeros(n, dtype=np.int64), 1
    k = max(scores, key=lambda key: (scores[key], -key))
    seed = rng.randint(2**31 - 1)
    if n > minibatch_threshold:
        model = MiniBatchKMeans(n_clusters=k, n_init=3, batch_size=4096, random_state=seed)
    else:
        model = KMeans(n_clusters=k, n_init=4, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        raw = model.fit_predict(z)
    counts = np.bincount(raw, minlength=k)
    present = np.flatnonzero(counts)
    order = present[np.lexsort((model.cluster_centers_[present, 0], -counts[present]))]
    mapping = np.full(k, -1, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    return mapping[raw], len(order)


def cluster_features(
    features: pd.DataFrame,
    *,
    k_range: tuple[int, int] = (2, 8),
    random_state: int | np.random.RandomState | None = None,
    sample_size: int = 10_000,
    minibatch_threshold: int = 100_000,
    silhouette_size: int = 2_000,
    log_transform: bool | Sequence[str] = True,
) -> ClusterResult:
    """Cluster the rows of a numeric feature frame with k-means.

    Parameters
    ----------
    features : pandas.DataFrame, shape (n_customers, n_features)
        Numeric features, no NaN; the index identifies customers.
    k_range : (int, int), default (2, 8)
        Smallest and largest k tried (inclusive).
    random_state : int, RandomState or None
        Seed for sampling and k-means.
    sample_size : int, default 10000
        Customers (random sample) on which k-means is run for each k.
    silhouette_size : int, default 2000
        Customers of that sample on which each silhouette is computed (its
        cost is quadratic in this number).
    minibatch_threshold : int, default 100000
        Above this many customers the final fit uses MiniBatchKMeans.
    log_transform : bool or list of str, default True
        True: ``log1p`` every non-negative feature with skewness > 1;
        False: none; a list: exactly those features.

    Returns
    -------
    ClusterResult
    """
    if not isinstance(features, pd.DataFrame):
        raise ValueError("features must be a pandas DataFrame")
    k_min, k_max = (int(v) for v in k_range)
    if k_min < 2 or k_max < k_min:
        raise ValueError(f"k_range must satisfy 2 <= k_min <= k_max, got {k_range!r}")
    if sample_size < 10 or silhouette_size < 10 or minibatch_threshold < 1:
        raise ValueError(
            "sample_size and silhouette_size must be >= 10 and minibatch_threshold >= 1"
        )
    if features.shape[1] == 0:
        raise ValueError("features has no columns")
    non_numeric = [
        c
        for c in features.columns
        if not pd.api.types.is_numeric_dtype(features[c].dtype)
        or pd.api.types.is_bool_dtype(features[c].dtype)
    ]
    if non_numeric:
        raise ValueError(f"feature column(s) {non_numeric} are not numeric")
    values = features.to_numpy("float64", copy=True)
    if not np.all(np.isfinite(values)):
        bad = features.columns[~np.all(np.isfinite(values), axis=0)].tolist()
        raise ValueError(f"feature column(s) {bad} contain NaN or infinite values")
    names = [str(c) for c in features.columns]
    rng = check_random_state(random_state)
    n = len(values)

    if log_transform is True:
        skew = np.zeros(len(names))
        if n > 2:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                skew = np.nan_to_num(stats.skew(values, axis=0), nan=0.0)
        logged = [names[j] for j in range(len(names)) if skew[j] > 1 and values[:, j].min() >= 0]
    elif log_transform is False:
        logged = []
    else:
        logged = [str(c) for c in log_transform]
        unknown = set(logged) - set(names)
        if unknown:
            raise ValueError(f"log_transform names unknown feature(s) {sorted(unknown)}")
        negative = [c for c in logged if n and values[:, names.index(c)].min() < 0]
        if negative:
            raise ValueError(f"cannot log-transform negative feature(s) {negative}")
    x = values.copy()
    for name in logged:
        j = names.index(name)
        x[:, j] = np.log1p(x[:, j])
    mean = x.mean(axis=0) if n else np.zeros(x.shape[1])
    std = x.std(axis=0) if n else np.ones(x.shape[1])
    std[std == 0] = 1.0
    z = (x - mean) / std

    if n > sample_size:
        zs = z[np.sort(rng.choice(n, size=sample_size, replace=False))]
    else:
        zs = z
    # Small problems run faster on one thread (OpenMP start-up dominates).
    with threadpool_limits(limits=1):
        scores = _search_k(zs, k_min, k_max, rng, silhouette_size)
    with threadpool_limits(limits=1 if n <= 20_000 else None):
        labels, k = _final_fit(z, scores, rng, minibatch_threshold)

    labels_s = pd.Series(labels, index=features.index, name="cluster")
    counts = np.bincount(labels, minlength=k) if n else np.zeros(k, dtype=np.int64)
    sums = np.zeros((k, len(names)))
    zsums = np.zeros((k, len(names)))
    if n:
        np.add.at(sums, labels, values)
        np.add.at(zsums, labels, z)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, None]
        zmeans = zsums / counts[:, None]
    desc = pd.DataFrame(means, columns=names)
    for j, name in enumerate(names):
        desc[f"z_{name}"] = zmeans[:, j]
    desc.insert(0, "share", counts / max(n, 1))
    desc.insert(0, "size", counts)
    desc["description"] = (
        [_describe(zmeans[i], names) for i in range(k)] if scores else ["all customers"] * k
    )
    desc.index.name = "cluster"
    return ClusterResult(labels_s, desc, k, scores, tuple(logged))


def cluster_customers(
    transactions: pd.DataFrame,
    *,
    observation_end: object = None,
    k_range: tuple[int, int] = (2, 8),
    random_state: int | np.random.RandomState | None = None,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str = "amount",
    sample_size: int = 10_000,
    minibatch_threshold: int = 100_000,
) -> ClusterResult:
    """Cluster customers from their transactions.

    Builds :func:`customer_features` and passes them to
    :func:`cluster_features`; see there for the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> tx = pd.DataFrame({"customer_id": rng.integers(0, 200, 1000),
    ...     "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, 1000), "D"),
    ...     "amount": rng.gamma(2, 20, 1000)})
    >>> res = cluster_customers(tx, random_state=0)
    >>> bool(len(res.labels) == res.descriptions["size"].sum())
    True
    """
    feats = customer_features(
        transactions,
        observation_end=observation_end,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
    )
    return cluster_features(
        feats,
        k_range=k_range,
        random_state=random_state,
        sample_size=sample_size,
        minibatch_threshold=minibatch_threshold,
    )
