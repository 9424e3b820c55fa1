"""Seq2Seq training speed on the CPU: attention gradients summed once per pass vs plain autograd.

The decoder attends over the same keys and values at every horizon step. Plain autograd adds each
step's gradient for them into a running sum (two passes over (batch, lookback, hidden) tensors per
step); ``Seq2SeqNetwork`` instead leaves each step's small factors aside and sums them in one matrix
product at the end (``_SharedMemory``/``_LuongStep`` in ``tsforecast/nn/seq2seq.py``). Both are timed
here in the same run, alternating, on the long-horizon benchmark's shape: batch 128 single-channel
windows, look-back 336, hidden 32, Luong attention, teacher forcing 0.5; one training step is
forward, backward and an Adam update. The table gives the median seconds per step over ``--repeats``
steps (after one warm-up step each), their ratio, and the largest gradient difference between the
two (float32).

Run: ``python benchmarks/seq2seq_speed.py [--horizons 96,336,720] [--repeats 3] [--threads 1]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd
import torch

from tsforecast.nn import seq2seq


def train_step(net, optimizer, x, y) -> dict:
    optimizer.zero_grad()
    loss = ((net(x, None, y) - y) ** 2).mean()
    loss.backward()
    grads = {name: p.grad.clone() for name, p in net.named_parameters()}
    optimizer.step()
    return grads


def time_steps(horizon: int, deferred: bool, repeats: int, lookback: int, batch: int):
    torch.manual_seed(0)
    net = seq2seq.Seq2SeqNetwork("lstm", 1, lookback, 1, horizon, hidden_size=32, teacher_forcing=0.5)
    with torch.no_grad():
        net.output[-1].weight.normal_(std=0.1)  # as after some training: the output layer starts at zero
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(batch, lookback, 1, generator=generator)
    y = torch.randn(batch, horizon, 1, generator=generator)
    original = seq2seq._Attention.stepper
    if not deferred:
        seq2seq._Attention.stepper = seq2seq._Attention.plain_stepper
    try:
        torch.manual_seed(1)
        first = train_step(net, optimizer, x, y)  # warm-up; its gradients are compared
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            train_step(net, optimizer, x, y)
            seconds.append(time.perf_counter() - start)
    finally:
        seq2seq._Attention.stepper = original
    return statistics.median(seconds), first


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizons", default="96,336,720")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lookback", type=int, default=336)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(
        f"# Seq2Seq training step, CPU, {args.threads} thread(s), batch {args.batch}, "
        f"look-back {args.lookback}"
    )
    rows = []
    for horizon in (int(h) for h in args.horizons.split(",")):
        plain_s, plain_grads = time_steps(horizon, False, args.repeats, args.lookback, args.batch)
        deferred_s, deferred_grads = time_steps(horizon, True, args.repeats, args.lookback, args.batch)
        difference = max((deferred_grads[k] - g).abs().max().item() for k, g in plain_grads.items())
        scale = max(g.abs().max().item() for g in plain_grads.values())
        rows.append(
            {
                "H": horizon,
                "plain autograd s/step": plain_s,
                "deferred sums s/step": deferred_s,
                "speed-up": plain_s / deferred_s,
                "max grad difference / max grad": difference / scale,
            }
        )
        print(f"  H={horizon}: plain {plain_s:.2f} s, deferred {deferred_s:.2f} s", flush=True)
    print()
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
