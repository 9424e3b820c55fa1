"""The uncertainty contract for every forecaster: quantiles, intervals, forecast(coverage=...).

Cheap settings come from ``CASES`` in ``test_common.py`` (the one table). Also the naive family's
textbook intervals, checked against the formulas of Hyndman & Athanasopoulos (FPP3 section 5.5).
"""

from __future__ import annotations

import functools
import pickle

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sklearn.base import clone
from test_common import CASES

from tsforecast import NaiveForecaster, all_estimators
from tsforecast.base import BaseForecaster, check_levels, coverage_label


def _estimators():
    for name, cls in all_estimators():
        for i, case in enumerate(CASES.get(name, [])):
            yield pytest.param(cls(**case.params), id=f"{name}-{i}")


def _first_estimators():
    for name, cls in all_estimators():
        if name in CASES:
            yield pytest.param(cls(**CASES[name][0].params), id=name)


def _future(y: pd.Series | pd.DataFrame, h: int) -> pd.DataFrame:
    return pd.DataFrame(index=pd.date_range(y.index[-1], periods=h + 1, freq="h")[1:])


@pytest.mark.parametrize("estimator", list(_estimators()))
def test_quantiles_are_shaped_sorted_and_bracket_the_point_forecast(estimator, hourly_ot):
    model = clone(estimator).fit(None, hourly_ot)
    future = _future(hourly_ot, 12)
    levels = (0.05, 0.1, 0.5, 0.9, 0.95)
    q = model.predict_quantiles(future, quantiles=levels)
    assert q.shape == (12, 5) and np.isfinite(q).all()
    assert (np.diff(q, axis=-1) >= 0).all()
    point = model.predict(future)
    # the point forecast lies inside the central 80% band; the median near it
    assert ((q[:, 1] <= point + 1e-9) & (point <= q[:, 3] + 1e-9)).all()
    assert np.abs(q[:, 2] - point).max() <= 0.5 * (q[:, 3] - q[:, 1]).max() + 1e-9
    # a later window of X gives those same steps' quantiles
    np.testing.assert_allclose(
        model.predict_quantiles(future.iloc[4:9], levels), q[4:9], rtol=1e-6, atol=1e-9
    )


@pytest.mark.parametrize("estimator", list(_first_estimators()))
def test_intervals_nest_as_coverage_grows_and_match_single_calls(estimator, hourly_ot):
    model = clone(estimator).fit(None, hourly_ot)
    future = _future(hourly_ot, 8)
    lower, upper = model.predict_interval(future, coverage=[0.5, 0.8, 0.95])
    assert lower.shape == upper.shape == (8, 3)
    assert (np.diff(lower, axis=-1) <= 1e-12).all() and (np.diff(upper, axis=-1) >= -1e-12).all()
    assert (lower <= upper).all()
    lo80, up80 = model.predict_interval(future, coverage=0.8)
    assert lo80.shape == (8,)
    np.testing.assert_allclose(lo80, lower[:, 1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(up80, upper[:, 1], rtol=1e-9, atol=1e-12)
    q = model.predict_quantiles(future, quantiles=[0.1, 0.9])
    np.testing.assert_allclose(q[:, 0], lo80, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("estimator", list(_first_estimators()))
def test_two_dimensional_y_gives_a_target_axis(estimator, hourly_panel):
    model = clone(estimator).fit(None, hourly_panel)
    future = _future(hourly_panel, 6)
    assert model.predict_quantiles(future).shape == (6, 2, 3)
    lower, upper = model.predict_interval(future, coverage=0.9)
    assert lower.shape == upper.shape == (6, 2) and (lower <= upper).all()
    lower, upper = model.predict_interval(future, coverage=(0.8, 0.9))
    assert lower.shape == (6, 2, 2)
    table = model.forecast(6, coverage=[0.8, 0.95])
    assert list(table.columns) == [
        "OT",
        "OT_lower_80",
        "OT_upper_80",
        "OT_lower_95",
        "OT_upper_95",
        "HUFL",
        "HUFL_lower_80",
        "HUFL_upper_80",
        "HUFL_lower_95",
        "HUFL_upper_95",
    ]
    np.testing.assert_allclose(table[["OT", "HUFL"]].to_numpy(), model.forecast(6).to_numpy())


@pytest.mark.parametrize("estimator", list(_first_estimators()))
def test_forecast_with_coverage_names_its_bound_columns(estimator, hourly_ot):
    model = clone(estimator).fit(None, hourly_ot)
    table = model.forecast(5, coverage=0.9)
    assert list(table.columns) == ["OT", "lower_90", "upper_90"]
    pd.testing.assert_index_equal(table.index, model.forecast(5).index)
    np.testing.assert_allclose(table["OT"], model.forecast(5).to_numpy())
    lower, upper = model.predict_interval(pd.DataFrame(index=table.index), coverage=0.9)
    np.testing.assert_allclose(table["lower_90"], lower)
    np.testing.assert_allclose(table["upper_90"], upper)


@pytest.mark.parametrize("estimator", list(_first_estimators()))
def test_pickling_and_refitting_keep_the_quantiles(estimator, hourly_ot):
    model = clone(estimator).fit(None, hourly_ot)
    future = _future(hourly_ot, 6)
    expected = model.predict_quantiles(future)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict_quantiles(future), expected)
    np.testing.assert_allclose(clone(estimator).fit(None, hourly_ot).predict_quantiles(future), expected)


@pytest.mark.parametrize("estimator", list(_first_estimators()))
def test_bad_quantiles_and_coverage_name_the_parameter(estimator, hourly_ot):
    model = clone(estimator).fit(None, hourly_ot)
    future = _future(hourly_ot, 3)
    for bad, message in [
        ((0.0, 0.5), "strictly between 0 and 1"),
        ((0.5, 1.2), "strictly between 0 and 1"),
        ((0.9, 0.1), "increasing order"),
        ((0.1, 0.1, 0.9), "duplicated"),
        (("low", "high"), "number"),
        ((), "empty"),
        (np.nan, "strictly between 0 and 1"),
        ([[0.1, 0.9]], "flat sequence"),
    ]:
        with pytest.raises(ValueError, match=f"quantiles.*{message}|{message}.*quantiles"):
            model.predict_quantiles(future, quantiles=bad)
    with pytest.raises(ValueError, match=r"coverage must lie strictly between 0 and 1.*pass 0.9, not 90"):
        model.predict_interval(future, coverage=90)
    with pytest.raises(ValueError, match="coverage must be in increasing order"):
        model.forecast(3, coverage=[0.95, 0.8])
    with pytest.raises(ValueError, match="coverage must be a number"):
        model.forecast(3, coverage="0.9")
    with pytest.raises(ValueError, match="coverage must be a number"):
        model.predict_interval(future, coverage=True)


def test_a_model_without_the_hook_is_refused_by_name():
    class PointOnly(BaseForecaster):
        def _fit(self, y, X):
            pass

        def _predict(self, steps, X):
            return np.zeros((len(steps), self.n_targets_))

    model = PointOnly().fit(None, np.arange(10.0))
    assert model.predict(np.empty((2, 0))).shape == (2,)
    with pytest.raises(
        NotImplementedError, match="PointOnly has no predictive distribution.*ConformalForecaster"
    ):
        model.predict_interval(np.empty((2, 0)))


def test_crossing_quantiles_from_a_hook_are_sorted():
    class Crossing(BaseForecaster):
        def _fit(self, y, X):
            pass

        def _predict(self, steps, X):
            return np.zeros((len(steps), self.n_targets_))

        def _predict_quantiles(self, steps, X, quantiles):
            return np.broadcast_to(-quantiles, (len(steps), self.n_targets_, len(quantiles)))

    model = Crossing().fit(None, np.arange(10.0))
    q = model.predict_quantiles(np.empty((2, 0)), quantiles=[0.1, 0.5, 0.9])
    np.testing.assert_array_equal(q, [[-0.9, -0.5, -0.1]] * 2)


def test_check_levels_and_labels():
    assert check_levels(0.9, "coverage")[1] is True
    values, scalar = check_levels([0.1, 0.5], "quantiles")
    assert not scalar and values.dtype == np.float64
    assert [coverage_label(c) for c in (0.8, 0.9, 0.95, 0.975, 0.5)] == ["80", "90", "95", "97.5", "50"]


# -- the naive family's textbook intervals (FPP3 section 5.5) --------------------------------------


def _textbook_sd(strategy: str, y: np.ndarray, h: np.ndarray, m: int = 1) -> np.ndarray:
    """sigma_h written out from the book's table, one series."""
    T = len(y)
    if strategy == "mean":
        e = y - y.mean()
        sigma = np.sqrt(np.sum(e**2) / (T - 1))
        return sigma * np.sqrt(1 + 1 / T) * np.ones(len(h))
    if strategy == "last":
        e = np.diff(y)
        return np.sqrt(np.sum(e**2) / (T - 1)) * np.sqrt(h)
    if strategy == "drift":
        slope = (y[-1] - y[0]) / (T - 1)
        e = np.diff(y) - slope
        return np.sqrt(np.sum(e**2) / (T - 2)) * np.sqrt(h * (1 + h / (T - 1)))
    e = y[m:] - y[:-m]
    k = np.floor((h - 1) / m)
    return np.sqrt(np.sum(e**2) / (T - m)) * np.sqrt(k + 1)


@pytest.mark.parametrize(
    "strategy, m", [("mean", 1), ("last", 1), ("drift", 1), ("seasonal", 24), ("seasonal", 7)]
)
def test_naive_intervals_follow_the_textbook_formulas_per_column(strategy, m, hourly_panel):
    model = NaiveForecaster(strategy=strategy, seasonal_period=m).fit(None, hourly_panel)
    h = np.arange(1, 61)
    future = _future(hourly_panel, 60)
    levels = np.array([0.025, 0.1, 0.5, 0.9, 0.975])
    q = model.predict_quantiles(future, quantiles=levels)
    point = model.predict(future)
    for j, column in enumerate(hourly_panel.columns):
        sd = _textbook_sd(strategy, hourly_panel[column].to_numpy(), h, m)
        expected = point[:, j, None] + sd[:, None] * norm.ppf(levels)
        np.testing.assert_allclose(q[:, j], expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(q[:, :, 2], point, rtol=1e-12, atol=1e-12)
    lower, upper = model.predict_interval(future, coverage=0.95)
    np.testing.assert_allclose(
        upper - point,
        1.959963984540054
        * np.stack(
            [_textbook_sd(strategy, hourly_panel[c].to_numpy(), h, m) for c in hourly_panel.columns], axis=1
        ),
        rtol=1e-12,
    )


def test_naive_intervals_follow_update(hourly_ot):
    model = NaiveForecaster(strategy="drift").fit(None, hourly_ot.iloc[:100])
    model.update(None, hourly_ot.iloc[100:])
    refitted = NaiveForecaster(strategy="drift").fit(None, hourly_ot)
    future = _future(hourly_ot, 4)
    np.testing.assert_allclose(
        model.predict_quantiles(future), refitted.predict_quantiles(future), rtol=1e-12
    )


def test_seasonal_naive_band_widens_once_per_season():
    y = np.tile([1.0, 5.0, 3.0], 4) + np.arange(12) % 2 * 0.5
    model = NaiveForecaster(strategy="seasonal", seasonal_period=3).fit(None, y)
    lower, upper = model.predict_interval(np.empty((7, 0)), coverage=0.8)
    width = upper - lower
    np.testing.assert_allclose(width[:3], width[0])
    np.testing.assert_allclose(width[3:6], width[0] * np.sqrt(2))
    np.testing.assert_allclose(width[6], width[0] * np.sqrt(3))


@pytest.mark.parametrize("strategy, n", [("last", 1), ("mean", 1), ("drift", 2), ("seasonal", 4)])
def test_naive_intervals_refuse_a_history_too_short_for_a_spread(strategy, n):
    model = NaiveForecaster(strategy=strategy, seasonal_period=4).fit(None, np.arange(float(n)) + 1)
    assert np.isfinite(model.predict(np.empty((2, 0)))).all()
    with pytest.raises(ValueError, match=f"needs at least \\d+ observed steps.*n_samples={n}"):
        model.predict_interval(np.empty((2, 0)))


# -- backtest(coverage=...) ------------------------------------------------------------------------


def test_backtest_records_bounds_and_scores_them_per_fold(hourly_panel):
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import TimeSeriesSplit

    from tsforecast.metrics import empirical_coverage, interval_score, mean_interval_width
    from tsforecast.model_selection import backtest

    y = hourly_panel
    cv = TimeSeriesSplit(n_splits=3, test_size=12)
    models = {"drift": NaiveForecaster("drift"), "last": NaiveForecaster()}
    result = backtest(models, None, y, cv=cv, coverage=[0.8, 0.95], scoring=["mae"])
    assert result.metrics == [
        "mae",
        "coverage_80",
        "width_80",
        "interval_score_80",
        "coverage_95",
        "width_95",
        "interval_score_95",
    ]
    summary = result.summary()
    assert {"mae", "coverage_80", "width_95", "interval_score_95"} <= set(summary.columns)
    preds = result.predictions
    assert {"lower_80", "upper_80", "lower_95", "upper_95"} <= set(preds.columns)
    for fold, (train, test) in enumerate(cv.split(y)):
        model = NaiveForecaster("drift").fit(None, y.iloc[train])
        lower, upper = model.predict_interval(pd.DataFrame(index=y.index[test]), coverage=0.8)
        rows = preds[(preds["model"] == "drift") & (preds["fold"] == fold)]
        np.testing.assert_allclose(rows["lower_80"], lower.ravel())
        np.testing.assert_allclose(rows["upper_80"], upper.ravel())
        score = result.scores[(result.scores["model"] == "drift") & (result.scores["fold"] == fold)].iloc[0]
        truth = y.iloc[test].to_numpy()
        assert score["coverage_80"] == pytest.approx(empirical_coverage(truth, lower, upper))
        assert score["width_80"] == pytest.approx(mean_interval_width(lower, upper))
        assert score["interval_score_80"] == pytest.approx(interval_score(truth, lower, upper, coverage=0.8))
    # refit=False moves the model forward with update: same bounds for the naive family
    moved = backtest(models, None, y, cv=cv, coverage=0.8, refit=False, scoring="mae")
    np.testing.assert_allclose(moved.predictions["upper_80"], result.predictions["upper_80"])
    with pytest.raises(TypeError, match="LinearRegression has no predict_interval.*ConformalForecaster"):
        backtest(LinearRegression(), np.arange(len(y.index))[:, None] * 1.0, y, cv=cv, coverage=0.8)
    with pytest.raises(ValueError, match="coverage must lie strictly between 0 and 1"):
        backtest(models, None, y, cv=cv, coverage=80)


def test_plots_shade_the_bands_of_forecast_and_backtest(hourly_ot, hourly_panel):
    import matplotlib

    matplotlib.use("Agg")
    from sklearn.model_selection import TimeSeriesSplit

    from tsforecast.model_selection import backtest
    from tsforecast.plotting import plot_backtest, plot_forecast

    table = NaiveForecaster("drift").fit(None, hourly_ot).forecast(24, coverage=[0.8, 0.95])
    ax = plot_forecast(hourly_ot, table, history=48)
    assert [line.get_label() for line in ax.get_lines()] == ["history", "forecast"]
    bands = ax.collections
    assert [band.get_label() for band in bands] == ["80%", "95%"]
    # the 80% band lies inside the 95% one, and its vertices are the forecast's bounds
    upper80 = bands[0].get_paths()[0].vertices[:, 1].max()
    assert upper80 == pytest.approx(table["upper_80"].max())
    assert bands[1].get_paths()[0].vertices[:, 1].max() == pytest.approx(table["upper_95"].max())
    two = NaiveForecaster().fit(None, hourly_panel).forecast(6, coverage=0.9)
    labels = [band.get_label() for band in plot_forecast(hourly_panel, two).collections]
    assert labels == ["OT 90%", "HUFL 90%"]

    result = backtest(NaiveForecaster(), None, hourly_ot, cv=TimeSeriesSplit(3, test_size=12), coverage=0.8)
    top, _ = plot_backtest(result, hourly_ot)
    shaded = [band for band in top.collections if band.get_paths()]
    assert len(shaded) == 3  # one band per fold
    assert [band.get_label() for band in shaded][0] == "NaiveForecaster 80%"


def test_backtest_bounds_of_neural_models_come_batched_and_equal_the_update_loop(hourly_ot, monkeypatch):
    from tsforecast import LSTMForecaster
    from tsforecast import model_selection as ms
    from tsforecast.model_selection import ExpandingWindowSplitter, backtest

    cheap = LSTMForecaster(**CASES["LSTMForecaster"][0].params)
    cv = ExpandingWindowSplitter(initial_window=200, horizon=6, step=6)
    calls = []
    original = LSTMForecaster.predict_origins

    @functools.wraps(original)
    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("quantiles"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LSTMForecaster, "predict_origins", counting)
    batched = backtest(cheap, None, hourly_ot, cv=cv, refit=False, coverage=[0.8, 0.95], scoring="mae")
    assert len(calls) == 2 and calls[0] is None and len(calls[1]) == 4  # points, then 4 bound levels
    monkeypatch.setattr(ms, "_origins_give", lambda final, coverages: False)  # fold by fold instead
    looped = backtest(cheap, None, hourly_ot, cv=cv, refit=False, coverage=[0.8, 0.95], scoring="mae")
    assert len(calls) == 2
    for column in ("y_pred", "lower_80", "upper_80", "lower_95", "upper_95"):
        np.testing.assert_allclose(
            batched.predictions[column], looped.predictions[column], rtol=1e-5, atol=1e-6
        )
