"""TCNForecaster: dilated causal convolutions with residual blocks."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import torch
from torch import nn

from tsforecast._constraints import Number
from tsforecast.models.neural import NeuralForecaster, document_parameters, shared_parameters
from tsforecast.nn.tcn import TCNNetwork

__all__ = ["TCNForecaster"]

_TCN_PARAMETERS = """kernel_size : int, default=3
        Width of the convolutions."""

_TCN_NETWORK = """hidden_size : int, default={hidden_size}
        Channels of every convolution (and of the last step's features the head reads).
    num_layers : int or None, default={num_layers}
        Residual blocks, each two dilated causal convolutions with dilation 2**i
        (1, 2, 4, ...); ``None``: as many as the receptive field needs to cover
        ``lookback`` (given ``kernel_size``).
    dropout : float, default={dropout}
        Dropout after every convolution and before the output head."""


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
        kernel_size: int = 3,
    ):
        NeuralForecaster.__init__(self, **shared_parameters(locals()))
        self.kernel_size = kernel_size

    _parameter_constraints = {
        **NeuralForecaster._parameter_constraints,
        "num_layers": [Number(Integral, 1, None, closed="left"), None],
        "kernel_size": [Number(Integral, 2, None, closed="left")],
    }

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


document_parameters(TCNForecaster, network=_TCN_NETWORK, extra=_TCN_PARAMETERS)
