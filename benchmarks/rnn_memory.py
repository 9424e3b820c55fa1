"""Peak memory of fitting on a long series grows with the series, not the number of windows.

Protocol:

- synthetic float64 series (sine + noise) of 1M, 3M and 10M points (``--sizes``);
- ``LSTMForecaster(lookback=512, horizon=24, hidden_size=16, num_layers=1, batch_size=256,
  max_epochs=1, steps_per_epoch=20, early_stopping=False)`` on the CPU (1 thread): the
  sampler stores the series once and gathers 256 windows of 536 steps per step, over the
  shuffled starts of every window;
- each size in a fresh subprocess; "baseline" is the RSS after imports and creating the
  series, "peak" the process's peak RSS (``ru_maxrss``) after ``fit``;
- compared with what a materialised float32 window array (n_windows x 536) would need;
  "extra bytes per extra point" is the growth of (peak - baseline) over the smallest size,
  divided by the extra points (a materialised array would add 536 x 4 = 2144 bytes).

Run: ``python benchmarks/rnn_memory.py [--sizes 1000000 10000000]``. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

LOOKBACK, HORIZON = 512, 24


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(n: int) -> None:
    import numpy as np
    import torch

    from tsforecast.models.rnn import LSTMForecaster

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    y = np.sin(np.arange(n) * 2 * np.pi / 24) + 0.1 * rng.standard_normal(n)
    baseline = _rss_mb()
    model = LSTMForecaster(
        lookback=LOOKBACK,
        horizon=HORIZON,
        hidden_size=16,
        num_layers=1,
        batch_size=256,
        max_epochs=1,
        steps_per_epoch=20,
        early_stopping=False,
        random_state=0,
        device="cpu",
    )
    started = time.perf_counter()
    model.fit(None, y)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"baseline_mb": baseline, "peak_mb": peak, "seconds": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    window = LOOKBACK + HORIZON
    print(f"LSTM hidden 16, lookback {LOOKBACK}, horizon {HORIZON}, batch 256, 20 steps, CPU, 1 thread\n")
    print(
        "| points | windows | series float64 (MB) | materialised windows float32 (MB) | baseline RSS (MB) "
        "| peak RSS (MB) | peak - baseline (MB) | extra bytes per extra point | fit s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    first = None
    for n in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True
        )
        out = json.loads(done.stdout.strip().splitlines()[-1])
        n_windows = n - window + 1
        series_mb = n * 8 / 2**20
        windows_mb = n_windows * window * 4 / 2**20
        grown = out["peak_mb"] - out["baseline_mb"]
        first = first or (n, grown)
        per_point = "-" if n == first[0] else f"{(grown - first[1]) * 2**20 / (n - first[0]):.0f}"
        print(
            f"| {n:,} | {n_windows:,} | {series_mb:.0f} | {windows_mb:,.0f} | {out['baseline_mb']:.0f} | "
            f"{out['peak_mb']:.0f} | {grown:.0f} | {per_point} | {out['seconds']:.1f} |"
        )


if __name__ == "__main__":
    main()
