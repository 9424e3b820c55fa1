"""Pure PyTorch networks: no sklearn, no data handling, no device choice.

Every network documents its tensor shapes on ``forward``.
"""

from tsforecast.nn.normalization import instance_denormalize, instance_normalize
from tsforecast.nn.rnn import CELLS, RNNNetwork

__all__ = ["CELLS", "RNNNetwork", "instance_denormalize", "instance_normalize"]
