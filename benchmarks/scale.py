"""Scaling with many series: a global LSTM on growing panels, and per-series ETS on many cores.

Three tables (issue 17, item 6):

1. **More series**: a global ``LSTMForecaster`` on panels of 100, 1,000 and 10,000 synthetic
   series of 1,000 points (daily and weekly cycles of random phase and amplitude, noise, a
   random level per series, ragged starts: each series keeps 900-1,000 of its points).
   Training runs a fixed number of optimisation steps (``steps_per_epoch``, one epoch, no early
   stopping), so every row sees the same number of windows; the table gives the fit time per
   1,000 windows seen (training loop alone, and the whole ``fit`` with the panel's splitting,
   normalisation and the copy to the device), and the peak resident memory that ``fit`` adds to
   the process against the raw data as float32 plus the model's parameters. That peak has a
   part that does not depend on the data (torch's first training steps: the activations of a
   batch of windows, lazily imported modules, kernels' code pages, thread pools): the first
   row of each table (100 series of 1,000 points) measures it, and every other row gives what
   it adds above it, per point added and against its raw float32 data + model.
2. **Longer series**: the same with 100 series of 1,000, 10,000 and 100,000 points.
3. **Per-series ETS fits**: 1,000 series of 200 points, one ``ETSForecaster`` (additive error, no
   trend or season: fixed, so each fit costs the same) per series, run serially, in joblib's
   loky processes and on a Dask ``LocalCluster`` (processes, loopback), all through the panel
   path's ``joblib.Parallel`` with ``joblib.parallel_config``; the forecasts are checked equal.

Each LSTM row is the median of ``--repeats`` runs (3; a fit's peak varies by tens of MB from
run to run), each in a fresh subprocess, so its peak RSS is its own: the kernel's high-water
mark (``VmHWM``) is reset right before ``fit``, after the panel is built, so the peak is that of
``fit`` alone, not of building the panel (``ru_maxrss`` since the process started where the
reset is not available). CPU only, one torch thread (``--threads``), ``random_state=0``.

Run: ``python benchmarks/scale.py [--quick] [--skip-ets] [--jobs 2]``; ``--quick`` drops the
10,000-series and 100,000-point rows and fits 200 ETS series; ``--skip-ets`` runs the LSTM
tables alone (one process at a time). Prints markdown tables and logs them to
``benchmarks/results/scale[_lstm][_quick].log``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
BATCH, STEPS, LOOKBACK, HORIZON = 256, 20, 96, 24


def synthetic_panel(n_series: int, length: int, seed: int = 0) -> pd.Series:
    """Ragged panel: series i keeps its last 90-100% of ``length`` hourly points."""
    rng = np.random.default_rng(seed)
    t = np.arange(length, dtype=np.float64)
    phase, amp = rng.uniform(0, 2 * np.pi, (2, n_series, 1))
    level = rng.uniform(10, 1000, (n_series, 1))
    values = level * (
        1 + 0.1 * amp * np.sin(2 * np.pi * t / 24 + phase) + 0.05 * np.sin(2 * np.pi * t / 168 + 2 * phase)
    )
    values += rng.normal(0, 0.02, values.shape) * level
    starts = rng.integers(0, length // 10 + 1, n_series)
    keep = np.arange(length)[None, :] >= starts[:, None]
    ids = np.repeat(np.arange(n_series), length)[keep.ravel()]
    stamps = pd.date_range("2020-01-01", periods=length, freq="h")
    times = np.tile(stamps.to_numpy(), n_series)[keep.ravel()]
    index = pd.MultiIndex.from_arrays([ids, times], names=["series", "time"])
    return pd.Series(values.ravel()[keep.ravel()], index=index, name="y")


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _reset_peak() -> bool:
    """Reset the kernel's peak RSS of this process (Linux); whether it could."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def _peak_mb(reset: bool) -> float:
    if reset:
        return _status_mb("VmHWM")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _lstm(batch_size: int = BATCH):
    from tsforecast import LSTMForecaster

    return LSTMForecaster(
        lookback=LOOKBACK,
        horizon=HORIZON,
        max_epochs=1,
        steps_per_epoch=STEPS,
        batch_size=batch_size,
        early_stopping=False,
        device="cpu",
        random_state=0,
    )


def _timed_fit(model, y: pd.Series) -> tuple[float, float]:
    """Fit; return the seconds and the peak RSS (MB) the fit added to what the process held."""
    baseline = _rss_mb()
    reset = _reset_peak()
    start = time.perf_counter()
    model.fit(None, y)
    seconds = time.perf_counter() - start
    return seconds, max(_peak_mb(reset) - baseline, 0.0)


def one_lstm_run(n_series: int, length: int, threads: int) -> dict:
    """Fit a global LSTM on a synthetic panel in this process; return the figures."""
    import torch

    torch.set_num_threads(threads)
    y = synthetic_panel(n_series, length)
    model = _lstm()
    fit_seconds, peak_added = _timed_fit(model, y)
    params = sum(p.numel() for p in model.module_.parameters())
    windows = STEPS * BATCH
    return {
        "series": n_series,
        "points per series": length,
        "points": len(y),
        "windows seen": windows,
        "train s / 1k windows": float(model.history_["seconds"].sum()) / windows * 1000,
        "fit s / 1k windows": fit_seconds / windows * 1000,
        "fit s": fit_seconds,
        "raw float32 + model MB": (4 * len(y) + 4 * params) / 2**20,
        "fit peak RSS added MB": peak_added,
    }


def fixed_cost_run(batch_size: int, threads: int) -> dict:
    """Two fits on 100 series in one process: what the first pays once, what every fit pays."""
    import torch

    torch.set_num_threads(threads)
    y = synthetic_panel(100, 1000)
    model = _lstm(batch_size)  # imports tsforecast: before the baseline
    first_baseline = _rss_mb()
    _, first = _timed_fit(model, y)
    del model
    resident = _rss_mb() - first_baseline
    _, second = _timed_fit(_lstm(batch_size), y)
    return {
        "batch": batch_size,
        "first fit peak RSS added MB": first,
        "held after the first fit MB": resident,
        # without a reset peak the second fit's would be the first's, so it cannot be told apart
        "second fit peak RSS added MB": second if _reset_peak() else float("nan"),
    }


def _child(*arguments: str) -> dict:
    """Run this script with ``arguments`` in a fresh process: its peak RSS is its own."""
    command = [sys.executable, __file__, *arguments]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def lstm_table(rows: list[tuple[int, int]], threads: int, repeats: int) -> pd.DataFrame:
    """One row per panel size: the median of ``repeats`` runs, each in a fresh process.

    A fit's peak RSS varies by tens of MB from run to run (where the allocator places the
    training step's temporaries), so one run cannot tell a few bytes per point apart; the
    spread column gives the range over the runs.
    """
    out = []
    for n_series, length in rows:
        runs = pd.DataFrame(
            [_child("--one", str(n_series), str(length), "--threads", str(threads)) for _ in range(repeats)]
        )
        row = runs.median()
        row["peak spread MB"] = runs["fit peak RSS added MB"].max() - runs["fit peak RSS added MB"].min()
        out.append(row)
        print(f"  {n_series} x {length}: {row['fit s']:.1f} s", file=sys.stderr, flush=True)
    table = pd.DataFrame(out)
    table["RSS / (raw + model)"] = table["fit peak RSS added MB"] / table["raw float32 + model MB"]
    # the first row (the smallest panel) measures what fit adds whatever the data: the rest is
    # what the data add, per point added and against their raw float32 + model
    fixed, fixed_points = table["fit peak RSS added MB"].iloc[0], table["points"].iloc[0]
    above = table["fit peak RSS added MB"] - fixed
    table["above fixed MB"] = above.where(table.index > 0)
    table["bytes / point above fixed"] = (above * 2**20 / (table["points"] - fixed_points)).where(
        table.index > 0
    )
    table["above fixed / (raw + model)"] = table["above fixed MB"] / table["raw float32 + model MB"]
    return table


def fixed_table(threads: int, repeats: int) -> pd.DataFrame:
    """The fixed part, taken apart: once per process, and per fit (in proportion to the batch)."""
    return pd.DataFrame(
        [
            pd.DataFrame(
                [_child("--fixed", str(batch), "--threads", str(threads)) for _ in range(repeats)]
            ).median()
            for batch in (BATCH // 4, BATCH)
        ]
    )


def ets_table(n_series: int, jobs: int) -> pd.DataFrame:
    import joblib

    from tsforecast import ETSForecaster

    y = synthetic_panel(n_series, 200, seed=1)
    model = ETSForecaster(error="add", trend=None, damped_trend=False, seasonal=None)
    rows, reference = [], None

    def run(label: str, **config) -> None:
        nonlocal reference
        start = time.perf_counter()
        with joblib.parallel_config(**config):
            forecast = model.fit(None, y).forecast(12)
        seconds = time.perf_counter() - start
        if reference is None:
            reference = forecast
        equal = bool(np.allclose(forecast.to_numpy(), reference.to_numpy(), rtol=1e-10))
        rows.append({"engine": label, "fits": n_series, "seconds": seconds, "equal to serial": equal})

    run("serial", n_jobs=1)
    run(f"joblib loky, {jobs} processes (cold start)", backend="loky", n_jobs=jobs)
    run(f"joblib loky, {jobs} processes (warm)", backend="loky", n_jobs=jobs)
    from dask.distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with Client(cluster):
            run(f"Dask LocalCluster, {jobs} worker processes", backend="dask")
    table = pd.DataFrame(rows)
    table["speed-up"] = table["seconds"].iloc[0] / table["seconds"]
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no 10,000-series / 100,000-point rows")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per LSTM run")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the ETS fits")
    parser.add_argument("--skip-ets", action="store_true", help="the LSTM tables alone")
    parser.add_argument("--repeats", type=int, default=3, help="runs per LSTM row (the median is shown)")
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)  # internal: one LSTM run
    parser.add_argument("--fixed", type=int, help=argparse.SUPPRESS)  # internal: the fixed cost
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_lstm_run(*args.one, args.threads)))
        return
    if args.fixed:
        print(json.dumps(fixed_cost_run(args.fixed, args.threads)))
        return
    series_rows = [(100, 1000), (1000, 1000)] + ([] if args.quick else [(10000, 1000)])
    length_rows = [(100, 10000)] + ([] if args.quick else [(100, 100000)])
    fmt = dict(index=False, floatfmt=".3g")
    flags = (" --quick" if args.quick else "") + (" --skip-ets" if args.skip_ets else "")
    parts = [
        f"# benchmarks/scale.py{flags}: LSTM lookback {LOOKBACK}, horizon "
        f"{HORIZON}, batch {BATCH}, {STEPS} steps; CPU, {args.threads} torch thread(s); LSTM rows: "
        f"median of {args.repeats} runs",
        "\n## Global LSTM as the number of series grows (1,000 points each)\n",
        lstm_table(series_rows, args.threads, args.repeats).to_markdown(**fmt),
        "\n## Global LSTM as the series grow longer (100 series)\n",
        lstm_table([(100, 1000), *length_rows], args.threads, args.repeats).to_markdown(**fmt),
        "\n## The fixed part: two fits on 100 series in one process, at two batch sizes\n",
        fixed_table(args.threads, args.repeats).to_markdown(**fmt),
    ]
    if not args.skip_ets:
        parts += [
            "\n## Per-series ETS fits: serial, joblib processes, Dask LocalCluster\n",
            ets_table(200 if args.quick else 1000, args.jobs).to_markdown(**fmt),
        ]
    text = "\n".join(parts) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    name = f"scale{'_lstm' if args.skip_ets else ''}{'_quick' if args.quick else ''}.log"
    (RESULTS / name).write_text(text)


if __name__ == "__main__":
    main()
