"""tsforecast.sktime: both adapters pass the other library's own checks and agree with it exactly.

- sktime's ``check_estimator`` passes on ``to_sktime(...)`` of every estimator of ``all_estimators()``
  (first cheap setting of ``CASES``), and of a small forecaster that uses exogenous X;
- scikit-learn's ``check_estimator`` passes on ``from_sktime(...)`` of sktime's NaiveForecaster,
  ExponentialSmoothing and ThetaForecaster with only the two documented expected failures;
- ``cross_val_score(from_sktime(f), cv=TimeSeriesSplit)`` equals sktime's ``evaluate`` with
  ``ExpandingWindowSplitter`` on the same folds, to the last digit, on real data.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sktime")

from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator as sklearn_check_estimator  # noqa: E402
from sktime.forecasting.base import ForecastingHorizon  # noqa: E402
from sktime.forecasting.compose import DirectReductionForecaster  # noqa: E402
from sktime.forecasting.exp_smoothing import ExponentialSmoothing  # noqa: E402
from sktime.forecasting.model_evaluation import evaluate  # noqa: E402
from sktime.forecasting.naive import NaiveForecaster as SktimeNaive  # noqa: E402
from sktime.forecasting.theta import ThetaForecaster  # noqa: E402
from sktime.performance_metrics.forecasting import MeanAbsoluteError  # noqa: E402
from sktime.split import ExpandingWindowSplitter  # noqa: E402
from sktime.utils.estimator_checks import check_estimator as sktime_check_estimator  # noqa: E402
from test_common import CASES, EXPECTED_FAILED_CHECKS  # noqa: E402

import tsforecast  # noqa: E402
from tsforecast import NaiveForecaster, all_estimators  # noqa: E402
from tsforecast.base import BaseForecaster  # noqa: E402
from tsforecast.sktime import SktimeForecaster, from_sktime, to_sktime  # noqa: E402

pytestmark = [
    # sktime 1.2's notice at every forecaster's construction
    pytest.mark.filterwarnings("ignore:.*remember_data.*:FutureWarning"),
    # sktime's update_predict under pandas 3
    pytest.mark.filterwarnings("ignore:Sorting by default when concatenating"),
]


def _sk(cls, **params):
    """Build an sktime forecaster without sktime 1.2's construction-time FutureWarning (for parametrize)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*remember_data.*", category=FutureWarning)
        return cls(**params)


#: sktime tests excluded from ``check_estimator`` on ``to_sktime(...)``, with the reason. Keep it short.
SKTIME_EXCLUDED_TESTS: dict[str, str] = {}

#: sktime's most parametrised tests (186 of its 353 runs: every fh x index type x cutoff), run in the
#: slow suite only. The default run keeps the other 167 runs for every estimator, and this file checks
#: the horizon-to-time-stamp mapping itself (``test_relative_absolute_and_gapped_horizons``).
SKTIME_SLOW_TESTS = (
    "test_predict_time_index",
    "test_predict_time_index_with_X",
    "test_predict_time_index_in_sample_full",
    "test_update_predict_predicted_index",
)


class _LinearOnX(BaseForecaster):
    """A forecaster that uses X's values: least squares of y on [1, X]."""

    uses_exogenous = True

    def _fit(self, y, X):
        design = np.hstack([np.ones((len(X), 1)), X])
        self.coef_ = np.linalg.lstsq(design, y, rcond=None)[0]

    def _predict(self, steps, X):
        return np.hstack([np.ones((len(X), 1)), X]) @ self.coef_


class _UnivariateNaive(NaiveForecaster):
    """A univariate-only forecaster (``target_tags.multi_output=False``)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        return tags


@pytest.fixture
def hourly_500(etth1):
    """500 real hours of ETTh1 oil temperature, with its hourly freq set (sktime needs it).

    A fresh copy per test: sktime 1.2's ``evaluate(..., X=X)`` drops the freq of the index it is given.
    """
    return etth1["OT"].iloc[:500].asfreq("h")


def _sktime_failures(forecaster, *, slow_tests: bool = True) -> dict:
    excluded = list(SKTIME_EXCLUDED_TESTS) + ([] if slow_tests else list(SKTIME_SLOW_TESTS))
    results = sktime_check_estimator(
        forecaster, raise_exceptions=False, verbose=False, tests_to_exclude=excluded or None
    )
    assert len(results) > 100, "sktime's suite did not run"
    return {name: result for name, result in results.items() if result != "PASSED"}


def _first_case_params():
    for name, cls in all_estimators():
        if name in CASES:
            yield pytest.param(cls, CASES[name][0].params, id=name)


# -- to_sktime --------------------------------------------------------------------------------


@pytest.mark.parametrize("cls, params", list(_first_case_params()))
def test_sktime_check_estimator_passes_on_every_estimator(cls, params):
    # the full suite takes ~5 s for the naive forecaster, 10-100 s for trained models: those run
    # SKTIME_SLOW_TESTS in test_sktime_full_check_estimator_passes_on_every_estimator (-m slow)
    failures = _sktime_failures(to_sktime(cls(**params)), slow_tests=cls is NaiveForecaster)
    assert not failures, {name: repr(exc)[:300] for name, exc in failures.items()}


@pytest.mark.slow
@pytest.mark.parametrize("cls, params", list(_first_case_params()))
def test_sktime_full_check_estimator_passes_on_every_estimator(cls, params):
    failures = _sktime_failures(to_sktime(cls(**params)))
    assert not failures, {name: repr(exc)[:300] for name, exc in failures.items()}


def test_sktime_check_estimator_passes_with_exogenous_X():
    wrapped = to_sktime(_LinearOnX())
    assert wrapped.get_tag("capability:exogenous") is True
    failures = _sktime_failures(wrapped)
    assert not failures, {name: repr(exc)[:300] for name, exc in failures.items()}


def test_tags_follow_the_estimator():
    wrapped = to_sktime(NaiveForecaster())
    assert wrapped.get_tag("capability:exogenous") is False  # NaiveForecaster ignores X's values
    assert wrapped.get_tag("capability:multivariate") is True
    assert wrapped.get_tag("capability:insample") is False
    assert wrapped.get_tag("capability:missing_values") is False
    assert wrapped.get_tag("requires-fh-in-fit") is False
    assert wrapped.get_tag("capability:update") is True
    assert to_sktime().estimator is None and to_sktime() is not to_sktime()


def test_relative_absolute_and_gapped_horizons(hourly_500):
    y = hourly_500
    ours = NaiveForecaster(strategy="seasonal", seasonal_period=24).fit(None, y).forecast(30)
    wrapped = to_sktime(NaiveForecaster(strategy="seasonal", seasonal_period=24)).fit(y)
    pd.testing.assert_series_equal(wrapped.predict(fh=np.arange(1, 31)), ours, check_freq=False)
    absolute = ForecastingHorizon(ours.index[[4, 9, 29]], is_relative=False)
    np.testing.assert_array_equal(wrapped.predict(fh=absolute).to_numpy(), ours.to_numpy()[[4, 9, 29]])
    np.testing.assert_array_equal(wrapped.predict(fh=[3, 7]).to_numpy(), ours.to_numpy()[[2, 6]])
    with pytest.raises(NotImplementedError, match="in-sample"):
        wrapped.predict(fh=[-2, 1])
    # the wrapped estimator is cloned, never fitted itself
    assert not hasattr(wrapped.estimator, "n_train_") and wrapped.estimator_.n_train_ == len(y)


def test_multivariate_y_and_period_index(hourly_panel):
    panel = hourly_panel.set_axis(pd.period_range("2016-07-01", periods=len(hourly_panel), freq="h"))
    wrapped = to_sktime(NaiveForecaster(strategy="drift")).fit(panel)
    out = wrapped.predict(fh=[1, 2, 3])
    expected = NaiveForecaster(strategy="drift").fit(None, panel).forecast(3)
    pd.testing.assert_frame_equal(out, expected)


def test_univariate_only_estimator_is_fitted_per_column(hourly_panel):
    wrapped = to_sktime(_UnivariateNaive(strategy="drift"))
    assert wrapped.get_tag("capability:multivariate") is False
    out = wrapped.fit(hourly_panel).predict(fh=[1, 2, 3])
    expected = NaiveForecaster(strategy="drift").fit(None, hourly_panel).forecast(3)
    pd.testing.assert_frame_equal(out, expected, check_freq=False, check_names=False)


def test_exogenous_X_reaches_the_estimator(hourly_500):
    y = hourly_500
    hour = pd.DataFrame({"hour": y.index.hour.astype(float)}, index=y.index)
    train, test = slice(0, 476), slice(476, 500)
    wrapped = to_sktime(_LinearOnX()).fit(y.iloc[train], X=hour.iloc[train])
    ours = _LinearOnX().fit(hour.iloc[train], y.iloc[train])
    np.testing.assert_array_equal(
        wrapped.predict(fh=np.arange(1, 25), X=hour.iloc[test]).to_numpy(), ours.predict(hour.iloc[test])
    )
    with pytest.raises(ValueError, match="no rows for the forecast time points"):
        wrapped.predict(fh=np.arange(1, 30), X=hour.iloc[test])


def _exogenous_cases():
    # read from an instance: a wrapper (ConformalForecaster) declares what its wrapped model does
    for name, cls in all_estimators():
        params = CASES[name][0].params
        if cls(**params).uses_exogenous:
            yield pytest.param(cls, params, id=name)


def test_the_exogenous_capability_is_declared_not_inferred():
    declared = {name for name, cls in all_estimators() if cls().uses_exogenous}
    assert "ARIMAForecaster" in declared and "LSTMForecaster" in declared
    assert not declared & {"NaiveForecaster", "ETSForecaster", "ThetaForecaster"}
    for name, cls in all_estimators():
        # every forecaster sets poor_score (sklearn's score checks cannot apply): it says nothing about X
        assert get_tags(cls()).regressor_tags.poor_score
        assert to_sktime(cls()).get_tag("capability:exogenous") is cls().uses_exogenous, name


@pytest.mark.parametrize("cls, params", list(_exogenous_cases()))
def test_exogenous_X_reaches_every_model_that_uses_it(cls, params):
    # y = 5 x + small noise: a model given X through sktime must follow x, as it does when fit directly
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=160, freq="D")
    X = pd.DataFrame({"x": rng.normal(size=160)}, index=index)
    y = pd.Series(5 * X["x"] + rng.normal(scale=0.1, size=160), index=index, name="y")
    # neural: trained long enough to learn x, and not shrunk towards a naive baseline that ignores it
    params = {**params, "max_epochs": 30, "shrinkage": 0.0} if "max_epochs" in params else params
    train, test = slice(0, 150), slice(150, 160)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wrapped = to_sktime(cls(**params)).fit(y.iloc[train], X=X.iloc[train])
        through_sktime = wrapped.predict(fh=np.arange(1, 11), X=X.iloc[test]).to_numpy()
        direct = cls(**params).fit(X.iloc[train], y.iloc[train]).predict(X.iloc[test])
    np.testing.assert_allclose(through_sktime, direct, rtol=1e-6, atol=1e-6)
    # and X mattered: the forecasts move with x (a model given no X would be nearly flat)
    assert np.corrcoef(through_sktime, X["x"].iloc[test])[0, 1] > 0.5


def test_update_moves_the_origin(hourly_500):
    y = hourly_500
    wrapped = to_sktime(NaiveForecaster()).fit(y.iloc[:400])
    wrapped.update(y.iloc[400:], update_params=False)
    assert wrapped.cutoff[0] == y.index[-1] and wrapped.estimator_.n_train_ == len(y)
    assert wrapped.predict(fh=[1, 2]).tolist() == [y.iloc[-1]] * 2
    # rows already seen (sktime's update_predict replays expanding windows) are skipped
    wrapped.update(y.iloc[-50:])
    assert wrapped.estimator_.n_train_ == len(y)


def test_pickle_round_trip_of_the_sktime_side(hourly_500):
    wrapped = to_sktime(NaiveForecaster(strategy="seasonal", seasonal_period=24)).fit(hourly_500)
    restored = pickle.loads(pickle.dumps(wrapped))
    assert type(restored) is type(wrapped)
    pd.testing.assert_series_equal(restored.predict(fh=[1, 5]), wrapped.predict(fh=[1, 5]))


# -- from_sktime ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forecaster, flat",
    [
        pytest.param(_sk(SktimeNaive), True, id="NaiveForecaster"),
        pytest.param(_sk(SktimeNaive, strategy="drift"), False, id="NaiveForecaster-drift"),
        pytest.param(_sk(ExponentialSmoothing), True, id="ExponentialSmoothing"),
        pytest.param(_sk(ThetaForecaster), False, id="ThetaForecaster"),
        pytest.param(_sk(ThetaForecaster, deseasonalize=False), False, id="ThetaForecaster-plain"),
    ],
)
def test_sklearn_check_estimator_on_from_sktime(forecaster, flat):
    results = sklearn_check_estimator(from_sktime(forecaster), on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results if r["status"] == "failed"}
    assert set(failed) <= set(EXPECTED_FAILED_CHECKS), {k: repr(v)[:300] for k, v in failed.items()}
    if not flat:
        assert set(failed) == set(EXPECTED_FAILED_CHECKS)
    assert sum(r["status"] == "passed" for r in results) >= 40


def test_one_step_deseasonaliser_is_skipped_with_the_same_forecasts(hourly_500):
    """ThetaForecaster() deseasonalises multiplicatively with sp=1: an identity that rejects y <= 0.

    The wrapper fits with it off, so negative data work and positive data forecast exactly as
    sktime's own forecaster does.
    """
    y = hourly_500.iloc[:300]
    ours = from_sktime(ThetaForecaster()).fit(None, y).forecast(12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ThetaForecaster().fit(y, fh=np.arange(1, 13)).predict()
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-10)
    shifted = from_sktime(ThetaForecaster()).fit(None, y - y.max() - 1.0).forecast(12)
    np.testing.assert_allclose(shifted.to_numpy(), ours.to_numpy() - y.max() - 1.0, rtol=1e-6, atol=1e-6)
    seasonal = from_sktime(ThetaForecaster(sp=24))
    assert get_tags(seasonal).target_tags.positive_only
    with pytest.raises(ValueError, match="could not be fitted"):
        seasonal.fit(None, y - y.max() - 1.0)


@pytest.mark.parametrize(
    "forecaster",
    [
        pytest.param(_sk(SktimeNaive, sp=24), id="seasonal-naive"),
        pytest.param(_sk(SktimeNaive, strategy="drift"), id="drift"),
        pytest.param(_sk(ExponentialSmoothing, trend="add"), id="ExponentialSmoothing"),
        pytest.param(_sk(ThetaForecaster, sp=24), id="ThetaForecaster"),
    ],
)
def test_cross_val_score_equals_sktime_evaluate(forecaster, hourly_500):
    y, k, h = hourly_500, 4, 24
    ours = -cross_val_score(
        from_sktime(forecaster),
        pd.DataFrame(index=y.index),
        y,
        cv=TimeSeriesSplit(n_splits=k, test_size=h),
        scoring="neg_mean_absolute_error",
    )
    cv = ExpandingWindowSplitter(fh=np.arange(1, h + 1), initial_window=len(y) - k * h, step_length=h)
    theirs = evaluate(forecaster=forecaster, y=y, cv=cv, scoring=MeanAbsoluteError())
    np.testing.assert_array_equal(ours, theirs["test_MeanAbsoluteError"].to_numpy())


def test_deferred_fit_with_exogenous_X_equals_sktime_evaluate(hourly_500):
    """A forecaster that needs the horizon at fit (direct reduction), using X: fit waits for predict."""
    y, k, h = hourly_500, 2, 6
    calendar = {"hour": y.index.hour.astype(float), "day": y.index.dayofweek.astype(float)}
    X = pd.DataFrame(calendar, index=y.index)
    forecaster = DirectReductionForecaster(LinearRegression(), window_length=6)
    assert forecaster.get_tag("requires-fh-in-fit") and forecaster.get_tag("capability:exogenous")
    model = from_sktime(forecaster).fit(X.iloc[:-h], y.iloc[:-h])
    assert model.requires_fh_in_fit_ and model.forecaster_ is None and model.uses_X_
    folds = TimeSeriesSplit(n_splits=k, test_size=h)
    ours = -cross_val_score(from_sktime(forecaster), X, y, cv=folds, scoring="neg_mean_absolute_error")
    cv = ExpandingWindowSplitter(fh=np.arange(1, h + 1), initial_window=len(y) - k * h, step_length=h)
    theirs = evaluate(forecaster=forecaster, y=y, X=X, cv=cv, scoring=MeanAbsoluteError())
    np.testing.assert_allclose(ours, theirs["test_MeanAbsoluteError"].to_numpy(), rtol=0, atol=1e-12)
    # a prefix of the horizon is a prefix of the forecast
    future = X.iloc[-h:]
    np.testing.assert_allclose(model.predict(future.iloc[:5]), model.predict(future)[:5], rtol=0, atol=1e-12)


def test_forecast_index_and_multivariate_per_column(hourly_panel):
    model = from_sktime(ThetaForecaster(deseasonalize=False)).fit(None, hourly_panel)
    out = model.forecast(6)
    assert list(out.columns) == ["OT", "HUFL"]
    assert out.index[0] == hourly_panel.index[-1] + pd.Timedelta(hours=1)
    for column in out.columns:  # sktime fits one clone per column for a univariate forecaster
        single = from_sktime(ThetaForecaster(deseasonalize=False)).fit(None, hourly_panel[column])
        np.testing.assert_allclose(out[column].to_numpy(), single.forecast(6).to_numpy(), rtol=1e-12)


def test_business_days_with_holidays_are_consecutive_steps():
    days = pd.bdate_range("2020-01-01", periods=160).delete([10, 50, 90])  # holidays: no regular freq
    y = pd.Series(np.linspace(100.0, 120.0, len(days)) + np.sin(np.arange(len(days))), index=days)
    with pytest.warns(UserWarning, match="'B' grid with 3 of its time stamps missing"):
        model = from_sktime(_sk(SktimeNaive, strategy="drift")).fit(None, y)
    out = model.forecast(5)
    expected = _sk(SktimeNaive, strategy="drift").fit(y.reset_index(drop=True)).predict(fh=np.arange(1, 6))
    np.testing.assert_array_equal(out.to_numpy(), expected.to_numpy())
    assert list(out.index) == list(pd.bdate_range(days[-1], periods=6)[1:])


@pytest.mark.filterwarnings("ignore:NotImplementedWarning:UserWarning")  # sktime: "will be refit"
def test_update_refits_on_the_full_history(hourly_500):
    y = hourly_500
    model = from_sktime(ExponentialSmoothing(trend="add")).fit(None, y.iloc[:450])
    model.update(None, y.iloc[450:])
    fresh = from_sktime(ExponentialSmoothing(trend="add")).fit(None, y)
    pd.testing.assert_series_equal(model.forecast(10), fresh.forecast(10))


def test_positive_only_tag_is_carried_across():
    assert get_tags(from_sktime(ExponentialSmoothing(trend="mul"))).target_tags.positive_only
    assert get_tags(from_sktime(ThetaForecaster(sp=7))).target_tags.positive_only
    assert not get_tags(from_sktime(ThetaForecaster())).target_tags.positive_only  # sp=1: identity
    assert not get_tags(from_sktime(ThetaForecaster(deseasonalize=False))).target_tags.positive_only
    assert not get_tags(from_sktime(ExponentialSmoothing(trend="add"))).target_tags.positive_only
    assert not get_tags(from_sktime()).target_tags.positive_only


def test_grid_search_tunes_the_sktime_parameters(hourly_500):
    y, X = hourly_500, pd.DataFrame(index=hourly_500.index)
    cv = TimeSeriesSplit(n_splits=3, test_size=24)
    search = GridSearchCV(
        from_sktime(SktimeNaive()), {"forecaster__sp": [1, 24]}, cv=cv, scoring="neg_mean_absolute_error"
    ).fit(X, y)
    results = search.cv_results_
    for sp, score in zip(results["param_forecaster__sp"], results["mean_test_score"], strict=True):
        model = from_sktime(SktimeNaive(sp=sp))
        direct = cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error")
        assert score == pytest.approx(direct.mean(), rel=1e-12)
    assert search.best_estimator_.forecaster_.sp == search.best_params_["forecaster__sp"]


def test_wrapper_is_not_a_listed_estimator_and_needs_an_sktime_forecaster():
    assert SktimeForecaster not in dict(all_estimators()).values()
    assert from_sktime().forecaster is None  # None means sktime's NaiveForecaster()
    with pytest.raises(TypeError, match="must be an sktime forecaster"):
        from_sktime(LinearRegression()).fit(None, np.arange(10.0))
    with pytest.raises(ValueError, match="n_samples=1 "):
        from_sktime(ExponentialSmoothing()).fit(None, np.array([1.0]))


def test_pickle_round_trip_of_the_tsforecast_side(hourly_500):
    model = from_sktime(ThetaForecaster(sp=24)).fit(None, hourly_500)
    restored = pickle.loads(pickle.dumps(model))
    pd.testing.assert_series_equal(restored.forecast(30), model.forecast(30))


# -- both ways ---------------------------------------------------------------------------------


def test_round_trip_tsforecast_sktime_tsforecast(hourly_500):
    y = hourly_500
    original = NaiveForecaster("seasonal", seasonal_period=24)
    twice = from_sktime(to_sktime(original))
    pd.testing.assert_series_equal(
        clone(twice).fit(None, y).forecast(48), clone(original).fit(None, y).forecast(48), check_freq=False
    )
    # and on the backtest folds
    cv = TimeSeriesSplit(n_splits=4, test_size=24, gap=3)
    X = pd.DataFrame(index=y.index)
    np.testing.assert_array_equal(
        cross_val_score(twice, X, y, cv=cv, scoring="neg_mean_absolute_error"),
        cross_val_score(original, X, y, cv=cv, scoring="neg_mean_absolute_error"),
    )


def test_round_trip_sktime_tsforecast_sktime(hourly_500):
    y = hourly_500
    fh = np.arange(1, 49)
    original = ThetaForecaster(sp=24)
    twice = to_sktime(from_sktime(original))
    pd.testing.assert_series_equal(twice.fit(y).predict(fh=fh), original.clone().fit(y).predict(fh=fh))


def test_import_without_sktime_says_how_to_install():
    code = (
        "import sys; sys.modules['sktime'] = None\n"
        "import tsforecast, tsforecast.sktime\n"
        "try:\n"
        "    tsforecast.sktime.from_sktime()\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "pip install tsforecast[sktime]" in out.stdout
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "sktime" not in tsforecast.__all__


# -- panels: each series' own cutoff, as sktime's own forecasters -----------------------------


def _ragged_hourly_panel(period: bool = False) -> pd.DataFrame:
    """Three hourly series ending at different times (as a long-format CSV gives: no freq)."""
    frame = tsforecast.datasets.load_etth1()
    pieces = {"a": frame["OT"].iloc[:200], "b": frame["HUFL"].iloc[30:176], "c": frame["LUFL"].iloc[10:150]}
    y = pd.concat(pieces, names=["id", "time"]).to_frame("y")
    times = pd.DatetimeIndex(y.index.get_level_values(1).to_numpy())  # freq=None, as read from a file
    assert times.freq is None
    level = times.to_period("h") if period else times
    y.index = pd.MultiIndex.from_arrays([y.index.get_level_values(0), level], names=["id", "time"])
    return y


@pytest.mark.parametrize("period", [False, True], ids=["datetime", "period"])
def test_to_sktime_panel_forecasts_each_series_from_its_own_end_as_sktime_does(period):
    y = _ragged_hourly_panel(period)
    ends = y.reset_index().groupby("id")["time"].max()
    assert ends["a"] > ends["b"] > ends["c"]  # ragged ends
    ours = to_sktime(NaiveForecaster()).fit(y, fh=[1, 2, 3])
    pred = ours.predict()
    with warnings.catch_warnings():  # sktime's clone per series warns about remember_data
        warnings.simplefilter("ignore", FutureWarning)
        theirs = _sk(SktimeNaive, strategy="last").fit(y, fh=[1, 2, 3]).predict()
    # sktime fits one clone per series: each series' next steps after its own last time point
    pd.testing.assert_frame_equal(pred.sort_index(), theirs.sort_index(), check_freq=False)
    for series, end in ends.items():
        assert pred.xs(series).index[0] == end + (1 if period else pd.Timedelta(hours=1))
    # the estimator's own panel forecast agrees; intervals use the same rows
    direct = NaiveForecaster().fit(None, y["y"]).forecast(3)
    np.testing.assert_array_equal(pred["y"].to_numpy(), direct.to_numpy())
    assert ours.predict_interval(coverage=0.9).index.equals(pred.index)
    # an absolute horizon is the same stamps for every series, as in sktime
    stamps = pd.Index([ends["a"] + (2 if period else pd.Timedelta(hours=2))])
    absolute = ForecastingHorizon(stamps, is_relative=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs = _sk(SktimeNaive, strategy="last").fit(y).predict(fh=absolute)
    pd.testing.assert_frame_equal(
        ours.predict(fh=absolute).sort_index(), theirs.sort_index(), check_freq=False
    )
