"""The benchmark scripts run end to end (their figures are published in the README)."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def benchmarks_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    yield
    for name in ("long_horizon", "exchange_random_walk"):
        sys.modules.pop(name, None)


def markdown_rows(text: str) -> dict[str, dict[str, str]]:
    """The rows of the first markdown table in ``text``, by their third column, as {header: cell}."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    header, body = cells[0], cells[2:]
    return {row[2]: dict(zip(header, row, strict=True)) for row in body}


def test_long_horizon_quick_scores_every_seed_against_repeat_last(benchmarks_on_path, capsys):
    import long_horizon

    long_horizon.main(["--quick", "--models", "Transformer", "--seeds", "0,1", "--threads", "1"])
    rows = markdown_rows(capsys.readouterr().out)
    assert {"repeat last value", "Transformer", "PatchTST/42 (published)"} <= set(rows)
    transformer = rows["Transformer"]
    assert transformer["seeds"] == "2"
    # one epoch of ten batches already halves the random walk's error on ETTh1
    assert float(transformer["vs repeat last"]) < 0.8


def test_exchange_diagnostic_finds_reversion_when_validation_and_test_share_it(
    benchmarks_on_path, tmp_path, capsys
):
    import exchange_random_walk

    # mean-reverting levels (AR(1), phi = 0.99): validation and test both reward the pull to the mean
    rng = np.random.default_rng(0)
    levels = np.zeros((3000, 2))
    for t in range(1, len(levels)):
        levels[t] = 0.99 * levels[t - 1] + rng.normal(size=2)
    pd.DataFrame({"date": np.arange(len(levels)), "a": levels[:, 0], "b": levels[:, 1]}).to_csv(
        tmp_path / "exchange_rate.csv", index=False
    )
    exchange_random_walk.main(["--data-dir", str(tmp_path), "--horizons", "24", "--lookbacks", "48"])
    rows = markdown_rows(capsys.readouterr().out)
    chosen = rows["reversion rho, chosen on validation"]
    assert float(chosen["test / repeat"]) < 0.95
    assert float(rows["repeat last"]["test / repeat"]) == 1.0
