"""Seq2SeqForecaster: an RNN encoder-decoder with attention."""

from __future__ import annotations

from numbers import Real

import numpy as np
import torch
from sklearn.utils._param_validation import StrOptions
from torch import nn

from tsforecast._constraints import Number
from tsforecast.models.neural import NeuralForecaster, document_parameters, shared_parameters
from tsforecast.nn.seq2seq import ATTENTIONS, Seq2SeqNetwork
from tsforecast.training.loop import TrainingBatch
from tsforecast.training.windows import Windows

__all__ = ["Seq2SeqForecaster"]

_SEQ2SEQ_PARAMETERS = """cell : {"lstm", "gru"}, default="lstm"
        Recurrent cell of the encoder and the decoder.
    attention : {"luong", "bahdanau"}, default="luong"
        Luong's multiplicative attention computed from the new decoder state,
        or Bahdanau's additive attention computed from the previous one.
    teacher_forcing : float, default=0.5
        Probability that a decoder step is fed the true previous value at the
        start of training, lowered linearly to zero at half of ``max_epochs``
        (scheduled sampling), so that the later epochs train as the network
        forecasts: on its own values. For horizons of hundreds of steps, 0
        (free-running from the start) trained more reliably on ETTh1 at 720
        (``benchmarks/README.md``)."""

_SEQ2SEQ_NETWORK = """hidden_size : int, default={hidden_size}
        Width of the encoder's and the decoder's recurrent states.
    num_layers : int, default={num_layers}
        Stacked recurrent layers, in the encoder and in the decoder alike.
    dropout : float, default={dropout}
        Dropout between stacked recurrent layers and before the output layer."""


class Seq2SeqForecaster(NeuralForecaster):
    """Sequence-to-sequence forecaster: RNN encoder, attention, step-by-step decoder.

    The encoder reads the input window (the series, instance-normalised, and the
    past exogenous features). The decoder then steps through the horizon: at
    each step it is fed the previous value (early in training the true one with
    probability ``teacher_forcing``, decaying to never by half-way; else its
    own forecast) and that step's known-future exogenous features, and attends
    over the encoder states (Luong or Bahdanau attention) before emitting the
    value. The attention is position-aware (learned vectors for each input
    position and each horizon step) and reads the raw input values beside the
    encoder states, so a step can learn to copy the value one season earlier.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import Seq2SeqForecaster
    >>> y = np.sin(np.arange(120) * 2 * np.pi / 12)
    >>> model = Seq2SeqForecaster(lookback=24, horizon=6, hidden_size=16, max_epochs=5, random_state=0)
    >>> model.fit(None, y).forecast(6).shape
    (6,)
    """

    def __init__(
        self,
        lookback: int | None = None,
        horizon: int = 1,
        seasonal_period: int | None = None,
        hidden_size: int = 64,
        num_layers: int = 1,
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
        cell: str = "lstm",
        attention: str = "luong",
        teacher_forcing: float = 0.5,
    ):
        NeuralForecaster.__init__(self, **shared_parameters(locals()))
        self.cell = cell
        self.attention = attention
        self.teacher_forcing = teacher_forcing

    _parameter_constraints = {
        **NeuralForecaster._parameter_constraints,
        "cell": [StrOptions({"lstm", "gru"})],
        "attention": [StrOptions(set(ATTENTIONS))],
        "teacher_forcing": [Number(Real, 0, 1, closed="both")],
    }

    def _build_module(self, n_inputs: int, n_targets: int, n_future: int) -> nn.Module:
        return Seq2SeqNetwork(
            self.cell,
            n_inputs=n_inputs,
            lookback=self.lookback_,
            n_targets=n_targets,
            horizon=int(self.horizon),
            hidden_size=int(self.hidden_size),
            num_layers=int(self.num_layers),
            dropout=float(self.dropout),
            attention=self.attention,
            n_future=n_future,
            teacher_forcing=float(self.teacher_forcing),
        )

    def _training_batch(self, windows: Windows) -> TrainingBatch:
        """Add the true future values (in window units) as the decoder's teacher inputs."""
        batch = super()._training_batch(windows)
        return batch._replace(inputs=(*batch.inputs, batch.target))


document_parameters(Seq2SeqForecaster, network=_SEQ2SEQ_NETWORK, extra=_SEQ2SEQ_PARAMETERS)
