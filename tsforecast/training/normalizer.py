"""The one normaliser between raw-scale series and a network, for training windows and rollout alike.

Two stages, so that any offset and scale float64 holds trains and forecasts as well as a
standardised series:

1. per series, in float64 and before anything is cast to float32: each series is shifted by its
   own mean and divided by its own standard deviation (``standardize``). Casting first would
   round ``1.234567e9 + y`` to steps of 128, and a 1e20-scale window's variance overflows
   float32 (about 3.4e38);
2. per window, on the device: RevIN-style instance normalisation (``encode``) by the window's
   mean or last value and its standard deviation, floored at ``MIN_SCALE`` series standard
   deviations; ``decode`` maps the network's outputs back. The network's output is a correction
   to a *baseline*, the forecast of an output of zero: the window's mean (``"instance"``), its
   last value (``"last"``) or its last season repeated (``"seasonal"``); ``shrinkage`` scales the
   correction down when decoding (see :mod:`tsforecast.models._defaults`).

Training batches (:meth:`WindowNormalizer.training_batch`) and the estimator's rollout call the
same ``encode``/``decode``, so the two paths cannot diverge. Network outputs are decoded with
broadcasting over their last axis, so an output of several channels per step (one per quantile,
or a point forecast plus residual quantiles) maps back the same way.
"""

from __future__ import annotations

import numpy as np
import torch

from tsforecast.nn.normalization import instance_denormalize, instance_normalize
from tsforecast.training.loop import TrainingBatch
from tsforecast.training.windows import Windows

__all__ = ["NORMALIZATIONS", "WindowNormalizer", "robust_mean_std"]

#: Normalisation modes: per-window mean, last value, last season, or none.
NORMALIZATIONS = ("instance", "last", "seasonal", None)


def robust_mean_std(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and (population) standard deviations that cannot overflow.

    ``np.std`` of 1e200-scale values squares them past float64's range; dividing each column by
    its largest magnitude first keeps every intermediate near 1. Shape: (n, k) -> (k,), (k,).
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return np.zeros(values.shape[1]), np.zeros(values.shape[1])
    magnitude = np.abs(values).max(axis=0)
    magnitude = np.where(magnitude > 0, magnitude, 1.0)
    unit = values / magnitude
    return unit.mean(axis=0) * magnitude, unit.std(axis=0) * magnitude


class WindowNormalizer:
    """Map raw series to the network's space and its outputs back (see the module docstring).

    Parameters
    ----------
    normalization : {"instance", "last", "seasonal", None}
        Per-window normalisation: by the window's mean, by its last value, by its last value
        with the last season as the baseline the network corrects, or none (the series then
        reach the network as they are, and only the exogenous features are standardised).
    lookback : int
        Input steps of a window; the rest of a training window is its target.
    horizon : int, default=1
        Output steps of a window (the length of the ``"seasonal"`` baseline).
    seasonal_period : int or None, default=None
        The season repeated by ``"seasonal"`` (at most ``lookback``).
    shrinkage : float, default=0.0
        Share of the network's correction to its baseline removed when decoding: the forecast
        is ``baseline + (1 - shrinkage) * correction``. Training is unaffected.

    Attributes
    ----------
    series_loc_, series_scale_ : ndarray of shape (n_series,)
        The first stage's float64 location and scale of every series (0 and 1 with
        ``normalization=None``).
    exog_loc_, exog_scale_ : ndarray of shape (n_features,)
        Standardisation of the exogenous features (shared by every series).

    Examples
    --------
    >>> import numpy as np
    >>> y = 1.234567e9 + np.array([[0.0], [1.0], [2.0], [3.0]])  # an offset float32 cannot resolve
    >>> normalizer = WindowNormalizer("instance", lookback=2).fit(y, np.empty((4, 0)))
    >>> normalizer.standardize(y)[:, 0].round(4)
    array([-1.3416, -0.4472,  0.4472,  1.3416])
    >>> float(normalizer.unstandardize(normalizer.standardize(y))[3, 0] - 1.234567e9)
    3.0
    """

    #: Floor of a window's scale, in standard deviations of its series: (nearly) constant
    #: windows stay finite, relative to the series so that no absolute threshold depends on units.
    MIN_SCALE = 1e-3

    def __init__(
        self,
        normalization: str | None,
        lookback: int,
        horizon: int = 1,
        seasonal_period: int | None = None,
        shrinkage: float = 0.0,
    ):
        if normalization == "seasonal" and not (seasonal_period and 1 < seasonal_period <= lookback):
            raise ValueError(
                f"normalization='seasonal' needs seasonal_period > 1 and at most lookback={lookback}, "
                f"got seasonal_period={seasonal_period!r}: set seasonal_period (and a longer lookback), "
                "or use normalization='auto'."
            )
        self.normalization = normalization
        self.lookback = lookback
        self.horizon = horizon
        self.seasonal_period = seasonal_period
        self.shrinkage = shrinkage

    def fit(self, y: np.ndarray, X: np.ndarray) -> WindowNormalizer:
        """Learn the first stage from the training series. Shape: y (n, k), X (n, f)."""
        if self.normalization is None:
            self.series_loc_, self.series_scale_ = np.zeros(y.shape[1]), np.ones(y.shape[1])
        else:
            loc, spread = robust_mean_std(y)
            # a constant series: any positive unit will do, its windows are all MIN_SCALE-floored
            fallback = np.where(np.abs(loc) > 0, np.abs(loc), 1.0)
            self.series_loc_, self.series_scale_ = loc, np.where(spread > 0, spread, fallback)
        loc, spread = robust_mean_std(X)
        self.exog_loc_, self.exog_scale_ = loc, np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
        return self

    # -- first stage: float64 numpy ----------------------------------------------------

    def standardize(self, y: np.ndarray) -> np.ndarray:
        """Raw series to the first stage's units, in float64. Shape: (..., k) -> (..., k)."""
        return (np.asarray(y, dtype=np.float64) - self.series_loc_) / self.series_scale_

    def unstandardize(self, values: np.ndarray, series_axis: int = -1) -> np.ndarray:
        """Back to raw units, in float64; ``series_axis`` is the axis of the k series."""
        shape = [1] * np.ndim(values)
        shape[series_axis] = -1
        loc, scale = self.series_loc_.reshape(shape), self.series_scale_.reshape(shape)
        return np.asarray(values, dtype=np.float64) * scale + loc

    def unscale(self, values: np.ndarray, series_axis: int = -1) -> np.ndarray:
        """Differences (band widths, residuals) back to raw units: scaled, not shifted."""
        shape = [1] * np.ndim(values)
        shape[series_axis] = -1
        return np.asarray(values, dtype=np.float64) * self.series_scale_.reshape(shape)

    def scale_exog(self, X: np.ndarray) -> np.ndarray:
        """Standardised exogenous features, in float64. Shape: (..., f) -> (..., f)."""
        return (np.asarray(X, dtype=np.float64) - self.exog_loc_) / self.exog_scale_

    # -- second stage: per window, on the device ---------------------------------------

    def encode(self, past: torch.Tensor, exog_past: torch.Tensor):
        """The network's input from standardised windows, with the statistics to decode.

        Shape: past (b, L, 1), exog_past (b, L, f) -> x (b, L, 1 + f), loc (b, 1, 1) (the
        baseline: (b, H, 1) for ``"seasonal"``), scale (b, 1, 1); loc and scale are None without
        normalisation.
        """
        if self.normalization is None:
            return torch.cat([past, exog_past], dim=-1), None, None
        center = "mean" if self.normalization == "instance" else "last"
        normalised, loc, scale = instance_normalize(past, self.MIN_SCALE, center)
        if self.normalization == "seasonal":
            if self.seasonal_period is None:
                raise ValueError('normalization="seasonal" needs the seasonal_period of the series.')
            period, lookback = int(self.seasonal_period), past.shape[1]
            steps = torch.arange(self.horizon, device=past.device)
            loc = past[:, lookback - period + steps % period]  # the last season, repeated: (b, H, 1)
        return torch.cat([normalised, exog_past], dim=-1), loc, scale

    def decode(self, out: torch.Tensor, loc: torch.Tensor | None, scale: torch.Tensor | None) -> torch.Tensor:
        """Network outputs back to standardised units, the correction shrunk by ``shrinkage``.

        Shape: out (b, H, c), loc (b, 1, 1) or (b, H, 1), scale (b, 1, 1) -> (b, H, c).
        """
        if loc is None or scale is None:
            return out
        return instance_denormalize(out * (1.0 - self.shrinkage) if self.shrinkage else out, loc, scale)

    def training_batch(self, windows: Windows) -> TrainingBatch:
        """Network inputs, target (in window units) and loss weight of gathered windows.

        Shape: windows of (B, L + H) steps -> inputs (x (B, L, 1 + f), x_future (B, H, f)),
        target (B, H, 1), weight (B, 1, 1) or None.
        """
        lookback = self.lookback
        past, future = windows.values[:, :lookback], windows.values[:, lookback:]
        x, loc, scale = self.encode(past, windows.exog[:, :lookback])
        x_future = windows.exog[:, lookback:]
        if loc is None or scale is None:
            return TrainingBatch((x, x_future), future)
        # The loss is taken on each series' own standard scale (the first stage's unit), not the
        # window's: in window units a quiet window's errors would weigh (its spread / the series'
        # spread)^-2 times more than the same errors elsewhere, and training would chase the quiet
        # windows that metrics barely see.
        return TrainingBatch((x, x_future), (future - loc) / scale, scale)
