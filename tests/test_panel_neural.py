"""Neural forecasters on panels: one global network over ragged series."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from test_panel import ett_panel

from tsforecast import GRUForecaster, LSTMForecaster
from tsforecast.panel import ShortSeriesWarning
from tsforecast.training.windows import WindowSampler


def _tagged(lengths, n_features=2):
    """Values series * 1000 + time, so every gathered step tells where it came from."""
    values = np.concatenate([1000.0 * j + np.arange(n) for j, n in enumerate(lengths)])
    exog = np.stack([values + 0.5 * (f + 1) for f in range(n_features)], axis=1)
    return values, exog


@pytest.mark.parametrize("split", ["train", "val"])
def test_ragged_sampler_keeps_every_window_inside_one_series_once(split):
    lengths, lookback, horizon = np.array([30, 5, 50, 7]), 4, 2
    val = np.array([6, 0, 10, 0])
    values, exog = _tagged(lengths)
    sampler = WindowSampler(
        values, exog, lookback=lookback, horizon=horizon, validation_steps=val, lengths=lengths
    )
    n = sampler.n_train if split == "train" else sampler.n_val
    fits = lengths - val
    expected = (
        np.maximum(0, fits - 6 + 1).sum()
        if split == "train"
        else sum(v - horizon + 1 for v in val if v)  # targets inside the held-out tail
    )
    assert n == expected
    w = sampler.gather(torch.arange(n), split)
    tags = w.values[..., 0].numpy()
    series, time = (tags // 1000).astype(int), tags % 1000
    assert (series == series[:, :1]).all()  # no window crosses two series
    assert (np.diff(time, axis=1) == 1).all()
    np.testing.assert_array_equal(w.series.numpy(), series[:, 0])
    np.testing.assert_array_equal(w.exog[..., 1].numpy(), tags + 1.0)  # each series' own exog rows
    assert len({(s, t) for s, t in zip(series[:, 0], time[:, 0], strict=True)}) == n
    if split == "train":
        assert (time < fits[series]).all()
    else:
        assert (time[:, lookback:] >= fits[series][:, lookback:]).all()
    assert 1 not in series  # 5 points: shorter than one window of 6
    if split == "val":
        assert set(series[:, 0]) == {0, 2}


def test_ragged_sampler_with_equal_lengths_gathers_what_the_wide_one_does():
    n, k, lookback, horizon = 40, 3, 5, 3
    wide = np.arange(n * k, dtype=np.float64).reshape(k, n).T  # column j holds j * n + t
    X = np.arange(n, dtype=np.float64)[:, None]
    a = WindowSampler(wide, X, lookback=lookback, horizon=horizon, validation_steps=8)
    b = WindowSampler(
        wide.T.reshape(-1),
        X,
        lookback=lookback,
        horizon=horizon,
        validation_steps=8,
        lengths=np.full(k, n),
        exog_offsets=np.zeros(k, dtype=int),
    )
    for split in ("train", "val"):
        index = torch.arange(a.n_train if split == "train" else a.n_val)
        for x, y in zip(a.gather(index, split), b.gather(index, split), strict=True):
            torch.testing.assert_close(x, y)


def test_global_model_memory_is_the_points_not_the_windows():
    lengths = np.array([800, 1000, 1200] * 10)
    values, exog = _tagged(lengths, n_features=1)
    sampler = WindowSampler(values, exog, lookback=96, horizon=24, lengths=lengths)
    raw = 4 * (len(values) + len(values))  # float32 points and their exog
    assert raw <= sampler.nbytes() < raw + 8 * (6 * len(lengths) + 2) + 8 * 120 + 1
    assert sampler.n_train * 120 * 4 > 50 * sampler.nbytes()  # what materialising would cost


def test_one_network_for_every_series_deterministic_and_pickled():
    y = ett_panel()
    model = LSTMForecaster(horizon=12, max_epochs=2, random_state=0).fit(None, y)
    assert model.series_ids_.tolist() == ["HUFL", "OT", "LUFL"] and not hasattr(model, "estimators_")
    assert model._series_model("OT").module_ is model.module_  # one shared network
    forecast = model.forecast(12)
    X = pd.DataFrame(index=forecast.sort_index(level=1, sort_remaining=False).index)  # interleaved
    np.testing.assert_array_equal(model.predict(X), forecast.loc[X.index].to_numpy())  # in X's order
    again = LSTMForecaster(horizon=12, max_epochs=2, random_state=0).fit(None, y)
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_each_series_is_standardised_by_its_own_scale():
    y = ett_panel()
    scaled = y.copy()
    rows = scaled.index.get_level_values(0) == "OT"
    scaled[rows] = 1000.0 * scaled[rows] + 5e5  # OT in other units
    params = dict(horizon=6, max_epochs=2, random_state=0)
    base_model, moved_model = GRUForecaster(**params).fit(None, y), GRUForecaster(**params).fit(None, scaled)
    base, moved = base_model.forecast(6), moved_model.forecast(6)
    np.testing.assert_allclose(moved.xs("OT"), 1000.0 * base.xs("OT") + 5e5, rtol=1e-6)
    np.testing.assert_allclose(moved.drop("OT", level=0), base.drop("OT", level=0), rtol=1e-6)
    # the residual band of the point forecast is per series too: 1000 times wider for OT
    X = pd.DataFrame(index=base.index)
    (low, high), (moved_low, moved_high) = base_model.predict_interval(X), moved_model.predict_interval(X)
    ot = base.index.get_level_values(0) == "OT"
    np.testing.assert_allclose((moved_high - moved_low)[ot], 1000.0 * (high - low)[ot], rtol=1e-5)
    np.testing.assert_allclose((moved_high - moved_low)[~ot], (high - low)[~ot], rtol=1e-5)


def test_exogenous_rows_per_series_and_update_per_series():
    y = ett_panel()
    X = pd.DataFrame({"hour": y.index.get_level_values(1).hour.to_numpy(float)}, index=y.index)
    model = LSTMForecaster(horizon=6, max_epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="pass X with one row per future step"):
        model.forecast(3)
    end = y.xs("OT").index[-1]
    future = pd.DataFrame(
        {"hour": [1.0, 2.0]},
        index=pd.MultiIndex.from_tuples([("OT", end + pd.Timedelta(hours=h)) for h in (1, 2)]),
    )
    before = model.predict(future)
    new = pd.Series(
        [30.0], index=pd.MultiIndex.from_tuples([("OT", end + pd.Timedelta(hours=1))]), name="load"
    )
    model.update(pd.DataFrame({"hour": [1.0]}, index=new.index), new)
    assert model._series_model("OT").n_train_ == 401
    with pytest.raises(ValueError, match="at or before the training end"):
        model.predict(future)
    after = model.predict(future.iloc[1:])
    assert after[0] != before[1]  # the forecast now starts from the new observation


def test_series_too_short_for_the_network_are_named_once():
    y = ett_panel()  # LUFL has 150 points
    with pytest.warns(ShortSeriesWarning, match=r"1 of 3 series.*'LUFL' \(n_samples=150\)"):
        model = LSTMForecaster(lookback=150, horizon=6, max_epochs=1, random_state=0).fit(None, y)
    assert model.series_ids_.tolist() == ["HUFL", "OT"]
    with pytest.raises(ValueError, match=r"No series of the panel is long enough.*'OT' has n_samples=400"):
        LSTMForecaster(lookback=400, horizon=6, max_epochs=1).fit(None, y)


def test_each_series_keeps_only_the_history_its_forecast_reads():
    """A series' state is its last lookback_ rows; forecasts and update are those of the whole history."""
    y = ett_panel()
    model = LSTMForecaster(horizon=6, max_epochs=1, random_state=0).fit(None, y)
    lookback = model.lookback_
    for series_id in model.series_ids_:
        state = model.series_state_[series_id]
        assert state["y_train_"].shape == (lookback, 1) and state["n_train_"] == len(y.xs(series_id))
        np.testing.assert_array_equal(state["y_train_"][:, 0], y.xs(series_id).to_numpy()[-lookback:])
    end = y.xs("OT").index[-1]
    new = pd.Series(
        [30.0, 31.0, 32.0],
        index=pd.MultiIndex.from_tuples([("OT", end + pd.Timedelta(hours=h)) for h in (1, 2, 3)]),
        name="load",
    )
    for _ in range(2):  # twice: the history stays lookback_ rows, n_train_ counts every row
        model.update(None, new)
        new = new.set_axis(new.index.set_levels(new.index.levels[1] + pd.Timedelta(hours=3), level=1))
    view = model._series_model("OT")
    assert view.n_train_ == 406 and model.series_state_["OT"]["y_train_"].shape == (lookback, 1)
    history = np.concatenate([y.xs("OT").to_numpy(), [30.0, 31.0, 32.0] * 2])
    from_history = view.predict_origins([len(history)], 6, y=history)[0, :, 0]
    np.testing.assert_array_equal(model.forecast(6).xs("OT").to_numpy(), from_history)


def test_global_fit_holds_the_float32_points_and_a_few_bytes_per_series():
    """What fit allocates beyond torch: the sampler's float32 series and O(lookback) per series."""
    import tracemalloc

    rng = np.random.default_rng(0)
    n_series, length = 400, 500
    ids = np.repeat(np.arange(n_series), length)
    stamps = np.tile(pd.date_range("2020-01-01", periods=length, freq="h").to_numpy(), n_series)
    values = 10.0 + np.sin(np.arange(len(ids)) / 4.0) + rng.normal(0, 0.1, len(ids))
    y = pd.Series(values, index=pd.MultiIndex.from_arrays([ids, stamps]), name="y")
    model = LSTMForecaster(
        lookback=24,
        horizon=6,
        max_epochs=1,
        steps_per_epoch=1,
        batch_size=8,
        early_stopping=False,
        random_state=0,
    )
    model.fit(None, y.iloc[: 2 * length])  # torch's one-time imports and caches, before measuring
    tracemalloc.start()
    model.fit(None, y)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_series = 8 * model.lookback_ + 1000  # the float64 tail, statistics and time axis
    assert peak < 4 * len(y) + per_series * n_series + 2**20
    assert current < per_series * n_series + 2**20  # the float32 series are not kept after fit
