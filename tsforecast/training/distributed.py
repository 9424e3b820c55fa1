"""Data-parallel training on several processes or GPUs with PyTorch DDP.

tsforecast has no launcher of its own: when a ``torch.distributed`` process group is initialised
(by ``torchrun``, or by :func:`fit_distributed` on one machine), every neural forecaster's ``fit``
trains data-parallel. Each process (rank) draws the same shuffled order of window numbers from the
same seed, gathers its own share of every global batch of ``batch_size`` windows on its device, and
``DistributedDataParallel`` all-reduces the gradients, so the ranks step in lockstep and end with
the same weights. Losses are weighted by each rank's share of the batch, so the averaged gradient is
the gradient of the whole batch: training equals single-process training on the same global batches
up to float rounding, with two exceptions: dropout masks, which every process draws for its own
windows, and on CPUs the statistics of BatchNorm layers (the Transformer's default ``norm="batch"``),
which each process computes over its own share (on GPUs they are synchronised over the global batch).

With ``torchrun --nproc_per_node=N script.py``, the script calls
``torch.distributed.init_process_group("nccl")`` (``"gloo"`` on CPUs) before ``fit``; every rank
returns the same fitted estimator, and rank 0 usually saves it.
"""

from __future__ import annotations

import os
import pickle
import socket
import tempfile
from typing import Any

import torch
import torch.distributed as dist
from sklearn.base import clone
from torch import nn
from torch.nn.parallel import DistributedDataParallel

__all__ = ["fit_distributed", "process_group"]


def process_group() -> tuple[int, int]:
    """``(rank, world_size)`` of the default process group; ``(0, 1)`` when none is initialised."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def local_cuda_device() -> torch.device:
    """The GPU of the calling process: ``LOCAL_RANK`` (set by torchrun), else its rank modulo the GPUs."""
    rank, _ = process_group()
    local = int(os.environ.get("LOCAL_RANK", rank % max(1, torch.cuda.device_count())))
    return torch.device("cuda", local)


def data_parallel(module: nn.Module, device: torch.device) -> nn.Module:
    """``module`` wrapped for gradient all-reduce when a process group has several ranks, else itself."""
    if process_group()[1] == 1:
        return module
    if device.type == "cuda":
        # batch statistics over the whole global batch; the layers are replaced in place and keep
        # their parameters, so the optimiser and the caller's module are unaffected
        nn.SyncBatchNorm.convert_sync_batchnorm(module)
        return DistributedDataParallel(module, device_ids=[device.index])
    return DistributedDataParallel(module)


def shard(index: torch.Tensor) -> torch.Tensor:
    """The calling rank's share of a global batch of window numbers (interleaved: sizes differ by <= 1)."""
    rank, world = process_group()
    return index[rank::world] if world > 1 else index


def all_reduce_sum(value: torch.Tensor) -> torch.Tensor:
    """The sum of ``value`` over every rank (``value`` itself with one process)."""
    if process_group()[1] > 1:
        dist.all_reduce(value, op=dist.ReduceOp.SUM)
    return value


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fit_on_rank(
    rank: int, world_size: int, backend: str, port: int, estimator: Any, X: Any, y: Any, path: str
) -> None:
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // world_size))
    dist.init_process_group(backend, init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world_size)
    try:
        fitted = estimator.fit(X, y)
        if rank == 0:
            with open(path, "wb") as file:
                pickle.dump(fitted, file)
    finally:
        dist.destroy_process_group()


def fit_distributed(
    estimator: Any, X: Any = None, y: Any = None, *, nprocs: int = 2, backend: str | None = None
) -> Any:
    """Fit a clone of a neural forecaster on ``nprocs`` local processes with DDP; return it.

    Spawns the processes (loopback rendezvous), trains data-parallel as described in this module,
    and returns rank 0's fitted clone (every rank ends with the same weights). ``batch_size`` stays
    the global batch: each process gathers ``batch_size / nprocs`` windows per step. For several
    machines, launch your own script with ``torchrun`` instead.

    Parameters
    ----------
    estimator : NeuralForecaster
        The forecaster to fit (not modified).
    X, y : as in the estimator's ``fit``
    nprocs : int, default=2
        Number of processes (one per GPU with ``backend="nccl"``).
    backend : {"gloo", "nccl"} or None, default=None
        ``None``: ``"nccl"`` when there are at least ``nprocs`` GPUs, else ``"gloo"`` (CPUs).

    Returns
    -------
    estimator : NeuralForecaster
        The fitted clone.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import LSTMForecaster
    >>> from tsforecast.training import fit_distributed
    >>> y = np.sin(np.arange(200) / 4.0)
    >>> lstm = LSTMForecaster(horizon=4, max_epochs=2, random_state=0)
    >>> model = fit_distributed(lstm, None, y, nprocs=2)  # doctest: +SKIP
    >>> model.forecast(4).shape  # doctest: +SKIP
    (4,)
    """
    if not isinstance(nprocs, int) or isinstance(nprocs, bool) or nprocs < 1:
        raise ValueError(f"nprocs must be a positive integer, got {nprocs!r}.")
    if backend is None:
        backend = "nccl" if torch.cuda.is_available() and torch.cuda.device_count() >= nprocs else "gloo"
    # an unfitted clone: a fitted network's tensors would travel through torch's shared-memory pickler
    estimator = clone(estimator)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "fitted.pkl")
        torch.multiprocessing.spawn(
            _fit_on_rank,
            args=(nprocs, backend, _free_port(), estimator, X, y, path),
            nprocs=nprocs,
            join=True,
        )
        with open(path, "rb") as file:
            return pickle.load(file)
