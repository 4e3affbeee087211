"""Tests for crm_engine.clv (BG/NBD and Gamma-Gamma)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_engine.clv import (
    BetaGeoModel,
    GammaGammaModel,
    clv_table,
    customer_lifetime_value,
)
from crm_engine.transactions import summary_from_transactions

DATA = Path(__file__).resolve().parents[1] / "data"

# Fader, Hardie & Lee (2005a, b), CDNOW sample, 39-week calibration period.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@pytest.fixture(scope="module")
def cdnow():
    tx = pd.read_csv(DATA / "cdnow_sample_transactions.csv.gz")
    return summary_from_transactions(tx, observation_end="1997-09-30", freq="W")


@pytest.fixture(scope="module")
def bg(cdnow):
    return BetaGeoModel().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def gg(cdnow):
    return GammaGammaModel().fit(cdnow["frequency"], cdnow["monetary_value"])


def test_bgnbd_matches_published_cdnow(bg):
    for name, value in PUBLISHED_BGNBD.items():
        assert bg.params_[name] == pytest.approx(value, rel=0.01), name
    assert bg.log_likelihood_ == pytest.approx(-9582.4, abs=0.5)
    assert bg.n_customers_ == 2357


def test_gamma_gamma_matches_published_cdnow(gg):
    for name, value in PUBLISHED_GG.items():
        assert gg.params_[name] == pytest.approx(value, rel=0.01), name
    assert gg.n_customers_ == 946


def test_bgnbd_on_hardie_summary_file():
    ref = pd.read_csv(DATA / "cdnow_sample_summary.csv")
    m = BetaGeoModel().fit(ref["x"], ref["t_x"], ref["T"])
    for name, value in PUBLISHED_BGNBD.items():
        assert m.params_[name] == pytest.approx(value, rel=0.01), name


def test_conditional_expectation_published_example(bg):
    # FHL (2005): customer with x=2, t_x=30.43, T=38.86 expects 1.226 purchases in 39 weeks.
    value = bg.expected_purchases(39, [2], [30.43], [38.86])
    assert value[0] == pytest.approx(1.226, abs=0.005)


def test_expected_purchases_properties(bg):
    x = np.array([0, 1, 5, 50, 500])
    t_x = np.array([0, 10, 30, 38, 38.5])
    big_t = np.full(5, 38.86)
    e10 = bg.expected_purchases(10, x, t_x, big_t)
    e39 = bg.expected_purchases(39, x, t_x, big_t)
    assert np.all(np.isfinite(e39))  # no hyp2f1 overflow for heavy buyers
    assert np.all(e39 >= e10) and np.all(e10 > 0)
    assert np.all(np.diff(e39) > 0)  # more purchases, recently -> more expected
    assert np.all(bg.expected_purchases(0, x, t_x, big_t) == 0)
    # Integral check: E over a new customer equals the model's unconditional mean.
    assert bg.expected_purchases_new_customer(39) > 0


def test_probability_alive(bg):
    p = bg.probability_alive([0, 2, 2, 300], [0, 30.43, 2.0, 10.0], [38.86] * 4)
    assert p[0] == 1.0
    assert 0 < p[2] < p[1] < 1
    assert 0 <= p[3] < 1e-6  # many purchases long ago: surely gone, without overflow
    r, alpha, a, b = (bg.params_[k] for k in ("r", "alpha", "a", "b"))
    by_hand = 1 / (1 + a / (b + 2 - 1) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2))
    assert p[1] == pytest.approx(by_hand)


def test_gamma_gamma_expected_profit(gg):
    p, q, g = (gg.params_[k] for k in ("p", "q", "gamma"))
    value = gg.conditional_expected_average_profit([0, 2, 10], [0.0, 20.0, 20.0])
    assert value[0] == pytest.approx(p * g / (q - 1))
    assert value[1] == pytest.approx(p * (g + 2 * 20.0) / (p * 2 + q - 1))
    # More repeat purchases -> shrink less towards the population mean.
    assert abs(value[2] - 20.0) < abs(value[1] - 20.0)


def test_clv_discounting(bg, gg):
    x, t_x, big_t = [2, 0], [30.43, 0.0], [38.86, 38.86]
    value = np.array([20.0, 20.0])
    undiscounted = customer_lifetime_value(
        bg, x, t_x, big_t, value, horizon_months=12, discount_rate=0.0, freq="W"
    )
    purchases = bg.expected_purchases(12 * (365.25 / 12) / 7, x, t_x, big_t)
    np.testing.assert_allclose(undiscounted, value * purchases)
    discounted = customer_lifetime_value(
        bg, x, t_x, big_t, value, horizon_months=12, discount_rate=0.05, freq="W"
    )
    assert np.all(discounted < undiscounted)
    assert np.all(
        customer_lifetime_value(bg, x, t_x, big_t, value, horizon_months=0, freq="W") == 0
    )


def test_weights_equal_repeated_rows():
    x = np.array([0, 1, 3, 0, 2])
    t_x = np.array([0, 5, 20, 0, 10.0])
    big_t = np.array([30, 30, 30, 25, 28.0])
    w = np.array([3, 1, 2, 1, 4])
    a = BetaGeoModel().fit(x, t_x, big_t, weights=w).params_
    b = BetaGeoModel().fit(np.repeat(x, w), np.repeat(t_x, w), np.repeat(big_t, w)).params_
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=1e-4)


def test_recovers_simulated_parameters():
    rng = np.random.default_rng(0)
    n, big_t = 20000, 52.0
    r, alpha, a, b = 0.5, 8.0, 0.8, 3.0
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    t = rng.exponential(1 / lam)  # time of first repeat purchase
    alive = t < big_t
    # Simulate the BG/NBD process vectorised over customers, looping over purchases.
    while alive.any():
        x[alive] += 1
        t_x[alive] = t[alive]
        dies = rng.random(n) < p
        alive &= ~dies
        t = np.where(alive, t + rng.exponential(1 / lam), t)
        alive &= t < big_t
    m = BetaGeoModel().fit(x, t_x, np.full(n, big_t))
    assert m.params_["r"] == pytest.approx(r, rel=0.15)
    assert m.params_["alpha"] == pytest.approx(alpha, rel=0.2)
    assert m.params_["a"] == pytest.approx(a, rel=0.25)
    assert m.params_["b"] == pytest.approx(b, rel=0.3)


def test_clv_table_on_cdnow():
    tx = pd.read_csv(DATA / "cdnow_sample_transactions.csv.gz")
    res = clv_table(
        tx, observation_end="1997-09-30", horizon_months=12, discount_rate=0.01, freq="W"
    )
    out = res.table
    assert len(out) == 2357
    assert out["clv"].notna().all() and (out["clv"] >= 0).all()
    assert res.bgnbd_params["r"] == pytest.approx(0.243, rel=0.01)
    # The best customer by CLV bought more than average.
    assert out["frequency"].loc[out["clv"].idxmax()] > out["frequency"].mean()


def test_invalid_input():
    with pytest.raises(ValueError, match="no customer has a repeat purchase"):
        BetaGeoModel().fit([0, 0], [0, 0], [5, 5])
    with pytest.raises(ValueError, match="recency must not exceed T"):
        BetaGeoModel().fit([1], [6], [5])
    with pytest.raises(ValueError, match="NaN"):
        BetaGeoModel().fit([1, np.nan], [1, 1], [5, 5])
    with pytest.raises(ValueError, match="not fitted"):
        BetaGeoModel().probability_alive([1], [1], [2])
    with pytest.raises(ValueError, match="at least 2 customers"):
        GammaGammaModel().fit([0, 1], [0, 10])
    with pytest.raises(ValueError, match="discount_rate"):
        customer_lifetime_value(BetaGeoModel(), [1], [1], [2], [1], discount_rate=-2)


def test_degenerate_and_singular_parameters_stay_finite():
    x = np.array([0, 2, 5, 50.0])
    t_x = np.array([0, 30.43, 20, 38.0])
    big_t = np.full(4, 38.86)
    m = BetaGeoModel()
    m.params_ = dict(PUBLISHED_BGNBD)
    closed_form = m.expected_purchases(39, x, t_x, big_t)
    by_quadrature = m._expected_by_quadrature(39, x, big_t) * m.probability_alive(x, t_x, big_t)
    np.testing.assert_allclose(closed_form, by_quadrature, rtol=1e-4)
    # a, b -> infinity (no dropout heterogeneity): hyp2f1 overflows, the fallback does not.
    m.params_ = {"r": 2.9, "alpha": 17.0, "a": 5.4e7, "b": 9.7e8}
    with np.errstate(all="raise"):
        values = m.expected_purchases(52, x, t_x, big_t)
    assert np.all(np.isfinite(values)) and np.all(values > 0)
    # a == 1 is a removable singularity: continuous in a.
    m.params_ = {**PUBLISHED_BGNBD, "a": 1.0}
    at_one = m.expected_purchases(39, x, t_x, big_t)
    m.params_ = {**PUBLISHED_BGNBD, "a": 1.001}
    np.testing.assert_allclose(at_one, m.expected_purchases(39, x, t_x, big_t), rtol=2e-3)


def test_degenerate_fit_falls_back_to_finite_scores():
    """Almost no repeat purchase and zero amounts: the BG/NBD fit cannot be evaluated,
    every score still comes out finite (found by hypothesis)."""
    import numpy as np
    import pandas as pd

    from crm_engine.clv import clv_table

    df = pd.DataFrame(
        {
            "customer_id": [0, 0, 1, 2, 2, 3, 3, 4, 4, 5],
            "date": pd.to_datetime(
                [
                    "2022-04-04",
                    "2026-04-09",
                    "2024-01-22",
                    "2023-01-24",
                    "2023-01-29",
                    "2022-02-20",
                    "2026-01-07",
                    "2022-01-18",
                    "2024-09-29",
                    "2022-02-10",
                ]
            ),
            "amount": [0.0, -7.129667e-141, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0],
        }
    )
    out = clv_table(df, horizon_months=3, discount_rate=0.01, freq="D").table
    for column in ("p_alive", "expected_purchases", "clv"):
        assert np.isfinite(out[column]).all(), column
    assert out["p_alive"].between(0, 1).all()


# --------------------------------------------------------------------- analytic gradients


def _central_diff(f, x0, h=1e-5):
    out = np.empty_like(x0)
    for i in range(len(x0)):
        e = np.zeros_like(x0)
        e[i] = h
        out[i] = (f(x0 + e) - f(x0 - e)) / (2 * h)
    return out


def _bg_arrays(cdnow):
    return (
        cdnow["frequency"].to_numpy("float64"),
        cdnow["recency"].to_numpy(),
        cdnow["T"].to_numpy(),
        np.ones(len(cdnow)),
    )


@pytest.mark.parametrize(
    "params",
    [
        [0.243, 4.414, 0.793, 2.426],  # the optimum
        [1.0, 1.0, 1.0, 1.0],  # the start of the fit
        [0.05, 40.0, 3.0, 0.2],
        [2.9, 17.0, 1.0e3, 2.0e4],  # towards the degenerate corner
    ],
)
def test_bgnbd_gradient_matches_finite_differences(cdnow, params):
    from scipy.optimize import approx_fprime, check_grad

    from crm_engine.clv import _bgnbd_nll_and_grad

    x, t_x, big_t, w = _bg_arrays(cdnow)
    lp0 = np.log(params)

    def ll(lp):
        return _bgnbd_nll_and_grad(lp, x, t_x, big_t, w)[0]

    def grad(lp):  # d ll / d log-parameter
        return _bgnbd_nll_and_grad(lp, x, t_x, big_t, w)[1] * np.exp(lp)

    # The value is the textbook log-likelihood (reference implementation, per row).
    assert ll(lp0) == pytest.approx(
        float(BetaGeoModel._loglik(lp0, x, t_x, big_t).sum()), rel=1e-12
    )
    analytic = grad(lp0)
    # Central differences: truncation error ~h**2, far below the tolerance.
    np.testing.assert_allclose(analytic, _central_diff(ll, lp0), rtol=1e-6, atol=1e-4)
    # scipy's forward differences agree to their own (first-order) accuracy.
    np.testing.assert_allclose(analytic, approx_fprime(lp0, ll, 1e-7), rtol=1e-3, atol=1e-2)
    assert check_grad(ll, grad, lp0, epsilon=1e-7) <= 1e-3 * max(10.0, np.linalg.norm(analytic))


@pytest.mark.parametrize("params", [[6.25, 3.74, 15.44], [1.0, 1.0, 1.0], [0.3, 40.0, 500.0]])
def test_gamma_gamma_gradient_matches_finite_differences(cdnow, params):
    from scipy.optimize import approx_fprime, check_grad

    from crm_engine.clv import _gamma_gamma_nll_and_grad

    keep = cdnow["frequency"] > 0
    x = cdnow.loc[keep, "frequency"].to_numpy("float64")
    m = cdnow.loc[keep, "monetary_value"].to_numpy()
    w = np.ones(len(x))
    lp0 = np.log(params)

    def ll(lp):
        return _gamma_gamma_nll_and_grad(lp, x, m, w)[0]

    def grad(lp):
        return _gamma_gamma_nll_and_grad(lp, x, m, w)[1] * np.exp(lp)

    assert ll(lp0) == pytest.approx(float(GammaGammaModel._loglik(lp0, x, m).sum()), rel=1e-12)
    analytic = grad(lp0)
    np.testing.assert_allclose(analytic, _central_diff(ll, lp0), rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(analytic, approx_fprime(lp0, ll, 1e-7), rtol=1e-3, atol=1e-2)
    assert check_grad(ll, grad, lp0, epsilon=1e-7) <= 1e-3 * max(10.0, np.linalg.norm(analytic))


def test_fits_use_the_analytic_gradient(cdnow, monkeypatch):
    """L-BFGS-B gets jac=True: one likelihood evaluation per step, no finite differences."""
    from scipy import optimize

    import crm_engine.clv as clv

    calls = []
    original = optimize.minimize

    def spy(fun, x0, **kwargs):
        res = original(fun, x0, **kwargs)
        calls.append((kwargs.get("method"), kwargs.get("jac"), res.nfev, res.nit))
        return res

    monkeypatch.setattr(clv.optimize, "minimize", spy)
    bg = BetaGeoModel().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    gg = GammaGammaModel().fit(cdnow["frequency"], cdnow["monetary_value"])
    assert bg.params_["r"] == pytest.approx(PUBLISHED_BGNBD["r"], rel=0.01)
    assert gg.params_["p"] == pytest.approx(PUBLISHED_GG["p"], rel=0.01)
    lbfgs = [c for c in calls if c[0] == "L-BFGS-B"]
    assert len(lbfgs) == 2 and all(jac is True for _, jac, _, _ in lbfgs)
    # Numerical gradients would need (1 + number of parameters) evaluations per iteration.
    assert all(nfev < 2 * (nit + 1) for _, _, nfev, nit in lbfgs)


def test_unique_rows_matches_numpy_unique():
    from crm_engine.clv import _unique_rows

    rng = np.random.default_rng(0)
    for n in (1, 7, 5000):
        cols = [
            rng.integers(0, 4, n).astype(float),
            rng.integers(0, 5, n) / 7.0,
            np.where(rng.random(n) < 0.5, 0.0, -0.0),  # -0.0 and 0.0 are one value
        ]
        (a, b, c), inverse = _unique_rows(*cols)
        ref, ref_inverse = np.unique(np.column_stack(cols), axis=0, return_inverse=True)
        np.testing.assert_array_equal(np.column_stack([a, b, c]), ref)
        np.testing.assert_array_equal(inverse, ref_inverse.ravel())
        np.testing.assert_array_equal(np.column_stack([a, b, c])[inverse], np.column_stack(cols))
