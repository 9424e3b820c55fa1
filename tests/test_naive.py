import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit, cross_validate

from tsforecast import NaiveForecaster
from tsforecast.datasets import load_weather_hourly


def test_seasonal_naive_repeats_the_last_season_exactly(hourly_ot):
    model = NaiveForecaster(strategy="seasonal", seasonal_period=24).fit(None, hourly_ot)
    out = model.forecast(60)
    last_day = hourly_ot.to_numpy()[-24:]
    np.testing.assert_array_equal(out.to_numpy(), np.concatenate([last_day, last_day, last_day[:12]]))


def test_last_mean_and_drift_are_exact(hourly_ot):
    y = hourly_ot.to_numpy()
    steps = np.arange(1, 6)
    np.testing.assert_array_equal(
        NaiveForecaster("last").fit(None, hourly_ot).forecast(5), np.repeat(y[-1], 5)
    )
    np.testing.assert_allclose(
        NaiveForecaster("mean").fit(None, hourly_ot).forecast(5), np.repeat(y.mean(), 5)
    )
    slope = (y[-1] - y[0]) / (len(y) - 1)
    np.testing.assert_allclose(
        NaiveForecaster("drift").fit(None, hourly_ot).forecast(5), y[-1] + slope * steps
    )


def test_seasonal_naive_beats_the_random_walk_on_hourly_temperature():
    """Air temperature has a daily cycle: over a year of daily origins, yesterday beats the last hour."""
    y = load_weather_hourly()["DryBulbCelsius"].iloc[: 24 * 730].astype(float)
    X = pd.DataFrame(index=y.index)
    cv = TimeSeriesSplit(n_splits=365, test_size=24)
    mae = {
        strategy: -cross_validate(
            NaiveForecaster(strategy, seasonal_period=24), X, y, cv=cv, scoring="neg_mean_absolute_error"
        )["test_score"].mean()
        for strategy in ("last", "seasonal")
    }
    assert mae["seasonal"] < 0.85 * mae["last"], mae  # measured: 3.18 vs 3.85


def test_update_shifts_the_seasonal_forecast(hourly_ot):
    model = NaiveForecaster("seasonal", seasonal_period=24).fit(None, hourly_ot.iloc[:-5])
    model.update(None, hourly_ot.iloc[-5:])
    full = NaiveForecaster("seasonal", seasonal_period=24).fit(None, hourly_ot)
    pd.testing.assert_series_equal(model.forecast(30), full.forecast(30))


@pytest.mark.parametrize(
    "bad",
    [
        {"strategy": "median"},
        {"strategy": "seasonal", "seasonal_period": 0},
        {"strategy": "seasonal", "seasonal_period": True},  # True is not an integer season
    ],
)
def test_invalid_parameters_are_reported_at_fit(bad, hourly_ot):
    model = NaiveForecaster(**bad)  # __init__ stores, never validates
    with pytest.raises(
        ValueError, match="The .(strategy|seasonal_period). parameter of NaiveForecaster must be"
    ):
        model.fit(None, hourly_ot)
