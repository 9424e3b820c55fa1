"""Quantile forecasts for every network, without model code: a pinball-loss head or residual bands.

Two sources, both in the normalised space of :class:`~tsforecast.training.normalizer.WindowNormalizer`
(window units), so a band decodes with the same statistics as the point forecast:

- a **quantile head**: the network emits one channel per trained level (its ``n_targets``) and
  trains on the pinball loss (:func:`pinball_loss`); levels in between are interpolated linearly;
- **residual bands**: without a head, the empirical quantiles, per horizon step, of the scaled
  residuals ``target - forecast`` on the early-stopping validation windows
  (:func:`residual_quantiles`, computed once after training, stored on a fixed grid of levels).

Beyond ``horizon`` (recursive rollout) block ``b`` (0 for steps 1..horizon) adds the uncertainty
of the ``b`` blocks fed back before it as independent errors (:func:`widen`).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from tsforecast.training.loop import LossFunction, WindowData

__all__ = [
    "RESIDUAL_LEVELS",
    "interpolation_matrix",
    "pinball_loss",
    "residual_quantiles",
    "widen",
]

#: Levels at which the validation residuals' quantiles are stored (others are interpolated):
#: every 0.005 from 0.005 to 0.995, plus tails down to 0.001 and up to 0.999.
RESIDUAL_LEVELS = np.concatenate([[0.001, 0.0025], np.linspace(0.005, 0.995, 199), [0.9975, 0.999]])


def interpolation_matrix(known: np.ndarray, wanted: np.ndarray, what: str, hint: str = "") -> np.ndarray:
    """The matrix that interpolates values at sorted levels ``known`` linearly to levels ``wanted``.

    Shape: -> (len(known), len(wanted)). A wanted level outside the known range is a ValueError
    naming ``what`` the known levels are, followed by ``hint``.

    Examples
    --------
    >>> interpolation_matrix(np.array([0.1, 0.5, 0.9]), np.array([0.3, 0.9]), "trained")
    array([[0.5, 0. ],
           [0.5, 0. ],
           [0. , 1. ]])
    """
    outside = wanted[(wanted < known[0]) | (wanted > known[-1])]
    if len(outside):
        raise ValueError(
            f"quantile levels {outside.tolist()} lie outside {what} ({known[0]:g} to {known[-1]:g}; "
            f"levels inside that range are interpolated linearly).{hint}"
        )
    matrix = np.zeros((len(known), len(wanted)))
    if len(known) == 1:
        matrix[0] = 1.0
        return matrix
    position = np.interp(wanted, known, np.arange(len(known)))
    lower = np.minimum(np.floor(position).astype(int), len(known) - 2)
    fraction = position - lower
    columns = np.arange(len(wanted))
    matrix[lower, columns] = 1.0 - fraction
    matrix[lower + 1, columns] += fraction
    return matrix


def pinball_loss(levels: np.ndarray) -> LossFunction:
    """The pinball (quantile) loss of one output channel per level against one target.

    Shape: pred (..., n_levels), target (..., 1) -> scalar; the mean (or sum) over every channel.
    For level q an error ``e = target - pred`` costs ``max(q * e, (q - 1) * e)``, minimised by the
    q-quantile of the target's distribution.

    Examples
    --------
    >>> loss = pinball_loss(np.array([0.1, 0.9]))
    >>> float(loss(torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0]]), reduction="sum"))  # 0.1 + 0.9
    1.0
    """
    q = torch.as_tensor(np.asarray(levels), dtype=torch.float32)

    def loss(pred: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        level = q.to(device=pred.device, dtype=pred.dtype)
        error = target - pred
        value = torch.maximum(level * error, (level - 1) * error)
        return value.sum() if reduction == "sum" else value.mean()

    return loss


def widen(deviation: torch.Tensor, block: int) -> torch.Tensor:
    """Deviations from the point forecast for rollout block ``block`` (0: steps 1..horizon).

    The block's forecast starts from ``block`` earlier blocks' forecasts fed back as if observed;
    their errors add to its own as independent errors of the size of a whole block's (its last
    step's deviation): ``sign(d) * sqrt(d**2 + block * d_last**2)``, per level. Without this, steps
    beyond ``horizon`` would get the band of the first steps after a known window.

    Shape: deviation (b, H, n_levels) -> (b, H, n_levels).
    """
    if block == 0:
        return deviation
    last = deviation[:, -1:, :]
    return torch.sign(deviation) * torch.sqrt(deviation**2 + block * last**2)


@torch.no_grad()
def residual_quantiles(
    module: nn.Module, data: WindowData, batch_size: int, device: torch.device, shrinkage: float = 0.0
) -> np.ndarray | None:
    """Quantiles at :data:`RESIDUAL_LEVELS` of the validation residuals, per horizon step.

    The residuals ``target - forecast`` are taken in the units of ``data``'s batches (window
    units after instance normalisation) and pooled over every validation window and series.
    The forecast is the network's output shrunk towards its baseline as the estimator decodes
    it (``(1 - shrinkage) * output`` in window units), so the band belongs to the forecast given.
    ``None`` when ``data`` has no validation windows.

    Shape: -> (horizon, len(RESIDUAL_LEVELS)).
    """
    if data.n_val == 0:
        return None
    was_training = module.training
    module.eval()
    residuals = []
    for begin in range(0, data.n_val, batch_size):
        batch = data.batch(torch.arange(begin, min(data.n_val, begin + batch_size), device=device), "val")
        forecast = module(*batch.inputs).float() * (1.0 - shrinkage)
        residuals.append((batch.target - forecast)[..., 0].double().cpu())
    module.train(was_training)
    return np.quantile(torch.cat(residuals).numpy(), RESIDUAL_LEVELS, axis=0).T
