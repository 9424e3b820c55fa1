"""Why Exchange is hard to beat: validation and test disagree about mean reversion.

The daily exchange rates of eight currencies (``exchange_rate.csv``) are close to a random walk, so
"repeat the last value" is the forecast to beat. This script fits closed-form linear forecasters
on the train rows, chooses each one's setting on the validation rows, and scores both splits, next
to an oracle that chooses on the test rows. It needs no training loop and runs in seconds.

Protocol: ``benchmarks/long_horizon.py``'s (70/10/20 split, StandardScaler fit on the train rows,
every column a series, stride-1 windows, MSE on the scaled data over all windows). Forecasters:

- ``repeat last``: the last input value over the horizon.
- ``mean of last 2``: the mean of the last two inputs.
- ``ridge, last-centred``: a ridge regression of the future on the look-back window, both shifted by
  the window's last value (a learned correction to repeat-last, as ``normalization="last"``).
- ``ridge, levels``: the same on the unshifted values with an intercept (as DLinear, which has no
  normalisation): it can learn to pull forecasts towards the long-run level.
- ``reversion rho``: ``last * rho**h`` at step h, a pull towards the train mean (0 after scaling).

The ridge penalty (1e-2 ... 1e6) and rho (0.99 ... 1) are chosen on validation; the ``oracle`` row
chooses rho on test, to show what the test rows reward. ``95% CI`` is a moving-block bootstrap of
the test MSE ratio to repeat-last (blocks of H consecutive origins, 1000 draws), as neighbouring
windows overlap in all but one step; "n/a" where the test rows hold fewer than five blocks
(H = 336 and 720: 1182 and 798 test origins are 3.5 and 1.1 blocks).

Run: ``python benchmarks/exchange_random_walk.py [--data-dir DIR] [--horizons 96,720]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from long_horizon import block_bootstrap_ratio, load, split

PENALTIES = (1e-2, 1e0, 1e2, 1e4, 1e6)
RHOS = (0.99, 0.995, 0.999, 0.9995, 0.9998, 0.9999, 1.0)


def windows(scaled: np.ndarray, first: int, end: int, lookback: int, horizon: int):
    """Inputs (windows * columns, L) and futures (windows * columns, H) of origins [first, end - H]."""
    origins = np.arange(first, end - horizon + 1)
    past = scaled[origins[:, None] - lookback + np.arange(lookback)]  # (W, L, k)
    future = scaled[origins[:, None] + np.arange(horizon)]  # (W, H, k)
    flat = lambda a: a.transpose(0, 2, 1).reshape(-1, a.shape[1])  # noqa: E731
    return flat(past), flat(future), len(origins)


def ridge(inputs: np.ndarray, targets: np.ndarray, penalty: float) -> np.ndarray:
    gram = inputs.T @ inputs + penalty * np.eye(inputs.shape[1])
    return np.linalg.solve(gram, inputs.T @ targets)


def compare(frame: pd.DataFrame, horizon: int, lookback: int) -> list[dict]:
    values = frame.to_numpy(dtype=np.float64)
    train_end, val_end, test_end = split("Exchange", len(values))
    scaled = (values - values[:train_end].mean(axis=0)) / values[:train_end].std(axis=0)
    fit_x, fit_y, _ = windows(scaled, lookback, train_end, lookback, horizon)
    val_x, val_y, _ = windows(scaled, train_end, val_end, lookback, horizon)
    test_x, test_y, n_test = windows(scaled, val_end, test_end, lookback, horizon)
    steps = np.arange(1, horizon + 1)

    def squared(forecast, x, y):
        return (forecast(x) - y) ** 2

    candidates: dict[str, list] = {
        "repeat last": [lambda x: np.repeat(x[:, -1:], horizon, axis=1)],
        "mean of last 2": [lambda x: np.repeat(x[:, -2:].mean(axis=1, keepdims=True), horizon, axis=1)],
        "ridge, last-centred": [],
        "ridge, levels": [],
        "reversion rho": [],
    }
    shift = fit_x[:, -1:]
    with_intercept = lambda x: np.hstack([x, np.ones((len(x), 1))])  # noqa: E731
    for penalty in PENALTIES:
        centred = ridge(fit_x - shift, fit_y - shift, penalty)
        candidates["ridge, last-centred"].append(lambda x, w=centred: x[:, -1:] + (x - x[:, -1:]) @ w)
        levels = ridge(with_intercept(fit_x), fit_y, penalty)
        candidates["ridge, levels"].append(lambda x, w=levels: with_intercept(x) @ w)
    for rho in RHOS:
        candidates["reversion rho"].append(lambda x, r=rho: x[:, -1:] * r**steps)

    base_val = squared(candidates["repeat last"][0], val_x, val_y)
    base_test = squared(candidates["repeat last"][0], test_x, test_y)
    rows = []
    for label, options in candidates.items():
        chosen_by = {"validation": min(options, key=lambda f: squared(f, val_x, val_y).mean())}
        if label == "reversion rho":
            chosen_by["test (oracle)"] = min(options, key=lambda f: squared(f, test_x, test_y).mean())
        for rule, forecast in chosen_by.items():
            val_mse, err_test = squared(forecast, val_x, val_y).mean(), squared(forecast, test_x, test_y)
            # rows are (origin, column) pairs, origin-major: one summed error per origin
            per_origin = lambda e: e.sum(axis=1).reshape(n_test, -1).sum(axis=1)  # noqa: E731
            interval = block_bootstrap_ratio(per_origin(err_test), per_origin(base_test), horizon)
            interval = "n/a" if interval is None else f"[{interval[0]:.3f}, {interval[1]:.3f}]"
            rows.append(
                {
                    "H": horizon,
                    "L": lookback,
                    "forecaster": label if len(options) == 1 else f"{label}, chosen on {rule}",
                    "val MSE": val_mse,
                    "test MSE": err_test.mean(),
                    "val / repeat": val_mse / base_val.mean(),
                    "test / repeat": err_test.mean() / base_test.mean(),
                    "95% CI": interval,
                }
            )
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizons", default="96,192,336,720")
    parser.add_argument("--lookbacks", default="96,336")
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    frame = load("Exchange", args.data_dir)
    rows = [
        row
        for horizon in map(int, args.horizons.split(","))
        for lookback in map(int, args.lookbacks.split(","))
        for row in compare(frame, horizon, lookback)
    ]
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".4f"))


if __name__ == "__main__":
    main()
