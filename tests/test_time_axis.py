"""The time axis: steps ahead from predict's index, gaps, grids and future labels."""

import warnings

import numpy as np
import pandas as pd
import pytest

from tsforecast import NaiveForecaster
from tsforecast._time import fit_time_axis, future_index, steps_from_index


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


def test_a_gap_on_trading_days_is_not_silently_ignored():
    from tsforecast.base import TimeIndexWarning
    from tsforecast.datasets import load_sp500

    close = load_sp500()["close"].iloc[-300:]
    X = pd.DataFrame(index=close.index)
    with pytest.warns(TimeIndexWarning, match="no regular frequency"):
        model = NaiveForecaster("drift").fit(X[:200], close[:200])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(X[200:203])  # the next trading days: no gap, no warning
    with pytest.warns(TimeIndexWarning, match="gap\\s+cannot be counted|cannot be counted"):
        model.predict(X[250:253])
