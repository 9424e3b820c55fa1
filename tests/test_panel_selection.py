"""Panels in model selection and metrics: cut by time, scored per series (M4 style)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit
from test_panel import ett_panel, stocks_panel

from tsforecast import NaiveForecaster, ThetaForecaster
from tsforecast.metrics import (
    mean_absolute_error,
    mean_absolute_scaled_error,
    mean_over_series,
    symmetric_mean_absolute_percentage_error,
)
from tsforecast.model_selection import ExpandingWindowSplitter, backtest, temporal_train_test_split
from tsforecast.panel import ShortSeriesWarning


def test_temporal_split_of_a_panel_cuts_every_series_at_the_same_stamp():
    y = ett_panel()  # HUFL ends at hour 299, OT at 499, LUFL runs 250..399
    X = pd.DataFrame({"hour": y.index.get_level_values(1).hour}, index=y.index)
    X_train, X_test, y_train, y_test = temporal_train_test_split(X, y, test_size=100)
    stamps = y.index.get_level_values(1).unique().sort_values()
    cutoff = stamps[-101]
    assert (y_train.index.get_level_values(1) <= cutoff).all()
    assert (y_test.index.get_level_values(1) > cutoff).all()
    assert len(y_train) + len(y_test) == len(y) and X_test.index.equals(y_test.index)
    assert set(y_test.index.get_level_values(0)) == {"OT"}  # HUFL and LUFL end before the cut
    parts = temporal_train_test_split(y, test_size=0.1, validation_size=50)
    assert [len(p.index.get_level_values(1).unique()) for p in parts] == [len(stamps) - 100, 50, 50]


def test_window_splitter_on_a_panel_counts_time_stamps_not_rows():
    y = stocks_panel()
    cv = ExpandingWindowSplitter(initial_window=100, horizon=6, step=10)
    stamps = y.index.get_level_values(1)
    assert cv.get_n_splits(y) == len(range(100, 123 - 6 + 1, 10))
    for train, test in cv.split(y):
        cutoff = stamps[train].max()
        assert (stamps[test] > cutoff).all() and stamps[test].unique().size == 6
        # every series contributes all its rows up to the cutoff
        assert len(train) == (stamps <= cutoff).sum()


def test_panel_backtest_equals_per_series_forecasts_scored_and_averaged():
    y = stocks_panel()
    model = NaiveForecaster(strategy="seasonal", seasonal_period=12)
    result = backtest(model, None, y, cv=TimeSeriesSplit(3, test_size=6), seasonal_period=12)
    stamps = y.index.get_level_values(1).unique().sort_values()
    assert len(result.scores) == 3 and (result.scores["n_series"] == 5).all()
    for fold, (_, test) in enumerate(TimeSeriesSplit(3, test_size=6).split(stamps)):
        cutoff = stamps[test[0] - 1]
        mase, smape = [], []
        for ticker in y.index.get_level_values(0).unique():
            series = y.xs(ticker)
            history, future = series[series.index <= cutoff], series[series.index.isin(stamps[test])]
            pred = (
                NaiveForecaster(strategy="seasonal", seasonal_period=12)
                .fit(None, history)
                .predict(pd.DataFrame(index=future.index))
            )
            mase.append(mean_absolute_scaled_error(future, pred, y_train=history, seasonal_period=12))
            smape.append(symmetric_mean_absolute_percentage_error(future, pred))
            rows = result.predictions.query("fold == @fold and series == @ticker")
            np.testing.assert_array_equal(rows["y_pred"].to_numpy(), pred)
            assert (rows["time"].to_numpy() == future.index.to_numpy()).all()
        row = result.scores.iloc[fold]
        assert row["cutoff"] == cutoff
        assert row["mase"] == pytest.approx(np.mean(mase), rel=1e-12)
        assert row["smape"] == pytest.approx(np.mean(smape), rel=1e-12)


def test_panel_backtest_names_series_without_history_before_a_cutoff():
    y = ett_panel()  # LUFL starts at hour 250
    cv = ExpandingWindowSplitter(initial_window=250, horizon=24, step=100)  # first cutoff: hour 249
    with pytest.warns(ShortSeriesWarning, match=r"1 series.*'LUFL' \(folds \[0\]\)"):
        result = backtest(NaiveForecaster(), None, y, cv=cv, coverage=0.8)
    assert result.scores["n_series"].tolist()[0] == 2
    assert "coverage_80" in result.scores and "lower_80" in result.predictions


def test_panel_backtest_skips_folds_whose_test_stamps_no_fitted_series_has():
    """Series that do not overlap in time (one ends before the other starts): folds between them
    have test rows only of a series with no history yet. They used to crash on an empty reshape;
    they are left out and named in the warning."""
    early = pd.Series(np.arange(60.0), index=pd.date_range("2000-01-01", periods=60, freq="D"))
    late = pd.Series(np.arange(60.0) ** 0.5, index=pd.date_range("2000-04-01", periods=60, freq="D"))
    y = pd.concat({"early": early, "late": late})
    # the time axis is the 120 stamps either series has: fold 1 cuts at the last of "early"'s
    cv = ExpandingWindowSplitter(initial_window=45, horizon=5, step=15)
    with pytest.warns(ShortSeriesWarning, match=r"'late' \(folds \[1\]\)"):
        result = backtest(NaiveForecaster(), None, y, cv=cv, coverage=0.8)
    assert result.scores["fold"].tolist() == [0, 2, 3, 4]  # fold 1: nothing could be forecast
    assert set(result.predictions["fold"]) == set(result.scores["fold"])
    assert result.scores["n_series"].min() >= 1


def test_panel_backtest_without_refit_fits_once_and_updates_every_series():
    """refit=False: one fit at the first cutoff, each later fold forecast after ``update`` with the
    rows observed since (the parameters kept), as a user's loop of update and predict would."""
    y = stocks_panel()
    cv = TimeSeriesSplit(3, test_size=6)
    model = ThetaForecaster(seasonal_period=12)
    result = backtest(model, None, y, cv=cv, refit=False, seasonal_period=12)
    refitted = backtest(model, None, y, cv=cv, refit=True, seasonal_period=12)
    stamps = y.index.get_level_values(1).unique().sort_values()
    times = y.index.get_level_values(1)
    cutoffs = [stamps[test[0] - 1] for _, test in cv.split(stamps)]
    by_hand = ThetaForecaster(seasonal_period=12).fit(None, y[times <= cutoffs[0]])
    for fold, cutoff in enumerate(cutoffs):
        if fold:
            by_hand.update(None, y[(times > cutoffs[fold - 1]) & (times <= cutoff)])
        future = y[(times > cutoff) & (times <= stamps[stamps.get_loc(cutoff) + 6])]
        expected = by_hand.predict(pd.DataFrame(index=future.index))
        rows = result.predictions.query("fold == @fold")
        np.testing.assert_allclose(rows["y_pred"].to_numpy(), expected, rtol=1e-12)
    assert result.scores["refit"].tolist() == [True, False, False]
    # a later fold's fit_seconds is its update's: far below a refit's
    assert result.scores["fit_seconds"].iloc[1:].max() < refitted.scores["fit_seconds"].iloc[1:].min()
    # the later folds are not refitted: their parameters (and so forecasts) differ from a refit's
    later = result.predictions["fold"] > 0
    assert not np.allclose(result.predictions.loc[later, "y_pred"], refitted.predictions.loc[later, "y_pred"])
    first = result.predictions["fold"] == 0
    np.testing.assert_array_equal(
        result.predictions.loc[first, "y_pred"], refitted.predictions.loc[first, "y_pred"]
    )


def test_panel_backtest_refuses_refitting_every_few_folds():
    with pytest.raises(ValueError, match=r"refit=2, refitting every few folds, is not supported for panels"):
        backtest(NaiveForecaster(), None, stocks_panel(), cv=TimeSeriesSplit(2, test_size=3), refit=2)


def test_metrics_of_a_panel_average_per_series_scores():
    y = stocks_panel()
    train, test = temporal_train_test_split(y, test_size=6)
    pred = NaiveForecaster().fit(None, train).predict(pd.DataFrame(index=test.index))
    per_series_ids = ["AAPL", "AMZN", "GOOG", "IBM", "MSFT"]
    per_series = [
        mean_absolute_scaled_error(test.xs(t), pred[test.index.get_level_values(0) == t], y_train=train.xs(t))
        for t in per_series_ids
    ]
    assert mean_absolute_scaled_error(test, pred, y_train=train) == pytest.approx(np.mean(per_series))
    keep = ~((test.index.get_level_values(0) == "GOOG") & (test.index.get_level_values(1).month > 11))
    part, part_pred = test[keep], pred[keep]  # GOOG, the dearest, with 2 rows, the others 6
    mae = [
        mean_absolute_error(part.xs(t), part_pred[part.index.get_level_values(0) == t])
        for t in per_series_ids
    ]
    assert mean_over_series(mean_absolute_error, part, part_pred) == pytest.approx(np.mean(mae))
    assert np.mean(mae) != pytest.approx(mean_absolute_error(part, part_pred))  # not pooled over rows
    with pytest.raises(ValueError, match=r"Series 'IBM' of y_true has no rows in y_train"):
        mean_absolute_scaled_error(test, pred, y_train=train.drop("IBM", level=0))
    with pytest.raises(ValueError, match=r"reindex\(y_true.index\)"):
        symmetric_mean_absolute_percentage_error(test, pd.Series(pred, index=test.index[::-1]))
