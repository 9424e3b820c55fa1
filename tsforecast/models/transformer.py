"""TransformerForecaster: a patch transformer for long horizons."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import torch
from sklearn.utils._param_validation import StrOptions
from torch import nn

from tsforecast._constraints import Number
from tsforecast.models.neural import NeuralForecaster, document_parameters, shared_parameters
from tsforecast.nn.transformer import PatchTransformerNetwork

__all__ = ["TransformerForecaster"]

_TRANSFORMER_PARAMETERS = """patch_length : int, default=16
        Steps per token.
    stride : int, default=8
        Steps between the starts of consecutive tokens.
    num_heads : int, default=4
        Attention heads; must divide ``hidden_size`` (the token width).
    dim_feedforward : int, default=128
        Width of the feed-forward block of every encoder layer.
    norm : {"batch", "layer"}, default="batch"
        Normalisation inside the encoder layers: BatchNorm over the token
        features (PatchTST's choice, best on the long-horizon benchmarks) or
        LayerNorm."""

_TRANSFORMER_NETWORK = """hidden_size : int, default={hidden_size}
        Width of every token (``d_model``); ``num_heads`` must divide it.
    num_layers : int, default={num_layers}
        Transformer encoder layers (attention plus feed-forward block each).
    dropout : float, default={dropout}
        Dropout in the attention and feed-forward blocks and before the flatten head."""


class TransformerForecaster(NeuralForecaster):
    """Transformer forecaster over patches of the input window (PatchTST-style).

    The input window is cut into patches of ``patch_length`` steps every
    ``stride`` steps; each patch (the series, instance-normalised, with the
    past exogenous features beside it) becomes a token; a transformer encoder
    mixes the tokens with PyTorch's scaled-dot-product attention, and a flatten
    head emits ``horizon`` steps, with a per-step term from the known-future
    exogenous features. Columns of y are channels forecast independently by the
    same weights (channel independence). This is the recipe of PatchTST (Nie et
    al., ICLR 2023), which leads the public long-horizon benchmarks.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import TransformerForecaster
    >>> y = np.sin(np.arange(200) * 2 * np.pi / 24)
    >>> model = TransformerForecaster(lookback=48, horizon=12, max_epochs=3, random_state=0)
    >>> model.fit(None, y).forecast(12).shape
    (12,)
    """

    def __init__(
        self,
        lookback: int | None = None,
        horizon: int = 1,
        seasonal_period: int | None = None,
        hidden_size: int = 32,
        num_layers: int = 2,
        dropout: float = 0.2,
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
        patch_length: int = 16,
        stride: int = 8,
        num_heads: int = 4,
        dim_feedforward: int = 128,
        norm: str = "batch",
    ):
        NeuralForecaster.__init__(self, **shared_parameters(locals()))
        self.patch_length = patch_length
        self.stride = stride
        self.num_heads = num_heads
        self.dim_feedforward = dim_feedforward
        self.norm = norm

    _parameter_constraints = {
        **NeuralForecaster._parameter_constraints,
        "patch_length": [Number(Integral, 1, None, closed="left")],
        "stride": [Number(Integral, 1, None, closed="left")],
        "num_heads": [Number(Integral, 1, None, closed="left")],
        "dim_feedforward": [Number(Integral, 1, None, closed="left")],
        "norm": [StrOptions({"batch", "layer"})],
    }

    def _build_module(self, n_inputs: int, n_targets: int, n_future: int) -> nn.Module:
        if self.hidden_size % self.num_heads:  # a relation between two parameters: checked at build
            raise ValueError(
                f"{type(self).__name__}: num_heads={self.num_heads} must divide "
                f"hidden_size={self.hidden_size} (the token width)."
            )
        return PatchTransformerNetwork(
            n_inputs=n_inputs,
            n_targets=n_targets,
            horizon=int(self.horizon),
            lookback=self.lookback_,
            patch_length=int(self.patch_length),
            stride=int(self.stride),
            d_model=int(self.hidden_size),
            num_heads=int(self.num_heads),
            num_layers=int(self.num_layers),
            dim_feedforward=int(self.dim_feedforward),
            dropout=float(self.dropout),
            n_future=n_future,
            norm=self.norm,
        )


document_parameters(TransformerForecaster, network=_TRANSFORMER_NETWORK, extra=_TRANSFORMER_PARAMETERS)
