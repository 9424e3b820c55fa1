"""Tests for tsforecast.metrics: exact values, validation and scorers."""
# ruff: noqa: N803, N806  (scikit-learn spells the feature matrix X)

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tsforecast.metrics import (
    SCORERS,
    get_scorer,
    get_scorer_names,
    make_mase_scorer,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_absolute_scaled_error,
    mean_pinball_loss,
    mean_quantile_loss,
    mean_squared_error,
    root_mean_squared_error,
    symmetric_mean_absolute_percentage_error,
)

smape = symmetric_mean_absolute_percentage_error
mape = mean_absolute_percentage_error
mase = mean_absolute_scaled_error


class LastValueForecaster(RegressorMixin, BaseEstimator):
    """Predicts the last training value (plus ``offset``); stores ``y_train_``."""

    def __init__(self, offset=0.0):
        self.offset = offset

    def fit(self, X, y):
        y = np.asarray(y, dtype=float)
        self.y_train_ = y.reshape(len(y), -1)
        self.y_ndim_ = y.ndim
        return self

    def predict(self, X):
        pred = np.repeat(self.y_train_[-1:], len(X), axis=0) + self.offset
        return pred.ravel() if self.y_ndim_ == 1 else pred


# A training series whose random-walk (m=1) scale is 3.6 and m=2 scale is 1.
Y_SEASONAL = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0])


# ----------------------------------------------------------------- re-exports


def test_reexports_are_sklearn_functions():
    assert mean_absolute_error is sklearn.metrics.mean_absolute_error
    assert mean_squared_error is sklearn.metrics.mean_squared_error
    assert root_mean_squared_error is sklearn.metrics.root_mean_squared_error
    assert mean_pinball_loss is sklearn.metrics.mean_pinball_loss


# ----------------------------------------------------------------- sMAPE


def test_smape_hand_values_1d():
    # terms: 200/400, 0/0 -> 0, 0/100
    assert smape([100.0, 0.0, 50.0], [300.0, 0.0, 50.0]) == pytest.approx(200 / 6)
    assert smape([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert smape([1.0, -2.0], [-1.0, 2.0]) == 200.0  # opposite signs: maximum


def test_smape_2d_multioutput_and_sample_weight():
    y = np.array([[1.0, 10.0], [2.0, 20.0]])
    p = np.array([[2.0, 10.0], [2.0, 30.0]])
    # column terms: [1/3, 0] and [0, 1/5]
    raw = smape(y, p, multioutput="raw_values")
    assert isinstance(raw, np.ndarray)
    assert_allclose(raw, [100 / 3, 20.0])
    assert smape(y, p) == pytest.approx((100 / 3 + 20) / 2)
    assert smape(y, p, multioutput=[3.0, 1.0]) == pytest.approx(30.0)
    weighted = smape(y, p, sample_weight=[1.0, 3.0], multioutput="raw_values")
    assert_allclose(weighted, [200 * (1 / 3) / 4, 200 * (3 / 5) / 4])


def test_smape_is_symmetric_and_bounded():
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    values = smape(y, p, multioutput="raw_values")
    assert np.all((values >= 0) & (values <= 200))
    assert_allclose(values, smape(p, y, multioutput="raw_values"))
    assert smape(y, y) == 0.0


# ----------------------------------------------------------------- MAPE


def test_mape_hand_values_percent_scale():
    assert mape([100.0, 200.0], [110.0, 150.0]) == pytest.approx(17.5)
    assert mape([0.0, 100.0], [0.0, 110.0]) == pytest.approx(5.0)  # 0/0 -> 0
    assert mape([0.0, 100.0], [1.0, 100.0]) == np.inf  # x/0 -> inf


def test_mape_is_100_times_sklearn_fraction():
    rng = np.random.default_rng(1)
    y, p = rng.uniform(1, 2, size=(20, 2)), rng.uniform(1, 2, size=(20, 2))
    w = rng.uniform(0, 1, size=20)
    for multioutput in ("raw_values", "uniform_average", [0.2, 0.8]):
        ours = mape(y, p, sample_weight=w, multioutput=multioutput)
        theirs = sklearn.metrics.mean_absolute_percentage_error(
            y, p, sample_weight=w, multioutput=multioutput
        )
        assert_allclose(ours, 100 * np.asarray(theirs))


def test_zero_weight_rows_are_ignored():
    # the inf term of row 0 has weight 0, so it does not make the result NaN
    assert mape([0.0, 100.0], [1.0, 110.0], sample_weight=[0.0, 1.0]) == 10.0


# ----------------------------------------------------------------- MASE


def test_mase_hand_value():
    y_train = [2.0, 4.0, 3.0, 5.0, 4.0]  # |diffs| = 2, 1, 2, 1 -> scale 1.5
    assert mase([5.0, 6.0], [5.5, 5.0], y_train=y_train) == pytest.approx(0.5)


def test_mase_seasonal_period():
    y_true, y_pred = [4.0, 8.0], [3.0, 8.0]  # MAE 0.5
    assert mase(y_true, y_pred, y_train=Y_SEASONAL) == pytest.approx(0.5 / 3.6)
    assert mase(y_true, y_pred, y_train=Y_SEASONAL, seasonal_period=2) == 0.5


def test_mase_equals_mae_over_naive_mae_2d():
    rng = np.random.default_rng(2)
    y_train = rng.normal(size=(30, 3)).cumsum(axis=0)
    y, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    w = rng.uniform(0.5, 1, size=5)
    m = 4
    scale = np.abs(y_train[m:] - y_train[:-m]).mean(axis=0)
    mae = np.average(np.abs(y - p), weights=w, axis=0)
    raw = mase(
        y,
        p,
        y_train=y_train,
        seasonal_period=m,
        sample_weight=w,
        multioutput="raw_values",
    )
    assert_allclose(raw, mae / scale)
    ours = mase(y, p, y_train=y_train, seasonal_period=m, sample_weight=w)
    assert ours == pytest.approx(np.mean(mae / scale))
    weights = [0.5, 0.25, 0.25]
    ours = mase(y, p, y_train=y_train, seasonal_period=m, sample_weight=w, multioutput=weights)
    assert ours == pytest.approx(np.average(mae / scale, weights=weights))


def test_mase_zero_scale_rule():
    y_train = np.array([[3.0, 3.0], [3.0, 3.0], [3.0, 3.0]])  # constant: scale 0
    raw = mase([[4.0, 3.0]], [[3.0, 3.0]], y_train=y_train, multioutput="raw_values")
    assert_allclose(raw, [np.inf, 0.0])


def test_mase_too_short_y_train():
    with pytest.raises(ValueError, match=r"n_samples=2.*at least 3"):
        mase([1.0], [1.0], y_train=[1.0, 2.0], seasonal_period=2)
    with pytest.raises(ValueError, match=r"n_samples=1"):
        mase([1.0], [1.0], y_train=[1.0])


@pytest.mark.parametrize("m", [0, -1, 1.5, True, np.True_, "12"])
def test_mase_bad_seasonal_period(m):
    """scikit-learn's declarative validation: its wording, and True is no integer."""
    expected = r"parameter of {} must be an int in the range \[1, inf\)\. Got .* instead"
    with pytest.raises(
        ValueError, match="The 'seasonal_period' " + expected.format("mean_absolute_scaled_error")
    ):
        mase([1.0], [1.0], y_train=Y_SEASONAL, seasonal_period=m)
    with pytest.raises(ValueError, match="The 'seasonal_period' " + expected.format("make_mase_scorer")):
        make_mase_scorer(m)


def test_mase_y_train_target_mismatch():
    with pytest.raises(ValueError, match=r"y_train has 2 target"):
        mase([1.0, 2.0], [1.0, 2.0], y_train=np.ones((5, 2)))
    with pytest.raises(ValueError, match="y_train contains NaN"):
        mase([1.0], [1.0], y_train=[1.0, np.nan, 2.0])


# ----------------------------------------------------------------- quantiles


def test_quantile_loss_single_quantile_equals_pinball():
    rng = np.random.default_rng(3)
    y, p = rng.normal(size=10), rng.normal(size=10)
    for alpha in (0.1, 0.5, 0.9):
        expected = mean_pinball_loss(y, p, alpha=alpha)
        assert mean_quantile_loss(y, p[:, None], [alpha]) == pytest.approx(expected)


def test_quantile_loss_hand_value_and_average_over_quantiles():
    # q=0.25 under-forecast by 2 -> 0.5; q=0.75 over-forecast by 2 -> 0.5
    assert mean_quantile_loss([10.0], [[8.0, 12.0]], [0.25, 0.75]) == 0.5
    # q=0.25 over-forecast by 4 -> 3; q=0.75 under-forecast by 4 -> 3
    assert mean_quantile_loss([10.0], [[14.0, 6.0]], [0.25, 0.75]) == 3.0
    rng = np.random.default_rng(4)
    y, p = rng.normal(size=8), rng.normal(size=(8, 3))
    q, w = [0.1, 0.5, 0.9], rng.uniform(0.1, 1, size=8)
    expected = np.mean([mean_pinball_loss(y, p[:, i], alpha=a, sample_weight=w) for i, a in enumerate(q)])
    assert mean_quantile_loss(y, p, q, sample_weight=w) == pytest.approx(expected)


def test_quantile_loss_3d_multioutput():
    rng = np.random.default_rng(5)
    y, p, q = rng.normal(size=(6, 2)), rng.normal(size=(6, 2, 3)), [0.1, 0.5, 0.9]
    per_target = [mean_quantile_loss(y[:, k], p[:, k, :], q) for k in range(2)]
    raw = mean_quantile_loss(y, p, q, multioutput="raw_values")
    assert_allclose(raw, per_target)
    assert mean_quantile_loss(y, p, q, multioutput=[1.0, 0.0]) == pytest.approx(per_target[0])


def test_quantile_loss_errors():
    with pytest.raises(ValueError, match="n_quantiles=2"):
        mean_quantile_loss([1.0, 2.0], np.ones((2, 3)), [0.1, 0.9])
    with pytest.raises(ValueError, match=r"quantiles must lie in \[0, 1\]"):
        mean_quantile_loss([1.0], [[1.0]], [1.5])
    with pytest.raises(ValueError, match="targets"):
        mean_quantile_loss(np.ones((2, 2)), np.ones((2, 2)), [0.1, 0.9])


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize("metric", [smape, mape, mean_quantile_loss, mase])
def test_validation_errors(metric):
    def call(y, p, **kwargs):
        if metric is mean_quantile_loss:
            p = np.asarray(p, dtype=float)
            return metric(y, p.reshape(*p.shape[:1], -1, 1), [0.5], **kwargs)
        if metric is mase:
            n_targets = np.shape(y)[1] if np.ndim(y) == 2 else 1
            kwargs["y_train"] = np.ones((4, n_targets))
        return metric(y, p, **kwargs)

    with pytest.raises(ValueError, match=r"time steps \(rows\): 3 != 2"):
        call([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"targets \(columns\): 2 != 3"):
        call(np.ones((2, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="y_true contains NaN"):
        call([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="y_pred_quantiles contains NaN|y_pred contains NaN"):
        call([1.0, 2.0], [1.0, np.nan])
    with pytest.raises(ValueError, match=r"The 'multioutput' parameter of \w+ must be a str among"):
        call([1.0, 2.0], [1.0, 2.0], multioutput="variance_weighted")
    with pytest.raises(ValueError, match="as many multioutput weights as targets"):
        call(np.ones((2, 2)), np.ones((2, 2)), multioutput=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(n_samples,\)"):
        call([1.0, 2.0], [1.0, 2.0], sample_weight=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="non-negative and not all zero"):
        call([1.0, 2.0], [1.0, 2.0], sample_weight=[-1.0, 1.0])
    with pytest.raises(ValueError, match="multioutput weights must be non-negative"):
        call(np.ones((2, 2)), np.ones((2, 2)), multioutput=[1.0, -1.0])


def test_pandas_and_column_vector_inputs():
    index = pd.date_range("2024-01-01", periods=3, freq="D")
    y = pd.Series([100.0, 0.0, 50.0], index=index)
    p = pd.DataFrame({"a": [300.0, 0.0, 50.0]}, index=index)  # (n, 1) vs (n,)
    assert smape(y, p) == pytest.approx(200 / 6)
    assert mase(y, p, y_train=pd.Series(Y_SEASONAL)) == pytest.approx(200 / 3 / 3.6)


# ----------------------------------------------------------------- scorers


def _fit_data(n=12, k=None):
    rng = np.random.default_rng(6)
    X = np.arange(n, dtype=float).reshape(-1, 1)
    shape = (n,) if k is None else (n, k)
    y = 10 + rng.normal(size=shape).cumsum(axis=0)
    return X, y


@pytest.mark.parametrize("k", [None, 2])
@pytest.mark.parametrize("m", [1, 3])
def test_mase_scorer_equals_negated_metric(k, m):
    X, y = _fit_data(k=k)
    est = LastValueForecaster().fit(X[:9], y[:9])
    score = make_mase_scorer(m)(est, X[9:], y[9:])
    expected = mase(y[9:], est.predict(X[9:]), y_train=y[:9], seasonal_period=m)
    assert score == pytest.approx(-expected)
    assert score < 0


def test_mase_scorer_reshapes_column_predictions():
    X, y = _fit_data()
    est = LastValueForecaster().fit(X[:9], y[:9].reshape(-1, 1))  # predicts (n, 1)
    score = make_mase_scorer(1)(est, X[9:], y[9:])  # 1-D y
    assert score == pytest.approx(-mase(y[9:], est.predict(X[9:]), y_train=y[:9]))


def test_mase_scorer_through_pipeline_and_search():
    X, y = _fit_data()
    pipe = make_pipeline(StandardScaler(), LastValueForecaster()).fit(X[:9], y[:9])
    expected = -mase(y[9:], pipe.predict(X[9:]), y_train=y[:9])
    assert make_mase_scorer(1)(pipe, X[9:], y[9:]) == pytest.approx(expected)

    search = GridSearchCV(
        pipe,
        {"lastvalueforecaster__offset": [0.0, 0.5]},
        cv=TimeSeriesSplit(n_splits=2, test_size=2),
        scoring=make_mase_scorer(1),
        error_score="raise",
    ).fit(X[:9], y[:9])
    expected = -mase(y[9:], search.predict(X[9:]), y_train=y[:9])
    assert make_mase_scorer(1)(search, X[9:], y[9:]) == pytest.approx(expected)


def test_mase_scorer_through_transformed_target_regressor():
    X, y = _fit_data()
    ttr = TransformedTargetRegressor(regressor=LastValueForecaster(), transformer=StandardScaler()).fit(
        X[:9], y[:9]
    )
    inner = ttr.regressor_.y_train_
    assert not np.allclose(inner.ravel(), y[:9])  # the inner model saw scaled y
    expected = -mase(y[9:], ttr.predict(X[9:]), y_train=y[:9])
    assert make_mase_scorer(1)(ttr, X[9:], y[9:]) == pytest.approx(expected)

    ttr = TransformedTargetRegressor(
        regressor=make_pipeline(StandardScaler(), LastValueForecaster()),
        func=np.log,
        inverse_func=np.exp,
    ).fit(X[:9], y[:9])
    expected = -mase(y[9:], ttr.predict(X[9:]), y_train=y[:9], seasonal_period=2)
    assert make_mase_scorer(2)(ttr, X[9:], y[9:]) == pytest.approx(expected)


def test_scorers_in_cross_validate():
    X, y = _fit_data(n=14)
    cv = TimeSeriesSplit(n_splits=3, test_size=2)
    scoring = {
        "mase": make_mase_scorer(1),
        "smape": get_scorer("smape"),
        "mape": get_scorer("mape"),
        "mae": get_scorer("neg_mean_absolute_error"),
    }
    result = cross_validate(LastValueForecaster(), X, y, cv=cv, scoring=scoring, error_score="raise")
    for fold, (train, test) in enumerate(cv.split(X)):
        pred = np.full(len(test), y[train][-1])
        assert result["test_mase"][fold] == pytest.approx(-mase(y[test], pred, y_train=y[train]))
        assert result["test_smape"][fold] == pytest.approx(-smape(y[test], pred))
        assert result["test_mape"][fold] == pytest.approx(-mape(y[test], pred))
        assert result["test_mae"][fold] == pytest.approx(-mean_absolute_error(y[test], pred))


@pytest.mark.parametrize(
    "estimator",
    [
        LinearRegression(),
        make_pipeline(StandardScaler(), LinearRegression()),
        TransformedTargetRegressor(regressor=LinearRegression()),
    ],
)
def test_mase_scorer_without_y_train(estimator):
    X, y = _fit_data()
    estimator.fit(X, y)
    with pytest.raises(TypeError, match="needs a fitted tsforecast forecaster"):
        make_mase_scorer(1)(estimator, X, y)


@pytest.mark.parametrize("scorer", [make_mase_scorer(12), *SCORERS.values()], ids=repr)
def test_scorer_pickle_round_trip(scorer):
    X, y = _fit_data(n=20)
    est = LastValueForecaster().fit(X[:15], y[:15])
    clone = pickle.loads(pickle.dumps(scorer))
    assert repr(clone) == repr(scorer)
    assert clone(est, X[15:], y[15:]) == scorer(est, X[15:], y[15:])


def test_scorer_registry_and_get_scorer():
    assert SCORERS["mase"] is SCORERS["neg_mean_absolute_scaled_error"]
    assert SCORERS["smape"] is SCORERS["neg_symmetric_mean_absolute_percentage_error"]
    assert SCORERS["mape"] is SCORERS["neg_mean_absolute_percentage_error"]
    assert repr(get_scorer("mase")) == "make_mase_scorer(seasonal_period=1)"

    X, y = _fit_data()
    est = LastValueForecaster().fit(X[:9], y[:9])
    for name in SCORERS:
        scorer = get_scorer(name)
        assert scorer is not SCORERS[name]  # a fresh copy
        assert scorer(est, X[9:], y[9:]) < 0  # negated loss
        assert scorer(est, X[9:], np.full(3, y[8])) == 0.0  # perfect forecast
    # ours is in percent, sklearn's (shadowed name) a fraction
    ours = get_scorer("neg_mean_absolute_percentage_error")(est, X[9:], y[9:])
    theirs = sklearn.metrics.get_scorer("neg_mean_absolute_percentage_error")(est, X[9:], y[9:])
    assert ours == pytest.approx(100 * theirs)

    mae = get_scorer("neg_root_mean_squared_error")  # falls back to sklearn
    assert mae(est, X[9:], y[9:]) == pytest.approx(-root_mean_squared_error(y[9:], est.predict(X[9:])))
    scorer = make_mase_scorer(4)
    assert get_scorer(scorer) is scorer
    assert get_scorer(None) is None
    with pytest.raises(ValueError, match=r"tsforecast.metrics.get_scorer_names\(\)"):
        get_scorer("not_a_metric")

    names = get_scorer_names()
    assert names == sorted(names)
    assert set(SCORERS) <= set(names)
    assert set(sklearn.metrics.get_scorer_names()) <= set(names)
