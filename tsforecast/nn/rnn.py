"""Recurrent forecasting network: an encoder RNN and a multi-step head.

Pure ``torch.nn``: no data handling, no device choice, no sklearn.
"""

from __future__ import annotations

import torch
from torch import nn

from tsforecast.nn.heads import ForecastHead

__all__ = ["RNNNetwork", "StackedCell", "CELLS"]

#: Recurrent layers, by name.
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
#: The single-step cell of each recurrent layer, by name.
_STEP_CELLS = {"lstm": nn.LSTMCell, "gru": nn.GRUCell, "rnn": nn.RNNCell}


class StackedCell(nn.Module):
    """``num_layers`` recurrent cells advanced one time step per call, with dropout between layers.

    A decoder that feeds each step its own previous output cannot run as one
    sequence call; stepping ``nn.LSTM`` over length-1 sequences instead pays a
    whole sequence call per step (oneDNN's on a CPU, cuDNN's on a GPU), about 2.5
    times the cost of a cell's two matrix products and one fused update. The
    weights are created in the same order and way as ``CELLS[cell]``'s, so the
    same seed gives the same initial network as a stacked ``nn.LSTM``/``nn.GRU``.

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn"}
        The recurrent cell.
    input_size : int
        Features per step.
    hidden_size : int
        Width of the state.
    num_layers : int, default=1
        Stacked cells; each layer reads the one below.
    dropout : float, default=0.0
        Dropout on every layer's output but the top one's, in training (as ``nn.LSTM``).
    """

    def __init__(
        self, cell: str, input_size: int, hidden_size: int, num_layers: int = 1, dropout: float = 0.0
    ):
        super().__init__()
        self.cell = cell
        self.dropout = dropout
        self.cells = nn.ModuleList(
            _STEP_CELLS[cell](input_size if layer == 0 else hidden_size, hidden_size)
            for layer in range(num_layers)
        )

    @property
    def is_lstm(self) -> bool:
        """Whether each layer's state is an ``(h, c)`` pair rather than ``h`` alone."""
        return self.cell == "lstm"

    def layers(self, state) -> list:
        """One state per layer, as :meth:`forward` takes and returns them.

        From ``nn.LSTM``/``nn.GRU``'s layout: ``(h, c)`` or ``h``, each (num_layers, batch, hidden).
        """
        if self.is_lstm:
            return list(zip(state[0].unbind(0), state[1].unbind(0), strict=True))
        return list(state.unbind(0))

    def top(self, layers: list) -> torch.Tensor:
        """The top layer's hidden state, (batch, hidden)."""
        return layers[-1][0] if self.is_lstm else layers[-1]

    def forward(self, x: torch.Tensor, layers: list) -> tuple[torch.Tensor, list]:
        """One time step: x (batch, input_size) -> (top output (batch, hidden), new per-layer states)."""
        new = []
        for depth, (cell, state) in enumerate(zip(self.cells, layers, strict=True)):
            if depth > 0:
                x = nn.functional.dropout(x, self.dropout, self.training)
            state = cell(x, state)
            new.append(state)
            x = state[0] if self.is_lstm else state
        return x, new


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
        Channels emitted per step: 1 (the value), or one per quantile of it.
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
