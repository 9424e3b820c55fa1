"""Forecast quantiles of the classical models: statsmodels' own distributions (issue 16, item 2).

The hook ``_predict_quantiles(steps, X, quantiles)`` is tested directly (the public
``predict_quantiles`` of the base calls it): exact agreement with statsmodels' intervals on the
model's own scale, the affine map back, columns, exogenous rows, constants, and coverage of the
80% and 95% bands over rolling origins on real series.
"""

import warnings

import numpy as np
import pytest
from scipy.stats import norm

from tsforecast import ARIMAForecaster, ETSForecaster, ThetaForecaster
from tsforecast.datasets import load_etth1, load_ili

Q = np.array([0.025, 0.1, 0.5, 0.9, 0.975])


def _quantiles(model, h, X=None, quantiles=Q):
    X = np.empty((h, 0)) if X is None else X
    return model._predict_quantiles(np.arange(1, h + 1), X, quantiles)


def _series(n=120, m=12, level=10.0, noise=0.5, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 3 * np.sin(2 * np.pi * t / m) + 0.02 * t + noise * rng.normal(size=n)


def _to_y_scale(model, z, j=0):
    return model.y_offset_[j] + model.y_scale_[j] * np.asarray(z)


# -- exact agreement with statsmodels -------------------------------------------------------------


def test_arima_quantiles_are_sarimax_analytic_intervals():
    y = _series()
    model = ARIMAForecaster(order=(1, 0, 1), seasonal_order=(1, 0, 0), seasonal_period=12).fit(None, y)
    q = _quantiles(model, 10)[:, 0, :]
    band = np.asarray(model.models_[0].get_forecast(10).conf_int(alpha=0.05))
    np.testing.assert_allclose(q[:, [0, 4]], _to_y_scale(model, band), rtol=1e-12)
    np.testing.assert_allclose(q[:, 2], model.predict(np.empty((10, 0))), rtol=1e-12)


def test_arima_quantiles_use_the_exogenous_rows():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(130, 1))
    y = 3 * X[:, 0] + np.cumsum(0.2 * rng.normal(size=130))
    model = ARIMAForecaster(order=(1, 1, 0)).fit(X[:100], y[:100])
    q = _quantiles(model, 30, X[100:])[:, 0, :]
    np.testing.assert_allclose(q[:, 2], model.predict(X[100:]), rtol=1e-12)
    z = model.models_[0].get_forecast(30, exog=X[100:]).conf_int(alpha=0.2)
    np.testing.assert_allclose(q[:, [1, 3]], _to_y_scale(model, np.asarray(z)), rtol=1e-12)
    shifted = _quantiles(model, 30, X[100:] + 1.0)[:, 0, :]
    np.testing.assert_allclose(shifted - q, 3.0, atol=0.3)  # the regressor moves the whole band


def test_ets_linear_model_quantiles_are_statsmodels_exact_intervals():
    y = _series()
    model = ETSForecaster(error="add", trend="add", damped_trend=True, seasonal="add", seasonal_period=12)
    q = _quantiles(model.fit(None, y), 12)[:, 0, :]
    res = model.models_[0]
    pred = res.get_prediction(start=res.model.nobs, end=res.model.nobs + 11)
    assert pred.method == "exact"
    np.testing.assert_allclose(q[:, [0, 4]], _to_y_scale(model, pred.pred_int(alpha=0.05)), rtol=1e-12)
    np.testing.assert_allclose(q[:, 2], model.predict(np.empty((12, 0))), rtol=1e-12)


def test_ets_multiplicative_quantiles_are_statsmodels_simulated_intervals_and_reproducible():
    y = _series()
    model = ETSForecaster(error="mul", trend=None, seasonal="mul", seasonal_period=12).fit(None, y)
    q = _quantiles(model, 12)[:, 0, :]
    res = model.models_[0]
    pred = res.get_prediction(start=res.model.nobs, end=res.model.nobs + 11, rng=np.random.default_rng(0))
    assert pred.method == "simulated"
    np.testing.assert_allclose(q[:, [0, 4]], _to_y_scale(model, pred.pred_int(alpha=0.05)), rtol=1e-12)
    np.testing.assert_array_equal(_quantiles(model, 12)[:, 0, :], q)  # seeded: same band every call
    assert (np.diff(q, axis=1) >= 0).all()


def test_theta_quantiles_are_statsmodels_prediction_intervals():
    y = _series()
    model = ThetaForecaster(seasonal_period=12).fit(None, y)
    q = _quantiles(model, 12)[:, 0, :]
    band = model.models_[0].prediction_intervals(12, theta=2.0, alpha=0.05)
    np.testing.assert_allclose(q[:, [0, 4]], _to_y_scale(model, band.to_numpy()), rtol=1e-10)
    np.testing.assert_allclose(q[:, 2], model.predict(np.empty((12, 0))), rtol=1e-12)


def test_theta_update_keeps_the_fitted_variance():
    y = _series(n=132)
    model = ThetaForecaster(seasonal_period=12).fit(None, y[:120])
    width = np.diff(_quantiles(model, 3, quantiles=np.array([0.1, 0.9])), axis=-1)
    model.update(None, y[120:])
    np.testing.assert_allclose(np.diff(_quantiles(model, 3, quantiles=np.array([0.1, 0.9])), axis=-1), width)


# -- the contract around the hook -----------------------------------------------------------------


@pytest.mark.parametrize(
    "est",
    [
        ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=12),
        ETSForecaster(error="mul", trend=None, seasonal="mul", seasonal_period=12),
        ARIMAForecaster(order=(1, 0, 0), seasonal_order=(1, 0, 0), seasonal_period=12),
        ThetaForecaster(seasonal_period=12),
    ],
    ids=repr,
)
def test_quantiles_are_scale_equivariant_per_column_and_ordered(est):
    y = _series()
    both = np.column_stack([1e-9 * y, 1e9 * _series(seed=1)])
    q = _quantiles(est.fit(None, both), 6)
    assert q.shape == (6, 2, len(Q)) and (np.diff(q, axis=-1) > 0).all()
    alone = _quantiles(est.fit(None, y), 6)[:, 0, :]
    step = np.abs(np.diff(y)).mean()
    np.testing.assert_allclose(q[:, 0, :] / 1e-9, alone, rtol=0, atol=0.05 * step)
    second = _quantiles(est.fit(None, 1e9 * _series(seed=1)), 6)[:, 0, :]
    np.testing.assert_allclose(q[:, 1, :], second, rtol=1e-9)


def test_quantiles_of_gapped_steps_are_the_requested_rows():
    y = _series()
    model = ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=12).fit(None, y)
    full = _quantiles(model, 9)
    gapped = model._predict_quantiles(np.array([4, 9]), np.empty((2, 0)), Q)
    np.testing.assert_array_equal(gapped, full[[3, 8]])


def test_constant_column_gets_a_zero_width_band_at_its_value():
    y = np.column_stack([np.full(40, 5.0), _series(n=40)])
    model = ThetaForecaster().fit(None, y)
    q = _quantiles(model, 4)
    np.testing.assert_array_equal(q[:, 0, :], 5.0)
    assert (np.diff(q[:, 1, :], axis=-1) > 0).all()


def test_bands_widen_with_the_horizon_for_a_random_walk():
    y = np.cumsum(np.random.default_rng(4).normal(size=200))
    model = ARIMAForecaster(order=(0, 1, 0)).fit(None, y)
    q = _quantiles(model, 16, quantiles=np.array([0.1, 0.9]))[:, 0, :]
    width = q[:, 1] - q[:, 0]
    # a random walk's h-step standard deviation is sigma * sqrt(h)
    np.testing.assert_allclose(width / width[0], np.sqrt(np.arange(1, 17)), rtol=1e-6)
    np.testing.assert_allclose(width[0], 2 * norm.ppf(0.9) * np.diff(y).std(), rtol=0.05)


# -- coverage on real data ------------------------------------------------------------------------


def _coverage(make, values, window, horizon, origins):
    inside80, inside95 = [], []
    for origin in origins:
        train = values[max(0, origin - window) if window else 0 : origin]
        truth = values[origin : origin + horizon]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = _quantiles(make().fit(None, train), horizon)[:, 0, :]
        inside80.append((q[:, 1] <= truth) & (truth <= q[:, 3]))
        inside95.append((q[:, 0] <= truth) & (truth <= q[:, 4]))
    return np.concatenate(inside80).mean(), np.concatenate(inside95).mean()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=24),
            marks=pytest.mark.slow,  # 12 fits of 24 initial seasonal states: about 15 s
            id="ETS(A,N,A)",
        ),
        pytest.param(lambda: ThetaForecaster(seasonal_period=24), id="Theta"),
    ],
)
def test_bands_cover_etth1_oil_temperature(make):
    """12 weekly origins x 24 hours ahead on 720-hour windows (benchmarks/classical_intervals.py
    reports 40 origins): the bands must cover roughly what they promise."""
    values = load_etth1()["OT"].to_numpy()[:14400]
    origins = [14400 - 24 - 168 * k for k in range(12)]
    cov80, cov95 = _coverage(make, values, 720, 24, origins)
    assert 0.6 <= cov80 <= 0.97 and 0.8 <= cov95 <= 1.0, (cov80, cov95)


def test_bands_cover_weekly_ili():
    values = load_ili()["% WEIGHTED ILI"].to_numpy()
    origins = [len(values) - 26 - 8 * k for k in range(15)]
    cov80, cov95 = _coverage(lambda: ThetaForecaster(seasonal_period=52), values, None, 26, origins)
    assert 0.6 <= cov80 <= 0.97 and 0.8 <= cov95 <= 1.0, (cov80, cov95)


@pytest.mark.parametrize(
    "est",
    [
        ETSForecaster(seasonal_period=12),
        ARIMAForecaster(order=(1, 0, 0)),
        ThetaForecaster(seasonal_period=12),
    ],
    ids=repr,
)
def test_public_interval_api_serves_the_statsmodels_bands(est):
    y = _series()
    est.fit(None, y)
    lower, upper = est.predict_interval(np.empty((6, 0)), coverage=0.8)
    hook = _quantiles(est, 6, quantiles=np.array([0.1, 0.9]))[:, 0, :]
    np.testing.assert_allclose(np.column_stack([lower, upper]), hook, rtol=1e-12)
    frame = est.forecast(6, coverage=0.8)
    np.testing.assert_allclose(frame["lower_80"], lower, rtol=1e-12)


def test_arima_update_keeps_the_fitted_innovation_variance():
    """A one-row update must not re-estimate sigma2 from that row (bands would collapse)."""
    y = _series(n=121)
    model = ARIMAForecaster(order=(1, 0, 0), seasonal_order=(1, 0, 0), seasonal_period=12).fit(None, y[:120])
    sigma2 = model.models_[0].params[-1]
    width = np.diff(_quantiles(model, 1, quantiles=np.array([0.1, 0.9])), axis=-1).item()
    model.update(None, y[120:])
    assert model.models_[0].params[-1] == sigma2
    after = np.diff(_quantiles(model, 1, quantiles=np.array([0.1, 0.9])), axis=-1).item()
    assert after == pytest.approx(width, rel=1e-6)
