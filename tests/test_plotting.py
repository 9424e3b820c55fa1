"""Forecast and backtest plots, rendered to PNG with the Agg backend."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

from tsforecast import NaiveForecaster  # noqa: E402
from tsforecast.model_selection import ExpandingWindowSplitter, backtest  # noqa: E402
from tsforecast.plotting import plot_backtest, plot_forecast  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(ax):
    return [line.get_label() for line in ax.get_lines()]


def _saved(ax, path):
    ax.figure.savefig(path)
    assert path.exists() and path.stat().st_size > 5000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_forecast_with_truth_and_intervals(hourly_ot, tmp_path):
    train, test = hourly_ot.iloc[:200], hourly_ot.iloc[200:224]
    forecast = NaiveForecaster("seasonal", seasonal_period=24).fit(None, train).forecast(24)
    width = train.diff().abs().mean() * np.sqrt(np.arange(1, 25))
    bands = {
        "80%": (forecast - width, forecast + width),
        "95%": pd.DataFrame({"lower": forecast - 2 * width, "upper": forecast + 2 * width}),
    }
    ax = plot_forecast(train, forecast, y_true=test, intervals=bands, history=72, title="ETTh1 OT")
    assert _labels(ax) == ["history", "truth", "forecast"]
    history, truth, predicted = ax.get_lines()
    assert len(history.get_xdata()) == 72
    np.testing.assert_allclose(predicted.get_ydata(), forecast.to_numpy())
    np.testing.assert_allclose(truth.get_ydata(), test.to_numpy())
    fills = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert [f.get_label() for f in fills] == ["80%", "95%"]
    assert ax.get_title() == "ETTh1 OT" and ax.get_legend() is not None
    _saved(ax, tmp_path / "forecast.png")


def test_plot_forecast_numpy_several_series_and_given_axes(hourly_panel, tmp_path):
    values = hourly_panel.to_numpy()
    fig, ax = plt.subplots()
    forecast = NaiveForecaster().fit(None, values).predict(np.empty((10, 0)))
    out = plot_forecast(values, forecast, ax=ax)
    assert out is ax
    assert _labels(ax) == ["0 history", "0 forecast", "1 history", "1 forecast"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), np.arange(len(values), len(values) + 10))
    named = plot_forecast(hourly_panel, NaiveForecaster().fit(None, hourly_panel).forecast(5))
    assert _labels(named)[:2] == ["OT history", "OT forecast"]
    _saved(ax, tmp_path / "panel.png")


def test_plot_forecast_errors(hourly_ot):
    forecast = NaiveForecaster().fit(None, hourly_ot).forecast(3)
    with pytest.raises(ValueError, match="'lower' and 'upper'"):
        plot_forecast(hourly_ot, forecast, intervals=pd.DataFrame({"lo": [1, 2, 3]}))
    with pytest.raises(ValueError, match="one value per forecast row"):
        plot_forecast(hourly_ot, forecast, intervals=([1, 2], [3, 4]))


def test_plot_backtest_draws_every_fold_and_the_error_per_fold(etth1, tmp_path):
    y = etth1["OT"].iloc[:600]
    models = {"last": NaiveForecaster(), "seasonal": NaiveForecaster("seasonal", seasonal_period=24)}
    result = backtest(
        models, None, y, cv=ExpandingWindowSplitter(400, horizon=24, step=24), seasonal_period=24
    )
    top, bottom = plot_backtest(result, y)
    assert _labels(top) == ["y", "last", "seasonal"] and _labels(bottom) == ["last", "seasonal"]
    n_folds = result.scores["fold"].nunique()
    seasonal = top.get_lines()[2].get_ydata()
    assert np.isnan(np.asarray(seasonal, dtype=float)).sum() == n_folds  # one break after each fold
    np.testing.assert_allclose(
        bottom.get_lines()[1].get_ydata(), result.scores.query("model == 'seasonal'")["mae"]
    )
    assert bottom.get_ylabel() == "mae per fold"
    _saved(top, tmp_path / "backtest.png")
    fig, pair = plt.subplots(2, 1)
    only, errors = plot_backtest(result, y, ax=pair, models=["seasonal"], metric="mase")
    assert only is pair[0] and errors is pair[1]
    with pytest.raises(ValueError, match="pair of Axes"):
        plot_backtest(result, y, ax=pair[0])
    assert _labels(only) == ["y", "seasonal"] and errors.get_ylabel() == "mase per fold"


def test_plot_backtest_of_a_panel_needs_a_target(hourly_panel):
    result = backtest(
        NaiveForecaster(), None, hourly_panel, cv=ExpandingWindowSplitter(200, horizon=10, step=10)
    )
    with pytest.raises(ValueError, match="several targets"):
        plot_backtest(result, hourly_panel)
    top, _ = plot_backtest(result, hourly_panel, target="HUFL")
    np.testing.assert_allclose(top.get_lines()[0].get_ydata()[-5:], hourly_panel["HUFL"].to_numpy()[-5:])
    with pytest.raises(ValueError, match="not among"):
        plot_backtest(result, hourly_panel, target="nope")
    no_predictions = backtest(
        NaiveForecaster(),
        None,
        hourly_panel["OT"],
        return_predictions=False,
        cv=ExpandingWindowSplitter(200, horizon=10, step=10),
    )
    with pytest.raises(ValueError, match="return_predictions=False"):
        plot_backtest(no_predictions, hourly_panel["OT"])


def test_plot_forecast_draws_every_forecast_column_of_one_series(tmp_path):
    import numpy as np
    import pandas as pd

    from tsforecast.plotting import plot_forecast

    index = pd.date_range("2024-01-01", periods=48, freq="h")
    y = pd.Series(np.sin(np.arange(48) / 4), index=index, name="y")
    future = pd.date_range(index[-1], periods=7, freq="h")[1:]
    forecasts = pd.DataFrame({"lstm": np.zeros(6), "naive": np.ones(6)}, index=future)
    ax = np.atleast_1d(plot_forecast(y, forecasts))[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "lstm" in labels and "naive" in labels
    ax.figure.savefig(tmp_path / "two.png")


def _ragged_panel(etth1) -> pd.Series:
    """Three hourly series: 'b' ends 100 hours before 'a', 'short' has 20 hours."""
    pieces = {"a": etth1["OT"].iloc[:300], "b": etth1["HUFL"].iloc[50:200], "short": etth1["LUFL"].iloc[:20]}
    return pd.concat(pieces, names=["id", "time"]).rename("load")


def test_plot_forecast_history_is_per_series_of_a_panel(etth1):
    y = _ragged_panel(etth1)
    forecast = NaiveForecaster().fit(None, y).forecast(6)
    ax = plot_forecast(y, forecast, series=["a", "b"], history=24)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for series in ("a", "b"):  # each series' own last 24 hours, though 'b' ends 100 hours earlier
        values = np.asarray(lines[f"{series} history"].get_ydata(), dtype=float)
        np.testing.assert_array_equal(values[~np.isnan(values)], y.xs(series).to_numpy()[-24:])
        x = pd.DatetimeIndex(lines[f"{series} history"].get_xdata())
        assert x.is_monotonic_increasing


def test_plot_forecast_names_a_series_left_out_of_the_forecast(etth1):
    y = _ragged_panel(etth1)
    with pytest.warns(UserWarning, match="'short'"):
        forecast = NaiveForecaster(strategy="seasonal", seasonal_period=24).fit(None, y).forecast(6)
    with pytest.raises(ValueError, match=r"series \['short'\] were not forecast: they are in y.*too short"):
        plot_forecast(y, forecast, series="short")
    with pytest.raises(ValueError, match=r"series \['nope'\] are not in the panel"):
        plot_forecast(y, forecast, series="nope")


def test_plot_backtest_without_any_forecast_is_a_clear_error(hourly_ot):
    result = backtest(
        NaiveForecaster(), None, hourly_ot, cv=ExpandingWindowSplitter(200, horizon=10, step=10)
    )
    empty = type(result)(result.scores, result.predictions.iloc[:0], result.metrics, result.greater_is_better)
    with pytest.raises(ValueError, match="no forecasts to plot"):
        plot_backtest(empty, hourly_ot)
