"""Long-horizon benchmark: the standard multivariate protocol, beside the published figures.

Protocol (PatchTST / DLinear / Time-Series-Library, see ``../shared/data/README.md``):

- ETTh1, ETTh2: the first 14400 rows; with look-back L, train rows [0, 8640), validation
  [8640 - L, 11520), test [11520 - L, 14400). Exchange, ILI: a 70/10/20 split
  (train [0, int(0.7 n)), validation [int(0.7 n) - L, n - int(0.2 n)), test [n - int(0.2 n) - L, n)).
- A StandardScaler fit on the train rows of every column; y is all columns (multivariate), forecast
  by one channel-independent global model.
- Models fit on train + validation rows with ``validation_fraction`` = the validation share, so early
  stopping watches exactly the validation windows (their inputs reach back into train) and the
  best weights are restored.
- Test windows: every origin o with o - L >= test start - L and o + H <= test end, stride 1, forecast
  without refit in one batched pass (``predict_origins``). MSE and MAE on the scaled data over all
  windows, horizon steps and columns, counted two ways: over all windows ("all"), and over the first
  ``32 * floor(n / 32)`` windows, as PatchTST's loader drops the last partial batch of 32 ("drop_last").
- "repeat last value": the last input value repeated over the horizon, on the same windows.
- CPU settings: at most ``--epochs`` (20) epochs with patience 5, batch 128; the Transformer
  (PatchTST/42's size: d=16, 4 heads, 3 layers, feed-forward 128, dropout 0.3, patches 16/8, lr 1e-4)
  passes over every training window each epoch; the recurrent and convolutional models (hidden 64 for
  LSTM/GRU, 32 for TCN/Seq2Seq) train at most ``CPU_EPOCHS`` (10) epochs of ``CPU_STEPS`` (50) random
  batches. The papers train 100 epochs on a GPU. Times are wall seconds
  of ``fit`` on this machine.

On a CUDA GPU, ``bash benchmarks/long_horizon_gpu.sh LOG_DIR [DATA_DIR] [LIMIT_S]`` runs the whole
table as 13 concurrent jobs of this script that share the card.

Run: ``python benchmarks/long_horizon.py [--quick] [--datasets ETTh1,...] [--models ...] [--seeds 0,1,2]
[--teacher-forcing F] [--data-dir DIR]``. With several seeds, MSE is their mean and "MSE sd" their
standard deviation; "vs repeat last" is the MSE ratio to repeat-last and "95% CI" its moving-block
bootstrap interval over test origins (blocks of H consecutive origins, 1000 draws, the seeds' mean
squared error per origin; "n/a" where the test rows hold fewer than five blocks). An interval that
holds 1 is a tie with repeat-last.
Exchange is not shipped with tsforecast (licence not stated): it is read from ``--data-dir``
(``../shared/data`` when it exists), else downloaded once by ``datasets.load_exchange_rate()``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import tsforecast as tsf
from tsforecast import datasets

# (dataset, horizon) -> {model: (MSE, MAE)}: PatchTST ICLR 2023 Table 3, DLinear AAAI 2023 Table 2.
PUBLISHED = {
    ("ETTh1", 96): {"PatchTST/64": (0.370, 0.400), "PatchTST/42": (0.375, 0.399), "DLinear": (0.375, 0.399)},
    ("ETTh1", 192): {"PatchTST/64": (0.413, 0.429), "PatchTST/42": (0.414, 0.421), "DLinear": (0.405, 0.416)},
    ("ETTh1", 336): {"PatchTST/64": (0.422, 0.440), "PatchTST/42": (0.431, 0.436), "DLinear": (0.439, 0.443)},
    ("ETTh1", 720): {"PatchTST/64": (0.447, 0.468), "PatchTST/42": (0.449, 0.466), "DLinear": (0.472, 0.490)},
    ("Exchange", 96): {"DLinear": (0.081, 0.203), "repeat last": (0.081, 0.196)},
    ("Exchange", 192): {"DLinear": (0.157, 0.293), "repeat last": (0.167, 0.289)},
    ("Exchange", 336): {"DLinear": (0.305, 0.414), "repeat last": (0.305, 0.396)},
    ("Exchange", 720): {"DLinear": (0.643, 0.601), "repeat last": (0.823, 0.681)},
}
HORIZONS = {
    "ETTh1": (96, 192, 336, 720),
    "ETTh2": (96, 192, 336, 720),
    "Exchange": (96, 192, 336, 720),
    "ILI": (24, 36, 48, 60),
}
#: CPU budget of the recurrent/convolutional models, which step through all L inputs: batches per
#: epoch (a random subset of the training windows) and most epochs. The Transformer sees every window.
CPU_STEPS = 50
CPU_EPOCHS = 10
#: ``--quick``: batches per epoch for every model.
QUICK_STEPS = 10
#: Exchange rates are close to a random walk: windows are centred on their last value, so every
#: model learns a correction to repeat-last (and keeps repeat-last when no epoch beats it).
NORMALIZATION = {"Exchange": "last"}
#: Exchange: 96, the Time-Series-Library scripts' look-back. A ridge regression of the last-centred
#: window on its future (``benchmarks/exchange_random_walk.py``) fits the validation rows worse with
#: 336 inputs than with 96 at H = 192, 336 and 720 (equally at 96): older inputs add only noise.
LOOKBACK = {"ETTh1": 336, "ETTh2": 336, "Exchange": 96, "ILI": 104}


def load(name: str, data_dir: Path | None) -> pd.DataFrame:
    if name == "ETTh1":
        return datasets.load_etth1().iloc[:14400]
    if name == "ETTh2":
        return datasets.load_etth2().iloc[:14400]
    if name == "ILI":
        return datasets.load_ili()
    path = (data_dir or Path(__file__).resolve().parents[2] / "shared" / "data") / "exchange_rate.csv"
    if path.exists():
        return pd.read_csv(path).drop(columns="date")
    # not shipped (licence not stated): downloaded once into the cache, sha256-checked
    return datasets.load_exchange_rate().reset_index(drop=True)


def block_bootstrap_ratio(err: np.ndarray, base: np.ndarray, block: int, seed: int = 0):
    """95% interval of ``sum(err) / sum(base)`` over moving blocks of ``block`` consecutive origins.

    ``err`` and ``base`` hold one summed squared error per test origin, in origin order. Windows of
    neighbouring origins overlap in all but one step, so origins are resampled in blocks of H. Returns
    None where the origins hold fewer than five blocks: the draws would be near copies of the test set.
    """
    n_origins = len(err)
    if n_origins < 5 * block:
        return None
    rng = np.random.default_rng(seed)
    n_blocks = int(np.ceil(n_origins / block))
    starts = rng.integers(0, n_origins - block + 1, size=(1000, n_blocks))
    index = (starts[:, :, None] + np.arange(block)).reshape(1000, -1)[:, :n_origins]
    ratios = err[index].sum(axis=1) / base[index].sum(axis=1)
    return np.percentile(ratios, [2.5, 97.5])


def split(name: str, n: int) -> tuple[int, int, int]:
    """Train end, validation end (= test start) and test end, in rows."""
    if name.startswith("ETT"):
        return 8640, 11520, 14400
    return int(0.7 * n), n - int(0.2 * n), n


def models(
    lookback: int,
    horizon: int,
    epochs: int,
    seed: int,
    names: list[str],
    patch: tuple[int, int],
    quick: bool = False,
    normalization: str = "instance",
    teacher_forcing: float | None = None,
):
    common = {
        "lookback": lookback,
        "horizon": horizon,
        "max_epochs": epochs,
        "random_state": seed,
        "device": "auto",
        "patience": 5,
        "batch_size": 128,
        "normalization": normalization,
    }
    seq2seq = {} if teacher_forcing is None else {"teacher_forcing": teacher_forcing}
    stepping = {**common, "steps_per_epoch": CPU_STEPS, "max_epochs": min(epochs, CPU_EPOCHS)}
    if quick:
        common["steps_per_epoch"] = stepping["steps_per_epoch"] = QUICK_STEPS
    table = {
        "Transformer": lambda: tsf.TransformerForecaster(
            hidden_size=16,
            num_heads=4,
            num_layers=3,
            dim_feedforward=128,
            dropout=0.3,
            patch_length=patch[0],
            stride=patch[1],
            learning_rate=1e-4,
            **common,
        ),
        "TCN": lambda: tsf.TCNForecaster(hidden_size=32, **stepping),
        "Seq2Seq": lambda: tsf.Seq2SeqForecaster(hidden_size=32, **stepping, **seq2seq),
        "LSTM": lambda: tsf.LSTMForecaster(hidden_size=64, **stepping),
        "GRU": lambda: tsf.GRUForecaster(hidden_size=64, **stepping),
    }
    return {name: table[name]() for name in names if name in table and hasattr(tsf, f"{name}Forecaster")}


def evaluate(name: str, frame: pd.DataFrame, horizon: int, args) -> list[dict]:
    values = frame.to_numpy(dtype=np.float64)
    train_end, val_end, test_end = split(name, len(values))
    lookback = min(LOOKBACK[name], args.lookback or LOOKBACK[name])
    mean, std = values[:train_end].mean(axis=0), values[:train_end].std(axis=0)
    scaled = (values - mean) / std
    origins = np.arange(val_end, test_end - horizon + 1)
    if args.quick:
        origins = origins[:: max(1, len(origins) // 64)]
    truth = scaled[origins[:, None] + np.arange(horizon)]  # (windows, H, columns)
    kept = 32 * (len(origins) // 32)
    repeat_last = np.repeat(scaled[origins - 1][:, None], horizon, axis=1)

    def per_origin(err: np.ndarray) -> np.ndarray:
        """Summed squared error per test origin, averaged over seeds: err (seeds, windows, H, columns)."""
        return np.mean(err**2, axis=0).sum(axis=(1, 2))

    base = per_origin((repeat_last - truth)[None])

    def row(model_name, preds, seconds):
        """Scores of a model over its seeds' forecasts: mean over seeds, and their spread."""
        err = np.stack(preds) - truth  # (seeds, windows, H, columns)
        mse = np.mean(err**2, axis=(1, 2, 3))
        out = {
            "dataset": name,
            "H": horizon,
            "model": model_name,
            "windows": len(origins),
            "seeds": len(preds),
            "MSE": mse.mean(),
            "MSE sd": mse.std(ddof=1) if len(mse) > 1 else np.nan,
            "MAE": np.mean(np.abs(err)),
            "MSE drop_last": np.mean(err[:, :kept] ** 2) if kept else np.nan,
            "MAE drop_last": np.mean(np.abs(err[:, :kept])) if kept else np.nan,
            "fit s": seconds,
        }
        if rows:
            out["vs repeat last"] = out["MSE"] / rows[0]["MSE"]
            interval = None if args.quick else block_bootstrap_ratio(per_origin(err), base, horizon)
            out["95% CI"] = "n/a" if interval is None else f"[{interval[0]:.3f}, {interval[1]:.3f}]"
        spread = f" (sd {out['MSE sd']:.4f} over {len(preds)} seeds)" if len(preds) > 1 else ""
        versus = f", {out['vs repeat last']:.4f} of repeat-last, 95% CI {out['95% CI']}" if rows else ""
        print(
            f"  {name} H={horizon} {model_name:<18} MSE {out['MSE']:.4f}{spread} MAE {out['MAE']:.3f} "
            f"({seconds:.0f} s{versus})",
            flush=True,
        )
        return out

    rows: list[dict] = []
    rows.append(row("repeat last value", [repeat_last], 0.0))
    patch = (24, 2) if name == "ILI" else (16, 8)
    train = pd.DataFrame(scaled[:val_end])
    normalization = NORMALIZATION.get(name, "instance")

    def build(seed: int) -> dict:
        return models(
            lookback,
            horizon,
            args.epochs,
            seed,
            args.models,
            patch,
            args.quick,
            normalization,
            args.teacher_forcing,
        )

    for model_name in build(args.seeds[0]):
        preds, seconds = [], []
        for seed in args.seeds:
            model = build(seed)[model_name]
            model.set_params(validation_fraction=(val_end - train_end) / val_end)
            start = time.perf_counter()
            model.fit(None, train)
            seconds.append(time.perf_counter() - start)
            preds.append(model.predict_origins(origins, horizon, y=scaled[:test_end]))
        rows.append(row(model_name, preds, float(np.mean(seconds))))
    for label, (mse, mae) in PUBLISHED.get((name, horizon), {}).items():
        rows.append({"dataset": name, "H": horizon, "model": f"{label} (published)", "MSE": mse, "MAE": mae})
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="ETTh1,ETTh2,Exchange,ILI")
    parser.add_argument("--horizons", default=None, help="comma-separated; default: the dataset's four")
    parser.add_argument("--models", default="Transformer,TCN,Seq2Seq,LSTM,GRU")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lookback", type=int, default=None, help="override the dataset's look-back")
    parser.add_argument(
        "--seeds", default="0", help="comma-separated random_state values; scores are averaged over them"
    )
    parser.add_argument(
        "--teacher-forcing",
        type=float,
        default=None,
        help="Seq2Seq's teacher_forcing, its starting ratio (default: the estimator's default)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: ETTh1 H=96, 1 epoch of 10 batches, 64 test windows, look-back 96",
    )
    args = parser.parse_args(argv)
    args.models = args.models.split(",")
    args.seeds = [int(seed) for seed in args.seeds.split(",")]
    if args.quick:
        args.datasets, args.horizons, args.epochs, args.lookback = "ETTh1", "96", 1, 96
    torch.set_num_threads(args.threads)
    device = "cuda: " + torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"
    print(
        f"# Long-horizon benchmark ({device}, {args.threads} threads, {args.epochs} epochs max, "
        f"seeds {args.seeds}{', QUICK' if args.quick else ''}"
        f"{'' if args.teacher_forcing is None else f', Seq2Seq teacher_forcing {args.teacher_forcing}'})",
        flush=True,
    )
    rows = []
    for name in args.datasets.split(","):
        frame = load(name, args.data_dir)
        horizons = [int(h) for h in args.horizons.split(",")] if args.horizons else HORIZONS[name]
        for horizon in horizons:
            rows.extend(evaluate(name, frame, horizon, args))
    table = pd.DataFrame(rows)
    print()
    for column in ("windows", "seeds"):  # counts print as integers, not as 1422.000
        table[column] = table[column].astype("Int64")
    print(table.to_markdown(index=False, floatfmt=".3f"))


if __name__ == "__main__":
    main()
