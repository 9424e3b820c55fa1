"""The one training loop shared by every neural forecaster.

It knows nothing about models: it receives a module, a data source satisfying
:class:`WindowData` (``n_train``, ``n_val`` and ``batch(index, split) ->``
:class:`TrainingBatch`; the estimators pass a
:class:`~tsforecast.training.windows.WindowSampler` whose transform is a
:class:`~tsforecast.training.normalizer.WindowNormalizer`'s), and the optimisation
settings. Shuffled epochs, AdamW, gradient clipping, an optional learning-rate
schedule, early stopping on a time-ordered validation tail (restoring the best
weights), bf16 autocast on CUDA, optional ``torch.compile`` and a tqdm bar.
Under an initialised ``torch.distributed`` process group it trains data-parallel
(:mod:`tsforecast.training.distributed`): every rank takes its share of each
global batch and DDP all-reduces the gradients.

A module whose training behaviour changes as training goes on (the decaying
teacher forcing of :class:`~tsforecast.nn.seq2seq.Seq2SeqNetwork`) may define
``set_training_progress(fraction)``: the loop calls it before every epoch with
the share of ``max_epochs`` already done (0 before the first).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol, cast

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from tsforecast.training.distributed import all_reduce_sum, data_parallel, process_group, shard

__all__ = [
    "LOSSES",
    "LR_SCHEDULES",
    "LossFunction",
    "NonFiniteLossError",
    "TrainingBatch",
    "TrainingWarning",
    "WindowData",
    "train_module",
]

#: A loss: ``loss(pred, target, reduction="mean" | "sum") -> Tensor`` (torch's functional form).
LossFunction = Callable[..., torch.Tensor]
#: Training losses, by name (computed on the network's output scale).
LOSSES: dict[str, LossFunction] = {"mse": F.mse_loss, "mae": F.l1_loss, "huber": F.huber_loss}
#: Learning-rate schedules, by name (``None``: constant).
LR_SCHEDULES = (None, "cosine", "plateau")


class TrainingWarning(UserWarning):
    """Training finished without improving on the network it started from."""


class NonFiniteLossError(FloatingPointError, ValueError):
    """The training loss became NaN or infinite."""


class TrainingBatch(NamedTuple):
    """What the loop needs of a batch of windows.

    inputs : tuple of Tensor, the network's positional arguments;
    target : Tensor shaped like the network's output (or broadcasting against it);
    weight : Tensor or None: the loss is then computed on ``pred * weight`` and
        ``target * weight`` (a tensor that broadcasts against them), e.g. to map
        instance-normalised windows back to a common scale.
    """

    inputs: tuple[torch.Tensor, ...]
    target: torch.Tensor
    weight: torch.Tensor | None = None


class WindowData(Protocol):
    """What the loop needs from its data: window counts and batches by window number."""

    @property
    def n_train(self) -> int:
        """Number of training windows."""

    @property
    def n_val(self) -> int:
        """Number of validation windows (0: no early stopping)."""

    def batch(self, index: torch.Tensor, split: str) -> TrainingBatch:
        """Network inputs, target and loss weight of the windows number ``index`` of a split."""


def _autocast(device: torch.device, enabled: bool):
    if enabled and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _scheduler(name, optimizer, max_epochs: int, patience: int):
    if name is None:
        return None
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, max_epochs))
    return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=max(1, patience // 3))


def _non_finite(epoch: int, what: str, value: float, learning_rate: float) -> NonFiniteLossError:
    # The estimator, which knows the data, puts a diagnosis of it in front of this message when
    # one applies (values too large for float32); here only the optimisation is known.
    return NonFiniteLossError(
        f"The {what} loss became {value} at epoch {epoch}. Likely causes: the learning rate is too "
        f"high (learning_rate={learning_rate:g}: try 10 times lower), or values too large for the "
        "network's float32 arithmetic (check y and X for extreme values, and scale them first when "
        "normalization=None)."
    )


def _snapshot(module: nn.Module) -> dict[str, torch.Tensor]:
    """A detached copy of the module's weights (and buffers), to restore later."""
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _loss(loss_fn: LossFunction, pred: torch.Tensor, batch: TrainingBatch, **kwargs) -> torch.Tensor:
    """``loss_fn`` on ``pred`` and the batch's target, both multiplied by its weight when it has one."""
    target = batch.target
    if batch.weight is not None:
        pred, target = pred * batch.weight, target * batch.weight
    return loss_fn(pred, target, **kwargs)


def inference_batch_size(batch_size: int, device: torch.device) -> int:
    """Windows per forward pass without gradients: validation and prediction.

    Larger than the training batch, as no activations are kept. On a CPU, 256: the buffers of 1024
    windows cost more than the fewer passes save. Forecasting 4200 ETTh1 windows (look-back 336,
    horizon 192) in chunks of 256 took 0.52x the time of chunks of 1024 for Seq2Seq, 0.47x for
    TCN, 0.89-0.91x for LSTM and GRU, 0.98x for the Transformer (``benchmarks/inference_chunk.py``).
    On a GPU, where each pass pays kernel launches, 1024.
    """
    return max(int(batch_size), 1024 if device.type == "cuda" else 256)


@torch.no_grad()
def evaluate(
    module: nn.Module,
    data: WindowData,
    split: str,
    loss_fn: LossFunction,
    batch_size: int,
    device: torch.device,
    mixed_precision: bool = True,
) -> float:
    """Mean loss of ``module`` over every window of a split, in eval mode."""
    n = data.n_train if split == "train" else data.n_val
    was_training = module.training
    module.eval()
    total = torch.zeros((), device=device)
    count = 0
    for begin in range(0, n, batch_size):
        index = torch.arange(begin, min(n, begin + batch_size), device=device)
        batch = data.batch(index, split)
        with _autocast(device, mixed_precision):
            pred = module(*batch.inputs)
        total += _loss(loss_fn, pred.float(), batch, reduction="sum")
        count += pred.numel()
    module.train(was_training)
    return total.item() / max(1, count)


def train_module(
    module: nn.Module,
    data: WindowData,
    *,
    max_epochs: int,
    batch_size: int,
    learning_rate: float,
    weight_decay: float = 0.0,
    gradient_clip: float | None = 1.0,
    lr_schedule: str | None = None,
    loss: str | LossFunction = "mse",
    early_stopping: bool = True,
    patience: int = 10,
    device: torch.device | str = "cpu",
    mixed_precision: bool = True,
    compile: bool = False,
    generator: torch.Generator | None = None,
    verbose: bool = False,
    steps_per_epoch: int | None = None,
    description: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Train ``module`` in place on the windows of ``data``.

    Parameters
    ----------
    module : nn.Module
        The network, already on ``device``; ``module(*inputs)`` gives predictions
        shaped like ``target``.
    data : WindowData
        ``n_train`` and ``n_val`` windows; ``batch(index, split)`` returns a
        :class:`TrainingBatch` for a LongTensor of window numbers.
    max_epochs, batch_size, learning_rate, weight_decay, gradient_clip, lr_schedule, \
early_stopping, patience, mixed_precision, compile, verbose
        As in :class:`~tsforecast.models.neural.NeuralForecaster`.
    loss : str or callable, default="mse"
        A name in :data:`LOSSES`, or ``loss(pred, target, reduction=...)`` (e.g. a pinball
        loss over several quantile channels, whose output has more channels than the target).
    device : torch.device or str
        Where ``module`` and the data live.
    generator : torch.Generator, optional
        CPU generator that shuffles the training windows.
    steps_per_epoch : int, optional
        Most optimisation steps per epoch (a random subset of the windows);
        ``None`` passes over every training window.
    description : str, optional
        Label of the progress bar (the estimator's name); default: the module's class name.

    Returns
    -------
    history : list of dict
        One record per epoch: ``epoch``, ``train_loss``, ``val_loss`` (NaN
        without validation), ``lr`` and ``seconds``.
    best_epoch : int
        The epoch whose weights ``module`` holds at the end (the best
        validation loss with early stopping, 0 when no epoch improved on the
        initial network, whose weights are then kept; else the last). The caller,
        which knows the data, tells the user about 0 (a :class:`TrainingWarning`
        with advice that fits the series).

    Raises
    ------
    NonFiniteLossError
        When a loss becomes NaN or infinite, naming the likely causes.
    """
    device = torch.device(device)
    loss_fn = LOSSES[loss] if isinstance(loss, str) else loss
    optimizer = torch.optim.AdamW(module.parameters(), lr=learning_rate, weight_decay=weight_decay)
    scheduler = _scheduler(lr_schedule, optimizer, max_epochs, patience)
    rank, world = process_group()
    parallel = data_parallel(module, device)  # itself without a process group
    step_module = cast(nn.Module, torch.compile(parallel)) if compile else parallel
    validate = data.n_val > 0
    params = [p for p in module.parameters() if p.requires_grad]
    history: list[dict[str, Any]] = []
    best_loss, best_state, best_epoch, waited = math.inf, None, 0, 0

    # tqdm.auto warns in notebooks without ipywidgets; import it only when a bar is wanted
    if verbose:
        from tqdm.auto import tqdm as progress_bar
    else:
        from tqdm import tqdm as progress_bar

    def validation_loss() -> float:
        chunk = inference_batch_size(batch_size, device)
        return evaluate(step_module, data, "val", loss_fn, chunk, device, mixed_precision)

    if early_stopping and validate:
        # training must beat the network it starts from (with a zero-initialised output layer and
        # normalization="last" that is the repeat-last forecast): epoch 0 is a candidate too
        best_loss, best_state = validation_loss(), _snapshot(module)
    set_progress = getattr(module, "set_training_progress", None)
    label = description or type(module).__name__
    bar = progress_bar(range(1, max_epochs + 1), disable=not verbose or rank > 0, desc=label, unit="epoch")
    module.train()
    for epoch in bar:
        started = time.perf_counter()
        if set_progress is not None:
            set_progress((epoch - 1) / max_epochs)
        lr = optimizer.param_groups[0]["lr"]
        order = torch.randperm(data.n_train, generator=generator)
        if steps_per_epoch is not None:
            # a copy: a view would keep the whole permutation (8 bytes a window) alive all epoch
            order = order[: steps_per_epoch * batch_size].clone()
        order = order.to(device)
        total = torch.zeros((), device=device)
        seen = 0
        for begin in range(0, len(order), batch_size):
            index = order[begin : begin + batch_size]
            if len(index) < world:  # a last batch too small for every rank to take a window
                continue
            local = shard(index)
            batch = data.batch(local, "train")
            with _autocast(device, mixed_precision):
                pred = step_module(*batch.inputs)
            # weighted by this rank's share, so that DDP's gradient average is the whole batch's gradient
            batch_loss = _loss(loss_fn, pred.float(), batch) * (len(local) * world / len(index))
            optimizer.zero_grad(set_to_none=True)
            batch_loss.backward()
            if gradient_clip:
                nn.utils.clip_grad_norm_(params, gradient_clip)
            optimizer.step()
            total += batch_loss.detach() * (len(index) / world)
            seen += len(index)
        train_loss = all_reduce_sum(total).item() / max(1, seen)
        if not math.isfinite(train_loss):
            raise _non_finite(epoch, "training", train_loss, learning_rate)
        val_loss = math.nan
        if validate:
            val_loss = validation_loss()
            if not math.isfinite(val_loss):
                raise _non_finite(epoch, "validation", val_loss, learning_rate)
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            scheduler.step(val_loss if validate else train_loss)
        elif scheduler is not None:
            scheduler.step()
        history.append(
            {
                "epoch": epoch,
                "train_loss": train_loss,
                "val_loss": val_loss,
                "lr": lr,
                "seconds": time.perf_counter() - started,
            }
        )
        bar.set_postfix(train=f"{train_loss:.4g}", val=f"{val_loss:.4g}")
        if not (early_stopping and validate):
            best_epoch = epoch
            continue
        if val_loss < best_loss:
            best_loss, best_epoch, waited = val_loss, epoch, 0
            best_state = _snapshot(module)
        else:
            waited += 1
            if waited >= patience:
                break
    bar.close()
    if best_state is not None:
        module.load_state_dict(best_state)
    module.eval()
    return history, best_epoch
