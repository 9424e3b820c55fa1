"""Recurrent forecasting network: an encoder RNN and a multi-step head.

Pure ``torch.nn``: no data handling, no device choice, no sklearn.
"""

from __future__ import annotations

import torch
from torch import nn

from tsforecast.nn.heads import ForecastHead

__all__ = ["RNNNetwork", "CELLS"]

#: Recurrent cells, by name.
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class RNNNetwork(nn.Module):
    """Encoder RNN over the input window and a head emitting every horizon step.

    The encoder reads the window of past values (and past exogenous features);
    its last hidden state summarises it. A linear head maps that summary to
    ``horizon`` steps of every target at once (direct multi-step forecasting).
    With known-future exogenous features, a small per-step network adds, to
    each step, a term computed from the summary and that step's features.

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn"}
        The recurrent cell.
    n_inputs : int
        Features per input time step (targets plus past exogenous features).
    n_targets : int
        Values forecast per step.
    horizon : int
        Steps emitted by one forward pass.
    hidden_size : int, default=64
        Width of the recurrent state.
    num_layers : int, default=2
        Stacked recurrent layers.
    dropout : float, default=0.0
        Dropout between recurrent layers and before the head.
    bidirectional : bool, default=False
        Read the (fully observed) input window in both directions.
    n_future : int, default=0
        Known-future exogenous features per forecast step (0: none).
    """

    def __init__(
        self,
        cell: str,
        n_inputs: int,
        n_targets: int,
        horizon: int,
        hidden_size: int = 64,
        num_layers: int = 2,
        dropout: float = 0.0,
        bidirectional: bool = False,
        n_future: int = 0,
    ):
        super().__init__()
        self.directions = 2 if bidirectional else 1
        self.encoder = CELLS[cell](
            n_inputs,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
            bidirectional=bidirectional,
        )
        width = hidden_size * self.directions
        self.dropout = nn.Dropout(dropout)
        self.head = ForecastHead(width, horizon, n_targets, n_future, hidden_size)

    def forward(self, x: torch.Tensor, x_future: torch.Tensor | None = None) -> torch.Tensor:
        """Forecast ``horizon`` steps from an input window.

        Shape: x (batch, lookback, n_inputs) -> (batch, horizon, n_targets);
        x_future, when ``n_future > 0``, is (batch, horizon, n_future).
        """
        _, state = self.encoder(x)
        hidden = state[0] if isinstance(state, tuple) else state  # (layers * dirs, batch, hidden)
        summary = torch.cat(list(hidden[-self.directions :]), dim=-1)  # (batch, hidden * dirs)
        return self.head(self.dropout(summary), x_future)
