"""The neural forecasters (one suite for every neural family): behaviour and accuracy."""

from __future__ import annotations

import copy
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone

import tsforecast
from tsforecast.datasets import load_etth1, load_ili, load_seattle_weather, load_sp500
from tsforecast.models.neural import MAX_SEASONAL_LOOKBACK, NeuralForecaster, _no_improvement_advice
from tsforecast.models.rnn import GRUForecaster, LSTMForecaster
from tsforecast.models.seq2seq import Seq2SeqForecaster
from tsforecast.models.tcn import TCNForecaster
from tsforecast.models.transformer import TransformerForecaster
from tsforecast.nn.normalization import instance_denormalize, instance_normalize
from tsforecast.training import NonFiniteLossError, TrainingWarning

torch.set_num_threads(1)  # one thread: no OpenMP oversubscription on a shared machine

# every neural family from the one registry: a new model is tested here once it is exported
ESTIMATORS = [cls for _, cls in tsforecast.all_estimators() if issubclass(cls, NeuralForecaster)]
RECURRENT = [cls for cls in ESTIMATORS if "bidirectional" in cls().get_params()]
CHEAP = dict(lookback=12, horizon=4, hidden_size=16, max_epochs=4, batch_size=32, random_state=0)
rng = np.random.default_rng(0)
Y = np.sin(np.arange(240) * 2 * np.pi / 12) + 0.05 * rng.normal(size=240)


@pytest.fixture(params=ESTIMATORS, ids=lambda c: c.__name__)
def cls(request):
    return request.param


def _no_x(h):
    return np.empty((h, 0))


def test_known_future_covariates_are_used(cls):
    rng = np.random.default_rng(0)
    n = 300
    x = rng.normal(size=(n + 20, 1))
    y = 3.0 * x[:n, 0] + 0.1 * rng.normal(size=n)  # driven by the covariate at the same step
    # a look-back of 24: the per-window scale of y (instance normalisation) is then estimated well
    # enough for the network to map the covariate back to it
    params = dict(
        lookback=24,
        horizon=4,
        hidden_size=16,
        max_epochs=10,
        batch_size=16,
        learning_rate=5e-3,
        early_stopping=False,
        random_state=0,
    )
    with_x = cls(**params).fit(x[:n], y)
    without = cls(**params).fit(None, y)
    truth = 3.0 * x[n:, 0]
    mse_x = np.mean((with_x.predict(x[n:]) - truth) ** 2)
    mse_no = np.mean((without.predict(_no_x(20)) - truth) ** 2)
    assert mse_x < 0.3 * mse_no, (mse_x, mse_no)


def test_recursive_rollout_beyond_horizon(cls):
    model = cls(**CHEAP).fit(None, Y)
    long = model.predict(_no_x(11))  # 3 network passes of horizon 4
    assert long.shape == (11,) and np.isfinite(long).all()
    # prefixes agree, across block boundaries
    for k in (1, 4, 5, 9):
        np.testing.assert_allclose(model.predict(_no_x(k)), long[:k], rtol=1e-6, atol=1e-7)
    # steps 5..8 are the forecast made after feeding steps 1..4 back as observations
    fed = copy.deepcopy(model).update(None, long[:4])
    np.testing.assert_allclose(fed.predict(_no_x(4)), long[4:8], rtol=1e-5, atol=1e-6)


def test_two_dimensional_y_is_one_global_model(cls):
    y = np.column_stack([Y, 100.0 * Y + 50.0])  # the same series at another scale and level
    model = cls(**CHEAP).fit(None, y)
    pred = model.predict(_no_x(6))
    assert pred.shape == (6, 2)
    # one network, instance-normalised windows: the second forecast is the first, rescaled
    np.testing.assert_allclose(pred[:, 1], 100.0 * pred[:, 0] + 50.0, rtol=1e-4)
    # one network for both columns: the same size as the network of a single column
    size = lambda m: sum(p.numel() for p in m.module_.parameters())  # noqa: E731
    assert size(model) == size(cls(**CHEAP).fit(None, Y))
    frame = pd.DataFrame(y, columns=["a", "b"], index=pd.date_range("2024-01-01", periods=240, freq="h"))
    out = clone(model).fit(None, frame).forecast(3)
    assert list(out.columns) == ["a", "b"] and out.index[0] == pd.Timestamp("2024-01-11 00:00")


def test_last_value_normalization(cls):
    """normalization="last": windows shifted by their last value, so the network learns a
    correction to repeat-last; forecasts still follow the level and scale of the data."""
    model = cls(**CHEAP, normalization="last").fit(None, np.column_stack([Y, 100.0 * Y + 50.0]))
    pred = model.predict(_no_x(6))
    np.testing.assert_allclose(pred[:, 1], 100.0 * pred[:, 0] + 50.0, rtol=1e-4)
    assert np.abs(pred[:, 0] - Y[-1]).max() > 1e-3  # a learned correction, not a constant
    normalised, loc, scale = instance_normalize(torch.as_tensor(Y[None, :, None]), center="last")
    assert float(normalised[0, -1, 0]) == 0.0 and float(loc) == Y[-1]
    np.testing.assert_allclose(instance_denormalize(normalised, loc, scale)[0, :, 0].numpy(), Y)


@pytest.mark.parametrize("normalization", ["instance", "last"])
def test_untrained_network_forecasts_the_window_mean_or_last_value(cls, normalization):
    """Output layers start at zero: before training moves them, the forecast is the window's mean
    ("instance") or its last value ("last"), the starting point early stopping falls back to."""
    model = cls(**{**CHEAP, "max_epochs": 1}, learning_rate=1e-30, normalization=normalization)
    pred = model.fit(None, Y).predict(_no_x(4))
    window = Y[-model.lookback_ :]
    expected = window[-1] if normalization == "last" else window.mean()
    np.testing.assert_allclose(pred, expected, atol=1e-5)


def test_update_moves_the_origin_without_retraining(cls):
    model = cls(**CHEAP).fit(None, Y[:200])
    weights = {k: v.clone() for k, v in model.module_.state_dict().items()}
    before = model.predict(_no_x(4))
    model.update(None, Y[200:220])
    assert model.n_train_ == 220
    for k, v in model.module_.state_dict().items():
        assert torch.equal(v, weights[k])
    after = model.predict(_no_x(4))
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, model.predict_origins([220], 4, y=Y)[0, :, 0], rtol=1e-6, atol=1e-7)


def test_predict_origins_equals_individual_predicts(cls):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(len(Y) + 10, 2))
    model = cls(**CHEAP).fit(X[:150], Y[:150])
    origins = np.array([150, 163, 181, 200, 230])
    batched = model.predict_origins(origins, 7, y=Y, X=X)
    assert batched.shape == (5, 7, 1)
    for i, o in enumerate(origins):
        single = copy.deepcopy(model)
        if o > 150:
            single.update(X[150:o], Y[150:o])
        np.testing.assert_allclose(single.predict(X[o : o + 7]), batched[i, :, 0], rtol=1e-5, atol=1e-6)
    # default history: y_train_ and the X seen so far
    np.testing.assert_allclose(
        model.predict_origins([150], 3, X=X[:153])[0, :, 0], model.predict(X[150:153]), rtol=1e-6, atol=1e-7
    )


def test_pandas_in_and_out(cls):
    index = pd.date_range("2023-01-01", periods=len(Y), freq="D")
    y = pd.Series(Y, index=index, name="temp")
    X = pd.DataFrame({"dow": index.dayofweek.astype(float)}, index=index)
    future = pd.date_range(index[-1] + pd.Timedelta(days=1), periods=5, freq="D")
    X_future = pd.DataFrame({"dow": future.dayofweek.astype(float)}, index=future)
    model = cls(**CHEAP).fit(X, y)
    out = model.forecast(X_future)
    assert isinstance(out, pd.Series) and out.name == "temp" and out.index.equals(future)
    np.testing.assert_allclose(out.to_numpy(), model.predict(X_future))
    plain = cls(**CHEAP).fit(None, y).forecast(5)
    assert plain.index.equals(future)


def test_clear_errors(cls):
    name = cls.__name__
    with pytest.raises(ValueError, match=f"The 'horizon' parameter of {name} must be an int in the range"):
        cls(horizon=0).fit(None, Y)
    with pytest.raises(ValueError, match=f"The 'lookback' parameter of {name} must be an int .* Got True"):
        cls(lookback=True).fit(None, Y)  # an integer parameter refuses True (bool is an int subclass)
    with pytest.raises(ValueError, match="'normalization' parameter .* must be a str among .* or None"):
        cls(normalization="batch").fit(None, Y)
    with pytest.raises(ValueError, match="'loss' parameter .* must be a str among"):
        cls(loss="mape").fit(None, Y)
    with pytest.raises(
        ValueError, match="'dropout' parameter .* must be a float in the range \\[0.0, 1.0\\)"
    ):
        cls(dropout=1.0).fit(None, Y)
    with pytest.raises(ValueError, match="n_samples=10"):
        cls(lookback=12, horizon=4).fit(None, Y[:10])
    model = cls(**CHEAP).fit(None, Y)
    with pytest.raises(ValueError, match="origins must lie in"):
        model.predict_origins([3], 2)
    with pytest.raises(ValueError, match="features"):
        model.predict(np.ones((3, 2)))
    exog = cls(**CHEAP).fit(np.ones((len(Y), 1)), Y)
    with pytest.raises(ValueError, match="covering every forecast row"):
        exog.predict_origins([100], 2, y=Y)
    with pytest.raises(ValueError, match="known-future covariates"):
        exog.predict_origins([len(Y)], 2)


def test_default_lookback_follows_horizon_and_season(cls):
    model = cls(horizon=6, seasonal_period=24, max_epochs=1, hidden_size=4, random_state=0).fit(None, Y)
    assert model.lookback_ == 72
    short = cls(horizon=6, seasonal_period=52, max_epochs=1, hidden_size=4, random_state=0).fit(None, Y[:100])
    assert short.lookback_ == (100 - 20 - 6) // 2  # capped by the data
    # a yearly season of daily data no longer asks for 3 * 365 = 1095 steps: the season's share is
    # capped (Fourier terms carry long seasons, see the lookback docs)
    assert cls(horizon=7, seasonal_period=365)._resolve_lookback(5000) == MAX_SEASONAL_LOOKBACK == 256
    assert cls(horizon=100, seasonal_period=365)._resolve_lookback(5000) == 400  # 4 * horizon still rules
    assert "FourierFeatures(period=365.25" in cls.__doc__


def test_parameters_are_validated_once_per_fit_with_sklearn_constraints(cls, monkeypatch):
    calls = []
    original = cls._validate_params
    monkeypatch.setattr(cls, "_validate_params", lambda self: calls.append(1) or original(self))
    cls(**CHEAP).fit(None, Y[:60])
    assert calls == [1]
    # every shared parameter is declared, each subclass's own ones too
    assert set(cls._parameter_constraints) == set(cls().get_params())


def test_family_specific_parameter_constraints():
    with pytest.raises(
        ValueError, match="'kernel_size' parameter of TCNForecaster must be an int in the range \\[2"
    ):
        TCNForecaster(kernel_size=1).fit(None, Y)
    assert (
        TCNForecaster(**CHEAP, num_layers=None).fit(None, Y[:60]).lookback_ == 12
    )  # None: sized by lookback
    with pytest.raises(ValueError, match="num_heads=3 must divide hidden_size=16"):
        TransformerForecaster(**CHEAP, num_heads=3).fit(None, Y)
    with pytest.raises(ValueError, match="'norm' parameter of TransformerForecaster must be a str among"):
        TransformerForecaster(norm="group").fit(None, Y)
    with pytest.raises(ValueError, match="'teacher_forcing' parameter of Seq2SeqForecaster must be a float"):
        Seq2SeqForecaster(teacher_forcing=1.5).fit(None, Y)
    with pytest.raises(ValueError, match="'num_layers' parameter of LSTMForecaster must be an int"):
        LSTMForecaster(num_layers=None).fit(None, Y)  # only the TCN sizes itself


def test_family_docs_describe_their_own_network():
    assert "Stacked recurrent layers" in LSTMForecaster.__doc__
    assert "Residual blocks" in TCNForecaster.__doc__ and "recurrent" not in TCNForecaster.__doc__
    assert "Transformer encoder layers" in TransformerForecaster.__doc__
    assert "recurrent" not in TransformerForecaster.__doc__
    assert "encoder and in the decoder" in Seq2SeqForecaster.__doc__


# -- offsets and scales -------------------------------------------------------------------------


@pytest.mark.parametrize("c, b", [(1e-9, 0.0), (1e20, 0.0), (1.0, 1.234567e9), (3e3, -7e6)])
def test_forecasts_follow_offset_and_scale(cls, c, b):
    """Forecasts of c * y + b are c * f(y) + b: each series is standardised in float64 before the
    float32 cast, so the network sees the same inputs whatever the units. Pure scalings are exact to
    float64 rounding (the float32 inputs are bit-identical); with an offset the data c * y + b
    themselves are only known to ulp(b) (2.4e-7 at 1.234567e9), which bounds the difference. Cast
    first, the offset series forecast about 40 units off and 1e20 raised NonFiniteLossError."""
    settings = {**CHEAP, "max_epochs": 2}
    reference = cls(**settings).fit(None, Y).predict(_no_x(6))
    shifted = cls(**settings).fit(None, c * Y + b).predict(_no_x(6))
    tolerance = 8 * np.spacing(abs(b)) / c + 1e-12 * Y.std()
    np.testing.assert_allclose((shifted - b) / c, reference, rtol=0, atol=tolerance)


def test_non_finite_loss_leads_with_the_data_when_they_cause_it():
    y = np.random.default_rng(0).normal(size=200) * 1e30
    with pytest.raises(NonFiniteLossError) as err:  # normalization=None: the values reach float32 as given
        LSTMForecaster(**CHEAP, normalization=None).fit(None, y)
    message = str(err.value)
    assert re.match(r"y reaches [0-9.]+e\+30, too large for the network's float32 arithmetic", message)
    assert "normalization='instance'" in message and "learning rate" in message  # the loop's part follows
    # with the default normalisation the same series trains: standardised in float64 first
    pred = LSTMForecaster(**CHEAP).fit(None, y).forecast(4)
    assert np.isfinite(pred).all() and np.abs(pred).max() > 1e28


# -- training that never helps -------------------------------------------------------------------


def _sp500_close():
    return load_sp500()["close"].to_numpy()[:600]


def test_no_improvement_advice_fits_the_series():
    price = _sp500_close()
    returns = np.diff(np.log(price))
    assert "normalization='last'" in _no_improvement_advice(price[:, None], "instance")
    assert "hard to beat" in _no_improvement_advice(price[:, None], "last")
    advice = _no_improvement_advice(returns[:, None], "instance")
    assert "NaiveForecaster(strategy='mean')" in advice and "normalization='last' would not help" in advice
    assert "use 'instance'" in _no_improvement_advice(returns[:, None], "last")
    assert "learning_rate" in _no_improvement_advice(Y[:, None], "instance")  # a seasonal series


def test_kept_initial_weights_warn_once_with_a_stable_message():
    """A learning rate of 0.3 makes every epoch worse than the untrained network on returns: the
    initial weights are kept, with one warning per fit whose text is the same at every refit (as
    in a backtest; it used to embed the loss value), so anything that de-duplicates warnings by
    their text collapses them."""
    returns = np.diff(np.log(_sp500_close()))
    # normalization set: the advice judged from the series is for a user's choice ("auto" chose itself)
    settings = {**CHEAP, "max_epochs": 3, "patience": 2, "learning_rate": 0.3, "normalization": "instance"}
    messages = []
    for end in (400, 450, 500):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = TransformerForecaster(**settings).fit(None, returns[:end])
        assert model.best_epoch_ == 0
        messages += [str(w.message) for w in caught if issubclass(w.category, TrainingWarning)]
    assert len(messages) == 3 and len(set(messages)) == 1, messages  # one per fit, one text
    message = messages[0]
    assert message.startswith("TransformerForecaster kept its initial weights")
    assert "NaiveForecaster(strategy='mean')" in message and not any(ch.isdigit() for ch in message)
    with pytest.warns(TrainingWarning, match="random walk.*try normalization='last'"):
        TransformerForecaster(**settings).fit(None, _sp500_close())


# -- devices, progress bar, state ------------------------------------------------------------------


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks a CPU-only PyTorch")
def test_unavailable_device_is_a_clear_error(cls):
    with pytest.raises(ValueError, match="device='cuda', but this PyTorch cannot use CUDA.*device='cpu'"):
        cls(**CHEAP, device="cuda").fit(None, Y)
    with pytest.raises(ValueError, match="device='gpu' is not a torch device"):
        cls(**CHEAP, device="gpu").fit(None, Y)


def test_progress_bar_names_the_estimator(cls, capsys):
    cls(**{**CHEAP, "max_epochs": 1}, verbose=True).fit(None, Y[:60])
    err = capsys.readouterr().err
    assert cls.__name__ in err and "Network" not in err


def test_no_tensors_are_left_on_the_estimator(cls):
    """The normaliser holds float64 numpy statistics only; the network is the one torch state."""
    model = cls(**CHEAP).fit(None, Y[:60])
    tensors = [k for k, v in vars(model).items() if isinstance(v, torch.Tensor) and k != "module_"]
    assert tensors == []
    normalizer = model._normalizer
    np.testing.assert_allclose(normalizer.series_loc_, [Y[:60].mean()])
    np.testing.assert_allclose(normalizer.series_scale_, [Y[:60].std()])


@pytest.mark.parametrize("cls", RECURRENT, ids=lambda c: c.__name__)
def test_bidirectional(cls):
    model = cls(**CHEAP, bidirectional=True).fit(None, Y)
    assert model.module_.head.linear.in_features == 2 * 16 and np.isfinite(model.forecast(5)).all()


@pytest.mark.parametrize("attention", ["luong", "bahdanau"])
def test_seq2seq_attention_copies_a_pattern_seen_only_in_its_window(attention):
    """Every 120 steps a fresh random pattern of period 10 starts repeating: no weights can memorise
    it, so each decoder step must find its phase in the input window and copy the value there."""
    rng = np.random.default_rng(0)
    period, segment, n = 10, 120, 1200
    y = np.concatenate([np.tile(rng.normal(size=period), segment // period) for _ in range(11)])
    y += 0.05 * rng.normal(size=len(y))
    model = Seq2SeqForecaster(
        lookback=3 * period,
        horizon=period,
        hidden_size=16,
        max_epochs=15,
        learning_rate=5e-3,
        attention=attention,
        random_state=0,
    ).fit(None, y[:n])
    origins = np.arange(n, len(y) - period + 1)
    inside = (origins % segment >= 3 * period) & (origins % segment <= segment - period)
    origins = origins[inside]  # window and horizon within one pattern's segment
    truth = y[origins[:, None] + np.arange(period)]
    mse = np.mean((model.predict_origins(origins, period, y=y)[:, :, 0] - truth) ** 2)
    window_mean = y[origins[:, None] - 3 * period + np.arange(3 * period)].mean(axis=1, keepdims=True)
    # without position-aware attention reading the raw inputs this ratio was 0.90 (Luong), 0.96 (Bahdanau)
    assert mse < 0.25 * np.mean((window_mean - truth) ** 2)


def test_seq2seq_teacher_forcing_decays_to_free_running():
    """Scheduled sampling: fed the truth at the start of training, its own forecasts from half-way,
    which is how it runs at inference."""
    from tsforecast.nn.seq2seq import Seq2SeqNetwork

    torch.manual_seed(0)
    net = Seq2SeqNetwork(
        "gru", n_inputs=1, lookback=12, n_targets=1, horizon=6, hidden_size=8, teacher_forcing=1.0
    )
    with torch.no_grad():
        net.output[-1].weight.normal_()  # the zero-initialised output layer would hide its inputs
    x, truth = torch.randn(4, 12, 1), torch.randn(4, 6, 1)
    free_running = net.eval()(x)
    net.train()
    for fraction, forced in [(0.0, True), (0.25, True), (0.5, False), (0.9, False)]:
        net.set_training_progress(fraction)
        assert net.teacher_ratio == pytest.approx(max(0.0, 1.0 - 2 * fraction))
        with torch.no_grad():
            out = net(x, None, truth)
        assert torch.allclose(out, free_running) != forced
    net.set_training_progress(0.0)
    with torch.no_grad():  # ratio 1: every step after the first reads the true previous value
        changed = net(x, None, truth + 1.0) - net(x, None, truth)
    assert torch.all(changed[:, 0] == 0) and torch.all(changed[:, 1:].abs() > 0)


@pytest.mark.parametrize("teacher_forcing", [0.0, 0.5])
def test_seq2seq_deferred_attention_gradients_equal_plain_autograd(teacher_forcing, monkeypatch):
    """Luong attention sums its keys' and values' gradients over the decoder steps at the end, on the
    CPU, for speed: every parameter's gradient must equal plain autograd's."""
    from tsforecast.nn import seq2seq

    def gradients():
        torch.manual_seed(0)
        net = (
            seq2seq.Seq2SeqNetwork(
                "lstm",
                n_inputs=2,
                lookback=10,
                n_targets=1,
                horizon=7,
                hidden_size=6,
                n_future=1,
                teacher_forcing=teacher_forcing,
            )
            .double()
            .train()
        )
        with torch.no_grad():
            net.output[-1].weight.normal_()  # the zero-initialised output layer would hide its inputs
        generator = torch.Generator().manual_seed(1)
        x, x_future, truth = (
            torch.randn(*shape, generator=generator, dtype=torch.float64)
            for shape in [(3, 10, 2), (3, 7, 1), (3, 7, 1)]
        )
        loss = ((net(x, x_future, truth) - truth) ** 2).mean()
        nodes, seen = [loss.grad_fn], set()
        while nodes:  # the autograd graph's node types
            node = nodes.pop()
            if node is not None and node not in seen:
                seen.add(node)
                nodes.extend(next_node for next_node, _ in node.next_functions)
        loss.backward()
        return {name: p.grad for name, p in net.named_parameters()}, {type(n).__name__ for n in seen}

    deferred, deferred_nodes = gradients()
    assert {"_LuongStepBackward", "_SharedMemoryBackward"} <= deferred_nodes  # the deferred path was taken
    monkeypatch.setattr(seq2seq._Attention, "stepper", seq2seq._Attention.plain_stepper)
    plain, plain_nodes = gradients()
    assert not {"_LuongStepBackward", "_SharedMemoryBackward"} & plain_nodes
    assert deferred.keys() == plain.keys()
    for name, grad in plain.items():
        assert grad.abs().max() > 0, name
        torch.testing.assert_close(deferred[name], grad, rtol=1e-10, atol=1e-12, msg=name)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_stacked_cell_steps_as_the_stacked_layer(cell):
    """The decoder's cells: the same seed gives the same weights as ``nn.LSTM``/``nn.GRU``/``nn.RNN``
    of that depth, and stepping them gives the layer's outputs, final state and gradients."""
    from tsforecast.nn.rnn import CELLS, StackedCell

    torch.manual_seed(0)
    layer = CELLS[cell](3, 5, num_layers=2, batch_first=True).double()
    torch.manual_seed(0)
    cells = StackedCell(cell, 3, 5, num_layers=2).double()
    for depth, step_cell in enumerate(cells.cells):
        for name, weight in step_cell.named_parameters():
            torch.testing.assert_close(weight, getattr(layer, f"{name}_l{depth}"), rtol=0, atol=0)
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(4, 6, 3, generator=generator, dtype=torch.float64)
    h = torch.randn(2, 4, 5, generator=generator, dtype=torch.float64)
    start = (h, torch.randn(2, 4, 5, generator=generator, dtype=torch.float64)) if cell == "lstm" else h
    expected, expected_state = layer(x, start)
    state, outputs = cells.layers(start), []
    for t in range(x.shape[1]):
        out, state = cells(x[:, t], state)
        outputs.append(out)
    torch.testing.assert_close(torch.stack(outputs, 1), expected)
    expected_top = (expected_state[0] if cell == "lstm" else expected_state)[-1]
    torch.testing.assert_close(cells.top(state), expected_top)
    torch.stack(outputs, 1).square().sum().backward()
    expected.square().sum().backward()
    for depth, step_cell in enumerate(cells.cells):
        for name, weight in step_cell.named_parameters():
            torch.testing.assert_close(weight.grad, getattr(layer, f"{name}_l{depth}").grad, msg=name)
    cells.dropout = 0.5  # in training, between the layers only: the bottom layer's state is untouched
    with torch.no_grad():
        out, kept = cells.eval()(x[:, 0], cells.layers(start))
        torch.manual_seed(2)
        out_dropped, dropped = cells.train()(x[:, 0], cells.layers(start))
    assert not torch.allclose(out_dropped, out)
    torch.testing.assert_close(dropped[0], kept[0])


# -- quantiles (issue 16): a quantile head or residual bands, for every family -------------------

LEVELS = np.array([0.1, 0.5, 0.9])


def _quantiles(model, h, levels=LEVELS):
    return model._predict_quantiles(np.arange(1, h + 1), _no_x(h), np.asarray(levels))


@pytest.mark.parametrize("head", [None, [0.1, 0.9]], ids=["residual", "head"])
def test_quantiles_shapes_order_and_median(cls, head):
    y = np.column_stack([Y, 10.0 * Y + 3.0])
    model = cls(**CHEAP, quantiles=head).fit(None, y)
    point = model.predict(_no_x(10))
    bands = _quantiles(model, 10)  # 10 steps: three rollout blocks of horizon 4
    assert bands.shape == (10, 2, 3) and np.isfinite(bands).all()
    assert (np.diff(bands, axis=-1) >= 0).all()  # never crossing
    assert ((bands[..., 0] <= point) & (point <= bands[..., 2])).all()
    # the second series is the first, rescaled: so are its quantiles (window units, then decoded)
    np.testing.assert_allclose(bands[:, 1], 10.0 * bands[:, 0] + 3.0, rtol=1e-4)
    if head is None:
        assert model.quantiles_ is None and model.residual_quantiles_.shape == (4, 203)
    else:  # the median is trained (added to [0.1, 0.9]) and is the point forecast
        np.testing.assert_array_equal(model.quantiles_, LEVELS)
        # (one of the sorted values: an undertrained head may cross, and sorting uncrosses it)
        assert np.isclose(bands, point[..., None], rtol=1e-6, atol=1e-7).any(axis=-1).all()
        assert model.residual_quantiles_ is None
        # between trained levels: linear interpolation (0.3 is half-way from 0.1 to 0.5), in float32
        middle = _quantiles(model, 4, [0.1, 0.3, 0.5])
        np.testing.assert_allclose(middle[..., 1], middle[..., [0, 2]].mean(axis=-1), rtol=0, atol=1e-5)
    # predict_origins: (n_origins, n_steps, k, n_q) in one pass, equal to the hook
    origins = model.predict_origins([len(y)], 10, y=y, quantiles=LEVELS)
    assert origins.shape == (1, 10, 2, 3)
    np.testing.assert_allclose(origins[0], bands, rtol=1e-6, atol=1e-7)


def test_quantiles_are_deterministic_and_survive_pickling():
    import pickle

    for head in (None, [0.2, 0.8]):
        a = LSTMForecaster(**CHEAP, quantiles=head).fit(None, Y)
        b = LSTMForecaster(**CHEAP, quantiles=head).fit(None, Y)
        np.testing.assert_array_equal(_quantiles(a, 6, [0.2, 0.5, 0.8]), _quantiles(b, 6, [0.2, 0.5, 0.8]))
        loaded = pickle.loads(pickle.dumps(a))
        np.testing.assert_array_equal(_quantiles(loaded, 6, [0.25, 0.5]), _quantiles(a, 6, [0.25, 0.5]))


def test_bands_widen_beyond_the_horizon_as_independent_block_errors():
    from tsforecast.training.quantiles import widen

    deviation = torch.tensor([[[-1.0, 0.5], [-2.0, 1.0], [-3.0, 2.0]]])  # (1, H=3, 2 levels)
    torch.testing.assert_close(widen(deviation, 0), deviation)
    expected = torch.sign(deviation) * torch.sqrt(deviation**2 + 2 * deviation[:, -1:] ** 2)
    torch.testing.assert_close(widen(deviation, 2), expected)  # block 2: two blocks fed back before it


def test_pinball_loss_is_the_quantile_loss():
    from tsforecast.training.quantiles import pinball_loss

    pred = torch.tensor([[[0.0, 1.0, 3.0]]])  # levels 0.1, 0.5, 0.9
    target = torch.tensor([[[2.0]]])
    # errors 2, 1, -1: 0.1 * 2, 0.5 * 1, (0.9 - 1) * -1
    loss = pinball_loss(LEVELS)(pred, target, reduction="sum")
    assert float(loss) == pytest.approx(0.2 + 0.5 + 0.1)


def test_quantile_errors_name_the_problem():
    with pytest.raises(ValueError, match="quantiles must lie strictly between 0 and 1"):
        LSTMForecaster(**CHEAP, quantiles=[0.1, 1.0]).fit(None, Y)
    with pytest.raises(ValueError, match="quantiles has duplicated values"):
        LSTMForecaster(**CHEAP, quantiles=[0.1, 0.1]).fit(None, Y)
    with pytest.raises(ValueError, match="'quantiles' parameter of LSTMForecaster must be an array-like"):
        LSTMForecaster(**CHEAP, quantiles=0.1).fit(None, Y)
    head = LSTMForecaster(**CHEAP, quantiles=[0.1, 0.9]).fit(None, Y)
    with pytest.raises(ValueError, match=r"\[0.05\] lie outside the levels LSTMForecaster's quantile head"):
        _quantiles(head, 4, [0.05, 0.5])
    with pytest.raises(ValueError, match="quantiles must lie strictly between 0 and 1"):
        head.predict_origins([200], 4, quantiles=[0.5, 1.5])
    with pytest.raises(ValueError, match="quantiles must be in increasing order"):
        head.predict_origins([200], 4, quantiles=[0.9, 0.1])
    no_validation = LSTMForecaster(**CHEAP, early_stopping=False).fit(None, Y)
    with pytest.raises(ValueError, match="no residuals to draw quantiles from.*early_stopping=True"):
        _quantiles(no_validation, 4)
    with pytest.warns(UserWarning, match="loss='mae' is not used"):
        LSTMForecaster(**CHEAP, quantiles=[0.5], loss="mae").fit(None, Y)


def test_residual_band_covers_held_out_etth1():
    """ETTh1 OT (hourly, raw units): an LSTM fit on 4000 hours; the 80% residual band over the next
    2000 hours' windows (165 origins every 12 h, 24 steps) covers close to 80%: measured 0.868
    (0.744 for a quantile head with the same cheap training; see benchmarks/neural_intervals.py
    for the families and both sources at a longer training)."""
    y = load_etth1()["OT"].to_numpy()[:6000]
    model = LSTMForecaster(
        lookback=48, horizon=24, hidden_size=16, max_epochs=5, steps_per_epoch=40, random_state=0
    ).fit(None, y[:4000])
    origins = np.arange(4000, 6000 - 24 + 1, 12)
    bands = model.predict_origins(origins, 24, y=y, quantiles=[0.1, 0.9])[:, :, 0]
    truth = y[origins[:, None] + np.arange(24)]
    coverage = np.mean((truth >= bands[..., 0]) & (truth <= bands[..., 1]))
    assert 0.7 <= coverage <= 0.9, coverage


# -- accuracy on real data (slow) -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "estimator", [LSTMForecaster, GRUForecaster, TransformerForecaster], ids=lambda c: c.__name__
)
def test_etth1_beats_naive_baselines(estimator):
    """ETTh1 OT, standard split, lookback 96, horizon 24 (see benchmarks/rnn_accuracy.py)."""
    y = load_etth1()["OT"].to_numpy()[:14400]
    y = (y - y[:8640].mean()) / y[:8640].std()
    origins = np.arange(11520, 14400 - 24 + 1)
    truth = y[origins[:, None] + np.arange(24)]
    model = estimator(lookback=96, horizon=24, random_state=0, device="cpu").fit(None, y[:8640])
    mse = np.mean((model.predict_origins(origins, 24, y=y)[:, :, 0] - truth) ** 2)
    last = np.mean((y[origins - 1][:, None] - truth) ** 2)
    seasonal = np.mean((y[origins[:, None] - 24 + np.arange(24)] - truth) ** 2)
    assert mse < last and mse < seasonal, (mse, last, seasonal)


OUT_OF_THE_BOX = {
    # name: (series, training rows, horizon, seasonal period)
    "hourly": (lambda: load_etth1()["OT"].iloc[:2400], 2000, 24, 24),
    "daily": (lambda: load_seattle_weather()["temp_max"], 1096, 7, 7),
    "weekly": (lambda: load_ili()["OT"], 766, 12, 52),
}


@pytest.mark.slow
@pytest.mark.parametrize("data", list(OUT_OF_THE_BOX))
def test_defaults_beat_seasonal_naive(cls, data):
    load, n_train, horizon, period = OUT_OF_THE_BOX[data]
    series = load()
    y = series.to_numpy(dtype=float)
    model = cls(horizon=horizon, seasonal_period=period, random_state=0).fit(None, series.iloc[:n_train])
    origins = np.arange(n_train, len(y) - horizon + 1)
    truth = y[origins[:, None] + np.arange(horizon)]
    mse = np.mean((model.predict_origins(origins, horizon, y=y)[:, :, 0] - truth) ** 2)
    seasonal = np.mean((y[origins[:, None] - period + np.arange(horizon) % period] - truth) ** 2)
    assert mse < seasonal, (mse, seasonal)


def test_residual_bands_never_narrow_beyond_the_horizon():
    """Blocks beyond the horizon read windows of fed-back forecasts, smoother than data: their
    spread must not shrink the band (it did: 6.7 at steps 1-7, 2.4 at steps 29-35 on these data)."""
    temps = load_seattle_weather()["temp_max"].iloc[-800:]
    model = LSTMForecaster(
        horizon=7, seasonal_period=7, normalization="instance", hidden_size=16, max_epochs=3, random_state=0
    ).fit(None, temps)
    frame = model.forecast(35, coverage=0.8)
    width = (frame["upper_80"] - frame["lower_80"]).to_numpy().reshape(5, 7).mean(axis=1)
    assert (np.diff(width) >= 0).all(), width
