"""The time axis: steps ahead from predict's index, gaps, grids and future labels."""

import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.tseries.offsets import BDay, Day, MonthEnd

from tsforecast import NaiveForecaster
from tsforecast._time import (
    IrregularIndexWarning,
    TimeIndexWarning,
    dominant_grid,
    fit_time_axis,
    future_index,
    steps_from_index,
)


def _drift(y):
    return NaiveForecaster("drift").fit(None, y)


def test_monthly_datetime_steps_and_labels():
    y = pd.Series(np.arange(24.0), index=pd.date_range("2020-01-31", periods=24, freq="ME"))
    model = _drift(y)
    assert model.index_kind_ == "datetime"
    later = pd.DataFrame(index=pd.DatetimeIndex(["2022-03-31", "2022-06-30"]))
    np.testing.assert_allclose(model.predict(later), [26.0, 29.0])  # steps 3 and 6
    assert model.forecast(2).index[-1] == pd.Timestamp("2022-02-28")


def test_datetime_without_freq_attribute_is_inferred():
    index = pd.DatetimeIndex(pd.date_range("2021-01-01", periods=50, freq="15min").to_list())
    assert index.freq is None
    model = _drift(pd.Series(np.arange(50.0), index=index))
    assert model.index_kind_ == "datetime" and model.index_step_ == pd.tseries.frequencies.to_offset("15min")


def test_period_gap_and_off_grid():
    axis, message = fit_time_axis(pd.period_range("2020Q1", periods=8, freq="Q"), 8)
    assert message is None and axis.kind == "period"
    steps, located = steps_from_index(axis, pd.period_range("2022Q3", periods=2, freq="Q"), 2)
    assert located and steps.tolist() == [3, 4]
    with pytest.raises(ValueError, match="at or before the training end"):
        steps_from_index(axis, pd.period_range("2021Q4", periods=2, freq="Q"), 2)


def test_integer_axis_with_step_and_off_grid_labels():
    axis, _ = fit_time_axis(pd.Index(np.arange(0, 100, 10)), 10)
    assert (axis.kind, axis.step, axis.last) == ("integer", 10, 90)
    steps, located = steps_from_index(axis, pd.Index([110, 140]), 2)
    assert located and steps.tolist() == [2, 5]
    with pytest.raises(ValueError, match="off the training grid"):
        steps_from_index(axis, pd.Index([105]), 1)
    assert list(future_index(axis, np.array([1, 2]))) == [100, 110]


def test_fresh_range_index_means_steps_one_to_h():
    model = _drift(pd.Series(np.arange(30.0)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(model.predict(pd.DataFrame(index=pd.RangeIndex(3))), [30.0, 31.0, 32.0])
    # a default-range fold continues the integer axis
    np.testing.assert_allclose(model.predict(pd.DataFrame(index=pd.RangeIndex(33, 35))), [33.0, 34.0])


def test_numpy_fit_counts_by_position_and_update_moves_it():
    model = _drift(np.arange(10.0))
    assert model.index_kind_ == "position"
    model.update(None, np.array([10.0, 11.0]))
    assert model.n_train_ == 12 and list(model.forecast(2).index) == [12, 13]


def test_unsorted_message_names_the_rows():
    index = pd.date_range("2020", periods=5, freq="D")[[0, 1, 3, 2, 4]]
    with pytest.raises(ValueError, match=r"2020-01-03.*position 3.*sort_index"):
        _drift(pd.Series(np.arange(5.0), index=index))


def test_time_zones_are_kept_and_checked():
    y = pd.Series(np.arange(48.0), index=pd.date_range("2020-03-28", periods=48, freq="h", tz="Europe/Paris"))
    model = _drift(y)
    assert model.forecast(3).index.tz is not None
    with pytest.raises(ValueError, match="time zone"):
        model.predict(pd.DataFrame(index=pd.date_range("2020-03-30", periods=2, freq="h")))


def test_exog_path_fills_gap_rows_from_the_next_given_row():
    model = _drift(np.arange(10.0))
    with pytest.warns(UserWarning, match=r"no rows for steps \[1, 2, 4\]"):
        path = model._exog_path(np.array([3, 5]), np.array([[30.0], [50.0]]))
    np.testing.assert_array_equal(path[:, 0], [30.0, 30.0, 30.0, 50.0, 50.0])


# -- trading days and dates with missing stamps: the grid most spacings follow -----------------


@pytest.fixture(scope="module")
def sp500_close():
    """Real trading days: the last 300 S&P 500 closes (2019-2020), holidays absent."""
    from tsforecast.datasets import load_sp500

    return load_sp500()["close"].iloc[-300:]


def _fit_drift_quietly(X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IrregularIndexWarning)
        return NaiveForecaster("drift").fit(X, y)


def test_trading_days_keep_the_business_day_grid_and_forecast_the_next_weekdays(sp500_close):
    X = pd.DataFrame(index=sp500_close.index)
    with pytest.warns(IrregularIndexWarning, match=r"'B' grid with 5 .*2019-07-04.*asfreq\('B'\)"):
        model = NaiveForecaster("drift").fit(X[:200], sp500_close[:200])
    assert (model.index_kind_, model.index_step_, model.n_missing_stamps_) == ("datetime", BDay(), 5)
    out = model.forecast(5)
    last = sp500_close.index[199]
    assert list(out.index) == list(pd.bdate_range(last, periods=6)[1:])  # dates, not row numbers
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(model.predict(X[200:203]), out.to_numpy()[:3])  # next trading days


def test_a_gap_on_trading_days_is_counted_and_an_unsure_count_is_said(sp500_close):
    X = pd.DataFrame(index=sp500_close.index)
    model = _fit_drift_quietly(X[:200], sp500_close[:200])
    path = model.forecast(12).to_numpy()
    # rows 205..209 follow five trading days, one of them Thanksgiving 2019-11-28 (a missing weekday)
    with pytest.warns(TimeIndexWarning, match=r"leaves out 6 'B'.*2019-11-28.*steps \[7, 8, 9, 10, 11\]"):
        np.testing.assert_allclose(model.predict(X[205:210]), path[6:11])
    # never taken as no gap: the old behaviour forecast steps 1..5 here
    assert not np.allclose(model.predict(X[205:210]), path[:5])


def test_gap_five_on_trading_days_forecasts_steps_six_to_ten_in_backtest_and_cross_validate(sp500_close):
    from sklearn.metrics import make_scorer, mean_absolute_error
    from sklearn.model_selection import TimeSeriesSplit, cross_validate

    from tsforecast.model_selection import backtest

    y = sp500_close.iloc[:220]  # a holiday lies after the first fold's cutoff, none after the others'
    X = pd.DataFrame(index=y.index)
    cv = TimeSeriesSplit(n_splits=3, test_size=5, gap=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IrregularIndexWarning)
        result = backtest(NaiveForecaster("drift"), X, y, cv=cv, scoring="mae")
    for fold, (train, _) in enumerate(cv.split(X)):
        rows = result.predictions[result.predictions["fold"] == fold]
        assert rows["step"].tolist() == [6, 7, 8, 9, 10]
        expected = _fit_drift_quietly(X.iloc[train], y.iloc[train]).forecast(10).to_numpy()[5:]
        np.testing.assert_allclose(rows["y_pred"], expected)  # exact: backtest knows the rows
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = cross_validate(
            NaiveForecaster("drift"), X, y, cv=cv, scoring=make_scorer(mean_absolute_error)
        )["test_score"]
    spans = [(y.index[train[-1]], y.index[test[-1]]) for train, test in cv.split(X)]
    assert [len(pd.bdate_range(a, b)) - 1 for a, b in spans] == [11, 10, 10]  # weekdays to the last row
    np.testing.assert_allclose(scores[1:], result.scores["mae"][1:])  # steps 6..10, by weekday count
    assert not np.isclose(scores[0], result.scores["mae"][0])  # a holiday counted as a step: said below
    unsure = [
        w for w in caught if issubclass(w.category, TimeIndexWarning) and "cannot be sure" in str(w.message)
    ]
    assert len(unsure) == 3  # every gap on a calendar with missing weekdays is said to be a guess


def test_refit_false_moves_over_holidays_with_exact_steps(sp500_close):
    from sklearn.model_selection import TimeSeriesSplit

    from tsforecast.model_selection import backtest

    cv = TimeSeriesSplit(n_splits=4, test_size=10, gap=3)
    with pytest.warns(IrregularIndexWarning, match="update's rows leave out"):
        moved = backtest(NaiveForecaster("drift"), None, sp500_close, cv=cv, refit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IrregularIndexWarning)
        refit = backtest(NaiveForecaster("drift"), None, sp500_close, cv=cv)
    np.testing.assert_allclose(moved.predictions["y_pred"], refit.predictions["y_pred"])
    assert set(moved.predictions["step"]) == set(range(4, 14))


def test_update_over_a_holiday_keeps_the_grid_and_counts_missing_stamps(sp500_close):
    model = _fit_drift_quietly(None, sp500_close[:200])
    with pytest.warns(IrregularIndexWarning, match=r"leave out 1 'B'.*2019-11-28"):
        model.update(None, sp500_close[200:210])
    assert model.last_index_ == sp500_close.index[209] and model.n_missing_stamps_ == 6
    assert model.forecast(1).index[0] == pd.bdate_range(sp500_close.index[209], periods=2)[1]


def test_daily_series_with_two_missing_dates_keeps_its_daily_axis():
    from tsforecast.datasets import load_seattle_weather

    temp = load_seattle_weather()["temp_max"].iloc[:400]
    holed = temp.drop(index=[temp.index[100], temp.index[250]])
    with pytest.warns(IrregularIndexWarning) as caught:
        model = NaiveForecaster("seasonal", seasonal_period=7).fit(None, holed)
    assert len(caught) == 1  # once per fit
    message = str(caught[0].message)
    assert "2012-04-10" in message and "2012-09-07" in message and "asfreq('D')" in message
    assert (model.index_kind_, model.index_step_, model.n_missing_stamps_) == ("datetime", Day(), 2)
    out = model.forecast(3)
    assert list(out.index) == list(pd.date_range(temp.index[-1], periods=4, freq="D")[1:])
    # predict counts steps on the daily grid: three days after the end is step 3
    later = pd.DataFrame(index=pd.DatetimeIndex([temp.index[-1] + pd.Timedelta(days=3)]))
    with pytest.warns(TimeIndexWarning, match="cannot be sure"):
        np.testing.assert_allclose(model.predict(later), out.to_numpy()[[2]])


def test_no_grid_is_still_counted_by_position_and_a_gap_is_not_ignored():
    stamps = pd.DatetimeIndex(
        ["2020-01-01", "2020-01-03", "2020-01-08", "2020-01-09", "2020-01-20", "2020-01-27"]
    )
    with pytest.warns(IrregularIndexWarning, match="no grid that most of its spacings"):
        model = NaiveForecaster("drift").fit(None, pd.Series(np.arange(6.0), index=stamps))
    assert model.index_kind_ == "position"
    with pytest.warns(TimeIndexWarning, match="cannot be counted"):
        model.predict(pd.DataFrame(index=pd.DatetimeIndex(["2020-03-01"])))


def test_dominant_grid_picks_business_days_over_calendar_days(sp500_close):
    offset, missing = dominant_grid(sp500_close.index)
    assert offset == BDay() and all(day.dayofweek < 5 for day in missing)
    assert pd.Timestamp("2019-12-25") in missing  # Christmas: a weekday the market was closed


def test_dominant_grid_finds_calendar_offsets_and_refuses_random_stamps():
    months = pd.date_range("2000-01-31", periods=60, freq="ME").delete([10, 33])
    offset, missing = dominant_grid(months)
    assert offset == MonthEnd() and list(missing) == [pd.Timestamp("2000-11-30"), pd.Timestamp("2002-10-31")]
    seconds = np.sort(np.random.default_rng(0).integers(0, 10**7, 50))
    assert dominant_grid(pd.Timestamp("2020-01-01") + pd.to_timedelta(seconds, unit="s")) is None
