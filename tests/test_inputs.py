"""Bad input to fit, predict and forecast: each message names the argument and what is expected."""

import numpy as np
import pandas as pd
import pytest

from tsforecast import ARIMAForecaster, NaiveForecaster


@pytest.fixture(scope="module")
def fitted(hourly_ot):
    return NaiveForecaster("drift").fit(None, hourly_ot)


def test_string_y_names_y_the_row_and_the_fix(hourly_ot):
    y = hourly_ot.astype(object)
    y.iloc[7] = "n/a"
    with pytest.raises(
        ValueError,
        match=r"y must be numeric, but it holds 'n/a' at row 2016-07-01 07:00:00.*"
        r"pd.to_numeric\(y\)",
    ):
        NaiveForecaster().fit(None, y)
    with pytest.raises(ValueError, match=r"y must be numeric, but it holds 'a' at row 1:"):
        NaiveForecaster().fit(None, np.array(["1.0", "a", "2.0"] * 10))


def test_string_x_names_x_its_column_and_the_fix(hourly_ot):
    X = pd.DataFrame({"load": np.arange(len(hourly_ot), dtype=float), "day": "mon"}, index=hourly_ot.index)
    with pytest.raises(
        ValueError, match=r"X must be numeric, but it holds 'mon' at row .*column 'day'.*OneHotEncoder"
    ):
        ARIMAForecaster(order=(1, 0, 0)).fit(X, hourly_ot)
    model = ARIMAForecaster(order=(1, 0, 0)).fit(X[["load"]], hourly_ot)
    future = pd.DataFrame(
        {"load": ["1.5", "?2"]}, index=pd.date_range(hourly_ot.index[-1], periods=3, freq="h")[1:]
    )
    with pytest.raises(ValueError, match=r"X must be numeric, but it holds '\?2'"):
        model.predict(future)


def test_numbers_stored_as_text_or_objects_still_fit(hourly_ot):
    as_text = hourly_ot.map(str)
    np.testing.assert_allclose(
        NaiveForecaster("drift").fit(None, as_text.astype(float)).forecast(3),
        NaiveForecaster("drift").fit(None, hourly_ot.astype(object)).forecast(3),
    )


def test_three_dimensional_y_and_x_say_the_shapes_expected():
    with pytest.raises(ValueError, match=r"y must be 1-D \(one series\) or 2-D .*shape \(30, 2, 2\)"):
        NaiveForecaster().fit(None, np.zeros((30, 2, 2)))
    with pytest.raises(ValueError, match=r"X must be 2-D \(n_samples, n_features\).*shape \(30, 1, 1\)"):
        NaiveForecaster().fit(np.zeros((30, 1, 1)), np.zeros(30))


@pytest.mark.parametrize(
    "h, hint", [(3.0, r"Use forecast\(3\)"), ("3", "got '3' of type str"), (True, "bool")]
)
def test_forecast_of_a_non_integer_names_h(fitted, h, hint):
    with pytest.raises(TypeError, match=rf"h_or_X must be h, a positive int number of steps.*{hint}"):
        fitted.forecast(h)


def test_predict_with_a_number_says_use_forecast(fitted):
    with pytest.raises(TypeError, match=r"predict takes X, one row per future step.*use forecast\(5\)"):
        fitted.predict(5)
    assert len(fitted.forecast(np.int64(5))) == 5
