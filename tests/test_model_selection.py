"""Backtests, splitters and temporal splits, on real hourly data (ETTh1)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, TimeSeriesSplit, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import tsforecast
from tsforecast import NaiveForecaster
from tsforecast.metrics import (
    make_mase_scorer,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_absolute_scaled_error,
    root_mean_squared_error,
    symmetric_mean_absolute_percentage_error,
)
from tsforecast.model_selection import (
    BacktestResult,
    ExpandingWindowSplitter,
    SlidingWindowSplitter,
    backtest,
    temporal_train_test_split,
)

from conftest import calendar_frame


def _lstm_class():
    found = getattr(tsforecast, "LSTMForecaster", None)
    if found is None:
        try:
            from tsforecast.models.rnn import LSTMForecaster
        except ImportError:
            return None
        found = LSTMForecaster
    return found


def _cheap_lstm():
    cls = _lstm_class()
    if cls is None:
        pytest.skip("no LSTMForecaster yet")
    return cls(
        lookback=24,
        horizon=6,
        hidden_size=4,
        num_layers=1,
        max_epochs=1,
        batch_size=128,
        early_stopping=False,
        random_state=0,
        device="cpu",
    )


@pytest.fixture(scope="module")
def ot(etth1):
    """600 hours of real oil temperature."""
    return etth1["OT"].iloc[:600]


# -- splitters -------------------------------------------------------------------------------


def test_expanding_window_folds_are_tidy_blocks():
    cv = ExpandingWindowSplitter(initial_window=100, horizon=24, step=12, gap=3)
    folds = list(cv.split(np.zeros(200)))
    assert (
        cv.get_n_splits(np.zeros(200)) == len(folds) == 7
    )  # train stops 100, 112, ..., 172 (172+3+24 <= 200)
    for i, (train, test) in enumerate(folds):
        stop = 100 + 12 * i
        np.testing.assert_array_equal(train, np.arange(stop))
        np.testing.assert_array_equal(test, np.arange(stop + 3, stop + 27))
    assert folds[-1][1][-1] <= 199


def test_sliding_window_has_a_fixed_length_and_matches_time_series_split():
    cv = SlidingWindowSplitter(window=50, horizon=10, step=10)
    X = np.zeros(120)
    mine = list(cv.split(X))
    assert {len(train) for train, _ in mine} == {50}
    # the same folds as scikit-learn's TimeSeriesSplit with max_train_size, counted from the end
    theirs = list(TimeSeriesSplit(n_splits=len(mine), test_size=10, max_train_size=50).split(X))
    for (a_train, a_test), (b_train, b_test) in zip(mine, theirs, strict=True):
        np.testing.assert_array_equal(a_train, b_train)
        np.testing.assert_array_equal(a_test, b_test)


def test_splitter_errors():
    with pytest.raises(ValueError, match=r"no fold in n_samples=20.*needs 15 training \+ 2 gap \+ 5 test"):
        list(ExpandingWindowSplitter(15, horizon=5, gap=2).split(np.zeros(20)))
    with pytest.raises(
        ValueError,
        match=r"The 'horizon' parameter of SlidingWindowSplitter must be an int in the range \[1, inf\)",
    ):
        list(SlidingWindowSplitter(5, horizon=0).split(np.zeros(20)))
    for bad in ({"initial_window": True}, {"gap": -1}, {"step": 1.0}):  # True is no integer
        params = {"initial_window": 5, "horizon": 2, **bad}
        with pytest.raises(ValueError, match=f"The '{next(iter(bad))}' parameter of ExpandingWindowSplitter"):
            list(ExpandingWindowSplitter(**params).split(np.zeros(20)))
    with pytest.raises(ValueError, match="needs X"):
        ExpandingWindowSplitter(5, 1).get_n_splits()
    assert "initial_window=5" in repr(ExpandingWindowSplitter(5, 1))


# -- temporal_train_test_split --------------------------------------------------------------


def test_temporal_train_test_split_keeps_order_and_pandas(ot):
    X = calendar_frame(ot.index)
    X_train, X_test, y_train, y_test = temporal_train_test_split(X, ot, test_size=0.1)
    assert len(y_test) == 60 and len(y_train) == 540
    pd.testing.assert_series_equal(pd.concat([y_train, y_test]), ot)
    assert X_test.index.equals(y_test.index) and y_train.index[-1] < y_test.index[0]
    parts = temporal_train_test_split(ot.to_numpy(), test_size=24, validation_size=48)
    assert [len(p) for p in parts] == [528, 48, 24]
    np.testing.assert_array_equal(np.concatenate(parts), ot.to_numpy())
    assert temporal_train_test_split([1, 2, 3, 4], test_size=1) == [[1, 2, 3], [4]]


def test_temporal_train_test_split_errors(ot):
    with pytest.raises(ValueError, match="same number of rows"):
        temporal_train_test_split(ot, ot.iloc[:-1], test_size=3)
    with pytest.raises(
        ValueError, match=r"'test_size' parameter of temporal_train_test_split must be a float in"
    ):
        temporal_train_test_split(ot, test_size=1.5)
    with pytest.raises(ValueError, match="'test_size' parameter"):
        temporal_train_test_split(ot, test_size=True)
    with pytest.raises(ValueError, match=r"test_size=600 rows leave no training rows: n_samples=600"):
        temporal_train_test_split(ot, test_size=600)
    with pytest.raises(ValueError, match="train=0"):
        temporal_train_test_split(ot.iloc[:4], test_size=2, validation_size=2)


# -- backtest: forecasts and scores are the right ones ---------------------------------------


def test_refit_backtest_equals_cross_validate_on_the_same_folds(ot):
    cv = TimeSeriesSplit(n_splits=4, test_size=24, gap=5)
    model = NaiveForecaster("seasonal", seasonal_period=24)
    result = backtest(model, None, ot, cv=cv, scoring=["mae", "rmse"])
    theirs = cross_validate(
        model,
        pd.DataFrame(index=ot.index),
        ot,
        cv=cv,
        scoring=["neg_mean_absolute_error", "neg_root_mean_squared_error"],
    )
    np.testing.assert_allclose(result.scores["mae"], -theirs["test_neg_mean_absolute_error"])
    np.testing.assert_allclose(result.scores["rmse"], -theirs["test_neg_root_mean_squared_error"])
    assert result.scores["refit"].all() and (result.scores["train_size"] == [499, 523, 547, 571]).all()


def test_predictions_table_is_tidy_and_exact_with_a_gap(ot):
    gap, h = 5, 12
    cv = TimeSeriesSplit(n_splits=3, test_size=h, gap=gap)
    result = backtest(NaiveForecaster("drift"), None, ot, cv=cv)
    pred = result.predictions
    assert list(pred.columns) == ["model", "fold", "cutoff", "step", "time", "target", "y_true", "y_pred"]
    assert len(pred) == 3 * h and set(pred["target"]) == {"OT"} and set(pred["model"]) == {"NaiveForecaster"}
    for (train, test), (_, rows) in zip(cv.split(ot), pred.groupby("fold"), strict=True):
        model = NaiveForecaster("drift").fit(None, ot.iloc[train])
        np.testing.assert_allclose(rows["y_pred"], model.forecast(gap + h).to_numpy()[gap:])
        assert (rows["cutoff"] == ot.index[train[-1]]).all()
        assert list(rows["step"]) == list(range(gap + 1, gap + h + 1))
        assert list(rows["time"]) == list(ot.index[test])
        np.testing.assert_array_equal(rows["y_true"], ot.to_numpy()[test])
    assert pd.api.types.is_datetime64_any_dtype(pred["time"])


def test_metrics_match_the_metric_functions(etth1):
    y = etth1[["OT", "HUFL"]].iloc[:400]
    result = backtest(
        NaiveForecaster(),
        None,
        y,
        cv=TimeSeriesSplit(3, test_size=24),
        scoring=["mae", "rmse", "mase", "smape", "mape", "neg_mean_absolute_error", "r2"],
        seasonal_period=24,
    )
    assert result.metrics == ["mae", "rmse", "mase", "smape", "mape", "mean_absolute_error", "r2"]
    assert result.greater_is_better == {**dict.fromkeys(result.metrics, False), "r2": True}
    for (train, test), row in zip(
        TimeSeriesSplit(3, test_size=24).split(y), result.scores.itertuples(), strict=True
    ):
        t = y.to_numpy()[test]
        p = np.repeat(y.to_numpy()[train[-1]][None], 24, axis=0)
        assert row.mae == pytest.approx(mean_absolute_error(t, p)) == row.mean_absolute_error
        assert row.rmse == pytest.approx(root_mean_squared_error(t, p))
        assert row.mase == pytest.approx(
            mean_absolute_scaled_error(t, p, y_train=y.iloc[train], seasonal_period=24)
        )
        assert row.smape == pytest.approx(symmetric_mean_absolute_percentage_error(t, p))
        assert row.mape == pytest.approx(mean_absolute_percentage_error(t, p))
    long = result.predictions
    assert list(long["target"].iloc[:4]) == ["OT", "HUFL", "OT", "HUFL"]


def test_mase_scorer_in_a_dict_equals_the_named_metric(ot):
    cv = ExpandingWindowSplitter(300, horizon=24, step=100)
    named = backtest(NaiveForecaster(), None, ot, cv=cv, scoring="mase", seasonal_period=24)
    scorer = backtest(NaiveForecaster(), None, ot, cv=cv, scoring={"mase24": make_mase_scorer(24)})
    np.testing.assert_allclose(scorer.scores["mase24"], named.scores["mase"])
    assert scorer.greater_is_better == {"mase24": False} and (named.scores["mase"] > 0).all()


def test_leaderboard_of_several_models_on_real_weather(etth1):
    y = etth1["OT"].iloc[:2000]
    models = {
        "mean": NaiveForecaster("mean"),
        "seasonal": NaiveForecaster("seasonal", seasonal_period=24),
        "last": NaiveForecaster("last"),
    }
    result = backtest(
        models, None, y, cv=ExpandingWindowSplitter(1000, horizon=24, step=48), seasonal_period=24
    )
    board = result.summary()
    assert list(board.columns) == [
        "mae",
        "rmse",
        "mase",
        "smape",
        "n_folds",
        "fit_seconds",
        "predict_seconds",
    ]
    assert board["mae"].is_monotonic_increasing and board.index[-1] == "mean"  # the long-run mean is worst
    assert (board["n_folds"] == 21).all()
    assert set(result.scores["model"]) == set(models) and "BacktestResult(models=" in repr(result)
    assert "| model" in board.to_markdown()


def test_numpy_one_and_two_dimensional_y_with_a_gap(hourly_panel):
    values = hourly_panel.to_numpy()
    cv = TimeSeriesSplit(n_splits=2, test_size=6, gap=4)
    result = backtest(NaiveForecaster("drift"), None, values, cv=cv)
    pred = result.predictions
    assert set(pred["target"]) == {0, 1} and pred["time"].tolist()[:2] == [len(values) - 12] * 2
    # the gap is honoured: steps 5..10 of the drift line
    model = NaiveForecaster("drift").fit(None, values[: len(values) - 16])
    expected = model.forecast(10).to_numpy()[4:]
    np.testing.assert_allclose(pred[pred.fold == 0]["y_pred"].to_numpy().reshape(6, 2), expected)
    one = backtest(NaiveForecaster("drift"), np.zeros((len(values), 1)), values[:, 0], cv=cv)
    np.testing.assert_allclose(one.predictions[one.predictions.fold == 0]["y_pred"], expected[:, 0])
    assert set(one.predictions["target"]) == {"y"}


@pytest.mark.parametrize("index", ["period", "integer"])
def test_period_and_integer_indexes(ot, index):
    values = ot.to_numpy()[:200]
    labels = (
        pd.period_range("2016-07-01", periods=200, freq="h")
        if index == "period"
        else pd.Index(np.arange(1000, 1000 + 5 * 200, 5))
    )
    y = pd.Series(values, index=labels, name="OT")
    result = backtest(
        NaiveForecaster("drift"), None, y, cv=TimeSeriesSplit(2, test_size=5, gap=2), refit=False
    )
    pred = result.predictions
    assert list(pred["time"].iloc[:5]) == list(labels[-10:-5]) and pred["step"].iloc[0] == 3


# -- refit modes -------------------------------------------------------------------------------


def test_refit_false_updates_one_fit_and_equals_refitting_for_last_value(ot):
    cv = ExpandingWindowSplitter(400, horizon=24, step=7, gap=2)
    refit = backtest(NaiveForecaster(), None, ot, cv=cv)
    moved = backtest(NaiveForecaster(), None, ot, cv=cv, refit=False)
    np.testing.assert_array_equal(moved.predictions["y_pred"], refit.predictions["y_pred"])
    assert moved.scores["refit"].tolist() == [True] + [False] * (len(moved.scores) - 1)
    every3 = backtest(NaiveForecaster(), None, ot, cv=cv, refit=3)
    assert every3.scores["refit"].tolist()[:7] == [True, False, False, True, False, False, True]
    np.testing.assert_array_equal(every3.predictions["y_pred"], refit.predictions["y_pred"])


def test_refit_false_keeps_fitted_parameters(ot):
    # the "mean" model's level is a fitted parameter only with refit; update re-estimates
    # nothing but the history, so the drift slope from the first fit is kept
    from tsforecast.models.statistical import ETSForecaster

    cv = ExpandingWindowSplitter(300, horizon=12, step=50)
    one_fit = backtest(ETSForecaster(error="add", trend=None, seasonal=None), None, ot, cv=cv, refit=False)
    refits = backtest(ETSForecaster(error="add", trend=None, seasonal=None), None, ot, cv=cv)
    assert one_fit.scores["refit"].sum() == 1 and refits.scores["refit"].all()
    first = one_fit.predictions.fold == 0
    np.testing.assert_allclose(one_fit.predictions[first]["y_pred"], refits.predictions[first]["y_pred"])
    assert np.isfinite(one_fit.predictions["y_pred"]).all()


@pytest.mark.parametrize("refit", [True, False, 2])
@pytest.mark.parametrize("strategy", ["mean", "drift"])
def test_no_leakage_after_the_cutoff(ot, refit, strategy):
    """Changing y after a fold's cutoff leaves that fold's forecasts unchanged."""
    cv = ExpandingWindowSplitter(300, horizon=24, step=40, gap=3)
    model = NaiveForecaster(strategy)
    base = backtest(model, None, ot, cv=cv, refit=refit).predictions
    folds = list(cv.split(ot))
    k = 3
    cutoff = folds[k][0][-1]
    changed = ot.copy()
    changed.iloc[cutoff + 1 :] += np.linspace(50, 500, len(ot) - cutoff - 1)
    after = backtest(model, None, changed, cv=cv, refit=refit).predictions
    early = base.fold <= k
    np.testing.assert_array_equal(after[early]["y_pred"], base[early]["y_pred"])
    assert not np.allclose(after[~early]["y_pred"], base[~early]["y_pred"])  # later folds do see it


def test_n_jobs_gives_the_same_result(ot):
    cv = TimeSeriesSplit(n_splits=4, test_size=24)
    models = {"drift": NaiveForecaster("drift"), "s": NaiveForecaster("seasonal", seasonal_period=24)}
    serial = backtest(models, None, ot, cv=cv)
    parallel = backtest(models, None, ot, cv=cv, n_jobs=2)
    pd.testing.assert_frame_equal(parallel.predictions, serial.predictions)
    cols = ["model", "fold", "cutoff", "mae", "rmse", "mase", "smape"]
    pd.testing.assert_frame_equal(parallel.scores[cols], serial.scores[cols])


def test_pipelines_refit_and_update(ot):
    X = calendar_frame(ot.index)
    cv = ExpandingWindowSplitter(400, horizon=24, step=24)
    regression = Pipeline([("scale", StandardScaler()), ("model", LinearRegression())])
    fitted = backtest(regression, X, ot, cv=cv)  # any regressor works with refit=True
    assert fitted.scores["model"].iloc[0] == "LinearRegression" and np.isfinite(fitted.scores["mae"]).all()
    with pytest.raises(TypeError, match="lacks: use refit=True"):
        backtest(regression, X, ot, cv=cv, refit=False)
    forecaster = Pipeline(
        [("scale", StandardScaler().set_output(transform="pandas")), ("model", NaiveForecaster())]
    )
    moved = backtest(forecaster, X, ot, cv=cv, refit=False)  # transforms X_new, updates the last step
    plain = backtest(NaiveForecaster(), X, ot, cv=cv)
    np.testing.assert_array_equal(moved.predictions["y_pred"], plain.predictions["y_pred"])


def test_return_predictions_false_and_bad_arguments(ot):
    cv = TimeSeriesSplit(n_splits=2, test_size=5)
    assert backtest(NaiveForecaster(), None, ot, cv=cv, return_predictions=False).predictions is None
    with pytest.raises(ValueError, match="not a contiguous training block"):
        backtest(NaiveForecaster(), None, ot, cv=KFold(3, shuffle=True, random_state=0))
    with pytest.raises(TypeError, match="splitter with a split method"):
        backtest(NaiveForecaster(), None, ot, cv=5)
    with pytest.raises(
        ValueError, match=r"The 'refit' parameter of backtest must be .*an int in the range \[1"
    ):
        backtest(NaiveForecaster(), None, ot, cv=cv, refit=0)
    with pytest.raises(ValueError, match="The 'seasonal_period' parameter of backtest .* Got True instead"):
        backtest(NaiveForecaster(), None, ot, cv=cv, seasonal_period=True)
    with pytest.raises(ValueError, match=r"column names \['fold'\] twice, or names taken"):
        backtest(NaiveForecaster(), None, ot, cv=cv, scoring={"mae": "mae", "fold": "rmse"})
    with pytest.raises(ValueError, match=r"column names \['mae'\] twice"):
        backtest(NaiveForecaster(), None, ot, cv=cv, scoring=["mae", "mae"])
    with pytest.raises(ValueError, match="not a valid scoring"):
        backtest(NaiveForecaster(), None, ot, cv=cv, scoring="nope")
    with pytest.raises(ValueError, match="different numbers of time steps"):
        backtest(NaiveForecaster(), np.zeros((3, 1)), ot, cv=cv)
    with pytest.raises(ValueError, match="The 'y' parameter of backtest must be an array-like"):
        backtest(NaiveForecaster(), None, None, cv=cv)
    with pytest.raises(ValueError, match="MASE with seasonal_period=24 needs more than 24"):
        backtest(
            NaiveForecaster(),
            None,
            ot.iloc[:30],
            cv=TimeSeriesSplit(2, test_size=5),
            scoring="mase",
            seasonal_period=24,
        )


# -- the batched hook: predict_origins ---------------------------------------------------------


class _OriginsNaive(NaiveForecaster):
    """A last-value forecaster with the batched hook, recording how it is called."""

    calls: list = []

    def predict_origins(self, origins, n_steps, y=None, X=None):
        _OriginsNaive.calls.append((np.asarray(origins), n_steps, len(y), len(X), np.shape(X)[1]))
        y = np.asarray(y, dtype=float).reshape(len(y), -1)
        return np.repeat(y[np.asarray(origins) - 1][:, None, :], n_steps, axis=1)


def test_predict_origins_hook_is_one_call_with_no_future_y(ot):
    cv = ExpandingWindowSplitter(300, horizon=12, step=20, gap=2)
    _OriginsNaive.calls.clear()
    batched = backtest(_OriginsNaive(), None, ot, cv=cv, refit=False)
    plain = backtest(NaiveForecaster(), None, ot, cv=cv, refit=False)
    np.testing.assert_array_equal(batched.predictions["y_pred"], plain.predictions["y_pred"])
    ((origins, n_steps, n_y, n_X, _),) = _OriginsNaive.calls
    stops = [train[-1] + 1 for train, _ in cv.split(ot)]
    np.testing.assert_array_equal(origins, stops)
    assert n_steps == 14 and n_y == stops[-1] and n_X == stops[-1] + 14  # y ends at the last cutoff
    _OriginsNaive.calls.clear()
    backtest(_OriginsNaive(), None, ot, cv=cv, refit=3)
    assert len(_OriginsNaive.calls) == int(np.ceil(len(stops) / 3))


def test_predict_origins_of_a_pipeline_gets_the_transformed_X(ot):
    X = calendar_frame(ot.index)
    pipe = Pipeline([("scale", StandardScaler().set_output(transform="pandas")), ("model", _OriginsNaive())])
    cv = ExpandingWindowSplitter(300, horizon=12, step=20)
    _OriginsNaive.calls.clear()
    batched = backtest(pipe, X, ot, cv=cv, refit=False)
    ((_, _, _, _, n_features),) = _OriginsNaive.calls
    assert n_features == 2
    plain = backtest(NaiveForecaster(), None, ot, cv=cv, refit=False)
    np.testing.assert_array_equal(batched.predictions["y_pred"], plain.predictions["y_pred"])


def test_lstm_batched_origins_equal_the_update_path(ot):
    model = _cheap_lstm()
    if not hasattr(model, "predict_origins"):
        pytest.skip("LSTMForecaster has no predict_origins")

    class Unbatched(type(model)):
        def __getattribute__(self, name):
            if name == "predict_origins":
                raise AttributeError(name)
            return super().__getattribute__(name)

    cv = ExpandingWindowSplitter(400, horizon=12, step=15, gap=1)
    batched = backtest(model, None, ot, cv=cv, refit=False)
    looped = backtest(Unbatched(**model.get_params()), None, ot, cv=cv, refit=False)
    np.testing.assert_allclose(
        batched.predictions["y_pred"], looped.predictions["y_pred"], rtol=1e-4, atol=1e-4
    )
    # no leakage through the batched call either
    cutoff = list(cv.split(ot))[3][0][-1]
    changed = ot.copy()
    changed.iloc[cutoff + 1 :] += 100.0
    after = backtest(model, None, changed, cv=cv, refit=False).predictions
    early = batched.predictions.fold <= 3
    np.testing.assert_allclose(after[early]["y_pred"], batched.predictions[early]["y_pred"], rtol=1e-5)


def test_result_is_a_small_documented_object(ot):
    result = backtest(NaiveForecaster(), None, ot, cv=TimeSeriesSplit(2, test_size=4))
    assert isinstance(result, BacktestResult)
    assert list(result.scores.columns[:8]) == [
        "model",
        "fold",
        "cutoff",
        "train_size",
        "test_size",
        "refit",
        "fit_seconds",
        "predict_seconds",
    ]
    assert result.metrics == ["mae", "rmse", "mase", "smape"]


def test_forecast_from_a_fitted_search_over_a_pipeline(ot):
    """The README's recipe: the best pipeline's last step forecasts its transformed future X."""
    from sklearn.model_selection import GridSearchCV

    from tsforecast import ARIMAForecaster
    from tsforecast.preprocessing import FourierFeatures

    y = ot.iloc[:300]
    pipe = Pipeline(
        [("fourier", FourierFeatures(period=24, order=2)), ("model", ARIMAForecaster(order=(1, 0, 0)))]
    )
    grid = {"model__order": [(1, 0, 0), (2, 0, 0)]}
    X = pd.DataFrame(index=y.index)  # no columns: the index is the time axis FourierFeatures reads
    search = GridSearchCV(pipe, grid, cv=TimeSeriesSplit(n_splits=2, test_size=24)).fit(X, y)
    X_future = pd.DataFrame(index=pd.date_range(y.index[-1], periods=25, freq="h")[1:])
    best = search.best_estimator_
    out = best[-1].forecast(best[:-1].transform(X_future))
    assert out.index.equals(X_future.index) and out.name == "OT"
    np.testing.assert_allclose(out.to_numpy(), search.predict(X_future))


class _WarnsAtEveryFit(NaiveForecaster):
    """A forecaster that warns, with the same text, whenever it is fitted."""

    def _fit(self, y, X):
        warnings.warn("kept its initial weights", UserWarning, stacklevel=2)
        super()._fit(y, X)


def test_a_warning_repeated_at_every_fold_is_issued_once_with_its_count():
    y = np.sin(np.arange(120) / 3.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        backtest(
            {"warns": _WarnsAtEveryFit(), "quiet": NaiveForecaster()},
            None,
            y,
            cv=TimeSeriesSplit(n_splits=6, test_size=5),
        )
    texts = [str(w.message) for w in caught if "initial weights" in str(w.message)]
    assert texts == ["kept its initial weights [warns: in 6 of 6 fits]"]
