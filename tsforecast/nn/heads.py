"""The multi-step output head shared by the encoder networks (RNN, TCN, transformer)."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["ForecastHead", "zeroed"]


def zeroed(layer: nn.Linear) -> nn.Linear:
    """``layer`` with its weights and bias set to zero (an output layer that starts silent)."""
    nn.init.zeros_(layer.weight)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)
    return layer


class ForecastHead(nn.Module):
    """Map a summary of the input window to every horizon step at once.

    A linear layer emits ``horizon`` steps of every target (direct multi-step
    forecasting). With known-future exogenous features, a small per-step
    network adds to each step a term computed from the summary and that step's
    features, so a covariate known in advance moves exactly the step it
    belongs to.

    The output layers start at zero: an untrained network forecasts zero in the
    normalised space, i.e. the window's mean (``normalization="instance"``)
    or its last value (``"last"``), and early stopping keeps that forecast
    when no epoch of training beats it on validation.

    Parameters
    ----------
    width : int
        Size of the summary vector.
    horizon : int
        Steps emitted.
    n_targets : int
        Values per step.
    n_future : int, default=0
        Known-future features per step (0: none).
    hidden_size : int, default=64
        Width of the per-step covariate network.
    """

    def __init__(self, width: int, horizon: int, n_targets: int, n_future: int = 0, hidden_size: int = 64):
        super().__init__()
        self.horizon, self.n_targets, self.n_future = horizon, n_targets, n_future
        self.linear = zeroed(nn.Linear(width, horizon * n_targets))
        if n_future > 0:
            self.future = nn.Sequential(
                nn.Linear(width + n_future, hidden_size), nn.ReLU(), zeroed(nn.Linear(hidden_size, n_targets))
            )

    def forward(self, summary: torch.Tensor, x_future: torch.Tensor | None = None) -> torch.Tensor:
        """Emit every horizon step.

        Shape: summary (batch, width), x_future (batch, horizon, n_future) -> (batch, horizon, n_targets).
        """
        out = self.linear(summary).view(-1, self.horizon, self.n_targets)
        if self.n_future > 0:
            if x_future is None:
                raise ValueError(
                    f"this head was built for {self.n_future} known-future features: pass x_future."
                )
            context = summary.unsqueeze(1).expand(-1, self.horizon, -1)  # (batch, horizon, width)
            out = out + self.future(torch.cat([context, x_future], dim=-1))
        return out
