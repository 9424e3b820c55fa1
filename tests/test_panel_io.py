"""Panels at the edges of the library: plots, the command line, the sktime adapters."""

import shutil

import matplotlib
import numpy as np
import pandas as pd
import pytest
from test_panel import stocks_panel

from tsforecast import NaiveForecaster
from tsforecast.cli import main
from tsforecast.plotting import plot_forecast

matplotlib.use("Agg")

STOCKS_CSV = "/work/shared/data/stocks_monthly.csv"  # long format: symbol, date, price


def test_plot_forecast_picks_one_or_several_series_of_a_panel():
    y = stocks_panel()
    model = NaiveForecaster().fit(None, y)
    ax = plot_forecast(y, model.forecast(6, coverage=0.8), series=["IBM", "MSFT"], history=24)
    assert [line.get_label() for line in ax.get_lines()] == [
        "IBM history",
        "IBM forecast",
        "MSFT history",
        "MSFT forecast",
    ]
    assert [band.get_label() for band in ax.collections] == ["IBM 80%", "MSFT 80%"]
    one = plot_forecast(y, model.forecast(6), series="GOOG")
    history = one.get_lines()[0]
    np.testing.assert_array_equal(history.get_ydata(), y.xs("GOOG").to_numpy())
    with pytest.raises(ValueError, match=r"series \['NFLX'\] are not in the panel"):
        plot_forecast(y, model.forecast(6), series="NFLX")


def test_plot_forecast_asks_to_pick_among_many_series():
    stamps = pd.date_range("2024-01-01", periods=5, freq="D")
    y = pd.Series(1.0, index=pd.MultiIndex.from_product([range(12), stamps]))
    forecast = NaiveForecaster().fit(None, y).forecast(2)
    with pytest.raises(ValueError, match=r"12 series, too many for one plot: pick up to 10 with series="):
        plot_forecast(y, forecast)


def test_cli_backtest_and_forecast_of_a_long_format_csv(tmp_path, capsys):
    code = main(
        ["backtest", "--data", STOCKS_CSV, "--id-col", "symbol", "--time-col", "date", "--target", "price"]
        + ["--horizon", "6", "--folds", "3", "--models", "naive,snaive", "--out", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0 and "560 rows in 5 series" in out and "seasonal period 12" in out
    predictions = pd.read_csv(tmp_path / "backtest_predictions.csv")
    assert set(predictions["series"]) == {"MSFT", "AMZN", "IBM", "GOOG", "AAPL"}
    board = pd.read_csv(tmp_path / "backtest_leaderboard.csv", index_col=0)
    assert board.loc["naive", "mase"] < board.loc["snaive", "mase"]
    code = main(
        ["forecast", "--data", STOCKS_CSV, "--id-col", "symbol", "--time-col", "date", "--target", "price"]
        + ["--horizon", "3", "--model", "naive", "--out", str(tmp_path)]
    )
    written = pd.read_csv(tmp_path / "forecast.csv")
    assert code == 0 and list(written.columns) == ["symbol", "date", "price"] and len(written) == 15
    last = pd.read_csv(STOCKS_CSV).groupby("symbol")["price"].last()
    assert (written.groupby("symbol")["price"].first() == last).all()


def test_cli_names_a_series_with_unsorted_dates(tmp_path, capsys):
    frame = pd.read_csv(STOCKS_CSV)
    swap = frame.index[frame["symbol"] == "IBM"][:2]
    frame.loc[swap[::-1], :] = frame.loc[swap, :].to_numpy()
    frame.to_csv(tmp_path / "bad.csv", index=False)
    code = main(
        ["forecast", "--data", str(tmp_path / "bad.csv"), "--id-col", "symbol", "--time-col", "date"]
        + ["--target", "price", "--horizon", "2", "--model", "naive", "--out", str(tmp_path)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Series 'IBM'" in err and "sort the rows by 'symbol' and then 'date'" in err


def test_to_sktime_takes_pd_multiindex_panels_whole():
    pytest.importorskip("sktime")
    from sktime.datatypes import check_is_mtype

    from tsforecast.sktime import to_sktime

    y = stocks_panel().to_frame()
    months = y.index.levels[1].to_period("M")  # sktime counts fh on a period (or freq-tagged) axis
    y.index = y.index.set_levels(months, level=1)
    assert check_is_mtype(y, "pd-multiindex")
    wrapped = to_sktime(NaiveForecaster(strategy="drift")).fit(y)
    pred = wrapped.predict(fh=[1, 2])
    assert isinstance(wrapped.estimator_.series_ids_, np.ndarray)  # one tsforecast panel fit
    assert pred.index.nlevels == 2 and len(pred) == 10
    direct = NaiveForecaster(strategy="drift").fit(None, y)
    # every series from its own end (here all five end in March 2010), as sktime does
    np.testing.assert_allclose(pred.to_numpy(), direct.predict(pd.DataFrame(index=pred.index)))


def test_from_sktime_fits_one_sktime_forecaster_per_series():
    pytest.importorskip("sktime")
    from sktime.forecasting.naive import NaiveForecaster as SktimeNaive

    from tsforecast.sktime import from_sktime

    y = stocks_panel()
    model = from_sktime(SktimeNaive(strategy="last")).fit(None, y)
    np.testing.assert_allclose(
        model.forecast(2).to_numpy(), NaiveForecaster().fit(None, y).forecast(2).to_numpy()
    )


@pytest.fixture(autouse=True)
def _no_stray_outputs(tmp_path):
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)
