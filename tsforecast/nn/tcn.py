"""Temporal convolutional network: dilated causal convolutions with residual blocks."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from tsforecast.nn.heads import ForecastHead

__all__ = ["TCNNetwork", "dilations_for"]


def dilations_for(lookback: int, kernel_size: int, num_blocks: int | None = None) -> list[int]:
    """Dilations 1, 2, 4, ... until the receptive field covers ``lookback`` steps.

    With ``num_blocks``, exactly that many blocks instead.

    Each residual block holds two convolutions of the same dilation ``d``, so it
    widens the receptive field by ``2 * (kernel_size - 1) * d``.

    Examples
    --------
    >>> dilations_for(96, 3)
    [1, 2, 4, 8, 16]
    """
    if num_blocks is not None:
        return [2**i for i in range(num_blocks)]
    dilations: list[int] = []
    field = 1
    while field < lookback:
        d = 2 ** len(dilations)
        dilations.append(d)
        field += 2 * (kernel_size - 1) * d
    return dilations or [1]


class _CausalBlock(nn.Module):
    """Two dilated causal convolutions with a residual connection."""

    def __init__(self, channels_in: int, channels: int, kernel_size: int, dilation: int, dropout: float):
        super().__init__()
        self.pad = (kernel_size - 1) * dilation
        self.conv1 = nn.utils.parametrizations.weight_norm(
            nn.Conv1d(channels_in, channels, kernel_size, dilation=dilation)
        )
        self.conv2 = nn.utils.parametrizations.weight_norm(
            nn.Conv1d(channels, channels, kernel_size, dilation=dilation)
        )
        self.dropout = nn.Dropout(dropout)
        self.skip = nn.Conv1d(channels_in, channels, 1) if channels_in != channels else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Shape: x (batch, channels_in, time) -> (batch, channels, time)."""
        out = self.dropout(F.relu(self.conv1(F.pad(x, (self.pad, 0)))))  # left padding keeps it causal
        out = self.dropout(F.relu(self.conv2(F.pad(out, (self.pad, 0)))))
        return F.relu(out + self.skip(x))


class TCNNetwork(nn.Module):
    """A stack of dilated causal residual blocks and a multi-step head.

    The receptive field of the last time step covers the whole input window
    (dilations double per block until it does); that step's features summarise
    the window and the head emits every horizon step.

    Parameters
    ----------
    n_inputs : int
        Features per input step (targets first, then past exogenous features).
    n_targets : int
        Channels emitted per step: 1 (the value), or one per quantile of it.
    horizon : int
        Steps emitted by one forward pass.
    lookback : int
        Length of the input window (sets the number of blocks).
    num_blocks : int or None, default=None
        Residual blocks; ``None`` adds blocks until the receptive field covers ``lookback``.
    hidden_size : int, default=64
        Channels of every convolution.
    kernel_size : int, default=3
        Width of the convolutions.
    dropout : float, default=0.1
        Dropout after every convolution.
    n_future : int, default=0
        Known-future exogenous features per forecast step.
    """

    def __init__(
        self,
        n_inputs: int,
        n_targets: int,
        horizon: int,
        lookback: int,
        hidden_size: int = 64,
        kernel_size: int = 3,
        dropout: float = 0.1,
        num_blocks: int | None = None,
        n_future: int = 0,
    ):
        super().__init__()
        blocks, channels_in = [], n_inputs
        for dilation in dilations_for(lookback, kernel_size, num_blocks):
            blocks.append(_CausalBlock(channels_in, hidden_size, kernel_size, dilation, dropout))
            channels_in = hidden_size
        self.blocks = nn.Sequential(*blocks)
        self.head = ForecastHead(hidden_size, horizon, n_targets, n_future, hidden_size)

    def forward(self, x: torch.Tensor, x_future: torch.Tensor | None = None) -> torch.Tensor:
        """Forecast ``horizon`` steps from an input window.

        Shape: x (batch, lookback, n_inputs) -> (batch, horizon, n_targets);
        x_future, when ``n_future > 0``, is (batch, horizon, n_future).
        """
        features = self.blocks(x.transpose(1, 2))  # (batch, hidden, lookback)
        return self.head(features[:, :, -1], x_future)
