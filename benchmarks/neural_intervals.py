"""Calibration of the neural forecasters' quantiles on real data (ETTh1 ``OT``, hourly).

Two sources, for every neural family (``tsforecast.all_estimators()``):

- **residual band** (``quantiles=None``): the empirical quantiles, per horizon step, of the scaled
  residuals on the early-stopping validation windows, computed once after training;
- **quantile head** (``quantiles=[0.025, 0.1, 0.9, 0.975]``, the median added): one output
  channel per level, trained on the pinball loss.

Protocol: ETTh1 ``OT`` (shipped), first 14400 rows, raw units (the normaliser needs no scaler);
fit on rows [0, 8640) (early stopping holds out the last 20% of them); test: origins every
``--every`` rows in [11520, 14400 - 24], 24 steps each, no refit (``predict_origins`` with
``quantiles``, one batched pass); coverage of the central 80% and 95% intervals over all test
windows and steps, their mean width, and the MAE of the point forecast. Cheap training
(``--epochs``, ``--steps-per-epoch``): the calibration of each source is the point, not accuracy.
CPU, ``torch.set_num_threads(1)`` (``--threads``), ``random_state=0``.

Run: ``python benchmarks/neural_intervals.py [--models LSTM TCN] [--epochs 10]``. Prints a
markdown table.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

import tsforecast
from tsforecast.datasets import load_etth1
from tsforecast.models.neural import NeuralForecaster

LOOKBACK, HORIZON = 96, 24
TRAIN_END, TEST_START, TEST_END = 8640, 11520, 14400
LEVELS = [0.025, 0.1, 0.5, 0.9, 0.975]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    neural = [name for name, cls in tsforecast.all_estimators() if issubclass(cls, NeuralForecaster)]
    parser.add_argument("--models", nargs="+", default=[n.removesuffix("Forecaster") for n in neural])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps-per-epoch", type=int, default=60)
    parser.add_argument("--every", type=int, default=12, help="rows between test origins")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    y = load_etth1()["OT"].to_numpy()[:TEST_END]
    origins = np.arange(TEST_START, TEST_END - HORIZON + 1, args.every)
    truth = y[origins[:, None] + np.arange(HORIZON)]
    classes = dict(tsforecast.all_estimators())
    rows = []
    for name in args.models:
        cls = classes[f"{name}Forecaster"]
        for source, quantiles in (("residual band", None), ("quantile head", [0.025, 0.1, 0.9, 0.975])):
            model = cls(
                lookback=LOOKBACK,
                horizon=HORIZON,
                max_epochs=args.epochs,
                steps_per_epoch=args.steps_per_epoch,
                quantiles=quantiles,
                device="cpu",
                random_state=0,
            )
            started = time.perf_counter()
            model.fit(None, y[:TRAIN_END])
            bands = model.predict_origins(origins, HORIZON, y=y, quantiles=LEVELS)[:, :, 0]
            seconds = time.perf_counter() - started
            point = model.predict_origins(origins, HORIZON, y=y)[:, :, 0]
            cover80 = np.mean((truth >= bands[..., 1]) & (truth <= bands[..., 3]))
            cover95 = np.mean((truth >= bands[..., 0]) & (truth <= bands[..., 4]))
            width80 = np.mean(bands[..., 3] - bands[..., 1])
            width95 = np.mean(bands[..., 4] - bands[..., 0])
            mae = np.mean(np.abs(point - truth))
            rows.append((name, source, cover80, width80, cover95, width95, mae, seconds))
            print(f"# {rows[-1]}", flush=True)

    print(
        f"\n# ETTh1 OT, lookback {LOOKBACK}, horizon {HORIZON}, {len(origins)} test windows "
        f"x {HORIZON} steps, train rows [0, {TRAIN_END}); {args.epochs} epochs x {args.steps_per_epoch} steps"
    )
    print("| model | source | 80% coverage | 80% width | 95% coverage | 95% width | MAE | fit + predict s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, source, c80, w80, c95, w95, mae, secs in rows:
        print(
            f"| {name} | {source} | {c80:.3f} | {w80:.2f} | {c95:.3f} | {w95:.2f} | {mae:.2f} | {secs:.1f} |"
        )


if __name__ == "__main__":
    main()
