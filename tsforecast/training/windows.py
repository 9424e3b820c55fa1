"""The one window sampler: series stored once on the device, windows gathered per batch.

A training window is ``lookback + horizon`` consecutive time steps of one
series. Instead of materialising every window (memory O(n_windows x window)),
the series are stored once as a contiguous float32 tensor on the device and a
batch is a tensor of window numbers, turned into start positions and gathered
with one indexing operation, ``series[start[:, None] + arange(window)]``.
Memory is O(series + batch x window); no per-window Python, no DataLoader.

Several series (the columns of y, for a global model, or the ragged series of a
panel) are concatenated with offsets; window numbers map to starts inside one
series (a binary search over each series' window count), so no window ever
crosses from one series into the next. Exogenous features, shared by the columns
of y or given per panel row, are gathered with the same time positions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import torch

from tsforecast.training.loop import TrainingBatch

__all__ = ["Windows", "WindowSampler", "split_window", "validation_steps"]


def validation_steps(n: int, horizon: int, validation_fraction: float) -> int:
    """Time steps at the end of a series of length ``n`` held out for validation.

    The last ``validation_fraction`` of time, and at least ``horizon`` steps so
    that one validation window exists; 0 when ``validation_fraction`` is 0.
    """
    if validation_fraction <= 0:
        return 0
    return max(horizon, math.ceil(validation_fraction * n))


class Windows(NamedTuple):
    """A batch of gathered windows.

    values : Tensor of shape (batch, lookback + horizon, 1), the series values;
    exog : Tensor of shape (batch, lookback + horizon, n_features);
    series : LongTensor of shape (batch,), which series (column of y) each window is from.
    """

    values: torch.Tensor
    exog: torch.Tensor
    series: torch.Tensor


def split_window(lookback: int) -> Callable[[Windows], TrainingBatch]:
    """The plain transform: the first ``lookback`` steps (with their features) in, the rest out.

    Shape: windows of (B, L + H) steps -> inputs (x (B, L, 1 + f), x_future (B, H, f)), target (B, H, 1).
    """

    def transform(windows: Windows) -> TrainingBatch:
        past = torch.cat([windows.values[:, :lookback], windows.exog[:, :lookback]], dim=-1)
        return TrainingBatch((past, windows.exog[:, lookback:]), windows.values[:, lookback:])

    return transform


class WindowSampler:
    """Windows of ``lookback + horizon`` steps over one or several series, on a device.

    Parameters
    ----------
    y : ndarray of shape (n_steps, n_series) or (n_rows,)
        The series, one per column (all of the same length); with ``lengths``,
        ragged series concatenated one after the other (a panel).
    X : ndarray of shape (n_steps, n_features) or (n_exog_rows, n_features)
        Exogenous features (``n_features`` may be 0): shared by every column
        of y, or with ``lengths``, the rows of every series concatenated, read
        from ``exog_offsets``.
    lookback, horizon : int
        Input and output lengths of a window.
    validation_steps : int or ndarray of shape (n_series,), default=0
        The last ``validation_steps`` time steps of every series (or of each,
        given per series) are held out: training windows lie entirely before
        them; validation windows have their ``horizon`` targets inside them
        (their inputs may reach back into the training part). The split is by
        time, never shuffled.
    device : str or torch.device, default="cpu"
        Where the series are stored and windows gathered.
    transform : callable, optional
        Turns every gathered :class:`Windows` into the loop's
        :class:`~tsforecast.training.loop.TrainingBatch` in :meth:`batch` (the
        estimators pass :meth:`WindowNormalizer.training_batch
        <tsforecast.training.normalizer.WindowNormalizer.training_batch>`);
        default: :func:`split_window`, the raw values.
    lengths : ndarray of shape (n_series,), default=None
        Ragged series (a panel): series ``j`` is ``y[offset_j : offset_j + lengths[j]]``
        with the offsets the running sums of ``lengths``. A series shorter than a
        window contributes no window; no window crosses from one series into the next.
    exog_offsets : ndarray of shape (n_series,), default=None
        With ``lengths``: the row of X where each series' features start (several
        series, e.g. the targets of one panel series, may share rows); default: the
        series' own offsets.

    Attributes
    ----------
    n_train, n_val : int
        Numbers of training and validation windows (over all series).
    """

    def __init__(
        self,
        y: np.ndarray,
        X: np.ndarray,
        *,
        lookback: int,
        horizon: int,
        validation_steps: int | np.ndarray = 0,
        device: str | torch.device = "cpu",
        transform: Callable[[Windows], TrainingBatch] | None = None,
        lengths: np.ndarray | None = None,
        exog_offsets: np.ndarray | None = None,
    ):
        self.lookback, self.horizon, self.window = lookback, horizon, lookback + horizon
        self.device = torch.device(device)
        self.transform = transform or split_window(lookback)
        if lengths is None:  # k columns of one length: series j occupies [j * n, (j + 1) * n)
            n, k = y.shape
            lengths = np.full(k, n, dtype=np.int64)
            flat = np.ascontiguousarray(np.asarray(y, dtype=np.float32).T).reshape(-1)
            exog_offsets = np.zeros(k, dtype=np.int64)  # every column reads the shared X rows
        else:
            lengths = np.asarray(lengths, dtype=np.int64)
            flat = np.ascontiguousarray(np.asarray(y, dtype=np.float32).reshape(-1))
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        exog_offsets = offsets if exog_offsets is None else np.asarray(exog_offsets, dtype=np.int64)
        self.n_series, self.length = len(lengths), int(lengths.max())
        self.series = torch.from_numpy(flat).to(self.device)
        self.exog = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)).to(self.device)
        self._steps = torch.arange(self.window, device=self.device)
        val = np.broadcast_to(np.asarray(validation_steps, dtype=np.int64), lengths.shape)
        n_fit = lengths - val
        # Window starts (time positions in each series) of each split: [first, last] per series.
        self._bounds = {
            "train": (np.zeros_like(lengths), n_fit - self.window),
            "val": (np.where(val > 0, n_fit - lookback, 0), np.where(val > 0, lengths - self.window, -1)),
        }
        if (self._bounds["train"][1] < 0).all():
            raise ValueError(
                f"No training window: {int(lengths.max())} time steps minus {int(val.max())} validation "
                f"steps is shorter than lookback + horizon = {self.window}."
            )
        to_device = lambda a: torch.as_tensor(a, dtype=torch.int64, device=self.device)  # noqa: E731
        self._offsets, self._exog_offsets = to_device(offsets), to_device(exog_offsets)
        self._first, self._cumulative = {}, {}
        for split, (first, last) in self._bounds.items():
            counts = np.maximum(0, last - first + 1)
            self._first[split] = to_device(first)
            # windows of series j are numbers [cumulative[j], cumulative[j + 1])
            self._cumulative[split] = to_device(np.concatenate([[0], np.cumsum(counts)]))

    @property
    def n_train(self) -> int:
        """Number of training windows, over all series."""
        return int(self._cumulative["train"][-1])

    @property
    def n_val(self) -> int:
        """Number of validation windows, over all series."""
        return int(self._cumulative["val"][-1])

    def starts(self, index: torch.Tensor, split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
        """Series and time position of the first step of windows number ``index``.

        Shape: index (batch,) -> series (batch,), time (batch,).
        """
        cumulative = self._cumulative[split]
        series = torch.searchsorted(cumulative, index, right=True) - 1
        time = self._first[split][series] + index - cumulative[series]
        return series, time

    def gather(self, index: torch.Tensor, split: str = "train") -> Windows:
        """Gather the windows number ``index`` (0 <= index < n_train or n_val) of a split.

        Shape: index (batch,) -> Windows(values (batch, window, 1),
        exog (batch, window, n_features), series (batch,)).
        """
        index = index.to(self.device)
        series, time = self.starts(index, split)
        positions = time[:, None] + self._steps  # (batch, window)
        values = self.series[self._offsets[series][:, None] + positions]  # (batch, window)
        return Windows(
            values.unsqueeze(-1), self.exog[self._exog_offsets[series][:, None] + positions], series
        )

    def batch(self, index: torch.Tensor, split: str = "train") -> TrainingBatch:
        """The training batch of windows number ``index``: gathered, then ``transform``-ed."""
        return self.transform(self.gather(index, split))

    def nbytes(self) -> int:
        """Bytes held by the sampler's tensors (the series, exog and index helpers)."""
        helpers = [
            self._steps,
            self._offsets,
            self._exog_offsets,
            *self._first.values(),
            *self._cumulative.values(),
        ]
        return sum(t.numel() * t.element_size() for t in (self.series, self.exog, *helpers))
