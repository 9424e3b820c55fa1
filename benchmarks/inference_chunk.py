"""Windows per forward pass at inference on the CPU: the chunk size that validation and prediction use.

Validation (every epoch) and ``predict_origins`` run the network without gradients over thousands of
windows, in chunks of ``tsforecast.training.loop.inference_batch_size`` windows. This script times
``predict_origins`` of every neural forecaster with several chunk sizes side by side in one run, so
the default can be chosen from measurements.

Protocol: ETTh1, all 7 columns (each a series), look-back 336, horizon 192, the long-horizon
benchmark's model sizes; each model is fitted for one batch only (the weights do not change the
cost), then forecasts ``--origins`` stride-1 origins (x 7 columns windows) with each chunk size in
turn, ``--repeats`` times; the table gives the fastest of the repeats and the ratio to chunks of
1024, the default before.

Run: ``python benchmarks/inference_chunk.py [--origins 600] [--chunks 128,256,512,1024] [--threads 1]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch

import tsforecast as tsf
from tsforecast.datasets import load_etth1
from tsforecast.models import neural

LOOKBACK, HORIZON = 336, 192


def models() -> dict:
    common = {
        "lookback": LOOKBACK,
        "horizon": HORIZON,
        "max_epochs": 1,
        "steps_per_epoch": 1,
        "random_state": 0,
    }
    return {
        "Seq2Seq": tsf.Seq2SeqForecaster(hidden_size=32, **common),
        "TCN": tsf.TCNForecaster(hidden_size=32, **common),
        "LSTM": tsf.LSTMForecaster(hidden_size=64, **common),
        "GRU": tsf.GRUForecaster(hidden_size=64, **common),
        "Transformer": tsf.TransformerForecaster(
            hidden_size=16,
            num_heads=4,
            num_layers=3,
            dim_feedforward=128,
            patch_length=16,
            stride=8,
            **common,
        ),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, default=600)
    parser.add_argument("--chunks", default="128,256,512,1024")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models", default="Seq2Seq,TCN,LSTM,GRU,Transformer")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    chunks = [int(c) for c in args.chunks.split(",")]
    series = load_etth1().to_numpy(dtype=np.float64)[:4000]
    series = (series - series.mean(axis=0)) / series.std(axis=0)
    origins = np.arange(len(series) - args.origins - HORIZON + 1, len(series) - HORIZON + 1)
    print(
        f"# predict_origins, CPU, {args.threads} thread(s): ETTh1 x 7 columns, {len(origins)} origins "
        f"({len(origins) * 7} windows), look-back {LOOKBACK}, horizon {HORIZON}"
    )
    original = neural.inference_batch_size
    rows = []
    try:
        for name, model in models().items():
            if name not in args.models.split(","):
                continue
            model.fit(None, pd.DataFrame(series[:2000]))
            seconds = {}
            for _ in range(args.repeats):
                for chunk in chunks:  # interleaved, so a slow spell of the machine hits every size
                    neural.inference_batch_size = lambda batch_size, device, c=chunk: c
                    start = time.perf_counter()
                    model.predict_origins(origins, HORIZON, y=series)
                    seconds[chunk] = min(seconds.get(chunk, np.inf), time.perf_counter() - start)
            for chunk in chunks:
                rows.append(
                    {
                        "model": name,
                        "chunk (windows)": chunk,
                        "seconds": seconds[chunk],
                        "vs 1024": seconds[chunk] / seconds[1024] if 1024 in seconds else np.nan,
                    }
                )
            print("  " + name + ": " + ", ".join(f"{c}: {s:.2f} s" for c, s in seconds.items()), flush=True)
    finally:
        neural.inference_batch_size = original
    print()
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
