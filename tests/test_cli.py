"""The console command: runs on small real data, writes its files, fails with exit code 2 on bad input."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tsforecast.cli import main
from tsforecast.datasets import load_etth1


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    frame = load_etth1().iloc[:600][["OT", "HUFL"]].reset_index()
    frame["station"] = "a"
    path = tmp_path_factory.mktemp("data") / "etth1.csv"
    frame.to_csv(path, index=False)
    return path


def _on_csv(csv_file, command: str, *options: str) -> list[str]:
    """``command`` on the test CSV with its time column and OT as the target, then ``options``."""
    return [command, "--data", str(csv_file), "--time-col", "date", "--target", "OT", *options]


def test_backtest_writes_leaderboard_predictions_and_plot(csv_file, tmp_path, capsys):
    options = ["--features", "HUFL", "--models", "naive,snaive,theta", "--horizon", "12", "--folds", "3"]
    code = main(_on_csv(csv_file, "backtest", *options, "--out", str(tmp_path)))
    assert code == 0
    board = pd.read_csv(tmp_path / "backtest_leaderboard.csv", index_col=0)
    assert set(board.index) == {"naive", "snaive", "theta"} and board["mase"].notna().all()
    predictions = pd.read_csv(tmp_path / "backtest_predictions.csv")
    assert len(predictions) == 3 * 3 * 12
    assert (tmp_path / "backtest_forecasts.png").stat().st_size > 10_000  # not backtest_backtest.png
    assert "seasonal period 24" in capsys.readouterr().out  # inferred from the hourly stamps


def test_forecast_writes_the_future(csv_file, tmp_path):
    code = main(_on_csv(csv_file, "forecast", "--model", "snaive", "--horizon", "30", "--out", str(tmp_path)))
    assert code == 0
    out = pd.read_csv(tmp_path / "forecast.csv", index_col=0, parse_dates=True)
    assert len(out) == 30 and out.index[0] == pd.Timestamp("2016-07-26 00:00")
    assert (tmp_path / "forecast.png").exists()


def test_demo_runs_end_to_end(tmp_path):
    assert main(["demo", "--models", "naive,snaive", "--folds", "2", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "demo_forecasts.png").exists() and (tmp_path / "demo_leaderboard.md").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--target", "nope"], "column(s) ['nope'] not in the data"),
        (["--target", "station"], "not numeric"),
        (["--target", "OT", "--time-col", "station"], "could not be parsed as dates"),
        (["--target", "OT", "--horizon", "200", "--folds", "5"], "too few for 5 folds of horizon 200"),
        (["--target", "OT", "--models", "prophet"], "unknown model 'prophet'"),
        (["--target", "OT", "--seasonal-period", "0"], "--seasonal-period must be a positive integer"),
        (["--target", "date", "--time-col", "date"], "column 'date' is the time column (--time-col)"),
        (["--target", "OT,date", "--time-col", "date"], "cannot also be forecast or used as a feature"),
        (["--target", "OT", "--time-col", "date", "--features", "date"], "column 'date' is the time column"),
    ],
)
def test_bad_input_exits_with_code_2_and_says_why(csv_file, tmp_path, capsys, args, message):
    code = main(["backtest", "--data", str(csv_file), "--out", str(tmp_path), *args])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1  # one line, however long the library's own message


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda f: f.iloc[[*range(0, 100), 150, *range(100, 150), *range(151, 300)]],
            "sort the file by 'date'",
        ),
        (lambda f: pd.concat([f.iloc[:200], f.iloc[199:300]]), "keep one row per time stamp"),
    ],
    ids=["unsorted", "duplicated"],
)
def test_unsorted_or_duplicated_time_column_names_the_file_fix(csv_file, tmp_path, capsys, edit, message):
    path = tmp_path / "edited.csv"
    edit(pd.read_csv(csv_file)).to_csv(path, index=False)
    assert main(["forecast", "--data", str(path), "--time-col", "date", "--target", "OT"]) == 2
    err = capsys.readouterr().err
    assert message in err and "sort_index" not in err


def test_warnings_reach_stderr_once_each(csv_file, tmp_path, capsys):
    """A warning raised at every fold's fit is printed once, with its count."""
    options = ["--models", "naive,snaive", "--horizon", "12", "--folds", "3", "--features", "HUFL"]
    code = main(_on_csv(csv_file, "backtest", *options, "--out", str(tmp_path)))
    assert code == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "IgnoredFeaturesWarning" in line]
    assert [line.split(": Ignored")[0].strip() for line in warned] == ["naive", "snaive"]
    # backtest issues a warning repeated at every fold once, with its count
    assert all("in 3 of 3 fits" in line and "(x" not in line for line in warned)


@pytest.mark.parametrize(
    ("freq", "expected"),
    [("h", 24), ("2h", 12), ("15min", 96), ("D", 7), ("B", 5), ("W-FRI", 52), ("W", 52), ("MS", 12)]
    + [("QS-OCT", 4), ("QE", 4), ("3D", 1), ("YS", 1)],
)
def test_the_season_is_read_from_anchored_and_multiple_frequencies(freq, expected):
    """Weekly data anchored on a weekday ("W-FRI") and quarters ("QS-OCT") had a season of 1: the
    anchor was glued to the unit; and "2h" data got a 24-step season instead of 12."""
    from tsforecast.cli import _seasonal_period

    assert _seasonal_period(pd.date_range("2020-01-06", periods=60, freq=freq)) == expected


def test_missing_stamps_are_named_once_and_the_daily_axis_is_kept(tmp_path, capsys):
    """Two missing dates: the season stays weekly, forecasts are dated, one warning for the file."""
    from tsforecast.datasets import load_seattle_weather

    frame = load_seattle_weather()[["temp_max"]].iloc[:500].reset_index()
    path = tmp_path / "seattle.csv"
    frame.drop(index=[100, 300]).to_csv(path, index=False)
    options = ["--target", "temp_max", "--models", "naive,snaive,theta", "--horizon", "7", "--folds", "3"]
    assert (
        main(["backtest", "--data", str(path), "--time-col", "date", *options, "--out", str(tmp_path)]) == 0
    )
    captured = capsys.readouterr()
    assert "seasonal period 7" in captured.out
    missing = [line for line in captured.err.splitlines() if "missing" in line]
    assert len(missing) == 1 and "2012-04-10" in missing[0] and "2012-10-27" in missing[0]
    assert "asfreq('D')" in missing[0] and missing[0].startswith("tsforecast: warning:")
    predictions = pd.read_csv(tmp_path / "backtest_predictions.csv", parse_dates=["time"])
    assert predictions["time"].max() == frame["date"].iloc[-1]
    forecast_args = ["--target", "temp_max", "--model", "snaive", "--horizon", "3", "--out", str(tmp_path)]
    assert main(["forecast", "--data", str(path), "--time-col", "date", *forecast_args]) == 0
    out = pd.read_csv(tmp_path / "forecast.csv", index_col=0, parse_dates=True)
    assert list(out.index) == list(pd.date_range(frame["date"].iloc[-1], periods=4, freq="D")[1:])


def test_trading_days_forecast_writes_the_next_weekdays(tmp_path):
    from tsforecast.datasets import load_sp500

    path = tmp_path / "sp500.csv"
    load_sp500()[["close"]].iloc[-300:].reset_index().to_csv(path, index=False)
    args = ["--target", "close", "--model", "naive", "--horizon", "5", "--out", str(tmp_path)]
    assert main(["forecast", "--data", str(path), "--time-col", "date", *args]) == 0
    out = pd.read_csv(tmp_path / "forecast.csv", index_col=0, parse_dates=True)
    assert list(out.index) == list(pd.bdate_range("2020-04-17", periods=6)[1:])  # dates, not row numbers


def test_a_garbled_cell_is_reported_with_its_row_and_column(csv_file, tmp_path, capsys):
    frame = pd.read_csv(csv_file)
    frame["OT"] = frame["OT"].astype(object)
    frame.loc[56, "OT"] = "?12.3"
    path = tmp_path / "garbled.csv"
    frame.to_csv(path, index=False)
    assert main(["forecast", "--data", str(path), "--time-col", "date", "--target", "OT"]) == 2
    err = capsys.readouterr().err
    assert "column 'OT' is not numeric: row 57 holds '?12.3'" in err and len(err.strip().splitlines()) == 1


def test_forecast_with_features_reads_their_future_rows(csv_file, tmp_path, capsys):
    frame = pd.read_csv(csv_file).iloc[:200]
    frame.loc[190:, "OT"] = None  # the last 10 rows: future steps with known HUFL
    path = tmp_path / "future.csv"
    frame.to_csv(path, index=False)
    args = ["--target", "OT", "--features", "HUFL", "--horizon", "10", "--seasonal-period", "1"]
    args += ["--out", str(tmp_path)]
    assert main(["forecast", "--data", str(path), "--time-col", "date", "--model", "arima", *args]) == 0
    out = pd.read_csv(tmp_path / "forecast.csv", index_col=0, parse_dates=True)
    assert list(out.index) == list(pd.to_datetime(frame["date"].iloc[190:]))
    from tsforecast import ARIMAForecaster

    data = frame.set_index(pd.to_datetime(frame["date"]))
    direct = ARIMAForecaster(seasonal_period=1).fit(data[["HUFL"]].iloc[:190], data["OT"].iloc[:190])
    np.testing.assert_allclose(out["OT"], direct.predict(data[["HUFL"]].iloc[190:]))
    # a model that ignores features refuses them; a file without future rows says what to add
    assert main(["forecast", "--data", str(path), "--time-col", "date", "--model", "ets", *args]) == 2
    assert "model 'ets' does not use --features; the models that do: arima," in capsys.readouterr().err
    assert main(["forecast", "--data", str(csv_file), "--time-col", "date", "--model", "arima", *args]) == 2
    assert "append rows with their time stamps and feature values" in capsys.readouterr().err


def test_model_table_derives_from_all_estimators():
    from tsforecast import all_estimators
    from tsforecast.cli import MODELS, make_model

    classes = {type(make_model(name, horizon=12, seasonal_period=24)) for name in MODELS}
    wrappers = {cls for _, cls in all_estimators() if "estimator" in cls().get_params()}
    assert classes == {cls for _, cls in all_estimators()} - wrappers
    assert wrappers and "conformal" not in MODELS  # ConformalForecaster wraps a model: --coverage
    assert make_model("snaive", horizon=12, seasonal_period=24).strategy == "seasonal"


def test_every_neural_family_has_a_command_line_name():
    from tsforecast.cli import make_model

    assert type(make_model("rnn", horizon=12, seasonal_period=24)).__name__ == "RNNForecaster"


def test_missing_file_and_module_entry_point(tmp_path):
    assert main(["forecast", "--data", str(tmp_path / "none.csv"), "--target", "OT"]) == 2
    done = subprocess.run([sys.executable, "-m", "tsforecast", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "demo" in done.stdout


def test_panel_backtest_whose_first_series_is_not_scored_plots_a_scored_one(tmp_path, capsys):
    """The first series of the file ends before the folds' test stamps: the command crashed with an
    IndexError in plot_backtest (it plotted that series, which has no forecasts) and exit code 1."""
    months = pd.date_range("2000-01-01", periods=96, freq="MS")
    season = 10 * np.sin(np.arange(96) * np.pi / 6)
    frame = pd.concat(
        [
            pd.DataFrame({"series": "early", "month": months[:60], "value": 100 + season[:60]}),
            pd.DataFrame({"series": "late", "month": months, "value": 50 + season + np.arange(96)}),
            pd.DataFrame({"series": "mid", "month": months[:70], "value": 80 + season[:70]}),
        ]
    )
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    options = ["--id-col", "series", "--time-col", "month", "--target", "value", "--horizon", "6"]
    code = main(
        ["backtest", "--data", str(path), *options, "--folds", "3", "--models", "naive,snaive"]
        + ["--out", str(tmp_path)]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert "the leaderboard covers 1 of 3 series ('late'); not scored: 'early', 'mid'" in captured.out
    assert "the plot shows series 'late' of 3" in captured.out
    assert (tmp_path / "backtest_forecasts.png").stat().st_size > 10_000
    untested = [line for line in captured.err.splitlines() if "UntestedSeriesWarning" in line]
    assert len(untested) == 1 and "'early'" in untested[0]  # about the data: said once, not per model
