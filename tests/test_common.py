"""One suite for every forecaster: scikit-learn's checks and the forecaster contract.

Cheap settings live in ``CASES``, the one table of this file; ``test_every_estimator_has_a_case``
fails when a public forecaster is missing from it.
"""

from __future__ import annotations

import pickle
import warnings
from dataclasses import dataclass, field

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import tsforecast
from tsforecast import all_estimators
from tsforecast.base import TimeIndexWarning

from conftest import calendar_frame

#: The checks that the "rows are time steps" paradigm fails by definition.
EXPECTED_FAILED_CHECKS = {
    "check_methods_sample_order_invariance": "rows are time steps; permuting rows permutes horizon steps",
    "check_methods_subset_invariance": (
        "predicting rows one at a time makes every row a 1-step-ahead forecast"
    ),
}


@dataclass
class Case:
    """Cheap settings of one estimator for the common tests."""

    params: dict
    grid: dict = field(default_factory=dict)  # a small grid for GridSearchCV


#: Cheap neural settings: windows short enough for sklearn's 10-row data sets, two epochs.
_NEURAL = dict(lookback=4, horizon=2, hidden_size=8, max_epochs=2, batch_size=16, random_state=0)

CASES: dict[str, list[Case]] = {
    "ConformalForecaster": [  # around NaiveForecaster("last")
        Case({"horizon": 12, "n_windows": 40}, grid={"method": ["split", "adaptive"]}),
        Case({"horizon": 12, "n_windows": 40, "method": "adaptive", "refit": True}),
    ],
    "NaiveForecaster": [
        Case({"strategy": "last"}, grid={"strategy": ["last", "mean"]}),
        Case({"strategy": "seasonal", "seasonal_period": 4}, grid={"seasonal_period": [4, 24]}),
        Case({"strategy": "drift"}),
        Case({"strategy": "mean"}),
    ],
    "ETSForecaster": [
        Case({"error": "add", "trend": None, "seasonal": None}, grid={"trend": [None, "add"]}),
        Case({}),  # automatic selection
    ],
    "ARIMAForecaster": [
        Case({"order": (1, 0, 0)}, grid={"order": [(1, 0, 0), (0, 0, 1)]}),
        Case({"order": (0, 0, 0)}),
    ],
    "ThetaForecaster": [
        Case({}, grid={"deseasonalize": [True, False]}),
    ],
    "MSTLForecaster": [  # seasons of 2 and 3 steps fit sklearn's short check data; ETS remainder
        Case({"seasonal_period": [2, 3]}, grid={"trend_model": ["ets", "arima"]}),
    ],
    **{
        name: [Case({**_NEURAL, **extra}, grid={"hidden_size": [4, 8]})]
        for name, extra in {
            "LSTMForecaster": {},
            "GRUForecaster": {},
            "RNNForecaster": {"bidirectional": True},
            "Seq2SeqForecaster": {"attention": "bahdanau", "cell": "gru"},
            "TransformerForecaster": {"patch_length": 4, "stride": 2, "num_heads": 2},
            "TCNForecaster": {},
        }.items()
    },
}


def _cases():
    for name, cls in all_estimators():
        for i, case in enumerate(CASES.get(name, [])):
            yield pytest.param(cls(**case.params), case, id=f"{name}-{i}")


def _first_cases():
    for name, cls in all_estimators():
        if name in CASES:
            case = CASES[name][0]
            yield pytest.param(cls(**case.params), case, id=name)


def _expected_failed_checks(estimator):
    # declared by the estimator itself: a flat forecast passes both row-order checks
    return {} if estimator._has_flat_forecast() else EXPECTED_FAILED_CHECKS


def test_every_estimator_has_a_case():
    names = {name for name, _ in all_estimators()}
    assert names, "all_estimators() found nothing"
    missing = names - set(CASES)
    assert not missing, f"add cheap settings for {sorted(missing)} to CASES in tests/test_common.py"
    stale = set(CASES) - names
    assert not stale, f"CASES names estimators that all_estimators() does not list: {sorted(stale)}"


def test_all_estimators_are_public_forecasters():
    for name, cls in all_estimators():
        assert getattr(tsforecast, name) is cls
        assert issubclass(cls, tsforecast.BaseForecaster)
        assert cls.__doc__ and "Examples" in cls.__doc__, f"{name} needs a docstring with Examples"


@parametrize_with_checks(
    [cls(**case.params) for name, cls in all_estimators() for case in CASES.get(name, [])],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# -- the forecaster contract ------------------------------------------------------------------


def _fold_data(y):
    return pd.DataFrame(index=y.index), y


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_clone_and_params_round_trip(estimator, case):
    params = estimator.get_params()
    twin = clone(estimator)
    assert twin.get_params() == params
    assert twin.set_params(**params).get_params() == params
    assert type(estimator).__name__ in repr(estimator)


@pytest.mark.parametrize("estimator, case", list(_cases()))
def test_pickle_and_joblib_round_trip_are_exact(estimator, case, hourly_ot, tmp_path):
    X, y = _fold_data(hourly_ot)
    model = clone(estimator).fit(X, y)
    expected = model.forecast(30)
    restored = pickle.loads(pickle.dumps(model))
    pd.testing.assert_series_equal(restored.forecast(30), expected)
    joblib.dump(model, tmp_path / "model.joblib")
    pd.testing.assert_series_equal(joblib.load(tmp_path / "model.joblib").forecast(30), expected)


@pytest.mark.parametrize("estimator, case", list(_cases()))
def test_same_settings_give_the_same_forecast(estimator, case, hourly_ot):
    X, y = _fold_data(hourly_ot)
    first = clone(estimator).fit(X, y).forecast(12)
    second = clone(estimator).fit(X, y).forecast(12)
    pd.testing.assert_series_equal(first, second)


@pytest.mark.parametrize("estimator, case", list(_cases()))
def test_forecast_equals_predict_and_horizon_prefixes(estimator, case, hourly_ot):
    X, y = _fold_data(hourly_ot)
    model = clone(estimator).fit(X, y)
    future = model.forecast(36)
    assert isinstance(future, pd.Series) and future.name == "OT"
    expected_index = pd.date_range(y.index[-1], periods=37, freq="h")[1:]
    assert future.index.equals(expected_index)
    assert future.index.freq == "h"
    X_future = pd.DataFrame(index=future.index)
    np.testing.assert_allclose(model.predict(X_future), future.to_numpy(), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(model.predict(X_future.iloc[:7]), future.to_numpy()[:7], rtol=1e-6, atol=1e-9)
    # a later window of X predicts those same steps
    np.testing.assert_allclose(
        model.predict(X_future.iloc[10:20]), future.to_numpy()[10:20], rtol=1e-6, atol=1e-9
    )


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
@pytest.mark.parametrize("gap", [0, 5])
def test_cross_validate_with_time_series_split_honours_the_gap(estimator, case, gap, hourly_ot):
    X, y = _fold_data(hourly_ot)
    h = 12
    cv = TimeSeriesSplit(n_splits=3, test_size=h, gap=gap)
    result = cross_validate(estimator, X, y, cv=cv, scoring="neg_mean_absolute_error", return_estimator=True)
    folds = zip(cv.split(X), result["estimator"], result["test_score"], strict=True)
    for (train, test), model, score in folds:
        assert model.n_train_ == len(train)
        # the fold's forecast is the model's forecast of steps gap+1..gap+h
        path = model.forecast(gap + h).to_numpy()[gap:]
        np.testing.assert_allclose(model.predict(X.iloc[test]), path, rtol=1e-6, atol=1e-9)
        assert score == pytest.approx(-np.mean(np.abs(y.to_numpy()[test] - path)))


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_cross_validate_with_numpy_inputs(estimator, case, hourly_ot):
    y = hourly_ot.to_numpy()
    X = np.zeros((len(y), 1))
    result = cross_validate(estimator, X, y, cv=TimeSeriesSplit(n_splits=3, test_size=12))
    assert np.isfinite(result["test_score"]).all()


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_grid_search_over_a_pipeline(estimator, case, hourly_ot):
    X = calendar_frame(hourly_ot.index)
    pipe = Pipeline([("scale", StandardScaler().set_output(transform="pandas")), ("model", clone(estimator))])
    grid = {f"model__{k}": v for k, v in case.grid.items()} or {"scale__with_mean": [True, False]}
    search = GridSearchCV(
        pipe, grid, cv=TimeSeriesSplit(n_splits=2, test_size=24), scoring="neg_mean_absolute_error"
    )
    search.fit(X, hourly_ot)
    assert np.isfinite(search.best_score_)
    future = calendar_frame(pd.date_range(hourly_ot.index[-1], periods=25, freq="h")[1:])
    assert search.predict(future).shape == (24,)


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_transformed_target_regressor(estimator, case, hourly_ot):
    X, y = _fold_data(hourly_ot)
    wrapped = TransformedTargetRegressor(regressor=clone(estimator), transformer=StandardScaler())
    wrapped.fit(X, y)
    future = pd.DataFrame(index=pd.date_range(y.index[-1], periods=13, freq="h")[1:])
    pred = wrapped.predict(future)
    assert pred.shape == (12,) and np.isfinite(pred).all()
    # scaling the target and back changes nothing for these affine-equivariant forecasts
    plain = clone(estimator).fit(X, y).predict(future)
    assert np.abs(pred - plain).max() < 0.05 * y.std() + 1e-6


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_two_dimensional_y_keeps_columns(estimator, case, hourly_panel):
    model = clone(estimator).fit(None, hourly_panel)
    assert model.n_targets_ == 2
    out = model.forecast(6)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["OT", "HUFL"]
    assert model.predict(pd.DataFrame(index=out.index)).shape == (6, 2)
    one_column = clone(estimator).fit(None, hourly_panel[["OT"]])
    assert one_column.predict(pd.DataFrame(index=out.index)).shape == (6, 1)


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_period_and_integer_indexes(estimator, case, hourly_ot):
    values = hourly_ot.to_numpy()[:120]
    by_period = pd.Series(values, index=pd.period_range("2016-07-01", periods=120, freq="h"))
    out = clone(estimator).fit(None, by_period).forecast(4)
    pd.testing.assert_index_equal(out.index, pd.period_range(by_period.index[-1] + 1, periods=4, freq="h"))
    by_int = pd.Series(values, index=pd.Index(np.arange(1000, 1000 + 5 * 120, 5)))
    model = clone(estimator).fit(None, by_int)
    assert list(model.forecast(3).index) == [1600, 1605, 1610]
    later = pd.DataFrame(index=pd.Index([1610, 1620]))
    np.testing.assert_allclose(model.predict(later), model.forecast(5).to_numpy()[[2, 4]])


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_business_days_with_holidays_keep_the_business_day_grid(estimator, case):
    days = pd.bdate_range("2020-01-01", periods=160).delete([10, 50, 90])  # holidays
    y = pd.Series(np.linspace(100.0, 120.0, len(days)) + np.sin(np.arange(len(days))), index=days)
    with pytest.warns(TimeIndexWarning, match="'B' grid with 3 of its time stamps missing"):
        model = clone(estimator).fit(None, y)
    assert model.index_kind_ == "datetime" and model.n_missing_stamps_ == 3
    out = model.forecast(5)
    assert list(out.index) == list(pd.bdate_range(days[-1], periods=6)[1:])  # the next weekdays
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        future = pd.DataFrame(index=pd.bdate_range(days[-1], periods=6)[1:])
        np.testing.assert_allclose(model.predict(future), out.to_numpy())


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_update_moves_the_origin_without_refitting(estimator, case, hourly_ot):
    X, y = _fold_data(hourly_ot)
    model = clone(estimator).fit(X.iloc[:200], y.iloc[:200])
    model.update(X.iloc[200:], y.iloc[200:])
    assert model.last_index_ == y.index[-1] and model.n_train_ == len(y)
    out = model.forecast(3)
    assert out.index[0] == y.index[-1] + pd.Timedelta(hours=1)
    with pytest.raises(ValueError, match="directly follow"):
        model.update(X.iloc[-5:].shift(10, freq="h"), y.iloc[-5:].shift(10, freq="h"))


# -- bad input: each gets an error that names the problem -----------------------------------


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_bad_input_errors(estimator, case, hourly_ot):
    X, y = _fold_data(hourly_ot)
    model = clone(estimator)
    with pytest.raises(NotFittedError):
        model.predict(X.iloc[:3])
    with pytest.raises(ValueError, match="requires y to be passed, but the target y is None"):
        model.fit(hourly_ot.to_frame())
    with pytest.raises(ValueError, match="series: call fit"):
        model.fit(hourly_ot.to_frame())
    holed = y.copy()
    holed.iloc[17] = np.nan
    with pytest.raises(ValueError, match=r"y contains NaN .*interpolate"):
        model.fit(None, holed)
    X_nan = calendar_frame(y.index)
    X_nan.iloc[3, 0] = np.inf
    with pytest.raises(ValueError, match="X contains inf"):
        model.fit(X_nan, y)
    with pytest.raises(ValueError, match=r"index of y is not sorted.*sort_index"):  # y's, as X is None
        model.fit(None, y.iloc[::-1])
    with pytest.raises(ValueError, match=r"index of y has duplicated.*y.groupby"):
        model.fit(None, pd.concat([y.iloc[:50], y.iloc[49:100]]))
    with pytest.raises(ValueError, match="inconsistent numbers of samples.*one row for each row of y"):
        model.fit(np.zeros((len(y) - 1, 1)), y.to_numpy())
    with pytest.raises(ValueError, match=r"X has \d+ rows and y has \d+.*X.loc\[y.index\]"):
        model.fit(calendar_frame(y.index).iloc[:-10], y)
    with pytest.raises(ValueError, match="different indexes"):
        model.fit(calendar_frame(y.index + pd.Timedelta(hours=1)), y)
    shortest = model._min_train_size()
    if shortest > 1:
        with pytest.raises(ValueError, match=f"at least {shortest} time steps.*n_samples={shortest - 1}"):
            model.fit(None, y.iloc[: shortest - 1])
    with pytest.raises(ValueError, match="0 sample"):
        model.fit(None, y.iloc[:0])

    fitted = clone(estimator).fit(calendar_frame(y.index), y)
    future = calendar_frame(pd.date_range(y.index[-1], periods=4, freq="h")[1:])
    with pytest.raises(ValueError, match="X has 1 features, but .* is expecting 2 features") as err:
        fitted.predict(future.iloc[:, :1].to_numpy())
    assert "Pass X with the 2 feature column(s) seen in fit (hour_sin, hour_cos)" in str(err.value)
    with pytest.raises(ValueError, match="at or before the training end"):
        fitted.predict(calendar_frame(y.index[-3:]))
    with pytest.raises(ValueError, match="off the training grid"):
        fitted.predict(calendar_frame(future.index + pd.Timedelta(minutes=30)))
    with pytest.raises(ValueError, match="exogenous features: pass X"):
        fitted.forecast(3)
    with pytest.warns(TimeIndexWarning, match="gap between training and forecast cannot be seen"):
        fitted.predict(future.to_numpy())
    with pytest.raises(ValueError, match="at or before the training end.*update appends only newly observed"):
        fitted.update(calendar_frame(y.index[-3:]), y.iloc[-3:])
    with pytest.raises(ValueError, match="update got no rows"):
        fitted.update(calendar_frame(y.index[:0]), y.iloc[:0])


@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_features_a_model_ignores_are_warned_about_once(estimator, case, hourly_ot):
    y = hourly_ot.iloc[:200]
    X = pd.DataFrame({"hour": y.index.hour.astype(float)}, index=y.index)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clone(estimator).fit(X, y)
    ignored = [w for w in caught if issubclass(w.category, tsforecast.base.IgnoredFeaturesWarning)]
    assert len(ignored) == (0 if estimator.uses_exogenous else 1), [str(w.message) for w in ignored]
    if ignored:
        assert "does not use the values of X" in str(ignored[0].message)


@pytest.mark.parametrize("scale", [1e-9, 1e-3, 1e3, 1e9])
@pytest.mark.parametrize("estimator, case", list(_first_cases()))
def test_forecasts_are_scale_equivariant(estimator, case, scale, hourly_ot):
    # c * y must give c * forecast(y): no absolute threshold, float32 cast or optimiser tolerance may
    # depend on the units the user happens to measure in
    y = hourly_ot.iloc[:200]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = clone(estimator).fit(None, y).forecast(12).to_numpy()
        scaled = clone(estimator).fit(None, y * scale).forecast(12).to_numpy()
    np.testing.assert_allclose(scaled / scale, reference, rtol=0, atol=1e-4 * y.std())
