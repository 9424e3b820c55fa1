"""Torch CPU threads for training the neural forecasters: one thread against torch's default.

Protocol
--------
- Series: ETTh1 ``OT`` (hourly oil temperature, shipped), the first ``--rows`` rows (2000).
- Models: LSTMForecaster and TCNForecaster at their default sizes, lookback 96, horizon 24,
  a fixed number of epochs (no early stopping, so every run does the same work).
- Time: wall-clock seconds of ``fit``, the median of ``--repeats`` runs; the thread settings are
  interleaved run by run, so that a change in the machine's load hits both alike.
- Settings: ``torch.set_num_threads(1)`` and torch's own default (one thread per core of the
  machine, ``torch.get_num_threads()`` at start-up); ``--threads`` adds others.
- "x 1 thread": the setting's median time divided by one thread's.

Usage::

    python benchmarks/threads.py                  # about a minute on 2 cores
    python benchmarks/threads.py --threads 4 8 --repeats 5
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch

from tsforecast import LSTMForecaster, TCNForecaster
from tsforecast.datasets import load_etth1

MODELS = {"LSTM": LSTMForecaster, "TCN": TCNForecaster}


def fit_seconds(model_cls, y: pd.Series, threads: int, epochs: int) -> float:
    torch.set_num_threads(threads)
    model = model_cls(lookback=96, horizon=24, max_epochs=epochs, early_stopping=False, random_state=0)
    start = time.perf_counter()
    model.fit(None, y)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="*", default=[], help="more settings to time")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args(argv)
    default = torch.get_num_threads()
    settings = sorted({1, default, *args.threads})
    y = load_etth1()["OT"].iloc[: args.rows]
    times: dict[tuple[str, int], list[float]] = {(m, t): [] for m in MODELS for t in settings}
    for _ in range(args.repeats):
        for name, cls in MODELS.items():
            for threads in settings:
                times[name, threads].append(fit_seconds(cls, y, threads, args.epochs))
    torch.set_num_threads(default)
    rows = []
    for name in MODELS:
        one = float(np.median(times[name, 1]))
        for threads in settings:
            median = float(np.median(times[name, threads]))
            label = f"{threads}" + (" (torch default)" if threads == default else "")
            rows.append({"model": name, "threads": label, "fit s": median, "x 1 thread": median / one})
    table = pd.DataFrame(rows)
    print(
        f"torch {torch.__version__}, {default} threads by default, {args.rows} rows, {args.epochs} epochs, "
        f"{args.repeats} runs each (median)\n"
    )
    print(table.to_markdown(index=False, floatfmt=".2f"))
    return table


if __name__ == "__main__":
    main()
