"""Panels in model selection and metrics: cut by time, scored per series (M4 style)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from test_panel import ett_panel, stocks_panel

from tsforecast import LSTMForecaster, NaiveForecaster, ThetaForecaster
from tsforecast.metrics import (
    make_mase_scorer,
    mean_absolute_error,
    mean_absolute_scaled_error,
    mean_over_series,
    symmetric_mean_absolute_percentage_error,
)
from tsforecast.model_selection import (
    ExpandingWindowSplitter,
    UntestedSeriesWarning,
    backtest,
    temporal_train_test_split,
)
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


# -- series a time cut leaves untested, empty backtests, model selection with scikit-learn ----------


def _staggered_panel(n_early: int = 7) -> pd.Series:
    """One daily series of 120 days, and ``n_early`` series that end 40 days before it does."""
    stamps = pd.date_range("2020-01-01", periods=120, freq="D")
    rng = np.random.default_rng(0)
    pieces = {"long": pd.Series(10 + rng.normal(size=120).cumsum(), stamps)}
    for i in range(n_early):
        pieces[f"early{i}"] = pd.Series(10 + rng.normal(size=80).cumsum(), stamps[:80])
    return pd.concat(pieces, names=["id", "date"]).rename("y")


def test_panel_backtest_names_series_that_no_fold_tests():
    """Series ending before the first test stamp were silently left out (n_series=1, no word)."""
    y = _staggered_panel()
    with pytest.warns(UntestedSeriesWarning) as record:
        result = backtest(NaiveForecaster(), None, y, cv=TimeSeriesSplit(3, test_size=10), scoring="mae")
    message = str(record[0].message)
    assert "7 of 8 series have no rows in any fold's test block" in message
    assert "'early0' (last stamp 2020-03-20)" in message and "and 2 more" in message
    assert "Series ending before the first test stamp (2020-03-31): 7 of 7" in message
    assert "Backtest them separately" in message and "align the series' ends" in message
    assert (result.scores["n_series"] == 1).all()
    with warnings.catch_warnings():  # every series tested: no such warning
        warnings.simplefilter("error", UntestedSeriesWarning)
        backtest(NaiveForecaster(), None, stocks_panel(), cv=TimeSeriesSplit(2, test_size=6), scoring="mae")


def test_temporal_split_of_a_panel_names_series_without_test_rows_and_counts_stamps():
    y = ett_panel()  # HUFL ends at hour 299, OT at 499, LUFL runs 250..399
    with pytest.warns(UntestedSeriesWarning, match=r"2 of 3 series have no rows in the test part") as record:
        _, y_test = temporal_train_test_split(y, test_size=100)
    assert "'HUFL'" in str(record[0].message) and "'LUFL'" in str(record[0].message)
    assert "per_series=True" in str(record[0].message)
    assert set(y_test.index.get_level_values(0)) == {"OT"}
    # a fraction is of the panel's distinct stamps (500), not of its rows (850)
    stamps = y.index.get_level_values(1).unique()
    with pytest.warns(UntestedSeriesWarning):
        _, y_test = temporal_train_test_split(y, test_size=0.1)
    assert y_test.index.get_level_values(1).nunique() == int(np.ceil(0.1 * len(stamps))) == 50


def test_temporal_split_per_series_holds_out_the_last_rows_of_each_series():
    y = ett_panel()
    X = pd.DataFrame({"hour": y.index.get_level_values(1).hour}, index=y.index)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every series has test rows: no warning
        X_train, X_val, X_test, y_train, y_val, y_test = temporal_train_test_split(
            X, y, test_size=24, validation_size=0.1, per_series=True
        )
    assert X_test.index.equals(y_test.index) and X_val.index.equals(y_val.index)
    assert len(y_train) + len(y_val) + len(y_test) == len(y)
    for series_id, series in y.groupby(level=0):
        times = series.index.get_level_values(1)
        assert (y_test.xs(series_id).index == times[-24:]).all()
        n_val = int(np.ceil(0.1 * len(series)))  # a fraction of each series' rows
        assert (y_val.xs(series_id).index == times[-24 - n_val : -24]).all()
        assert (y_train.xs(series_id).index == times[: -24 - n_val]).all()
    with pytest.raises(ValueError, match=r"leaves no training rows in 1 series: 'LUFL' \(n_samples=150\)"):
        temporal_train_test_split(y, test_size=150, per_series=True)
    with pytest.raises(ValueError, match=r"per_series=True .* panel indexed by \(series id, time\)"):
        temporal_train_test_split(np.arange(10.0), test_size=2, per_series=True)


def test_panel_backtest_that_scores_nothing_says_why():
    """refit=False fits at the first cutoff: a panel whose only tested series starts after it returned
    an empty result whose summary() raised KeyError: 'model'."""
    stamps = pd.date_range("2020-01-01", periods=100, freq="D")
    y = pd.concat(
        {"old": pd.Series(np.arange(60.0), stamps[:60]), "new": pd.Series(np.arange(15.0), stamps[85:])},
        names=["id", "date"],
    )
    cv = TimeSeriesSplit(3, test_size=5)  # the test stamps are "new"'s 15, the first cutoff "old"'s end
    with pytest.raises(ValueError, match=r"could score nothing.*'new' \(folds \[0, 1, 2\]\)") as error:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UntestedSeriesWarning)
            backtest(NaiveForecaster(), None, y, cv=cv, refit=False)
    assert "With refit=False each model is fitted once" in str(error.value)
    assert "later first cutoff" in str(error.value)


def test_panel_backtest_names_a_model_that_scored_no_fold():
    """A model that fits only the series without test rows is named, not dropped from the board silently."""
    stamps = pd.date_range("2020-01-01", periods=115, freq="D")
    y = pd.concat(
        {"old": pd.Series(np.arange(100.0), stamps[:100]), "new": pd.Series(np.arange(20.0), stamps[95:])},
        names=["id", "date"],
    )
    models = {"naive": NaiveForecaster(), "snaive30": NaiveForecaster("seasonal", seasonal_period=30)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UntestedSeriesWarning)
        with pytest.warns(ShortSeriesWarning, match=r"Models \['snaive30'\] scored no fold"):
            result = backtest(models, None, y, cv=TimeSeriesSplit(2, test_size=5), scoring="mae")
    assert list(result.summary().index) == ["naive"]


def test_panel_backtest_flags_series_on_different_time_grids():
    daily = pd.Series(np.arange(200.0), pd.date_range("2021-01-01", periods=200, freq="D"))
    monthly = pd.Series(np.arange(12.0), pd.date_range("2020-08-01", periods=12, freq="MS"))
    y = pd.concat({"daily": daily, "monthly": monthly}, names=["id", "date"])
    with pytest.warns(UserWarning, match=r"different time grids.*1 days 00:00:00 for 'daily'.*for 'monthly'"):
        backtest(NaiveForecaster(), None, y, cv=TimeSeriesSplit(2, test_size=30), scoring="mae")


def test_grid_search_on_a_panel_with_the_window_splitter_cuts_time_and_scores_mase_per_series():
    """make_mase_scorer gave NaN on every panel fold ("needs y_train_"); GridSearchCV then picked a
    candidate from NaN scores. With the window splitter each fold has one cutoff for every series and
    the scorer scales each series by its own training rows: the same MASE as backtest's."""
    y = stocks_panel()
    X = pd.DataFrame(index=y.index)
    cv = ExpandingWindowSplitter(initial_window=90, horizon=6, step=10)
    stamps = y.index.get_level_values(1)
    for train, test in cv.split(X):
        cutoff = stamps[train].max()
        assert (stamps[test] > cutoff).all() and stamps[test].nunique() == 6
        assert len(train) == (stamps <= cutoff).sum()  # every series, up to the one cutoff
        assert set(y.index.get_level_values(0)[test]) == set(y.index.get_level_values(0))
    grid = {"strategy": ["last", "seasonal"], "seasonal_period": [12]}
    search = GridSearchCV(NaiveForecaster(), grid, cv=cv, scoring=make_mase_scorer(12), error_score="raise")
    search.fit(X, y)
    expected = {}
    for strategy in grid["strategy"]:
        model = NaiveForecaster(strategy, seasonal_period=12)
        result = backtest(model, None, y, cv=cv, scoring="mase", seasonal_period=12)
        expected[strategy] = result.scores["mase"]
    for i, params in enumerate(search.cv_results_["params"]):
        folds = [search.cv_results_[f"split{k}_test_score"][i] for k in range(cv.get_n_splits(X))]
        np.testing.assert_allclose(folds, -expected[params["strategy"]].to_numpy(), rtol=1e-12)
    best = min(expected, key=lambda s: expected[s].mean())
    assert search.best_params_["strategy"] == best
    scores = cross_validate(NaiveForecaster(), X, y, cv=cv, scoring=make_mase_scorer(1))["test_score"]
    assert np.isfinite(scores).all()


def test_mase_scorer_refuses_a_panel_model_without_each_series_history():
    """A global neural model keeps each series' last lookback_ rows: the scale cannot be computed,
    which is an error pointing to backtest, not a silent NaN."""
    y = stocks_panel()
    train, test = temporal_train_test_split(y, test_size=6)
    model = LSTMForecaster(lookback=12, horizon=6, max_epochs=1, random_state=0).fit(None, train)
    with pytest.raises(ValueError, match=r"keeps only the last 12 of its \d+ training rows.*backtest"):
        make_mase_scorer(12)(model, pd.DataFrame(index=test.index), test)


def test_panel_backtest_leaves_out_series_too_short_for_the_mase_scale_and_names_them():
    """A series with no more than seasonal_period training rows at a cutoff has no MASE scale: it
    is left out of that fold's scores (every metric) with a warning, not the whole backtest failed."""
    stamps = pd.date_range("2000-01-01", periods=60, freq="MS")
    rng = np.random.default_rng(0)
    long = pd.Series(100 + rng.normal(size=60).cumsum(), index=stamps)
    short = pd.Series(50 + rng.normal(size=16).cumsum(), index=stamps[-16:])
    y = pd.concat({"long": long, "short": short})
    cv = TimeSeriesSplit(3, test_size=3)  # short has 7, 10 and 13 training rows at the cutoffs
    with pytest.warns(ShortSeriesWarning, match=r"1 series had fewer.*'short' \(folds \[0, 1\]\)"):
        result = backtest(NaiveForecaster(), None, y, cv=cv, seasonal_period=12, scoring=["mase", "mae"])
    assert result.scores["n_series"].tolist() == [1, 1, 2]
    assert set(result.predictions.query("fold < 2")["series"]) == {"long"}
    alone = backtest(
        NaiveForecaster(), None, y.loc[["long"]], cv=cv, seasonal_period=12, scoring=["mase", "mae"]
    )
    np.testing.assert_allclose(
        result.scores[["mase", "mae"]].iloc[:2], alone.scores[["mase", "mae"]].iloc[:2]
    )
    kept = backtest(NaiveForecaster(), None, y, cv=cv, scoring=["mae"])  # no MASE: nothing left out
    assert kept.scores["n_series"].tolist() == [2, 2, 2]
