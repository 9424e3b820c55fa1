"""The one window sampler: series stored once on the device, windows gathered per batch.

A training window is ``lookback + horizon`` consecutive time steps of one
series. Instead of materialising every window (memory O(n_windows x window)),
the series are stored once as a contiguous float32 tensor on the device and a
batch is a tensor of window numbers, turned into start positions and gathered
with one indexing operation, ``series[start[:, None] + arange(window)]``.
Memory is O(series + batch x window); no per-window Python, no DataLoader.

Several series (the columns of y, for a global model) are concatenated with
offsets; window numbers map to starts inside one series, so no window ever
crosses from one series into the next. Exogenous features, shared by every
series, are gathered with the same time positions.
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
    y : ndarray of shape (n_steps, n_series)
        The series, one per column (all of the same length).
    X : ndarray of shape (n_steps, n_features)
        Exogenous features shared by every series (``n_features`` may be 0).
    lookback, horizon : int
        Input and output lengths of a window.
    validation_steps : int, default=0
        The last ``validation_steps`` time steps of every series are held out:
        training windows lie entirely before them; validation windows have
        their ``horizon`` targets inside them (their inputs may reach back into
        the training part). The split is by time, never shuffled.
    device : str or torch.device, default="cpu"
        Where the series are stored and windows gathered.
    transform : callable, optional
        Turns every gathered :class:`Windows` into the loop's
        :class:`~tsforecast.training.loop.TrainingBatch` in :meth:`batch` (the
        estimators pass :meth:`WindowNormalizer.training_batch
        <tsforecast.training.normalizer.WindowNormalizer.training_batch>`);
        default: :func:`split_window`, the raw values.

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
        validation_steps: int = 0,
        device: str | torch.device = "cpu",
        transform: Callable[[Windows], TrainingBatch] | None = None,
    ):
        n, k = y.shape
        self.lookback, self.horizon, self.window = lookback, horizon, lookback + horizon
        self.length, self.n_series = n, k
        self.device = torch.device(device)
        self.transform = transform or split_window(lookback)
        # The series, concatenated: series j occupies [j * n, (j + 1) * n).
        flat = np.ascontiguousarray(np.asarray(y, dtype=np.float32).T).reshape(-1)
        self.series = torch.from_numpy(flat).to(self.device)
        self.exog = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)).to(self.device)
        self._steps = torch.arange(self.window, device=self.device)
        n_fit = n - validation_steps
        # Window starts (time positions) of each split: [first, last] in every series.
        self._bounds = {
            "train": (0, n_fit - self.window),
            "val": (n_fit - lookback, n - self.window) if validation_steps > 0 else (0, -1),
        }
        if self._bounds["train"][1] < 0:
            raise ValueError(
                f"No training window: {n} time steps minus {validation_steps} validation steps "
                f"is shorter than lookback + horizon = {self.window}."
            )

    def _per_series(self, split: str) -> int:
        first, last = self._bounds[split]
        return max(0, last - first + 1)

    @property
    def n_train(self) -> int:
        """Number of training windows, over all series."""
        return self.n_series * self._per_series("train")

    @property
    def n_val(self) -> int:
        """Number of validation windows, over all series."""
        return self.n_series * self._per_series("val")

    def starts(self, index: torch.Tensor, split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
        """Series and time position of the first step of windows number ``index``.

        Shape: index (batch,) -> series (batch,), time (batch,).
        """
        per_series = self._per_series(split)
        series = torch.div(index, per_series, rounding_mode="floor")
        time = self._bounds[split][0] + index - series * per_series
        return series, time

    def gather(self, index: torch.Tensor, split: str = "train") -> Windows:
        """Gather the windows number ``index`` (0 <= index < n_train or n_val) of a split.

        Shape: index (batch,) -> Windows(values (batch, window, 1),
        exog (batch, window, n_features), series (batch,)).
        """
        index = index.to(self.device)
        series, time = self.starts(index, split)
        positions = time[:, None] + self._steps  # (batch, window)
        values = self.series[(series * self.length)[:, None] + positions]  # (batch, window)
        return Windows(values.unsqueeze(-1), self.exog[positions], series)

    def batch(self, index: torch.Tensor, split: str = "train") -> TrainingBatch:
        """The training batch of windows number ``index``: gathered, then ``transform``-ed."""
        return self.transform(self.gather(index, split))

    def nbytes(self) -> int:
        """Bytes held by the sampler's tensors (the series, exog and index helpers)."""
        return sum(t.numel() * t.element_size() for t in (self.series, self.exog, self._steps))
