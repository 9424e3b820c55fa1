"""The training engine shared by every neural forecaster.

``windows``: the on-device window sampler; ``normalizer``: raw series to the
network's space and back; ``loop``: the training loop; ``distributed``:
data-parallel training under a ``torch.distributed`` process group.
"""

from tsforecast.training.distributed import fit_distributed
from tsforecast.training.loop import (
    LOSSES,
    LR_SCHEDULES,
    NonFiniteLossError,
    TrainingBatch,
    TrainingWarning,
    WindowData,
    train_module,
)
from tsforecast.training.normalizer import WindowNormalizer
from tsforecast.training.windows import Windows, WindowSampler, validation_steps

__all__ = [
    "LOSSES",
    "LR_SCHEDULES",
    "NonFiniteLossError",
    "TrainingBatch",
    "TrainingWarning",
    "WindowData",
    "WindowNormalizer",
    "WindowSampler",
    "Windows",
    "fit_distributed",
    "train_module",
    "validation_steps",
]
