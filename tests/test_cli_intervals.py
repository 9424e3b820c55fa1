"""The command line's prediction intervals: --coverage for backtest, forecast and demo."""

import pandas as pd
import pytest

from tsforecast.cli import main
from tsforecast.datasets import load_etth1


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    frame = load_etth1().iloc[:600][["OT", "HUFL"]].reset_index()
    path = tmp_path_factory.mktemp("data") / "etth1.csv"
    frame.to_csv(path, index=False)
    return path


def _on_csv(csv_file, command: str, *options: str) -> list[str]:
    return [command, "--data", str(csv_file), "--time-col", "date", "--target", "OT", *options]


def test_backtest_writes_bounds_and_reports_coverage(csv_file, tmp_path, capsys):
    options = ["--models", "naive,theta", "--horizon", "12", "--folds", "3", "--coverage", "0.8,0.95"]
    assert main(_on_csv(csv_file, "backtest", *options, "--out", str(tmp_path))) == 0
    out = capsys.readouterr().out
    assert "80% covered" in out and "95% covered" in out
    board = pd.read_csv(tmp_path / "backtest_leaderboard.csv", index_col=0)
    assert {"coverage_80", "width_80", "interval_score_80", "coverage_95"} <= set(board.columns)
    assert board["coverage_95"].between(0, 1).all()
    predictions = pd.read_csv(tmp_path / "backtest_predictions.csv")
    assert {"lower_80", "upper_80", "lower_95", "upper_95"} <= set(predictions.columns)
    assert (predictions["lower_95"] <= predictions["lower_80"]).all()
    assert (predictions["upper_80"] <= predictions["upper_95"]).all()


def test_forecast_writes_bound_columns(csv_file, tmp_path):
    options = ["--model", "naive", "--horizon", "6", "--coverage", "0.9", "--out", str(tmp_path)]
    assert main(_on_csv(csv_file, "forecast", *options)) == 0
    table = pd.read_csv(tmp_path / "forecast.csv", index_col=0)
    assert list(table.columns) == ["OT", "lower_90", "upper_90"]
    assert ((table["lower_90"] < table["OT"]) & (table["OT"] < table["upper_90"])).all()
    assert (tmp_path / "forecast.png").stat().st_size > 10_000


def test_demo_prints_coverage(tmp_path, capsys):
    assert main(["demo", "--models", "naive,snaive", "--folds", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "80% covered" in out and "95% covered" in out
    board = pd.read_csv(tmp_path / "demo_leaderboard.csv", index_col=0)
    assert "coverage_80" in board.columns


@pytest.mark.parametrize(
    "value, message",
    [("80,95", "strictly between 0 and 1"), ("0.95,0.8", "increasing order"), ("high", "could not convert")],
)
def test_bad_coverage_exits_with_code_2(csv_file, tmp_path, capsys, value, message):
    code = main(
        _on_csv(csv_file, "forecast", "--model", "naive", "--coverage", value, "--out", str(tmp_path))
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "--coverage" in err and message in err


def test_models_without_intervals_are_calibrated_by_conformal(capsys):
    import numpy as np

    from tsforecast import ConformalForecaster, NaiveForecaster
    from tsforecast.base import BaseForecaster
    from tsforecast.cli import _with_intervals

    class PointOnly(BaseForecaster):
        def _fit(self, y, X):
            pass

        def _predict(self, steps, X):
            return np.zeros((len(steps), self.n_targets_))

    naive = NaiveForecaster()
    assert _with_intervals("naive", naive, 12) is naive
    wrapped = _with_intervals("point", PointOnly(), 12)
    assert isinstance(wrapped, ConformalForecaster) and wrapped.horizon == 12
    assert "point: no intervals of its own; calibrated by ConformalForecaster" in capsys.readouterr().out
