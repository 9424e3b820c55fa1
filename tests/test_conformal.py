"""ConformalForecaster: exact calibration maths, coverage on real data, the adaptive mode, errors."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from tsforecast import ARIMAForecaster, ConformalForecaster, ETSForecaster, NaiveForecaster
from tsforecast.conformal import auto_step, conformal_quantile
from tsforecast.datasets import load_sp500
from tsforecast.metrics import empirical_coverage
from tsforecast.model_selection import ExpandingWindowSplitter, backtest


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
    model = ConformalForecaster(wrapped, horizon=5, n_windows=30, step=1, refit=refit).fit(None, y)
    expected = np.sort(_manual_errors(wrapped, y, 5, 30, refit), axis=1)
    assert model.residuals_.shape == (5, 1, 30) and model.n_windows_ == 30 and model.horizon_ == 5
    assert model.step_ == 1
    np.testing.assert_allclose(model.residuals_[:, 0], expected, rtol=1e-7, atol=1e-9)
    # the point forecast is the wrapped model's, fitted on the whole series
    future = np.empty((5, 0))
    np.testing.assert_allclose(model.predict(future), clone(wrapped).fit(None, y).predict(future), rtol=1e-9)


def test_quantiles_are_point_plus_conformal_ranks(hourly_ot):
    y = hourly_ot.to_numpy()
    model = ConformalForecaster(NaiveForecaster(), horizon=3, n_windows=39, step=1).fit(None, y)
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


# -- where the calibration origins lie: step=None (the default) spreads them ------------------------


def test_default_step_spreads_origins_one_horizon_and_a_row_apart(etth1):
    """step=None resolves to step_ = auto_step(...): horizon + 1 (24 hourly steps -> 25) on a long series."""
    y = etth1["OT"].to_numpy()[:6000]
    wrapped = NaiveForecaster("seasonal", seasonal_period=24)
    model = ConformalForecaster(wrapped, horizon=24).fit(None, y)
    assert ConformalForecaster().step is None and model.step_ == 25 == auto_step(6000, 24, 24, 100, 24)
    assert model.n_windows_ == 100
    explicit = ConformalForecaster(wrapped, horizon=24, step=25).fit(None, y)
    np.testing.assert_array_equal(model.residuals_, explicit.residuals_)
    # the last origin is the end of the series less one horizon, the first 99 * 25 rows before it
    cutoffs = np.arange(6000 - 24 - 99 * 25, 6000 - 24 + 1, 25)
    first_window = y[cutoffs[0] : cutoffs[0] + 24] - y[cutoffs[0] - 24 : cutoffs[0]]
    assert np.isin(first_window, model.residuals_[:, 0]).all()


@pytest.mark.parametrize(
    ("n", "horizon", "season", "n_windows", "expected"),
    [
        (10_000, 24, 24, 100, 25),  # the season divides the horizon: one more
        (10_000, 6, 24, 100, 25),  # a short horizon on hourly data: a season and one apart
        (10_000, 12, 1, 100, 13),  # no season: non-overlapping windows, out of phase with the horizon
        (10_000, 1, 1, 100, 1),  # one step ahead, no season: consecutive origins, as before
        (4000, 24, 24, 100, 19),  # 25 reaches before the half: the largest that fits, coprime with 24
        (1000, 7, 1, 100, 4),
        (240, 5, 1, 30, 3),
        (150, 5, 1, 100, 1),  # too short for 100 spread origins: consecutive (n_windows_ < 100)
    ],
)
def test_auto_step_rule(n, horizon, season, n_windows, expected):
    step = auto_step(n, horizon, season, n_windows)
    assert step == expected
    if step > 1:  # the origins lie in the last half and every phase of the horizon and season is visited
        assert n - horizon - (n_windows - 1) * step >= n // 2
        assert np.gcd(step, horizon) == 1 and np.gcd(step, season) == 1


def test_default_step_reads_the_wrapped_models_season(hourly_ot):
    y = np.tile(hourly_ot.to_numpy(), 30)  # 7200 rows
    for wrapped, season in [
        (NaiveForecaster(), 1),
        (NaiveForecaster("seasonal", seasonal_period=24), 24),
        (ETSForecaster(error="add", trend=None, seasonal=None, seasonal_period=[24, 168]), 168),
    ]:
        model = ConformalForecaster(wrapped, horizon=6, n_windows=20)
        assert model._template_season() == season
        if season < 168:  # (ETS with a season of 168 would fit for minutes)
            assert model.fit(None, y).step_ == auto_step(len(y), 6, season, 20, model._inner_min_size())
    assert auto_step(7200, 6, 168, 20) == 169


@pytest.mark.parametrize("step", [1, 3, 24])
def test_explicit_step_keeps_its_meaning(step, hourly_ot):
    y = hourly_ot.to_numpy()
    model = ConformalForecaster(NaiveForecaster(), horizon=4, n_windows=10, step=step).fit(None, y)
    assert model.step_ == step and model.n_windows_ == 10
    cutoffs = len(y) - 4 - step * np.arange(10)[::-1]
    errors = np.stack([y[c : c + 4] - y[c - 1] for c in cutoffs], axis=1)
    np.testing.assert_allclose(model.residuals_[:, 0], np.sort(errors, axis=1))


def test_step_parameter_is_validated():
    with pytest.raises(ValueError, match="'step' parameter"):
        ConformalForecaster(step=0).fit(None, np.arange(50.0))
    assert ConformalForecaster(step=None).fit(None, np.arange(50.0)).step_ >= 1


def test_default_step_covers_a_month_of_hourly_data_the_old_default_misses(etth1):
    """ETTh1 oil temperature, seasonal naive, 24 hours ahead: calibrated once on the first 6000 hours,
    then 250 forecasts every 7 hours (73 days) moved forward with update.

    Calibrated on the last 100 consecutive origins (the old default step=1: the last 5 days), the
    95% band covers 84.5%; with the origins 25 hours apart (step=None: the last 104 days) 97.2%
    (benchmarks/conformal_defaults.py, first ETTh1 cut).
    """
    y = etth1["OT"].to_numpy()[: 6000 + 249 * 7 + 24]
    cv = ExpandingWindowSplitter(initial_window=6000, horizon=24, step=7)
    wrapped = NaiveForecaster("seasonal", seasonal_period=24)
    models = {"old": ConformalForecaster(wrapped, step=1), "new": ConformalForecaster(wrapped)}
    summary = backtest(models, None, y, cv=cv, refit=False, coverage=[0.8, 0.95]).summary()
    assert (summary["n_folds"] == 250).all()
    old, new = summary.loc["old"], summary.loc["new"]
    assert old["coverage_95"] < 0.88 and old["coverage_80"] < 0.76, old  # the last 5 days: too narrow
    assert abs(new["coverage_95"] - 0.95) < 0.04 and abs(new["coverage_80"] - 0.8) < 0.03, new
