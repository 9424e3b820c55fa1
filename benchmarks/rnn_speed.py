"""Training speed of LSTMForecaster against a bare PyTorch loop doing identical work.

Protocol:

- synthetic series (sine + noise), 6000 points; lookback 96, horizon 24 (5881 windows);
- the same network (``tsforecast.nn.RNNNetwork``: LSTM, hidden 64, 2 layers, dropout 0.1),
  AdamW lr 1e-3, gradient clipping at 1.0, MSE on instance-normalised windows, shuffled
  epochs, windows gathered from the on-device series; 3 epochs, no validation;
- "tsforecast": ``LSTMForecaster(...).fit`` wall time (validation, network build, the
  final eval switch included) divided by 3; "bare loop": a hand-written loop doing the
  same steps; both in fresh subprocesses, alternated, best of ``--repeats`` runs;
- batch 256 and batch 32; CPU with ``torch.set_num_threads(2)`` (or ``--device cuda``
  with ``--batches 1024``); peak memory is the subprocess's peak RSS (CPU) or
  ``torch.cuda.max_memory_allocated`` (CUDA);
- darts (``BlockRNNModel``) and neuralforecast (``LSTM``) columns only when installed.

Run: ``python benchmarks/rnn_speed.py [--device cpu] [--batches 256 32] [--repeats 2]``.
Prints a markdown table; target ratio (ours / bare) <= 1.15.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time

N_POINTS, LOOKBACK, HORIZON, HIDDEN, LAYERS, EPOCHS = 6000, 96, 24, 64, 2, 3


def _series():
    import numpy as np

    rng = np.random.default_rng(0)
    t = np.arange(N_POINTS)
    return np.sin(2 * np.pi * t / 24) + 0.5 * np.sin(2 * np.pi * t / 168) + 0.1 * rng.normal(size=N_POINTS)


def run_ours(batch: int, device: str) -> dict:
    import torch

    from tsforecast.models.rnn import LSTMForecaster

    y = _series()
    model = LSTMForecaster(
        lookback=LOOKBACK,
        horizon=HORIZON,
        hidden_size=HIDDEN,
        num_layers=LAYERS,
        dropout=0.1,
        max_epochs=EPOCHS,
        batch_size=batch,
        early_stopping=False,
        random_state=0,
        device=device,
    )
    if device == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    model.fit(None, y)
    if device == "cuda":
        torch.cuda.synchronize()
    return {"seconds": time.perf_counter() - started, "windows": N_POINTS - LOOKBACK - HORIZON + 1}


def run_bare(batch: int, device: str) -> dict:
    import torch

    from tsforecast.nn.rnn import RNNNetwork

    y = _series()
    dev = torch.device(device)
    if device == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    torch.manual_seed(0)
    series = torch.as_tensor(y, dtype=torch.float32, device=dev)
    window = LOOKBACK + HORIZON
    n_windows = len(y) - window + 1
    steps = torch.arange(window, device=dev)
    net = RNNNetwork("lstm", 1, 1, HORIZON, hidden_size=HIDDEN, num_layers=LAYERS, dropout=0.1).to(dev)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    net.train()
    for _ in range(EPOCHS):
        order = torch.randperm(n_windows, generator=gen).to(dev)
        for begin in range(0, n_windows, batch):
            w = series[order[begin : begin + batch, None] + steps].unsqueeze(-1)  # (B, window, 1)
            past, future = w[:, :LOOKBACK], w[:, LOOKBACK:]
            loc = past.mean(1, keepdim=True)
            scale = torch.sqrt(past.var(1, keepdim=True, unbiased=False) + 1e-6)
            on_cuda = device == "cuda"
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=on_cuda):
                pred = net((past - loc) / scale, w[:, LOOKBACK:, :0])
            loss = torch.nn.functional.mse_loss(pred.float(), (future - loc) / scale)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
        loss.item()
    net.eval()
    if device == "cuda":
        torch.cuda.synchronize()
    return {"seconds": time.perf_counter() - started, "windows": n_windows}


def run_darts(batch: int, device: str) -> dict:
    from darts import TimeSeries
    from darts.models import BlockRNNModel

    series = TimeSeries.from_values(_series().astype("float32"))
    model = BlockRNNModel(
        input_chunk_length=LOOKBACK,
        output_chunk_length=HORIZON,
        model="LSTM",
        hidden_dim=HIDDEN,
        n_rnn_layers=LAYERS,
        dropout=0.1,
        batch_size=batch,
        n_epochs=EPOCHS,
        random_state=0,
        pl_trainer_kwargs={"accelerator": "gpu" if device == "cuda" else "cpu", "enable_progress_bar": False},
    )
    started = time.perf_counter()
    model.fit(series)
    return {"seconds": time.perf_counter() - started, "windows": N_POINTS - LOOKBACK - HORIZON + 1}


def run_neuralforecast(batch: int, device: str) -> dict:
    import pandas as pd
    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM

    y = _series()
    df = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2000", periods=len(y), freq="h"), "y": y})
    n_windows = N_POINTS - LOOKBACK - HORIZON + 1
    steps = EPOCHS * -(-n_windows // batch)
    model = LSTM(
        h=HORIZON,
        input_size=LOOKBACK,
        encoder_hidden_size=HIDDEN,
        encoder_n_layers=LAYERS,
        max_steps=steps,
        windows_batch_size=batch,
        batch_size=1,
        enable_progress_bar=False,
        accelerator="gpu" if device == "cuda" else "cpu",
    )
    started = time.perf_counter()
    NeuralForecast(models=[model], freq="h").fit(df)
    return {"seconds": time.perf_counter() - started, "windows": n_windows}


RUNNERS = {
    "tsforecast": run_ours,
    "bare loop": run_bare,
    "darts": run_darts,
    "neuralforecast": run_neuralforecast,
}
OPTIONAL = {"darts": "darts", "neuralforecast": "neuralforecast"}


def child(name: str, batch: int, device: str, threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    out = RUNNERS[name](batch, device)
    if device == "cuda":
        out["peak_mb"] = torch.cuda.max_memory_allocated() / 2**20
    else:
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure(name: str, batch: int, device: str, threads: int) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        name,
        "--batches",
        str(batch),
        "--device",
        device,
        "--threads",
        str(threads),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batches", type=int, nargs="+", default=[256, 32])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.batches[0], args.device, args.threads)
        return
    names = ["bare loop", "tsforecast"]
    for name, module in OPTIONAL.items():
        if importlib.util.find_spec(module) is None:
            print(f"(skipping {name}: not installed; `pip install tsforecast[benchmark]` to compare)")
        else:
            names.append(name)
    device_label = args.device
    if args.device == "cuda":
        import torch

        device_label = f"cuda ({torch.cuda.get_device_name()})"
    print(
        f"\nLSTM hidden {HIDDEN} x {LAYERS} layers, lookback {LOOKBACK}, horizon {HORIZON}, "
        f"{N_POINTS - LOOKBACK - HORIZON + 1} windows/epoch, {EPOCHS} epochs, device {device_label}, "
        f"{args.threads} threads, best of {args.repeats}\n"
    )
    print("| batch | implementation | s/epoch | windows/s | peak memory (MB) | ratio to bare loop |")
    print("|---|---|---|---|---|---|")
    for batch in args.batches:
        best: dict[str, dict] = {}
        for _ in range(args.repeats):
            for name in names:  # alternated, so drifting machine load hits every column alike
                out = measure(name, batch, args.device, args.threads)
                if name not in best or out["seconds"] < best[name]["seconds"]:
                    best[name] = out
        bare = best["bare loop"]["seconds"]
        for name in names:
            out = best[name]
            per_epoch = out["seconds"] / EPOCHS
            print(
                f"| {batch} | {name} | {per_epoch:.3f} | {out['windows'] * EPOCHS / out['seconds']:.0f} | "
                f"{out['peak_mb']:.0f} | {out['seconds'] / bare:.3f} |"
            )


if __name__ == "__main__":
    main()
