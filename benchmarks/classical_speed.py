"""Speed and accuracy of the classical forecasters on a real series.

Protocol
--------
- Series: ETTh1 ``OT`` (hourly oil temperature), the first 14400 rows (the
  usual train+validation+test span of the long-horizon benchmark protocol).
- 20 rolling origins, one week (168 hours) apart; the last forecast window ends
  at row 14400. At each origin every model is fitted on the 720 preceding
  points (30 days, a sliding window) and forecasts the next 24 hours.
- Seasonal period 24 (the daily cycle) for every seasonal model.
- Time: wall-clock seconds of ``fit`` + ``forecast(24)`` per origin, on one
  process (statsmodels runs single-threaded; BLAS limited to one thread).
- Accuracy: MAE over the 20 x 24 forecasts, and MASE: the mean over origins of
  the forecast MAE divided by the in-sample MAE of the seasonal-naive (lag 24)
  forecast on that origin's training window.
- "x naive": mean time divided by NaiveForecaster("last")'s mean time.

Usage::

    python benchmarks/classical_speed.py                 # shipped tsforecast.datasets
    python benchmarks/classical_speed.py --data-dir ../shared/data --models ets-fixed theta
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from tsforecast import NaiveForecaster
from tsforecast.models.statistical import ARIMAForecaster, ETSForecaster, ThetaForecaster

M = 24

MODELS = {
    "naive-last": lambda: NaiveForecaster("last"),
    "naive-seasonal": lambda: NaiveForecaster("seasonal", seasonal_period=M),
    "ets-auto": lambda: ETSForecaster(seasonal_period=M),
    "ets-fixed": lambda: ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=M),
    "arima-auto": lambda: ARIMAForecaster(seasonal_period=M),
    "arima-fixed": lambda: ARIMAForecaster(order=(2, 0, 1), seasonal_order=(0, 1, 1), seasonal_period=M),
    "theta": lambda: ThetaForecaster(seasonal_period=M),
}


def load_series(data_dir: str | None) -> pd.Series:
    if data_dir is None:
        from tsforecast.datasets import load_etth1

        frame = load_etth1()
    else:
        path = next(p for p in (Path(data_dir) / "ETTh1.csv", Path(data_dir) / "ETTh1.csv.gz") if p.exists())
        frame = pd.read_csv(path, parse_dates=["date"], index_col="date")
    return frame["OT"].iloc[:14400].astype(float)


def run(series: pd.Series, names: list[str], n_origins: int, window: int, horizon: int, step: int):
    values = series.to_numpy()
    end = len(series) - horizon
    origins = [end - k * step for k in range(n_origins)][::-1]
    rows = []
    for name in names:
        with warnings.catch_warnings():  # untimed warm-up: lazy imports, first-call overheads
            warnings.simplefilter("ignore")
            MODELS[name]().fit(None, series.iloc[: 3 * M]).forecast(horizon)
        times, errors, scaled = [], [], []
        for origin in origins:
            y_train = series.iloc[origin - window : origin]
            y_test = values[origin : origin + horizon]
            model = MODELS[name]()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence notes are counted in the MAE, not printed
                start = time.perf_counter()
                forecast = model.fit(None, y_train).forecast(horizon).to_numpy()
                times.append(time.perf_counter() - start)
            mae = np.abs(forecast - y_test).mean()
            train = y_train.to_numpy()
            errors.append(mae)
            scaled.append(mae / np.abs(train[M:] - train[:-M]).mean())
        rows.append((name, np.mean(times), np.sum(times), np.mean(errors), np.mean(scaled)))
        print(f"  done {name}: {np.sum(times):.1f} s", file=sys.stderr, flush=True)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None, help="folder with ETTh1.csv (default: shipped data)")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--origins", type=int, default=20)
    parser.add_argument("--window", type=int, default=720)
    parser.add_argument("--horizon", type=int, default=24)
    parser.add_argument("--step", type=int, default=168, help="hours between origins")
    args = parser.parse_args(argv)
    names = args.models if "naive-last" in args.models else ["naive-last", *args.models]
    series = load_series(args.data_dir)
    with threadpool_limits(limits=1, user_api="blas"):
        rows = run(series, names, args.origins, args.window, args.horizon, args.step)
    base = dict((r[0], r[1]) for r in rows)["naive-last"]
    print(
        f"ETTh1 OT, first 14400 rows: {args.origins} rolling origins {args.step} h apart, "
        f"sliding {args.window}-point training window, horizon {args.horizon}, seasonal period {M}; "
        f"time = fit + forecast per origin ({os.cpu_count()} CPU cores, BLAS 1 thread); "
        f"MASE scaled by in-sample seasonal-naive MAE.\n"
    )
    print("| model | mean s / origin | total s | MAE | MASE | time x naive |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, mean_t, total_t, mae, mase in rows:
        print(f"| {name} | {mean_t:.4f} | {total_t:.2f} | {mae:.3f} | {mase:.3f} | {mean_t / base:,.1f} |")


if __name__ == "__main__":
    main()
