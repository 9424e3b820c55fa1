"""Recurrent forecasters: LSTMForecaster, GRUForecaster, RNNForecaster.

Thin estimators over :class:`~tsforecast.nn.rnn.RNNNetwork`: they only choose
the recurrent cell. Training, windows, normalisation, rollout and pickling come
from :class:`~tsforecast.models.neural.NeuralForecaster`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from tsforecast.models.neural import NeuralForecaster, document_parameters, shared_parameters
from tsforecast.nn.rnn import RNNNetwork

__all__ = ["GRUForecaster", "LSTMForecaster", "RNNForecaster"]

_BIDIRECTIONAL = """bidirectional : bool, default=False
        Read the (fully observed) input window in both directions."""

_RECURRENT_NETWORK = """hidden_size : int, default={hidden_size}
        Width of the recurrent state (and of the summary the head reads).
    num_layers : int, default={num_layers}
        Stacked recurrent layers.
    dropout : float, default={dropout}
        Dropout between stacked recurrent layers and before the output head."""

_RECURRENT_CONSTRAINTS = {**NeuralForecaster._parameter_constraints, "bidirectional": ["boolean"]}


def _recurrent_init(
    self,
    lookback: int | None = None,
    horizon: int = 1,
    seasonal_period: int | None = None,
    hidden_size: int = 64,
    num_layers: int = 2,
    dropout: float = 0.1,
    max_epochs: int = 100,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    weight_decay: float = 0.0,
    gradient_clip: float | None = 1.0,
    lr_schedule: str | None = None,
    early_stopping: bool = True,
    validation_fraction: float = 0.2,
    patience: int = 10,
    normalization: str | None = "auto",
    shrinkage: float | None = None,
    loss: str = "mse",
    device: str | torch.device = "auto",
    compile: bool = False,
    mixed_precision: bool = True,
    random_state: int | np.random.RandomState | None = None,
    verbose: bool = False,
    steps_per_epoch: int | None = None,
    quantiles: list[float] | None = None,
    bidirectional: bool = False,
):
    NeuralForecaster.__init__(self, **shared_parameters(locals()))
    self.bidirectional = bidirectional


def _build_recurrent(self, n_inputs: int, n_targets: int, n_future: int) -> nn.Module:
    return RNNNetwork(
        self._cell,
        n_inputs=n_inputs,
        n_targets=n_targets,
        horizon=int(self.horizon),
        hidden_size=int(self.hidden_size),
        num_layers=int(self.num_layers),
        dropout=float(self.dropout),
        bidirectional=bool(self.bidirectional),
        n_future=n_future,
    )


class LSTMForecaster(NeuralForecaster):
    """Long short-term memory (LSTM) forecaster.

    An LSTM encoder reads the input window (the series, instance-normalised,
    and the past exogenous features); a linear head emits ``horizon`` steps at
    once, with a per-step term from the known-future exogenous features.
    Several columns of y train one global network over all of them.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    GRUForecaster, RNNForecaster : The same network with other cells.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import LSTMForecaster
    >>> y = np.sin(np.arange(120) * 2 * np.pi / 12)
    >>> model = LSTMForecaster(lookback=24, horizon=6, hidden_size=16, max_epochs=5, random_state=0)
    >>> model.fit(None, y).predict(np.empty((6, 0))).shape
    (6,)
    """

    _cell = "lstm"
    __init__ = _recurrent_init
    _build_module = _build_recurrent
    _parameter_constraints = _RECURRENT_CONSTRAINTS


class GRUForecaster(NeuralForecaster):
    """Gated recurrent unit (GRU) forecaster.

    A GRU encoder reads the input window (the series, instance-normalised, and
    the past exogenous features); a linear head emits ``horizon`` steps at
    once, with a per-step term from the known-future exogenous features.
    Several columns of y train one global network over all of them.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    LSTMForecaster, RNNForecaster : The same network with other cells.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import GRUForecaster
    >>> y = np.sin(np.arange(120) * 2 * np.pi / 12)
    >>> model = GRUForecaster(lookback=24, horizon=6, hidden_size=16, max_epochs=5, random_state=0)
    >>> model.fit(None, y).forecast(3).shape
    (3,)
    """

    _cell = "gru"
    __init__ = _recurrent_init
    _build_module = _build_recurrent
    _parameter_constraints = _RECURRENT_CONSTRAINTS


class RNNForecaster(NeuralForecaster):
    """Plain (Elman) recurrent network forecaster, for completeness and teaching.

    A tanh RNN encoder reads the input window; a linear head emits
    ``horizon`` steps at once. Usually weaker than LSTM and GRU on long
    windows (vanishing gradients), which makes it a useful comparison.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    LSTMForecaster, GRUForecaster : Gated cells, better on long windows.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import RNNForecaster
    >>> y = np.sin(np.arange(120) * 2 * np.pi / 12)
    >>> model = RNNForecaster(lookback=24, horizon=6, hidden_size=16, max_epochs=5, random_state=0)
    >>> model.fit(None, y).predict(np.empty((8, 0))).shape
    (8,)
    """

    _cell = "rnn"
    __init__ = _recurrent_init
    _build_module = _build_recurrent
    _parameter_constraints = _RECURRENT_CONSTRAINTS


for _cls in (LSTMForecaster, GRUForecaster, RNNForecaster):
    document_parameters(_cls, network=_RECURRENT_NETWORK, extra=_BIDIRECTIONAL)
del _cls
