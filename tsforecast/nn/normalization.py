"""Per-window instance normalisation (RevIN-style, without learnable affine).

Every input window is shifted by its own mean (or last value) and scaled by
its standard deviation; the network works in that normalised space and its outputs are
mapped back with the same statistics. Level shifts and scale changes between
windows, or between the series of a global model, then cost the network
nothing, and raw-scale data train without a scaler.
"""

from __future__ import annotations

import torch

__all__ = ["instance_normalize", "instance_denormalize"]


def instance_normalize(
    values: torch.Tensor, min_scale: torch.Tensor | float = 1e-5, center: str = "mean"
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Normalise each window by its own location and standard deviation.

    Shape: values (batch, lookback, n_series) -> normalised (batch, lookback,
    n_series), loc (batch, 1, n_series), scale (batch, 1, n_series).

    Parameters
    ----------
    values : Tensor of shape (batch, lookback, n_series)
        The observed input windows.
    min_scale : Tensor broadcastable to (batch, 1, n_series) or float, default=1e-5
        Floor of the scale, so that (nearly) constant windows do not blow up
        the normalised values.
    center : {"mean", "last"}, default="mean"
        The location subtracted: the window's mean, or its last value (RevIN's
        ``subtract_last``), so that an output of zero is the repeat-last
        forecast, the baseline to beat on random-walk-like series.

    Returns
    -------
    normalised, loc, scale : Tensor
        ``(values - loc) / scale`` and the statistics to undo it.
    """
    loc = values[:, -1:] if center == "last" else values.mean(dim=1, keepdim=True)
    var = values.var(dim=1, keepdim=True, unbiased=False)
    scale = torch.sqrt(var + torch.as_tensor(min_scale, dtype=values.dtype, device=values.device) ** 2)
    return (values - loc) / scale, loc, scale


def instance_denormalize(values: torch.Tensor, loc: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Map normalised values back to the scale of their input window.

    Shape: values (batch, steps, n_series), loc and scale (batch, 1, n_series)
    -> (batch, steps, n_series).
    """
    return values * scale + loc
