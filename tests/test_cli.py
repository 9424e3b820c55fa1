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
    ],
)
def test_bad_input_exits_with_code_2_and_says_why(csv_file, tmp_path, capsys, args, message):
    code = main(["backtest", "--data", str(csv_file), "--out", str(tmp_path), *args])
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_file_and_module_entry_point(tmp_path):
    assert main(["forecast", "--data", str(tmp_path / "none.csv"), "--target", "OT"]) == 2
    done = subprocess.run([sys.executable, "-m", "tsforecast", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "demo" in done.stdout
