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
  process (statsmodels runs single-threaded; BLAS limited to one thread). At each
  origin every model runs in turn, so that all see the same load on a shared machine.
- Accuracy: MAE over the 20 x 24 forecasts, and MASE: the mean over origins of
  the forecast MAE divided by the in-sample MAE of the seasonal-naive (lag 24)
  forecast on that origin's training window.
- "x naive": mean time divided by NaiveForecaster("last")'s mean time.

- statsforecast rows (``sf-*``: AutoETS, AutoARIMA, AutoTheta, MSTL with an AutoETS
  remainder, season 24 or [24, 168] as the tsforecast row beside it) run when statsforecast
  is importable (the ``benchmark`` extra). Its numba functions compile on first use: the
  untimed warm-up's seconds are printed as "first fit s" (cold start, JIT included), for
  every row.

Usage::

    python benchmarks/classical_speed.py                 # shipped tsforecast.datasets
    python benchmarks/classical_speed.py --data-dir ../shared/data --models ets-fixed theta
    python benchmarks/classical_speed.py --models ets-auto sf-autoets   # side by side
    python benchmarks/classical_speed.py --models none --panel 1000     # 1000 series, n_jobs
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
from tsforecast.models.statistical import ARIMAForecaster, ETSForecaster, MSTLForecaster, ThetaForecaster

M = 24

MODELS = {
    "naive-last": lambda: NaiveForecaster("last"),
    "naive-seasonal": lambda: NaiveForecaster("seasonal", seasonal_period=M),
    "ets-auto": lambda: ETSForecaster(seasonal_period=M),
    "ets-fixed": lambda: ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=M),
    "arima-auto": lambda: ARIMAForecaster(seasonal_period=M),
    "arima-fixed": lambda: ARIMAForecaster(order=(2, 0, 1), seasonal_order=(0, 1, 1), seasonal_period=M),
    "theta": lambda: ThetaForecaster(seasonal_period=M),
    "mstl": lambda: MSTLForecaster(seasonal_period=[M, 7 * M]),
}


class StatsForecastModel:
    """A statsforecast model behind the benchmark's fit(None, y).forecast(h) calls."""

    def __init__(self, make):
        self.make = make

    def fit(self, X, y):
        self.model_ = self.make().fit(np.asarray(y, dtype=np.float64))
        return self

    def forecast(self, horizon):
        return pd.Series(self.model_.predict(horizon)["mean"])


def _statsforecast_models() -> dict:
    try:
        from statsforecast.models import MSTL, AutoARIMA, AutoETS, AutoTheta
    except ImportError:
        return {}
    return {
        "sf-autoets": lambda: StatsForecastModel(lambda: AutoETS(season_length=M)),
        "sf-autoarima": lambda: StatsForecastModel(lambda: AutoARIMA(season_length=M)),
        "sf-autotheta": lambda: StatsForecastModel(lambda: AutoTheta(season_length=M)),
        "sf-mstl": lambda: StatsForecastModel(
            lambda: MSTL(season_length=[M, 7 * M], trend_forecaster=AutoETS(model="ZZN"))
        ),
    }


MODELS.update(_statsforecast_models())


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
    first = {}
    for name in names:
        with warnings.catch_warnings():  # untimed warm-up: lazy imports, first-call overheads, JIT
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            MODELS[name]().fit(None, series.iloc[origins[0] - window : origins[0]]).forecast(horizon)
            first[name] = time.perf_counter() - start
    times, errors, scaled = ({name: [] for name in names} for _ in range(3))
    # origins outside, models inside: on a shared machine every model sees the same load
    for origin in origins:
        y_train = series.iloc[origin - window : origin]
        y_test = values[origin : origin + horizon]
        train = y_train.to_numpy()
        for name in names:
            model = MODELS[name]()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence notes are counted in the MAE, not printed
                start = time.perf_counter()
                forecast = model.fit(None, y_train).forecast(horizon).to_numpy()
                times[name].append(time.perf_counter() - start)
            mae = np.abs(forecast - y_test).mean()
            errors[name].append(mae)
            scaled[name].append(mae / np.abs(train[M:] - train[:-M]).mean())
    rows = [
        (
            name,
            np.mean(times[name]),
            np.sum(times[name]),
            np.mean(errors[name]),
            np.mean(scaled[name]),
            first[name],
        )
        for name in names
    ]
    print(f"  done: {sum(np.sum(t) for t in times.values()):.1f} s", file=sys.stderr, flush=True)
    return rows


def panel(series: pd.Series, n_series: int, length: int, n_jobs: int) -> None:
    """Fit one model per column of a wide panel, serially and with ``n_jobs`` (joblib)."""
    values = series.to_numpy()
    stride = max(1, (len(values) - length) // n_series)
    y = np.column_stack([values[i * stride : i * stride + length] for i in range(n_series)])
    print(f"\nPanel: {n_series} ETTh1 OT windows of {length} hours as the columns of one y\n")
    print(f"| model | serial s | n_jobs={n_jobs} s | speed-up | forecasts equal |")
    print("|---|---:|---:|---:|---|")
    for name, make in (
        ("ETS(A,N,N)", lambda jobs: ETSForecaster(error="add", trend=None, seasonal=None, n_jobs=jobs)),
        ("Theta m=24", lambda jobs: ThetaForecaster(seasonal_period=M, n_jobs=jobs)),
    ):
        seconds, forecasts = [], []
        for jobs in (None, n_jobs):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                forecasts.append(make(jobs).fit(None, y).predict(np.empty((24, 0))))
                seconds.append(time.perf_counter() - start)
        equal = np.array_equal(forecasts[0], forecasts[1])
        print(f"| {name} | {seconds[0]:.1f} | {seconds[1]:.1f} | {seconds[0] / seconds[1]:.2f} | {equal} |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None, help="folder with ETTh1.csv (default: shipped data)")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=[*MODELS, "none"])
    parser.add_argument("--origins", type=int, default=20)
    parser.add_argument("--window", type=int, default=720)
    parser.add_argument("--horizon", type=int, default=24)
    parser.add_argument("--step", type=int, default=168, help="hours between origins")
    parser.add_argument(
        "--panel", type=int, default=0, help="also fit this many series, serially and in parallel"
    )
    parser.add_argument("--panel-length", type=int, default=168)
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    names = args.models if "naive-last" in args.models else ["naive-last", *args.models]
    series = load_series(args.data_dir)
    if args.panel:
        panel(series, args.panel, args.panel_length, args.n_jobs)
        if args.models == ["none"]:
            return
    with threadpool_limits(limits=1, user_api="blas"):
        rows = run(series, names, args.origins, args.window, args.horizon, args.step)
    base = {r[0]: r[1] for r in rows}["naive-last"]
    print(
        f"ETTh1 OT, first 14400 rows: {args.origins} rolling origins {args.step} h apart, "
        f"sliding {args.window}-point training window, horizon {args.horizon}, seasonal period {M}; "
        f"time = fit + forecast per origin ({os.cpu_count()} CPU cores, BLAS 1 thread); "
        f"MASE scaled by in-sample seasonal-naive MAE.\n"
    )
    print("| model | mean s / origin | total s | MAE | MASE | time x naive | first fit s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, mean_t, total_t, mae, mase, first in rows:
        print(
            f"| {name} | {mean_t:.4f} | {total_t:.2f} | {mae:.3f} | {mase:.3f} | {mean_t / base:,.1f} "
            f"| {first:.2f} |"
        )
    pairs = [
        ("ets-auto", "sf-autoets"),
        ("arima-auto", "sf-autoarima"),
        ("theta", "sf-autotheta"),
        ("mstl", "sf-mstl"),
    ]
    by_name = {r[0]: r for r in rows}
    shown = [(ours, theirs) for ours, theirs in pairs if ours in by_name and theirs in by_name]
    if shown:
        print("\n| tsforecast vs statsforecast | time ratio (ours / theirs) | MASE ours | MASE theirs |")
        print("|---|---:|---:|---:|")
        for ours, theirs in shown:
            ratio = by_name[ours][1] / by_name[theirs][1]
            print(f"| {ours} vs {theirs} | {ratio:.2f} | {by_name[ours][4]:.3f} | {by_name[theirs][4]:.3f} |")


if __name__ == "__main__":
    main()
