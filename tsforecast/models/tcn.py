"""TCNForecaster: dilated causal convolutions with residual blocks."""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

from tsforecast.models.neural import NeuralForecaster, document_parameters, shared_parameters
from tsforecast.nn.tcn import TCNNetwork

__all__ = ["TCNForecaster"]

_TCN_PARAMETERS = """kernel_size : int, default=3
        Width of the convolutions."""


class TCNForecaster(NeuralForecaster):
    """Temporal convolutional network (TCN) forecaster.

    Residual blocks of dilated causal convolutions (dilations 1, 2, 4, ...)
    read the input window (the series, instance-normalised, and the past
    exogenous features); blocks are added until the receptive field of the last
    step covers the whole ``lookback``. That step's features feed a head that
    emits ``horizon`` steps, with a per-step term from the known-future
    exogenous features (Bai et al., 2018).

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    Notes
    -----
    Here ``num_layers`` is the number of residual blocks, default ``None``:
    as many as the receptive field needs to cover ``lookback`` (given
    ``kernel_size``); an integer fixes it (dilations 1, 2, ..., 2**(n-1)).

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import TCNForecaster
    >>> y = np.sin(np.arange(150) * 2 * np.pi / 12)
    >>> model = TCNForecaster(lookback=24, horizon=6, hidden_size=16, max_epochs=3, random_state=0)
    >>> model.fit(None, y).forecast(6).shape
    (6,)
    """

    def __init__(
        self,
        lookback: int | None = None,
        horizon: int = 1,
        seasonal_period: int | None = None,
        hidden_size: int = 64,
        num_layers: int | None = None,
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
        normalization: str | None = "instance",
        loss: str = "mse",
        device: str | torch.device = "auto",
        compile: bool = False,
        mixed_precision: bool = True,
        random_state: int | np.random.RandomState | None = None,
        verbose: bool = False,
        steps_per_epoch: int | None = None,
        kernel_size: int = 3,
    ):
        NeuralForecaster.__init__(self, **shared_parameters(locals()))
        self.kernel_size = kernel_size

    _num_layers_optional = True

    def _check_params(self) -> None:
        super()._check_params()
        value = self.kernel_size
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 2:
            raise ValueError(f"{type(self).__name__}: kernel_size must be an integer >= 2, got {value!r}.")

    def _build_module(self, n_inputs: int, n_targets: int, n_future: int) -> nn.Module:
        return TCNNetwork(
            n_inputs=n_inputs,
            n_targets=n_targets,
            horizon=int(self.horizon),
            lookback=self.lookback_,
            hidden_size=int(self.hidden_size),
            kernel_size=int(self.kernel_size),
            dropout=float(self.dropout),
            num_blocks=None if self.num_layers is None else int(self.num_layers),
            n_future=n_future,
        )


document_parameters(TCNForecaster, extra=_TCN_PARAMETERS)
