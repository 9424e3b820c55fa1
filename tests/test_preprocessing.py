"""Calendar and Fourier features built from the time index."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils import estimator_checks as checks

from tsforecast import NaiveForecaster
from tsforecast.datasets import load_weather_hourly
from tsforecast.model_selection import ExpandingWindowSplitter, backtest
from tsforecast.preprocessing import CalendarFeatures, FourierFeatures

TRANSFORMERS = [CalendarFeatures(), CalendarFeatures(encoding="onehot"), FourierFeatures(period=24, order=3)]

#: scikit-learn's checks that need no data (the others feed numpy arrays, which carry no time index).
DATA_FREE_CHECKS = [
    checks.check_estimator_cloneable,
    checks.check_estimator_repr,
    checks.check_no_attributes_set_in_init,
    checks.check_parameters_default_constructible,
    checks.check_get_params_invariance,
    checks.check_set_params,
    checks.check_do_not_raise_errors_in_init_or_set_params,
    checks.check_mixin_order,
    checks.check_estimators_unfitted,
    checks.check_transformers_unfitted,
    checks.check_valid_tag_types,
    checks.check_estimator_tags_renamed,
]


@pytest.fixture(scope="module")
def temperature():
    """Real hourly dry-bulb temperature (Celsius), 60 days."""
    return load_weather_hourly()["DryBulbCelsius"].iloc[: 24 * 60].astype(float)


def _frame(start="2024-01-01", periods=48, freq="h", **columns):
    return pd.DataFrame(columns, index=pd.date_range(start, periods=periods, freq=freq))


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
def test_data_free_sklearn_checks(transformer, check):
    check(type(transformer).__name__, clone(transformer))


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_transformer_contract(transformer):
    X = _frame(periods=72, temp=np.arange(72.0))
    fitted = clone(transformer).fit(X)
    assert fitted.n_features_in_ == 1 and list(fitted.feature_names_in_) == ["temp"]
    out = fitted.transform(X)
    assert isinstance(out, pd.DataFrame) and out.index.equals(X.index)
    assert list(out.columns) == list(fitted.get_feature_names_out()) and out.columns[0] == "temp"
    pd.testing.assert_frame_equal(clone(transformer).fit_transform(X), out)
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(fitted)).transform(X), out)
    # set_output: "pandas" and "default" both give the same DataFrame; the index is kept
    pd.testing.assert_frame_equal(clone(transformer).set_output(transform="pandas").fit(X).transform(X), out)
    pd.testing.assert_frame_equal(clone(transformer).set_output(transform="default").fit(X).transform(X), out)
    dropped = clone(transformer).set_params(passthrough=False).fit(X)
    assert (
        list(dropped.transform(X).columns) == list(out.columns[1:]) == list(dropped.get_feature_names_out())
    )
    with pytest.raises(ValueError, match="feature names"):
        fitted.transform(X.rename(columns={"temp": "other"}))
    with pytest.raises(TypeError, match="must be a pandas DataFrame indexed by time"):
        clone(transformer).fit(np.zeros((10, 1)))
    with pytest.raises(ValueError, match="input_features is not equal"):
        fitted.get_feature_names_out(["wrong"])
    assert clone(transformer).__sklearn_tags__().input_tags.two_d_array is False


def test_zero_column_frames_give_only_features():
    X = _frame(periods=5)
    out = CalendarFeatures(features=("hour", "dayofweek")).fit_transform(X)
    assert list(out.columns) == ["hour_sin", "hour_cos", "dayofweek_sin", "dayofweek_cos"]


# -- calendar features ---------------------------------------------------------------------


def test_calendar_sincos_values_are_the_position_in_the_cycle():
    X = pd.DataFrame(index=pd.DatetimeIndex(["2024-01-01 06:00", "2024-07-04 18:00"]))  # Monday, Thursday
    out = CalendarFeatures(features=("hour", "dayofweek", "month", "dayofmonth")).fit_transform(X)
    np.testing.assert_allclose(out["hour_sin"], [1.0, -1.0], atol=1e-12)
    np.testing.assert_allclose(out["hour_cos"], [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(out["dayofweek_sin"], [0.0, np.sin(2 * np.pi * 3 / 7)], atol=1e-12)
    np.testing.assert_allclose(out["month_cos"], [1.0, np.cos(2 * np.pi * 6 / 12)], atol=1e-12)
    np.testing.assert_allclose(out["dayofmonth_sin"], [0.0, np.sin(2 * np.pi * 3 / 31)], atol=1e-12)


def test_onehot_columns_are_the_calendar_not_the_data():
    train = _frame(periods=24 * 10)
    future = _frame(start="2024-03-05 03:00", periods=2)  # two hours, one weekday, another month
    encoder = CalendarFeatures(features=("hour", "dayofweek", "month", "quarter"), encoding="onehot").fit(
        train
    )
    fit_out, future_out = encoder.transform(train), encoder.transform(future)
    assert list(fit_out.columns) == list(future_out.columns)
    assert fit_out.shape[1] == 24 + 7 + 12 + 4
    assert list(future_out.columns[:2]) == ["hour_0", "hour_1"] and "month_12" in future_out.columns
    assert (future_out.sum(axis=1) == 4).all()
    row = future_out.iloc[1]
    assert row["hour_4"] == row["dayofweek_1"] == row["month_3"] == row["quarter_1"] == 1.0


def test_period_index_is_read_at_the_period_start():
    periods = pd.period_range("2024-01-01 00:00", periods=30, freq="h")
    stamps = periods.to_timestamp()
    a = CalendarFeatures().fit_transform(pd.DataFrame(index=periods))
    b = CalendarFeatures().fit_transform(pd.DataFrame(index=stamps))
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())


def test_calendar_errors():
    with pytest.raises(TypeError, match="DatetimeIndex or PeriodIndex.*integer positions carry no calendar"):
        CalendarFeatures().fit_transform(pd.DataFrame(index=pd.RangeIndex(5)))
    with pytest.raises(ValueError, match="features must be distinct names"):
        CalendarFeatures(features=("hour", "fortnight")).fit(_frame())
    with pytest.raises(ValueError, match="encoding must be"):
        CalendarFeatures(encoding="binary").fit(_frame())


# -- Fourier features ----------------------------------------------------------------------


def test_fourier_phase_is_the_same_for_training_and_future_rows():
    full = _frame(periods=24 * 5)
    train, future = full.iloc[:100], full.iloc[103:]  # a gap before the future rows
    fourier = FourierFeatures(period=24, order=2).fit(train)
    expected = FourierFeatures(period=24, order=2).fit(full).transform(full).iloc[103:]
    pd.testing.assert_frame_equal(fourier.transform(future), expected)
    t = np.arange(103, 120)
    np.testing.assert_allclose(
        fourier.transform(future)["sin_24_2"].to_numpy(), np.sin(4 * np.pi * t / 24), atol=1e-9
    )
    assert fourier.reference_ == full.index[0] and fourier.step_ == pd.Timedelta(hours=1)
    # a period given as a duration is the same cycle
    as_duration = FourierFeatures(period="1D", order=2).fit(train).transform(future)
    np.testing.assert_allclose(as_duration.to_numpy(), expected.to_numpy(), atol=1e-9)


def test_fourier_on_integer_period_and_monthly_indexes():
    labels = pd.Index(np.arange(1000, 1200, 5))  # integer time positions, step 5
    X = pd.DataFrame(index=labels)
    out = FourierFeatures(period=4).fit(X.iloc[:20]).transform(X.iloc[30:34])
    np.testing.assert_allclose(out["sin_4_1"], np.sin(2 * np.pi * np.arange(30, 34) / 4), atol=1e-9)
    months = pd.DataFrame(index=pd.date_range("2000-01-01", periods=36, freq="MS"))
    periods = pd.DataFrame(index=pd.period_range("2000-01", periods=36, freq="M"))
    a = FourierFeatures(period=12).fit(months.iloc[:24]).transform(months.iloc[24:])
    b = FourierFeatures(period=12).fit(periods.iloc[:24]).transform(periods.iloc[24:])
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), atol=1e-9)
    np.testing.assert_allclose(a["sin_12_1"], np.sin(2 * np.pi * np.arange(24, 36) / 12), atol=1e-9)


def test_fourier_errors_name_the_fix():
    days = pd.bdate_range("2020-01-01", periods=60).delete([10, 30])  # trading days with holidays
    with pytest.raises(ValueError, match="no regular frequency.*period='7D'"):
        FourierFeatures(period=5).fit(pd.DataFrame(index=days))
    weekly = FourierFeatures(period="7D").fit(pd.DataFrame(index=days)).transform(pd.DataFrame(index=days))
    np.testing.assert_allclose(
        weekly.iloc[5].to_numpy(), weekly.iloc[0].to_numpy(), atol=1e-9
    )  # a week later
    with pytest.raises(ValueError, match="needs a DatetimeIndex or PeriodIndex"):
        FourierFeatures(period="1D").fit(pd.DataFrame(index=pd.RangeIndex(5)))
    with pytest.raises(TypeError, match="fitted on a datetime index"):
        FourierFeatures(period=24).fit(_frame()).transform(pd.DataFrame(index=pd.RangeIndex(5)))
    with pytest.raises(ValueError, match="order must be"):
        FourierFeatures(period=24, order=0).fit(_frame())
    with pytest.raises(ValueError, match="period must be"):
        FourierFeatures(period="soon").fit(_frame())


# -- in a forecasting pipeline ---------------------------------------------------------------


def test_pipeline_forecasts_future_rows_with_calendar_covariates(temperature):
    y = temperature
    pipe = Pipeline(
        [("calendar", CalendarFeatures(features=("hour",), encoding="onehot")), ("model", LinearRegression())]
    )
    pipe.fit(pd.DataFrame(index=y.index), y)
    future = pd.date_range(y.index[-1], periods=49, freq="h")[1:]
    pred = pipe.predict(pd.DataFrame(index=future))
    np.testing.assert_allclose(pred[:24], pred[24:])  # the hour-of-day profile
    profile = y.groupby(y.index.hour).mean()
    np.testing.assert_allclose(pred[:24], profile.loc[future.hour[:24]].to_numpy(), atol=1e-8)


def test_pipeline_keeps_the_index_so_forecasters_see_the_gap(temperature):
    y = temperature.iloc[:500]
    pipe = Pipeline(
        [
            ("calendar", CalendarFeatures()),
            ("fourier", FourierFeatures(24 * 7, order=2)),
            ("model", NaiveForecaster("seasonal", seasonal_period=24)),
        ]
    )
    pipe.fit(pd.DataFrame(index=y.index), y)
    assert pipe[-1].n_features_in_ == 6 + 4 and pipe[-1].index_kind_ == "datetime"
    future = pd.date_range(y.index[-1], periods=40, freq="h")[1:][10:]  # steps 11..39
    direct = NaiveForecaster("seasonal", seasonal_period=24).fit(None, y).forecast(39).to_numpy()[10:]
    np.testing.assert_allclose(pipe.predict(pd.DataFrame(index=future)), direct)


def test_calendar_regression_beats_the_mean_in_a_real_backtest(temperature):
    """Hour-of-day covariates capture the daily cycle of real hourly temperature."""
    y = temperature
    X = pd.DataFrame(index=y.index)
    features = FeatureUnion(
        [
            ("calendar", CalendarFeatures(("hour",), passthrough=False)),
            ("fourier", FourierFeatures(24, order=3, passthrough=False)),
        ]
    )
    models = {
        "calendar": Pipeline(
            [("features", features.set_output(transform="pandas")), ("model", LinearRegression())]
        ),
        "mean": NaiveForecaster("mean"),
    }
    board = backtest(models, X, y, cv=ExpandingWindowSplitter(24 * 30, horizon=24, step=24 * 3)).summary()
    assert board.index[0] == "calendar" and board.loc["calendar", "mae"] < 0.95 * board.loc["mean", "mae"]


def test_calendar_pipeline_with_an_lstm_forecasts_the_future(temperature):
    """The issue's example: Pipeline([("calendar", CalendarFeatures()), ("model", LSTMForecaster())])."""
    rnn = pytest.importorskip("tsforecast.models.rnn")
    y = temperature.iloc[:500]
    lstm = rnn.LSTMForecaster(
        lookback=24,
        horizon=6,
        hidden_size=4,
        num_layers=1,
        max_epochs=1,
        early_stopping=False,
        batch_size=128,
        random_state=0,
        device="cpu",
    )
    pipe = Pipeline([("calendar", CalendarFeatures()), ("model", lstm)])
    pipe.fit(pd.DataFrame(index=y.index), y)
    assert pipe[-1].n_features_in_ == 6
    future = pd.DataFrame(index=pd.date_range(y.index[-1], periods=13, freq="h")[1:])
    pred = pipe.predict(future)
    assert pred.shape == (12,) and np.isfinite(pred).all()
    result = backtest(pipe, None, y, cv=ExpandingWindowSplitter(400, horizon=12, step=20), refit=False)
    assert result.scores["refit"].sum() == 1 and np.isfinite(result.scores["mae"]).all()
