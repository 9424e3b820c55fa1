"""The training engine: window sampler, training loop, determinism, pickling."""

from __future__ import annotations

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
import torch
from torch import nn

from tsforecast.models.rnn import GRUForecaster, LSTMForecaster
from tsforecast.training import (
    NonFiniteLossError,
    TrainingBatch,
    WindowSampler,
    train_module,
    validation_steps,
)
from tsforecast.training.loop import evaluate

torch.set_num_threads(1)  # one thread: no OpenMP oversubscription on a shared machine

CHEAP = dict(lookback=8, horizon=3, hidden_size=8, max_epochs=3, batch_size=16)


def _tagged_series(n=50, k=3, f=2):
    """Column j holds j * 1000 + t, so every value names its series and time."""
    t = np.arange(n, dtype=float)
    y = np.stack([j * 1000 + t for j in range(k)], axis=1)
    X = np.stack([t + 0.5 * i for i in range(f)], axis=1)
    return y, X


# -- window sampler -------------------------------------------------------------------


@pytest.mark.parametrize("val_steps", [0, 10])
def test_windows_never_cross_series_and_split_by_time(val_steps):
    n, k, lookback, horizon = 50, 3, 6, 4
    y, X = _tagged_series(n, k)
    sampler = WindowSampler(y, X, lookback=lookback, horizon=horizon, validation_steps=val_steps)
    n_fit = n - val_steps
    assert sampler.n_train == k * (n_fit - lookback - horizon + 1)
    assert sampler.n_val == (k * (val_steps - horizon + 1) if val_steps else 0)
    for split, count in (("train", sampler.n_train), ("val", sampler.n_val)):
        if count == 0:
            continue
        w = sampler.gather(torch.arange(count), split)
        values = w.values[..., 0].numpy()
        series = np.floor(values / 1000)
        assert (series == series[:, :1]).all(), "a window crosses from one series into the next"
        np.testing.assert_array_equal(series[:, 0], w.series.numpy())
        time = values - 1000 * series
        np.testing.assert_array_equal(np.diff(time, axis=1), 1.0)  # consecutive steps
        # exogenous features are gathered at the same time positions
        np.testing.assert_array_equal(w.exog[..., 0].numpy(), time)
        np.testing.assert_array_equal(w.exog[..., 1].numpy(), time + 0.5)
        # every window exactly once per series
        assert len({(s, t0) for s, t0 in zip(series[:, 0], time[:, 0], strict=True)}) == count
        if split == "train":
            assert time.max() < n_fit
        else:  # the targets lie in the held-out tail, the inputs may reach back
            assert (time[:, lookback:] >= n_fit).all() and time.max() == n - 1


def test_sampler_holds_only_the_series():
    n, k, f, lookback, horizon = 5000, 2, 3, 64, 8
    y, X = _tagged_series(n, k, f)
    sampler = WindowSampler(y, X, lookback=lookback, horizon=horizon)
    window = lookback + horizon
    # float32 series + exog, a window-long index helper and int64 per-series offsets, first starts
    # and window counts (O(n_series), for ragged panels); never n_windows x window
    assert sampler.nbytes() == 4 * (n * k + n * f) + 8 * window + 8 * (6 * k + 2)
    assert sampler.n_train * window * 4 > 25 * sampler.nbytes()  # what materialising would cost
    assert sampler.series.is_contiguous() and sampler.series.dtype == torch.float32
    batch = sampler.gather(torch.tensor([0, 5, sampler.n_train - 1]))
    assert batch.values.shape == (3, window, 1) and batch.exog.shape == (3, window, f)


def test_validation_steps():
    assert validation_steps(100, 5, 0.0) == 0
    assert validation_steps(100, 5, 0.2) == 20
    assert validation_steps(10, 5, 0.2) == 5  # at least one horizon


# -- training loop ----------------------------------------------------------------------


class _ShiftedData:
    """Training target +x, validation target ``val_sign`` * x: with a sign below 1 the validation
    loss falls while the fit approaches it, then rises as training goes past it."""

    def __init__(self, n=256, val_sign=-1.0):
        g = torch.Generator().manual_seed(0)
        self.x = torch.randn(n, 4, generator=g)
        self.n_train = self.n_val = n
        self.val_sign = val_sign

    def batch(self, index, split):
        x = self.x[index]
        target = x.sum(dim=1, keepdim=True) * (1.0 if split == "train" else self.val_sign)
        return TrainingBatch((x,), target)


def test_early_stopping_restores_best_weights():
    torch.manual_seed(0)
    module = nn.Linear(4, 1)
    data = _ShiftedData(val_sign=0.6)
    history, best_epoch = train_module(
        module,
        data,
        max_epochs=50,
        batch_size=32,
        learning_rate=0.01,
        patience=3,
        generator=torch.Generator().manual_seed(0),
    )
    val = [h["val_loss"] for h in history]
    assert best_epoch > 0 and len(history) == best_epoch + 3 < 50  # stopped after `patience` epochs
    assert best_epoch == int(np.argmin(val)) + 1 and val[-1] > min(val)
    restored = evaluate(module, data, "val", nn.functional.mse_loss, 1024, torch.device("cpu"))
    assert restored == pytest.approx(min(val), rel=1e-6)


def test_training_that_never_helps_keeps_the_initial_network():
    """The loop reports best_epoch 0 and restores the initial weights; telling the user is the
    estimator's job (it knows the data, so its advice can fit them)."""
    torch.manual_seed(0)
    module = nn.Linear(4, 1)
    initial = {k: v.clone() for k, v in module.state_dict().items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history, best_epoch = train_module(
            module,
            _ShiftedData(),
            max_epochs=50,
            batch_size=32,
            learning_rate=0.05,
            patience=3,
            generator=torch.Generator().manual_seed(0),
        )
    assert best_epoch == 0 and len(history) == 3
    for name, value in module.state_dict().items():
        torch.testing.assert_close(value, initial[name])


def test_a_loss_scale_weights_the_windows():
    """``batch`` may return a third item: the loss compares pred * scale with target * scale."""

    class Scaled(_ShiftedData):
        def batch(self, index, split):
            inputs, target, _ = super().batch(index, split)
            return TrainingBatch(inputs, target, torch.full_like(target, 3.0))

    module = nn.Linear(4, 1)
    plain = evaluate(module, _ShiftedData(), "val", nn.functional.mse_loss, 64, torch.device("cpu"))
    scaled = evaluate(module, Scaled(), "val", nn.functional.mse_loss, 64, torch.device("cpu"))
    assert scaled == pytest.approx(9.0 * plain, rel=1e-5)


def test_no_early_stopping_keeps_last_weights():
    torch.manual_seed(0)
    module = nn.Linear(4, 1)
    history, best_epoch = train_module(
        module,
        _ShiftedData(),
        max_epochs=4,
        batch_size=64,
        learning_rate=0.05,
        early_stopping=False,
        generator=torch.Generator().manual_seed(0),
    )
    assert len(history) == 4 and best_epoch == 4


def test_the_loop_tells_the_module_its_progress_before_every_epoch():
    class Recording(nn.Linear):
        def set_training_progress(self, fraction):
            self.seen.append((fraction, self.training))

    module = Recording(4, 1)
    module.seen = []
    train_module(
        module,
        _ShiftedData(),
        max_epochs=4,
        batch_size=64,
        learning_rate=0.01,
        early_stopping=False,
        generator=torch.Generator().manual_seed(0),
    )
    assert module.seen == [(0.0, True), (0.25, True), (0.5, True), (0.75, True)]


def test_non_finite_loss_names_the_optimisation_causes():
    """The loop knows only the optimisation; the estimator leads with the data's cause when there is
    one (tests/test_neural.py)."""

    class Exploding(_ShiftedData):
        def batch(self, index, split):
            inputs, target, _ = super().batch(index, split)
            return TrainingBatch(inputs, target * float("inf"))

    with pytest.raises(NonFiniteLossError, match="at epoch 1. Likely causes: the learning rate is too high"):
        train_module(nn.Linear(4, 1), Exploding(), max_epochs=2, batch_size=64, learning_rate=0.01)


def test_history_records_every_epoch():
    y = np.sin(np.arange(200) / 4)
    model = LSTMForecaster(**{**CHEAP, "max_epochs": 5}, lr_schedule="cosine", random_state=0).fit(None, y)
    h = model.history_
    assert list(h.columns) == ["epoch", "train_loss", "val_loss", "lr", "seconds"]
    assert h["epoch"].tolist() == list(range(1, len(h) + 1)) and 1 <= len(h) <= 5
    assert np.isfinite(h[["train_loss", "val_loss"]].to_numpy()).all()
    assert (h["seconds"] > 0).all() and h["lr"].iloc[0] == 1e-3 and h["lr"].is_monotonic_decreasing
    assert 1 <= model.best_epoch_ <= len(h)
    no_val = LSTMForecaster(**CHEAP, early_stopping=False, random_state=0).fit(None, y)
    assert no_val.history_["val_loss"].isna().all() and len(no_val.history_) == 3


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_losses(loss):
    y = np.sin(np.arange(120) / 4)
    model = GRUForecaster(**CHEAP, loss=loss, lr_schedule="plateau", random_state=0).fit(None, y)
    assert np.isfinite(model.forecast(4)).all()


# -- determinism and pickling -------------------------------------------------------------


rng = np.random.default_rng(1)
Y_SEED = np.sin(np.arange(150) / 5) + 0.1 * rng.normal(size=150)
X_SEED = rng.normal(size=(160, 2))


def _fit_predict(seed):
    model = LSTMForecaster(**CHEAP, dropout=0.2, early_stopping=False, random_state=seed)
    model.fit(X_SEED[:150], Y_SEED)
    return model, model.predict(X_SEED[150:])


def test_same_seed_bit_identical_and_global_rng_untouched():
    state = torch.get_rng_state()
    _, a = _fit_predict(0)
    assert torch.equal(state, torch.get_rng_state()), "fit must not consume the global torch RNG"
    _, b = _fit_predict(0)
    _, c = _fit_predict(1)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_pickle_round_trip_is_exact_and_stores_cpu_weights():
    model, pred = _fit_predict(0)
    X_future = X_SEED[150:]
    state = model.__getstate__()
    assert isinstance(state["module_"], dict)  # a state_dict: no optimizer, no generator, no module
    assert all(v.device.type == "cpu" for v in state["module_"].values())
    assert model.module_ is not state["module_"] and isinstance(model.module_, nn.Module)
    for loaded in (pickle.loads(pickle.dumps(model)), _joblib_round_trip(model)):
        np.testing.assert_array_equal(loaded.predict(X_future), pred)
        assert loaded.device_ == model.device_  # "auto" resolves alike on the same machine
        pairs = zip(model.module_.state_dict().items(), loaded.module_.state_dict().items(), strict=True)
        for (k1, v1), (k2, v2) in pairs:
            assert k1 == k2 and torch.equal(v1, v2)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the fallback of a CPU-only machine")
def test_gpu_trained_model_loads_on_cpu():
    model, pred = _fit_predict(0)
    model.device = "cuda"  # as if it had been trained with device="cuda"
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.device_ == torch.device("cpu") and next(loaded.module_.parameters()).device.type == "cpu"
    X_future = X_SEED[150:]
    np.testing.assert_array_equal(loaded.predict(X_future), pred)


def _joblib_round_trip(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return joblib.load(buffer)
