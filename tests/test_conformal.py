"""ConformalForecaster: exact calibration maths, coverage on real data, the adaptive mode, errors."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from tsforecast import ARIMAForecaster, ConformalForecaster, ETSForecaster, NaiveForecaster
from tsforecast.conformal import conformal_quantile
from tsforecast.datasets import load_sp500
from tsforecast.metrics import empirical_coverage


def _manual_errors(model, y: np.ndarray, horizon: int, n_windows: int, refit: bool) -> np.ndarray:
    """Errors (step, window) of the wrapped model at the last n_windows origins, written out."""
    n = len(y)
    first = n - horizon - (n_windows - 1)
    errors = np.empty((horizon, n_windows))
    fitted = clone(model).fit(None, y[:first])
    for w, cutoff in enumerate(range(first, n - horizon + 1)):
        if refit:
            fitted = clone(model).fit(None, y[:cutoff])
        elif cutoff > first:
            fitted.update(None, y[cutoff - 1 : cutoff])
        errors[:, w] = y[cutoff : cutoff + horizon] - fitted.predict(np.empty((horizon, 0)))
    return errors


@pytest.mark.parametrize("refit", [False, True])
def test_calibration_errors_are_the_backtest_errors_per_step(refit, hourly_ot):
    y = hourly_ot.to_numpy()
    wrapped = ETSForecaster(error="add", trend="add", seasonal=None) if refit else NaiveForecaster("drift")
    model = ConformalForecaster(wrapped, horizon=5, n_windows=30, refit=refit).fit(None, y)
    expected = np.sort(_manual_errors(wrapped, y, 5, 30, refit), axis=1)
    assert model.residuals_.shape == (5, 1, 30) and model.n_windows_ == 30 and model.horizon_ == 5
    np.testing.assert_allclose(model.residuals_[:, 0], expected, rtol=1e-7, atol=1e-9)
    # the point forecast is the wrapped model's, fitted on the whole series
    future = np.empty((5, 0))
    np.testing.assert_allclose(model.predict(future), clone(wrapped).fit(None, y).predict(future), rtol=1e-9)


def test_quantiles_are_point_plus_conformal_ranks(hourly_ot):
    y = hourly_ot.to_numpy()
    model = ConformalForecaster(NaiveForecaster(), horizon=3, n_windows=39).fit(None, y)
    errors = np.sort(_manual_errors(NaiveForecaster(), y, 3, 39, False), axis=1)
    q = model.predict_quantiles(np.empty((3, 0)), quantiles=[0.05, 0.5, 0.9])
    point = y[-1]
    # n = 39: 0.05 -> floor(40 * 0.05) = 2nd smallest; 0.5 -> ceil(20) = 20th; 0.9 -> ceil(36) = 36th
    np.testing.assert_allclose(q, point + errors[:, [1, 19, 35]], rtol=1e-12)


def test_conformal_quantile_ranks_and_clipping():
    scores = np.arange(1.0, 10.0)  # n = 9
    got = conformal_quantile(scores, np.array([0.05, 0.1, 0.5, 0.9, 0.95, 1.2, -0.3]))
    # (n + 1) q = 0.5, 1, 5, 9, 9.5 -> ranks 1 (clipped), 1, 5, 9, 9 (clipped); outside [0, 1] -> extremes
    np.testing.assert_array_equal(got, [1.0, 1.0, 5.0, 9.0, 9.0, 9.0, 1.0])


def test_split_intervals_cover_on_held_out_real_data(etth1):
    """ETTh1 oil temperature, recalibrated fortnightly: the 80% band of 1..6 hours ahead covers ~80%."""
    y = etth1["OT"].to_numpy()[:6000]
    lowers, uppers, truths = [], [], []
    for start in range(1500, 6000, 336):
        model = ConformalForecaster(NaiveForecaster(), horizon=6, n_windows=336).fit(None, y[:start])
        for origin in range(start, min(start + 336, len(y) - 6), 6):
            lower, upper = model.predict_interval(np.empty((6, 0)), coverage=0.8)
            lowers.append(lower)
            uppers.append(upper)
            truths.append(y[origin : origin + 6])
            model.update(None, y[origin : origin + 6])
    coverage = empirical_coverage(np.concatenate(truths), np.concatenate(lowers), np.concatenate(uppers))
    assert len(truths) > 700 and abs(coverage - 0.8) < 0.03, coverage


def _returns() -> np.ndarray:
    close = load_sp500()["adjclose"]
    close = close.loc["2005-01-01":"2009-12-31"].to_numpy()
    return 100 * np.diff(np.log(close))  # daily log returns in percent


def test_adaptive_mode_tracks_coverage_through_a_volatility_regime_change():
    """S&P 500 returns: calibrated in calm 2005-06, then 2007-09 (the crisis) day by day."""
    r = _returns()
    start = 500  # ~ end of 2006
    coverages = {}
    for method in ("split", "adaptive"):
        model = ConformalForecaster(
            NaiveForecaster("mean"), horizon=1, n_windows=250, method=method, learning_rate=0.02
        )
        model.fit(None, r[:start])
        lower, upper, truth = [], [], []
        for t in range(start, len(r)):
            lo, up = model.predict_interval(np.empty((1, 0)), coverage=0.9)
            lower.append(lo[0])
            upper.append(up[0])
            truth.append(r[t])
            model.update(None, r[t : t + 1])
        coverages[method] = empirical_coverage(truth, lower, upper)
    assert coverages["split"] < 0.85, coverages  # the calm calibration under-covers the crisis
    assert abs(coverages["adaptive"] - 0.9) < 0.02, coverages


def test_update_moves_the_band_only_in_the_adaptive_mode(hourly_ot):
    y = hourly_ot.to_numpy()
    for method, changes in (("split", False), ("adaptive", True)):
        model = ConformalForecaster(NaiveForecaster(), horizon=4, n_windows=40, method=method).fit(
            None, y[:200]
        )
        before = model.residuals_.copy()
        model.update(None, y[200:])
        assert model.n_train_ == 240 and model.estimator_.n_train_ == 240
        assert (not np.array_equal(model.residuals_, before)) is changes
        # the point forecast always starts after the new rows
        assert model.predict(np.empty((1, 0)))[0] == y[-1]
        restored = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(
            restored.predict_quantiles(np.empty((4, 0))), model.predict_quantiles(np.empty((4, 0)))
        )


def test_adaptive_update_equals_one_row_at_a_time_on_a_chunk(hourly_ot):
    """An update of several rows scores each against every forecast issued before it."""
    y = hourly_ot.to_numpy()
    model = ConformalForecaster(NaiveForecaster("drift"), horizon=3, n_windows=30, method="adaptive")
    model.fit(None, y[:200])
    issued = model.predict(np.empty((3, 0)))
    model.update(None, y[200:203])
    # steps 1, 2, 3 of the forecast issued at row 200 were scored: each pool now holds that error
    for h in range(3):
        assert np.any(np.isclose(model.residuals_[h, 0], y[200 + h] - issued[h]))


def test_uses_exogenous_follows_the_wrapped_model(hourly_ot):
    assert ConformalForecaster(ARIMAForecaster(order=(1, 0, 0))).uses_exogenous is True
    assert ConformalForecaster(NaiveForecaster()).uses_exogenous is False
    assert ConformalForecaster().uses_exogenous is False
    X = pd.DataFrame({"hour": hourly_ot.index.hour.astype(float)}, index=hourly_ot.index)
    model = ConformalForecaster(ARIMAForecaster(order=(1, 0, 0)), horizon=3, n_windows=20, method="adaptive")
    model.fit(X.iloc[:200], hourly_ot.iloc[:200])
    future = X.iloc[200:203]
    lower, upper = model.predict_interval(future, coverage=0.8)
    point = model.predict(future)
    assert (lower <= point).all() and (point <= upper).all()
    inner = model.estimator_.predict(pd.DataFrame(future.to_numpy(), index=[200, 201, 202]))
    np.testing.assert_allclose(point, np.ravel(inner))
    model.update(X.iloc[200:210], hourly_ot.iloc[200:210])  # scored with the new rows' X
    assert model.n_train_ == 210


def test_errors_name_the_problem(hourly_ot):
    y = hourly_ot.to_numpy()
    model = ConformalForecaster(NaiveForecaster(), horizon=4, n_windows=10).fit(None, y)
    with pytest.raises(ValueError, match=r"steps 1..4 \(horizon_=4\); step 6 was asked.*larger horizon"):
        model.predict_interval(np.empty((6, 0)))
    assert model.predict(np.empty((6, 0))).shape == (6,)  # points go further than the band
    with pytest.warns(UserWarning, match="10 calibration errors per step: too few.*n_windows >= 39"):
        model.predict_interval(np.empty((2, 0)), coverage=0.95)
    with pytest.raises(ValueError, match="The 'horizon' parameter of ConformalForecaster must be an int"):
        ConformalForecaster(horizon=True).fit(None, y)
    with pytest.raises(ValueError, match="The 'method' parameter of ConformalForecaster must be a str among"):
        ConformalForecaster(method="aci").fit(None, y)
    with pytest.raises(ValueError, match="The 'estimator' parameter of ConformalForecaster"):
        ConformalForecaster(estimator="naive").fit(None, y)
    short = ConformalForecaster(NaiveForecaster(), horizon=24).fit(None, y[:10])
    assert short.horizon_ == 9 and short.n_windows_ == 1


def test_a_short_series_calibrates_what_it_can():
    with pytest.raises(ValueError, match="at least 2 time steps.*n_samples=1"):
        ConformalForecaster().fit(None, np.array([1.0]))
