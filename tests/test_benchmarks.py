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
    for name in ("long_horizon", "exchange_random_walk", "seq2seq_speed", "inference_chunk", "panels"):
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


def test_block_bootstrap_interval_of_the_ratio_to_repeat_last(benchmarks_on_path):
    from long_horizon import block_bootstrap_ratio

    rng = np.random.default_rng(0)
    base = rng.gamma(2.0, size=500)
    assert block_bootstrap_ratio(base, base, block=10).tolist() == [1.0, 1.0]
    low, high = block_bootstrap_ratio(0.5 * base * rng.uniform(0.8, 1.2, size=500), base, block=10)
    assert 0.45 < low < 0.5 < high < 0.55
    noisy_low, noisy_high = block_bootstrap_ratio(base * rng.uniform(0.0, 2.0, size=500), base, block=10)
    assert noisy_low < 1.0 < noisy_high  # a ratio near 1 with noise: a tie
    assert block_bootstrap_ratio(base, base, block=101) is None  # fewer than five blocks


def test_seq2seq_speed_variants_share_weights_and_gradients(benchmarks_on_path, capsys):
    import seq2seq_speed

    seq2seq_speed.main(["--horizons", "5", "--lookback", "8", "--batch", "4", "--repeats", "1"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("|")]
    rows = {
        cells[1]: cells for cells in ([c.strip() for c in line.strip("|").split("|")] for line in lines[2:])
    }
    assert set(rows) == set(seq2seq_speed.VARIANTS)
    # every variant trains the same network: gradients equal to float32 rounding
    assert all(float(cells[-1]) < 1e-5 for cells in rows.values())


def test_inference_chunk_times_every_chunk_size(benchmarks_on_path, capsys):
    import inference_chunk

    inference_chunk.main(["--origins", "4", "--chunks", "8,1024", "--repeats", "1", "--models", "TCN"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| TCN")]
    assert [line.split("|")[2].strip() for line in lines] == ["8", "1024"]
    assert float(lines[1].split("|")[4]) == 1.0  # the ratio of 1024 to itself


def test_defaults_benchmark_scores_a_shipped_series_and_rereads_its_log(benchmarks_on_path, capsys, tmp_path):
    """benchmarks/defaults.py end to end on one shipped monthly series (a 2-epoch Transformer), then
    --summarise-logs rebuilds the same table from the log; Naive2 without a season is the random walk."""
    import defaults

    log = tmp_path / "run.log"
    defaults.main(["--sets", "monthly", "--n-series", "1", "--models", "Naive,Transformer(max_epochs=2)"])
    log.write_text(capsys.readouterr().out)
    frame = defaults.finished(defaults.rows_from_log(log))
    assert set(frame["model"]) == {"Naive", "Transformer(max_epochs=2)"}
    neural = frame[frame["model"] != "Naive"].iloc[0]
    assert neural["normalization"] in {"last", "instance", "seasonal"} and "mase_s1" in frame
    # shrinkage 1 re-decodes the network to its baseline: with "last", that is the naive forecast
    if neural["normalization"] == "last":
        assert neural["mase_s1"] == pytest.approx(frame[frame["model"] == "Naive"]["mase"].iloc[0], abs=1e-3)
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    np.testing.assert_array_equal(defaults.naive2(y, 3, 1), [5.0, 5.0, 5.0])
    assert defaults.parse_model("LSTM(normalization=instance;shrinkage=0)") == (
        "LSTM",
        {"normalization": "instance", "shrinkage": 0},
    )
    sys.modules.pop("defaults", None)


def test_panels_benchmark_scores_global_and_per_series_models_on_a_shipped_panel(
    benchmarks_on_path, tmp_path, capsys
):
    import panels

    log = tmp_path / "panels.log"
    panels.main(
        ["--quick", "--panels", "stocks", "--no-refit", "--folds", "3", "--step", "6", "--log", str(log)]
    )
    text = capsys.readouterr().out
    assert "3 cutoffs 6 stamps apart, fitted at the first, updated" in text
    table = [line for line in text.splitlines() if line.startswith("|")]
    models = {line.split("|")[1].strip(): float(line.split("|")[2]) for line in table[2:]}
    assert set(models) == {
        "LSTM (global)", "GRU (global)", "Transformer (global)", "TCN (global)",
        "ETS (per series)", "Theta (per series)", "seasonal naive",
    }  # fmt: skip
    assert all(np.isfinite(list(models.values())))
    # the per-series ETS beats last year's prices on these trending stocks
    assert models["ETS (per series)"] < models["seasonal naive"]
    assert log.read_text().strip() in text  # the log holds the printed tables
