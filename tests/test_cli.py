"""The console command: runs on small real data, writes its files, fails with exit code 2 on bad input."""

import subprocess
import sys

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
    assert (tmp_path / "backtest_backtest.png").stat().st_size > 10_000
    assert "seasonal period 24" in capsys.readouterr().out  # inferred from the hourly stamps


def test_forecast_writes_the_future(csv_file, tmp_path):
    code = main(_on_csv(csv_file, "forecast", "--model", "snaive", "--horizon", "30", "--out", str(tmp_path)))
    assert code == 0
    out = pd.read_csv(tmp_path / "forecast.csv", index_col=0, parse_dates=True)
    assert len(out) == 30 and out.index[0] == pd.Timestamp("2016-07-26 00:00")
    assert (tmp_path / "forecast.png").exists()


def test_demo_runs_end_to_end(tmp_path):
    assert main(["demo", "--models", "naive,snaive", "--folds", "2", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "demo_backtest.png").exists() and (tmp_path / "demo_leaderboard.md").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--target", "nope"], "column(s) ['nope'] not in the data"),
        (["--target", "station"], "not numeric"),
        (["--target", "OT", "--time-col", "station"], "could not be parsed as dates"),
        (["--target", "OT", "--horizon", "200", "--folds", "5"], "too few for 5 folds of horizon 200"),
        (["--target", "OT", "--models", "prophet"], "unknown model 'prophet'"),
        (["--target", "OT", "--seasonal-period", "0"], "--seasonal-period must be a positive integer"),
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
    """An irregular index warns at every fold's fit: the user sees it, once, with its count."""
    path = tmp_path / "gaps.csv"
    frame = pd.read_csv(csv_file)
    frame.drop(index=[100, 250, 400]).to_csv(path, index=False)
    options = ["--models", "naive", "--horizon", "12", "--folds", "3", "--seasonal-period", "24"]
    options += ["--out", str(tmp_path)]
    code = main(["backtest", "--data", str(path), "--time-col", "date", "--target", "OT", *options])
    assert code == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "TimeIndexWarning" in line]
    assert len(warned) == 1 and "naive: TimeIndexWarning (x" in warned[0]


def test_every_neural_family_has_a_command_line_name():
    from tsforecast.cli import make_model

    assert type(make_model("rnn", horizon=12, seasonal_period=24)).__name__ == "RNNForecaster"


def test_missing_file_and_module_entry_point(tmp_path):
    assert main(["forecast", "--data", str(tmp_path / "none.csv"), "--target", "OT"]) == 2
    done = subprocess.run([sys.executable, "-m", "tsforecast", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "demo" in done.stdout
