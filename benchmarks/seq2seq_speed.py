"""Seq2Seq training speed on the CPU: what each of the decoder's two speed-ups buys, side by side.

The decoder steps through the horizon one step at a time. Two changes made that step cheaper, and
both are timed here in the same run against the step without them:

- **deferred attention sums**: the decoder attends over the same keys and values at every horizon
  step. Plain autograd adds each step's gradient for them into a running sum (two passes over
  (batch, lookback, hidden) tensors per step); ``Seq2SeqNetwork`` instead leaves each step's small
  factors aside and sums them in one matrix product at the end (``_SharedMemory``/``_LuongStep`` in
  ``tsforecast/nn/seq2seq.py``).
- **cell step**: the decoder advances with recurrent cells (``StackedCell`` in
  ``tsforecast/nn/rnn.py``) instead of calling the stacked ``nn.LSTM`` on a length-1 sequence at
  every step, which pays a whole oneDNN sequence call per step on a CPU.

Shape: the long-horizon benchmark's, batch 128 single-channel windows, look-back 336, hidden 32,
Luong attention, teacher forcing 0.5; one training step is forward, backward and an Adam update.
Each horizon runs the variants one after another, from the same weights. The table gives the median
seconds per step over ``--repeats`` steps (after one warm-up step each), each variant's speed-up
over the first, and the largest gradient difference to the current code (float32, relative to the
largest gradient).

Run: ``python benchmarks/seq2seq_speed.py [--horizons 96,336,720] [--repeats 3] [--threads 1]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd
import torch
from torch import nn

from tsforecast.nn import seq2seq
from tsforecast.nn.rnn import CELLS


class SequenceCallStep(nn.Module):
    """The decoder step as it was: the stacked ``nn.LSTM`` called on a length-1 sequence.

    It holds the same weights as the ``StackedCell`` it replaces and takes its methods' places.
    """

    def __init__(self, cells: nn.Module):
        super().__init__()
        first = cells.cells[0]
        self.is_lstm = cells.is_lstm
        self.layer = CELLS[cells.cell](
            first.input_size, first.hidden_size, len(cells.cells), batch_first=True, dropout=cells.dropout
        )
        with torch.no_grad():
            for depth, cell in enumerate(cells.cells):
                for name, weight in cell.named_parameters():
                    getattr(self.layer, f"{name}_l{depth}").copy_(weight)

    def layers(self, state):
        return state

    def top(self, state):
        return (state[0] if self.is_lstm else state)[-1]

    def forward(self, x, state):
        out, state = self.layer(x.unsqueeze(1), state)
        return out[:, 0], state


#: name -> (deferred attention sums, cell step)
VARIANTS = {
    "neither": (False, False),
    "deferred sums": (True, False),
    "deferred sums + cell step (current)": (True, True),
}


def train_step(net, optimizer, x, y) -> dict:
    optimizer.zero_grad()
    loss = ((net(x, None, y) - y) ** 2).mean()
    loss.backward()
    grads = {name: p.grad.clone() for name, p in net.named_parameters()}
    optimizer.step()
    return grads


def time_steps(horizon: int, variant: str, repeats: int, lookback: int, batch: int):
    deferred, cell_step = VARIANTS[variant]
    torch.manual_seed(0)
    net = seq2seq.Seq2SeqNetwork("lstm", 1, lookback, 1, horizon, hidden_size=32, teacher_forcing=0.5)
    with torch.no_grad():
        net.output[-1].weight.normal_(std=0.1)  # as after some training: the output layer starts at zero
    if not cell_step:
        net.decoder = SequenceCallStep(net.decoder)
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
    # the same parameters in the same order, whichever module steps the decoder
    return statistics.median(seconds), list(first.values())


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
        timed = {
            variant: time_steps(horizon, variant, args.repeats, args.lookback, args.batch)
            for variant in VARIANTS
        }
        current = timed["deferred sums + cell step (current)"][1]
        scale = max(g.abs().max().item() for g in current)
        baseline = timed["neither"][0]
        for variant, (seconds, grads) in timed.items():
            difference = max((g - c).abs().max().item() for g, c in zip(grads, current, strict=True))
            rows.append(
                {
                    "H": horizon,
                    "variant": variant,
                    "s/step": seconds,
                    "speed-up": baseline / seconds,
                    "max grad difference / max grad": difference / scale,
                }
            )
        print("  " + ", ".join(f"H={horizon} {v}: {s:.2f} s" for v, (s, _) in timed.items()), flush=True)
    print()
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
