"""Where ConformalForecaster takes its calibration origins: the old default against ``step=None``.

Protocol:

- data (shipped with tsforecast, see ``tsforecast.datasets``), each cut three times into a
  training block (the series up to the cut) and a test stretch right after it (one calibration
  can be lucky or unlucky; three cuts in different seasons and years pool the test windows):
  - ETTh1 ``OT`` (hourly oil temperature): horizon 24, season 24; cuts after 6000, 10000 and
    14000 hours, test origins every 7 hours (7 shares no factor with 24: every hour of the day
    starts some windows);
  - WTH ``DryBulbCelsius`` (hourly temperature, one US station): horizon 24, season 24; cuts
    after 6000, 15000 and 24000 hours, test origins every 7 hours;
  - S&P 500 daily log returns of the adjusted close, in percent (2000-2020): horizon 5, no
    season; cuts after 2000, 3000 and 4000 trading days (end of 2007, 2011, 2015), test origins
    every 10 days;
  - Seattle daily maximum temperature (2012-2015): horizon 7, no season in the models (the
    yearly cycle is longer than they see); cuts after 900, 1060 and 1220 days, test origins
    every 2 days;
- ``--test-windows`` (default 250) test windows per set, split evenly over the cuts (84 after
  each: 252 in all; each window is one forecast of ``horizon`` steps from one origin);
- wrapped models, fixed settings for speed: ``NaiveForecaster`` (``"seasonal"`` where there is
  a season, ``"last"`` otherwise), ``ETSForecaster(error="add", trend=None, seasonal=None)``
  (simple exponential smoothing: seasonal ETS updates slowly), ``ThetaForecaster`` with the set's
  season;
- each ``ConformalForecaster(model, horizon=h, n_windows=100, step=..., method="split")`` is fitted
  once on the training block (calibration on its last origins, ``refit=False``) and moved over the
  test stretch with ``update``, never recalibrated (``benchmarks/calibration.py``'s ``_run``:
  ``backtest(refit=False, coverage=[0.8, 0.95])``), as a deployed forecaster would be;
- calibration origins compared side by side: the old default ``step=1`` (100 consecutive
  origins), the new default ``step=None`` (``tsforecast.conformal.auto_step``), ``step=horizon``
  (non-overlapping windows that all start at the same phase of the season when the horizon is the
  season) and ``"half"``: 100 origins spread evenly over the last half of the training block;
- scores over all test windows and steps, pooled over the cuts: empirical coverage of the 80% and
  95% intervals (in percent) and the mean width of the 80% band relative to the old default's.

Optional LSTM check (slow: a network per calibration): ``--datasets etth1 --models LSTM
--variants "old step=1,new step=None"``; the LSTM has look-back 48, 16 hidden units, 3 epochs, seed 0.

Run: ``PYTHONPATH=. nice python benchmarks/conformal_defaults.py [--datasets etth1,wth,sp500,weather]
[--test-windows 250] [--cuts 3]``; ``--quick`` shrinks everything for a smoke test (figures then mean
nothing). Prints markdown tables; the published log is ``benchmarks/results/conformal_defaults.log``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibration import DataSet, _run  # noqa: E402  (the calibration benchmark's protocol, reused)

from tsforecast import ConformalForecaster, ETSForecaster, NaiveForecaster, ThetaForecaster  # noqa: E402
from tsforecast.datasets import load_etth1, load_seattle_weather, load_sp500, load_weather_hourly  # noqa: E402

N_WINDOWS = 100  # the default calibration origins

#: Calibration spacings compared: name -> step (an int, None for the default, "half" for even spacing).
VARIANTS: dict[str, int | str | None] = {
    "old step=1": 1,
    "new step=None": None,
    "step=h": "h",
    "half": "half",
}


def _datasets(quick: bool, test_windows: int) -> dict[str, Callable[[], list[DataSet]]]:
    def cut(series: pd.Series, name: str, horizon: int, cuts: tuple[int, ...], test_step: int, season: int):
        per_cut = 8 if quick else -(-test_windows // len(cuts))  # test windows after each cut
        sets = []
        for initial in cuts[:1] if quick else cuts:
            initial = initial // 4 if quick else initial
            part = series.iloc[: initial + (per_cut - 1) * test_step + horizon]
            sets.append(
                DataSet(name, part.to_numpy(), horizon, initial, test_step, N_WINDOWS, season, part.index)
            )
        return sets

    def etth1():
        return cut(load_etth1()["OT"], "ETTh1 OT (hourly)", 24, (6000, 10000, 14000), 7, 24)

    def wth():
        series = load_weather_hourly()["DryBulbCelsius"]
        return cut(series, "WTH DryBulbCelsius (hourly)", 24, (6000, 15000, 24000), 7, 24)

    def sp500():
        close = load_sp500()["adjclose"]
        returns = 100 * np.log(close).diff().iloc[1:]
        return cut(returns, "S&P 500 daily log returns (%)", 5, (2000, 3000, 4000), 10, 1)

    def weather():
        return cut(
            load_seattle_weather()["temp_max"], "Seattle daily max temperature", 7, (900, 1060, 1220), 2, 1
        )

    return {"etth1": etth1, "wth": wth, "sp500": sp500, "weather": weather}


def _lstm(horizon: int) -> object:
    from tsforecast import LSTMForecaster

    return LSTMForecaster(lookback=48, horizon=horizon, hidden_size=16, max_epochs=3, random_state=0)


def _models(data: DataSet) -> dict[str, Callable[[], object]]:
    m = data.season
    return {
        "seasonal naive" if m > 1 else "naive": lambda: (
            NaiveForecaster("seasonal", seasonal_period=m) if m > 1 else NaiveForecaster()
        ),
        "ETS(A,N,N)": lambda: ETSForecaster(error="add", trend=None, seasonal=None),
        "Theta": lambda: ThetaForecaster(seasonal_period=m),
        "LSTM": lambda: _lstm(data.horizon),  # only when --models names it (slow)
    }


def resolved_step(data: DataSet, model: ConformalForecaster) -> int:
    """The step a variant's model calibrates with on the training block (what its fit resolves)."""
    return model._calibration_plan(data.initial)[1]


def _step(variant: int | str | None, data: DataSet) -> int | None:
    if variant == "h":
        return data.horizon
    if variant == "half":
        return max(1, (data.initial - data.initial // 2 - data.horizon) // (N_WINDOWS - 1))
    return variant  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="etth1,wth,sp500,weather")
    parser.add_argument("--test-windows", type=int, default=250)
    parser.add_argument("--models", default="naive,ETS,Theta", help="substrings of model names (LSTM: slow)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="calibration spacings to compare")
    parser.add_argument("--cuts", type=int, default=3, help="training cuts per set (the first ones)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    variants = args.variants.split(",")
    import torch

    torch.set_num_threads(1)
    rows = []
    for key in args.datasets.split(","):
        parts = _datasets(args.quick, args.test_windows)[key]()[: args.cuts]
        data = parts[0]
        for model_name, build in _models(data).items():
            if not any(part in model_name for part in args.models.split(",")):
                continue
            row: dict = {"data": data.name, "h": data.horizon, "model": model_name}
            for variant in variants:
                spec = VARIANTS[variant]
                start = time.perf_counter()
                windows, steps, cover80, cover95, width = [], [], [], [], []
                for part in parts:  # one training cut, then its test windows; pooled over the cuts
                    model = ConformalForecaster(
                        build(), horizon=part.horizon, n_windows=N_WINDOWS, step=_step(spec, part)
                    )
                    scores, _ = _run(part, f"{model_name} {variant}", model)
                    windows.append(scores["windows"])
                    steps.append(resolved_step(part, model))
                    cover80.append(scores["cover 80%"])
                    cover95.append(scores["cover 95%"])
                    width.append(scores["width 80%"])
                row["test windows"] = sum(windows)
                row[f"{variant}: step"] = "/".join(str(s) for s in steps)
                row[f"{variant}: 80%"] = float(np.average(cover80, weights=windows))
                row[f"{variant}: 95%"] = float(np.average(cover95, weights=windows))
                row[f"{variant}: width 80%"] = float(np.average(width, weights=windows))
                print(
                    f"  {data.name}: {model_name}, {variant} (steps {row[f'{variant}: step']}): "
                    f"{row[f'{variant}: 80%']:.1f}% / {row[f'{variant}: 95%']:.1f}% per cut "
                    + ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(cover80, cover95, strict=True))
                    + f" ({time.perf_counter() - start:.1f} s)",
                    flush=True,
                )
            rows.append(row)
    table = pd.DataFrame(rows)
    if "old step=1" in variants:
        base = table["old step=1: width 80%"]
        for variant in variants:
            table[f"{variant}: width 80%"] = table[f"{variant}: width 80%"] / base
    _print(table, variants)
    return table


def _print(table: pd.DataFrame, variants: list[str]) -> None:
    keys = ["data", "h", "model", "test windows"]
    print("\n### Empirical coverage (%) of the split mode's 80% / 95% intervals\n")
    cover = table[keys].copy()
    for variant in variants:
        cover[variant] = [
            f"{a:.1f} / {b:.1f}"
            for a, b in zip(table[f"{variant}: 80%"], table[f"{variant}: 95%"], strict=True)
        ]
    print(cover.to_markdown(index=False))
    print("\n### Steps between calibration origins, per training cut\n")
    steps = table[keys[:3]].copy()
    for variant in variants:
        steps[variant] = table[f"{variant}: step"]
    print(steps.to_markdown(index=False))
    print("\n### Mean width of the 80% band (relative to the old default's when it ran)\n")
    widths = table[keys[:3]].copy()
    for variant in variants:
        widths[variant] = table[f"{variant}: width 80%"].round(2)
    print(widths.to_markdown(index=False))
    print("\n### Cells within 5 points of nominal\n")
    for variant in variants:
        ok = [int(((table[f"{variant}: {c}%"] - c).abs() <= 5).sum()) for c in (80, 95)]
        worst = max(float((table[f"{variant}: {c}%"] - c).abs().max()) for c in (80, 95))
        cells = f"80%: {ok[0]}/{len(table)}, 95%: {ok[1]}/{len(table)}"
        print(f"- {variant}: {cells}; largest miss {worst:.1f} points")
    print(flush=True)


if __name__ == "__main__":
    main()
