"""RNN encoder-decoder with attention: the decoder steps through the horizon."""

from __future__ import annotations

import torch
from torch import nn
from torch.autograd.function import once_differentiable

from tsforecast.nn.heads import zeroed
from tsforecast.nn.rnn import CELLS, StackedCell

__all__ = ["Seq2SeqNetwork", "ATTENTIONS"]

#: Attention mechanisms, by name.
ATTENTIONS = ("luong", "bahdanau")


def _luong_scores(query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """Luong's multiplicative scores: (batch, hidden), (batch, lookback, hidden) -> (batch, lookback)."""
    return torch.matmul(keys, query.unsqueeze(-1)).squeeze(-1)


def _weighted_sum(weights: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """The values read with attention weights: (batch, lookback), (batch, lookback, d) -> (batch, d)."""
    return torch.matmul(weights.unsqueeze(1), values).squeeze(1)


class _SharedMemory(torch.autograd.Function):
    """Identity on the attention keys and values, whose backward sums what every step left in ``stash``.

    A plain autograd graph gives keys and values a gradient at every decoder step
    and adds it to the running sum: two passes over (batch, lookback, hidden)
    tensors per step, 720 times at H=720, which is what bounds the decoder's speed
    on a CPU. The steps (:class:`_LuongStep`) leave their small per-step factors
    here instead; the sums over all steps are then one matrix product each.
    """

    @staticmethod
    def forward(ctx, keys, values, stash):
        ctx.stash = stash
        ctx.set_materialize_grads(False)
        return keys.view_as(keys), values.view_as(values)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_keys, grad_values):
        if not ctx.stash:  # no step's output reached the loss
            return grad_keys, grad_values, None
        score_grads, queries, weights, context_grads = (
            torch.stack(parts, 1) for parts in zip(*ctx.stash, strict=True)
        )
        ctx.stash.clear()
        keys_sum = score_grads.transpose(1, 2) @ queries  # (batch, lookback, hidden)
        values_sum = weights.transpose(1, 2) @ context_grads  # (batch, lookback, d)
        if grad_keys is not None:
            keys_sum = keys_sum + grad_keys
        if grad_values is not None:
            values_sum = values_sum + grad_values
        return keys_sum, values_sum, None


class _LuongStep(torch.autograd.Function):
    """One step of Luong attention whose backward leaves the keys' and values' gradients in a stash."""

    @staticmethod
    def forward(ctx, query, keys, values, stash):
        weights = torch.softmax(_luong_scores(query, keys), dim=-1)
        ctx.save_for_backward(query, weights, keys, values)
        ctx.stash = stash
        return _weighted_sum(weights, values)

    @staticmethod
    @once_differentiable
    def backward(ctx, context_grad):
        query, weights, keys, values = ctx.saved_tensors
        weight_grad = torch.matmul(values, context_grad.unsqueeze(-1)).squeeze(-1)
        score_grad = weights * (weight_grad - (weight_grad * weights).sum(-1, keepdim=True))  # softmax
        ctx.stash.append((score_grad, query, weights, context_grad))
        return torch.matmul(score_grad.unsqueeze(1), keys).squeeze(1), None, None, None


class _Attention(nn.Module):
    """Luong's "general" (multiplicative) or Bahdanau's additive attention."""

    def __init__(self, kind: str, hidden_size: int):
        super().__init__()
        self.kind = kind
        if kind == "luong":
            self.weight = nn.Linear(hidden_size, hidden_size, bias=False)
        else:
            self.query = nn.Linear(hidden_size, hidden_size, bias=False)
            self.key = nn.Linear(hidden_size, hidden_size)
            self.energy = nn.Linear(hidden_size, 1, bias=False)

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        """The memory's projection, the same at every decoder step: compute it once per window.

        Shape: memory (batch, lookback, hidden) -> (batch, lookback, hidden).
        """
        return self.weight(memory) if self.kind == "luong" else self.key(memory)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        """Weighted sum of ``values`` over the look-back.

        Shape: query (batch, hidden), keys (batch, lookback, hidden),
        values (batch, lookback, d) -> (batch, d).
        """
        if self.kind == "luong":
            scores = _luong_scores(query, keys)
        else:
            scores = self.energy(torch.tanh(keys + self.query(query)[:, None])).squeeze(-1)
        return _weighted_sum(torch.softmax(scores, dim=-1), values)

    def stepper(self, keys: torch.Tensor, values: torch.Tensor):
        """``query -> context`` for every decoder step of one forward pass over the same memory.

        Training Luong attention on a CPU, the steps' gradients for keys and
        values are summed once at the end (:class:`_SharedMemory`): the same
        gradients, in training steps 1.3-1.6 times faster at look-back 336
        (``benchmarks/seq2seq_speed.py``). Elsewhere (Bahdanau's
        scores, inference, CUDA, where the decoder is bound by kernel launches
        rather than memory, and ``torch.compile``) it is plain autograd.
        """
        deferred = (
            self.kind == "luong"
            and torch.is_grad_enabled()
            and (keys.requires_grad or values.requires_grad)
            and keys.device.type == "cpu"
            and not torch.compiler.is_compiling()
        )
        if not deferred:
            return self.plain_stepper(keys, values)
        stash: list = []
        keys, values = _SharedMemory.apply(keys, values, stash)
        return lambda query: _LuongStep.apply(query, keys, values, stash)

    def plain_stepper(self, keys: torch.Tensor, values: torch.Tensor):
        """``query -> context`` through plain autograd: every step's gradient added as it comes."""
        return lambda query: self(query, keys, values)


class Seq2SeqNetwork(nn.Module):
    """Encoder RNN, attention, and a decoder RNN fed its previous value at each step.

    The encoder reads the input window. The decoder starts from the encoder's
    final state and the last observed value; at every horizon step its input is
    the previous value (the true one under teacher forcing, else its own
    forecast) and that step's known-future exogenous features. Attention over
    the encoder states gives each step a context: Luong's is computed from the
    new decoder state, Bahdanau's from the previous one and fed to the decoder.

    Attention is position-aware: every input step's key gets a learned position
    vector and every horizon step's query a learned step vector, so a step can
    learn where to look (the same hour a day earlier, say) rather than having to
    infer it from the recurrent states, which carry little sense of position.
    What it reads there is the encoder state and the raw input values beside it,
    so copying a past value (a learned seasonal naive) is one linear map away.

    Parameters
    ----------
    cell : {"lstm", "gru"}
        The recurrent cell of encoder and decoder.
    n_inputs : int
        Features per input step: the series' value first, then past exogenous features.
    lookback : int
        Input steps per window; each has a learned position vector added to its attention key.
    n_targets : int
        Channels forecast per step: 1 (the value), or one per quantile of it. The
        decoder is fed back all of them; at the first step, and under teacher
        forcing, every channel is fed the (last or true) value.
    horizon : int
        Steps decoded by one forward pass.
    hidden_size : int, default=64
        Width of the recurrent states.
    num_layers : int, default=1
        Stacked layers of encoder and decoder.
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    attention : {"luong", "bahdanau"}, default="luong"
        The attention mechanism.
    n_future : int, default=0
        Known-future exogenous features per forecast step.
    teacher_forcing : float, default=0.0
        Probability, in training mode when targets are given, that a step is fed
        the true previous value instead of the forecast one, at the start of
        training. :meth:`set_training_progress` lowers it linearly to zero at
        half of training (scheduled sampling).
    """

    def __init__(
        self,
        cell: str,
        n_inputs: int,
        lookback: int,
        n_targets: int,
        horizon: int,
        hidden_size: int = 64,
        num_layers: int = 1,
        dropout: float = 0.0,
        attention: str = "luong",
        n_future: int = 0,
        teacher_forcing: float = 0.0,
    ):
        super().__init__()
        self.n_targets, self.horizon, self.n_future = n_targets, horizon, n_future
        self.attention_kind, self.teacher_forcing = attention, teacher_forcing
        self.teacher_ratio = teacher_forcing
        between = dropout if num_layers > 1 else 0.0
        self.encoder = CELLS[cell](n_inputs, hidden_size, num_layers, batch_first=True, dropout=between)
        # the context read by attention: the encoder states and the raw inputs beside them
        context_size = hidden_size + n_inputs
        extra = context_size if attention == "bahdanau" else 0
        self.decoder = StackedCell(cell, n_targets + n_future + extra, hidden_size, num_layers, between)
        self.attention = _Attention(attention, hidden_size)
        # small random, not zero: with both at zero their product's gradient would be zero too
        self.position = nn.Parameter(0.1 * torch.randn(lookback, hidden_size))
        self.step = nn.Parameter(0.1 * torch.randn(horizon, hidden_size))
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Sequential(
            nn.Linear(hidden_size + context_size, hidden_size),
            nn.Tanh(),
            zeroed(nn.Linear(hidden_size, n_targets)),
        )

    def set_training_progress(self, fraction: float) -> None:
        """Lower the teacher-forcing ratio as training progresses (``fraction`` of it done).

        Fed true values, the decoder never meets its own errors, yet at
        inference it runs on nothing else, over the whole horizon: a constant
        ratio leaves that mismatch, which grows with the horizon (at 720 steps
        no epoch beat the initial network). Decaying to zero at half of
        training lets the early epochs learn from clean inputs and the later
        ones train as the network forecasts.
        """
        self.teacher_ratio = self.teacher_forcing * max(0.0, 1.0 - 2.0 * fraction)

    def forward(
        self, x: torch.Tensor, x_future: torch.Tensor | None = None, y_teacher: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Decode every horizon step.

        Shape: x (batch, lookback, n_inputs) -> (batch, horizon, n_targets);
        x_future (batch, horizon, n_future); y_teacher (batch, horizon, 1) or
        (batch, horizon, n_targets), the true values, used only in training mode
        while the teacher-forcing ratio is above 0.
        """
        if self.n_future > 0 and x_future is None:
            raise ValueError(
                f"this network was built for {self.n_future} known-future features: pass x_future."
            )
        memory, state = self.encoder(x)  # memory (batch, lookback, hidden)
        # the RNN returns a time-major view: make it batch-major once, as every decoder step reads it so
        memory = memory.contiguous()
        keys = self.attention.keys(memory) + self.position
        values = torch.cat([memory, x], dim=-1)  # (batch, lookback, hidden + n_inputs)
        attend = self.attention.stepper(keys, values)
        previous = x[:, -1, :1].expand(-1, self.n_targets)  # (batch, n_targets): the last observed value
        force = self.training and y_teacher is not None and self.teacher_ratio > 0
        state = self.decoder.layers(state)
        steps = []
        for t in range(self.horizon):
            parts = [previous]
            if self.n_future > 0 and x_future is not None:
                parts.append(x_future[:, t])
            if self.attention_kind == "bahdanau":
                context = attend(self.decoder.top(state) + self.step[t])
                parts.append(context)
            out, state = self.decoder(torch.cat(parts, dim=-1) if len(parts) > 1 else previous, state)
            if self.attention_kind == "luong":
                context = attend(out + self.step[t])
            value = self.output(self.dropout(torch.cat([out, context], dim=-1)))  # (batch, n_targets)
            steps.append(value)
            if force and y_teacher is not None:
                use_truth = torch.rand(value.shape[0], 1, device=value.device) < self.teacher_ratio
                previous = torch.where(use_truth, y_teacher[:, t], value)  # the truth in every channel
            else:
                previous = value
        return torch.stack(steps, dim=1)
