"""Data-parallel training with PyTorch DDP: two CPU processes (gloo, loopback) train what one process does.

Each rank takes half of every global batch and DDP all-reduces the gradients, weighted by each rank's
share: the result equals single-process training on the same global batches up to float rounding.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch.distributed as dist

from tsforecast import GRUForecaster, LSTMForecaster, TransformerForecaster
from tsforecast.training import fit_distributed
from tsforecast.training.distributed import process_group

pytestmark = pytest.mark.skipif(not dist.is_gloo_available(), reason="torch built without gloo")

# no dropout: its masks are drawn per process, the one thing two processes cannot share with one
# no early stopping: the weights after every epoch's steps are compared, never an initial network kept
_SETTINGS = dict(
    horizon=12,
    lookback=48,
    max_epochs=4,
    early_stopping=False,
    batch_size=32,
    dropout=0.0,
    random_state=0,
    device="cpu",
)


@pytest.mark.parametrize(
    "estimator",
    [
        LSTMForecaster(hidden_size=16, **_SETTINGS),
        # layer norm: on CPUs batch-norm statistics are per process (synchronised only on GPUs)
        TransformerForecaster(
            hidden_size=16, patch_length=8, stride=8, num_heads=2, norm="layer", **_SETTINGS
        ),
    ],
    ids=["LSTM", "Transformer"],
)
def test_two_processes_train_what_one_process_trains(estimator, hourly_ot):
    y = hourly_ot  # 240 real hours of ETTh1 oil temperature
    single = estimator.fit(None, y)
    parallel = fit_distributed(estimator, None, y, nprocs=2, backend="gloo")
    assert process_group() == (0, 1)  # the parent never joined a group
    np.testing.assert_allclose(parallel.history_["train_loss"], single.history_["train_loss"], rtol=1e-4)
    assert parallel.best_epoch_ == single.best_epoch_ == 4
    for (name, a), b in zip(
        parallel.module_.state_dict().items(), single.module_.state_dict().values(), strict=True
    ):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
    np.testing.assert_allclose(parallel.forecast(24), single.forecast(24), rtol=1e-4)


def test_fit_distributed_refuses_a_bad_process_count():
    with pytest.raises(ValueError, match="nprocs must be a positive integer"):
        fit_distributed(GRUForecaster(), None, np.arange(100.0), nprocs=0)
