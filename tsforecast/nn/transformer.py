"""Patch transformer: the input window cut into sub-series tokens (PatchTST-style)."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from tsforecast.nn.heads import ForecastHead

__all__ = ["EncoderLayer", "PatchTransformerNetwork", "n_patches"]


def n_patches(lookback: int, patch_length: int, stride: int) -> int:
    """Tokens cut from a window: patches of ``patch_length`` every ``stride`` steps.

    The window is padded at its end with ``stride`` copies of its last value
    (as PatchTST does), so the most recent steps get a patch of their own.

    Examples
    --------
    >>> n_patches(336, 16, 8)
    42
    """
    return (max(lookback, patch_length) - patch_length) // stride + 2


class EncoderLayer(nn.Module):
    """Transformer encoder block: self-attention and feed-forward, each residual then normalised.

    Unlike ``nn.TransformerEncoderLayer``, the attention weights are not
    dropped out (PatchTST drops activations, not attention; on CPU the
    attention-weight dropout alone cost half of a training step) and the
    normalisation can be BatchNorm over the token features, which PatchTST
    found better than LayerNorm for time series: patch statistics vary less
    across a batch than the outliers LayerNorm was designed for.

    Parameters
    ----------
    d_model : int
        Token width.
    num_heads : int
        Attention heads (must divide ``d_model``).
    dim_feedforward : int
        Width of the feed-forward block.
    dropout : float
        Dropout on the attention output and in the feed-forward block.
    norm : {"batch", "layer"}, default="batch"
        BatchNorm over the token features, or LayerNorm.
    """

    def __init__(
        self, d_model: int, num_heads: int, dim_feedforward: int, dropout: float, norm: str = "batch"
    ):
        super().__init__()
        if norm not in ("batch", "layer"):
            raise ValueError(f"norm must be 'batch' or 'layer', got {norm!r}.")
        self.num_heads = num_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.project = nn.Linear(d_model, d_model)
        self.feedforward = nn.Sequential(
            nn.Linear(d_model, dim_feedforward),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(dim_feedforward, d_model),
        )
        self.dropout = nn.Dropout(dropout)
        norm_class = nn.BatchNorm1d if norm == "batch" else nn.LayerNorm
        self.norm_attention, self.norm_feedforward = norm_class(d_model), norm_class(d_model)

    @staticmethod
    def _normalize(norm: nn.Module, x: torch.Tensor) -> torch.Tensor:
        return norm(x.reshape(-1, x.shape[-1])).view_as(x)  # BatchNorm1d wants (rows, features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Shape: x (batch, tokens, d_model) -> (batch, tokens, d_model)."""
        batch, tokens, width = x.shape
        q, k, v = self.qkv(x).view(batch, tokens, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4)
        attended = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(batch, tokens, width)
        x = self._normalize(self.norm_attention, x + self.dropout(self.project(attended)))
        return self._normalize(self.norm_feedforward, x + self.dropout(self.feedforward(x)))


class PatchTransformerNetwork(nn.Module):
    """Transformer encoder over patches of the input window (PatchTST-style).

    The window of one series (with the past exogenous features beside it; the
    estimators stack several series along the batch, so each is forecast by the
    same weights, channel-independently) is cut into patches of ``patch_length``
    steps, which become tokens; a transformer encoder (PyTorch's scaled-dot-product
    attention) mixes them, and a flatten head emits every horizon step
    (Nie et al., "A Time Series is Worth 64 Words", ICLR 2023). Known-future
    exogenous features enter the head per step.

    Parameters
    ----------
    n_inputs : int
        Features per input step: the series' value first, then past exogenous features
        (every token holds all of them; several series are forecast by stacking them along
        the batch, channel-independently).
    n_targets : int
        Channels emitted per step: 1 (the value), or one per quantile of it.
    horizon : int
        Steps emitted by one forward pass.
    lookback : int
        Length of the input window.
    patch_length : int, default=16
        Steps per token.
    stride : int, default=8
        Steps between the starts of consecutive tokens.
    d_model : int, default=64
        Token width.
    num_heads : int, default=4
        Attention heads (must divide ``d_model``).
    num_layers : int, default=3
        Encoder layers.
    dim_feedforward : int, default=128
        Width of the feed-forward block of each layer.
    dropout : float, default=0.2
        Dropout in the encoder and on the token embeddings.
    head_dropout : float, default=0.0
        Dropout before the output head.
    n_future : int, default=0
        Known-future exogenous features per forecast step.
    norm : {"batch", "layer"}, default="batch"
        Normalisation inside the encoder blocks (see :class:`EncoderLayer`).
    """

    def __init__(
        self,
        n_inputs: int,
        n_targets: int,
        horizon: int,
        lookback: int,
        patch_length: int = 16,
        stride: int = 8,
        d_model: int = 64,
        num_heads: int = 4,
        num_layers: int = 3,
        dim_feedforward: int = 128,
        dropout: float = 0.2,
        head_dropout: float = 0.0,
        n_future: int = 0,
        norm: str = "batch",
    ):
        super().__init__()
        self.n_targets, self.horizon = n_targets, horizon
        self.lookback, self.patch_length, self.stride = lookback, patch_length, stride
        channels = n_inputs  # the series' value and the past exogenous features
        tokens = n_patches(lookback, patch_length, stride)
        self.embed = nn.Linear(patch_length * channels, d_model)
        self.position = nn.Parameter(torch.empty(1, tokens, d_model).uniform_(-0.02, 0.02))
        self.dropout = nn.Dropout(dropout)
        self.encoder = nn.Sequential(
            *(EncoderLayer(d_model, num_heads, dim_feedforward, dropout, norm) for _ in range(num_layers))
        )
        self.head_dropout = nn.Dropout(head_dropout)
        self.head = ForecastHead(tokens * d_model, horizon, n_targets, n_future, d_model)

    def forward(self, x: torch.Tensor, x_future: torch.Tensor | None = None) -> torch.Tensor:
        """Forecast ``horizon`` steps (``n_targets`` channels each) from an input window.

        Shape: x (batch, lookback, n_inputs) -> (batch, horizon, n_targets);
        x_future, when ``n_future > 0``, is (batch, horizon, n_future).
        """
        length = x.shape[1]
        series = x  # (batch, lookback, channels)
        if length < self.patch_length:
            series = torch.cat([series[:, :1].expand(-1, self.patch_length - length, -1), series], dim=1)
        series = torch.cat([series, series[:, -1:].expand(-1, self.stride, -1)], dim=1)
        patches = series.unfold(1, self.patch_length, self.stride)  # (batch, tokens, channels, patch)
        tokens = self.dropout(self.embed(patches.flatten(2)) + self.position)  # (batch, tokens, d_model)
        summary = self.head_dropout(self.encoder(tokens).flatten(1))  # (batch, tokens * d_model)
        return self.head(summary, x_future)  # (batch, horizon, n_targets)
