"""Calibration of the classical models' native intervals (statsmodels' own) on real series.

Protocol
--------
- ETTh1 ``OT`` (hourly oil temperature): sliding 720-hour windows, 24 hours ahead, origins one
  week apart ending at row 14400; ILI ``% WEIGHTED ILI`` (weekly): expanding windows from 300
  weeks, 26 weeks ahead, origins 8 weeks apart.
- At each origin the model is refitted and asked for the 2.5/10/50/90/97.5% quantiles of every
  step ahead (the forecasters' ``_predict_quantiles`` hook, which ``predict_quantiles`` calls).
- Coverage: the share of the realised values inside the central 80% and 95% bands, over all
  origins and steps; width: mean band width divided by the series' mean absolute step;
  ``n``: number of forecasts scored.

Usage::

    python benchmarks/classical_intervals.py                 # both series, every model
    python benchmarks/classical_intervals.py --origins 10    # fewer origins, quicker
    python benchmarks/classical_intervals.py --only "ETS auto"
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from tsforecast import ARIMAForecaster, ETSForecaster, ThetaForecaster
from tsforecast.datasets import load_etth1, load_ili

QUANTILES = np.array([0.025, 0.1, 0.5, 0.9, 0.975])

SERIES = {
    "ETTh1 OT": dict(
        load=lambda: load_etth1()["OT"].to_numpy()[:14400],
        window=720,
        horizon=24,
        step=168,
        models={
            "ETS(A,N,A) m=24": lambda: ETSForecaster(
                error="add", trend=None, seasonal="add", seasonal_period=24
            ),
            "ARIMA(1,0,1)(0,1,1)[24]": lambda: ARIMAForecaster(
                order=(1, 0, 1), seasonal_order=(0, 1, 1), seasonal_period=24
            ),
            "Theta m=24": lambda: ThetaForecaster(seasonal_period=24),
        },
    ),
    "ILI % weighted": dict(
        load=lambda: load_ili()["% WEIGHTED ILI"].to_numpy(),
        window=None,
        horizon=26,
        step=8,
        models={
            "ETS auto": lambda: ETSForecaster(),
            "ETS(M,Ad,N) (simulated)": lambda: ETSForecaster(
                error="mul", trend="add", damped_trend=True, seasonal=None
            ),
            "ARIMA auto": lambda: ARIMAForecaster(),
            "Theta m=52": lambda: ThetaForecaster(seasonal_period=52),
        },
    ),
}


def evaluate(make, values, window, horizon, step, n_origins):
    end = len(values) - horizon
    origins = [end - k * step for k in range(n_origins)][::-1]
    inside80, inside95, widths, seconds = [], [], [], 0.0
    steps = np.arange(1, horizon + 1)
    for origin in origins:
        train = values[max(0, origin - window) if window else 0 : origin]
        truth = values[origin : origin + horizon]
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = make().fit(None, train)
            q = model._predict_quantiles(steps, np.empty((horizon, 0)), QUANTILES)[:, 0, :]
        seconds += time.perf_counter() - start
        inside80.append((q[:, 1] <= truth) & (truth <= q[:, 3]))
        inside95.append((q[:, 0] <= truth) & (truth <= q[:, 4]))
        widths.append(q[:, [3, 4]] - q[:, [1, 0]])
    scale = np.abs(np.diff(values)).mean()
    widths = np.concatenate(widths) / scale
    return (
        np.concatenate(inside80).mean(),
        np.concatenate(inside95).mean(),
        widths[:, 0].mean(),
        widths[:, 1].mean(),
        len(origins) * horizon,
        seconds / len(origins),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, default=40)
    parser.add_argument("--only", default="", help="run the models whose name contains this text")
    args = parser.parse_args(argv)
    columns = ("cov80", 6), ("cov95", 6), ("width80", 8), ("width95", 8), ("n", 5), ("s/fit", 6)
    header = f"{'series':16s} {'model':30s} " + " ".join(f"{name:>{width}s}" for name, width in columns)
    print(header)
    print("-" * len(header))
    for name, spec in SERIES.items():
        values = np.asarray(spec["load"](), dtype=float)
        for model_name, make in spec["models"].items():
            if args.only not in model_name:
                continue
            cov80, cov95, w80, w95, n, secs = evaluate(
                make, values, spec["window"], spec["horizon"], spec["step"], args.origins
            )
            figures = f"{cov80:6.3f} {cov95:6.3f} {w80:8.2f} {w95:8.2f} {n:5d} {secs:6.2f}"
            print(f"{name:16s} {model_name:30s} {figures}")


if __name__ == "__main__":
    main()
