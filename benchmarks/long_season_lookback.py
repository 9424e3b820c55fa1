"""How long a look-back a yearly season needs: the cap of the default ``lookback``.

With ``seasonal_period=365`` the rule ``3 * seasonal_period`` asks for a look-back of 1095 days: a
2-core fit then takes minutes, and on a few years of data the windows are so long that few remain.
This script measures what shorter look-backs cost in accuracy on a daily series with a yearly
cycle, and what Fourier terms of the year (``FourierFeatures(period=365.25)`` as known-future
exogenous features) give back.

Protocol:

- Seattle daily maximum temperature (``load_seattle_weather()["temp_max"]``, shipped), 2012-2015;
- fit on the first 1096 days (2012-2014); test: every origin in 2015, forecasting 7 days from the
  rows before it without refitting (``predict_origins``); MSE and MAE in degrees C, over all
  test windows and steps, and the training wall time;
- look-backs 32 (the rule without the season: ``max(4 * horizon, 32)``), 64, 128, 256, and the
  old default (``3 * 365``, capped by the data: 580 here); the same models with a look-back of
  64 and Fourier terms of the year (order 2) as X;
- baselines on the same windows: repeat the last value; the same day one year earlier;
- CPU, ``torch.set_num_threads(1)`` (``--threads``), ``random_state=0`` (``--seeds`` to average
  several), every other parameter at its default.

Run: ``python benchmarks/long_season_lookback.py [--models LSTM TCN] [--seeds 0 1]``.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch

import tsforecast
from tsforecast.datasets import load_seattle_weather
from tsforecast.preprocessing import FourierFeatures

N_TRAIN, HORIZON, PERIOD = 1096, 7, 365


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["LSTM", "TCN"])
    parser.add_argument("--lookbacks", nargs="+", type=int, default=[32, 64, 128, 256, 580])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    series = load_seattle_weather()["temp_max"]
    y = series.to_numpy(dtype=float)
    origins = np.arange(N_TRAIN, len(y) - HORIZON + 1)
    truth = y[origins[:, None] + np.arange(HORIZON)]
    fourier = FourierFeatures(period=365.25, order=2).fit(pd.DataFrame(index=series.index[:N_TRAIN]))
    X_all = fourier.transform(pd.DataFrame(index=series.index)).to_numpy()

    def score(pred: np.ndarray) -> tuple[float, float]:
        err = pred - truth
        return float(np.mean(err**2)), float(np.mean(np.abs(err)))

    rows = [
        ("repeat last value", "-", *score(np.repeat(y[origins - 1][:, None], HORIZON, axis=1)), 0.0),
        ("same day last year", "-", *score(y[origins[:, None] - PERIOD + np.arange(HORIZON)]), 0.0),
    ]
    classes = dict(tsforecast.all_estimators())
    for name in args.models:
        cls = classes[f"{name}Forecaster"]
        settings = [(lookback, False) for lookback in args.lookbacks] + [(64, True)]
        for lookback, with_fourier in settings:
            mses, maes, seconds = [], [], []
            for seed in args.seeds:
                model = cls(lookback=lookback, horizon=HORIZON, device="cpu", random_state=seed)
                started = time.perf_counter()
                if with_fourier:
                    model.fit(X_all[:N_TRAIN], y[:N_TRAIN])
                    pred = model.predict_origins(origins, HORIZON, y=y, X=X_all)
                else:
                    model.fit(None, y[:N_TRAIN])
                    pred = model.predict_origins(origins, HORIZON, y=y)
                seconds.append(time.perf_counter() - started)
                mse, mae = score(pred[:, :, 0])
                mses.append(mse)
                maes.append(mae)
            label = f"{lookback} + Fourier(365.25, 2)" if with_fourier else str(lookback)
            rows.append((name, label, np.mean(mses), np.mean(maes), np.mean(seconds)))
            print(f"# {rows[-1]}", flush=True)

    print(f"\n# Seattle temp_max, fit on {N_TRAIN} days, {len(origins)} origins x {HORIZON} days")
    print(f"# seeds {args.seeds}, {args.threads} thread(s)")
    print("| model | lookback | MSE | MAE | fit + predict s |")
    print("|---|---|---|---|---|")
    for model, lookback, mse, mae, secs in rows:
        print(f"| {model} | {lookback} | {mse:.3f} | {mae:.3f} | {secs:.1f} |")


if __name__ == "__main__":
    main()
