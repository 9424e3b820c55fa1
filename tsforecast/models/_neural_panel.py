"""The panel path of the neural forecasters: one global network over ragged series.

A panel (series of different lengths and starts, :mod:`tsforecast.panel`) trains one
network on the windows of every series: the series are concatenated once on the device
and the :class:`~tsforecast.training.windows.WindowSampler` maps window numbers to starts
inside one series (offsets per series), so no window crosses two series and memory stays
O(total points + batch x window). Each target column of each series is one sampled
series (channel-independent, as for the columns of a wide y); its exogenous rows are the
series' own rows of X.

The first normalisation stage is per series: each series (and column) is standardised by
its own mean and standard deviation in float64, so series of any units share the network;
the exogenous features are standardised over the whole panel. To forecast a series, the
estimator answers through a *view*: the fitted estimator with that series' history, time
axis and normaliser in place of the panel's (the network is shared, not copied).

Memory: the panel's values are read in place (views of the caller's arrays, series by
series), and what stays is the sampler's float32 copy of every point (4 bytes per point
and target) and, per series, the state of its view: the last ``lookback_`` rows of its
history (all that a forecast or ``update`` reads; ``n_train_`` still counts every row),
its normaliser and time axis, about 2 KB. So a view's ``y_train_`` is that tail, not the
whole history.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from tsforecast._time import fit_time_axis
from tsforecast.training.windows import WindowSampler

__all__ = ["fit_global", "keep_series_view", "panel_lookback", "series_view"]

#: What a view of one series holds in place of the panel's state.
_SERIES_STATE = (
    "y_train_",
    "_X_hist",
    "_normalizer",
    "index_kind_",
    "last_index_",
    "index_step_",
    "n_missing_stamps_",
    "n_train_",
)
#: The panel's own fitted state, which a view of one series does not have.
_PANEL_STATE = ("series_ids_", "series_state_", "short_series_", "index_names_", "estimators_")


def panel_lookback(estimator: Any, lengths: np.ndarray) -> int:
    """``lookback_`` of a panel fit: the parameter, or its default rule on the median series length."""
    return estimator._resolve_lookback(int(np.median(lengths)))


def _check_values(series: list, values: Callable[[Any], np.ndarray], name: str) -> None:
    for part in series:
        array = values(part)
        if not np.isfinite(array).all():
            row = part.time[int(np.flatnonzero(~np.isfinite(array).all(axis=1))[0])]
            raise ValueError(
                f"Series {part.id!r} of {name} contains NaN or inf (missing or infinite values), e.g. at "
                f"{row}. Forecasters need gap-free series: fill the gaps first (e.g. "
                f"`{name}.groupby(level=0).ffill()`)."
            )


class _SeriesTargets(Sequence):
    """Every series' targets as float64 (n_i, k) arrays, read from the panel when indexed.

    What the normalisation choice iterates over: no array of the whole panel is held, and a
    series whose rows are contiguous in the panel is a view of it.
    """

    def __init__(self, series: list):
        self._series = series

    def __len__(self) -> int:
        return len(self._series)

    def __getitem__(self, i):  # integers only: the normalisation choice never slices
        return self._series[i].y_values()


def fit_global(estimator: Any, series: list) -> None:
    """Train one network on every series of a panel (the neural ``_fit_panel``)."""
    from tsforecast.models.neural import resolve_device

    _check_values(series, lambda part: part.y_values(), "y")
    _check_values(series, lambda part: part.X_values(), "X")
    lengths = np.array([len(part) for part in series])
    estimator.lookback_ = lookback = panel_lookback(
        estimator, np.concatenate([lengths, list(estimator.short_series_.values())])
    )
    estimator.device_ = resolve_device(estimator.device)
    seed = int(check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max))
    targets = _SeriesTargets(series)
    X_all = np.concatenate([part.X_values() for part in series])
    n_targets, n_features = targets[0].shape[1], X_all.shape[1]
    estimator._check_quantile_settings()
    # one normalisation for the shared network, chosen over every series when it is "auto"; the
    # panel's normaliser standardises the exogenous features, each series gets its own first stage
    panel_normalizer = estimator._adapted_normalizer(targets).fit(targets[0], X_all)
    del X_all  # its float64 copy is not kept: the sampler's float32 rows are written per series
    # the sampler's float32 series and features, written in place series by series (each
    # standardised in float64 first, elementwise, so no float64 copy of the whole panel is made)
    flat = np.empty(int(lengths.sum()) * n_targets, dtype=np.float32)
    exog = np.empty((int(lengths.sum()), n_features), dtype=np.float32)
    state, irregular, at = {}, [], 0
    for part, n in zip(series, lengths, strict=True):
        y_part, X_part = part.y_values(), part.X_values()
        normalizer = estimator._window_normalizer().fit(y_part, X_part[:, :0])
        normalizer.exog_loc_ = panel_normalizer.exog_loc_
        normalizer.exog_scale_ = panel_normalizer.exog_scale_
        flat[at * n_targets : (at + n) * n_targets] = normalizer.standardize(y_part).T.reshape(-1)
        exog[at : at + n] = panel_normalizer.scale_exog(X_part)
        at += n
        axis, warning = fit_time_axis(part.time, n)
        if warning is not None:
            irregular.append((part.id, warning))
        state[part.id] = {
            # forecasting reads the last lookback_ rows (update appends to them): only those are
            # kept, copied so that no view holds the caller's panel alive
            "y_train_": y_part[-lookback:].copy(),
            "_X_hist": X_part[-lookback:].copy(),
            "_normalizer": normalizer,
            "index_kind_": axis.kind,
            "last_index_": axis.last,
            "index_step_": axis.step,
            "n_missing_stamps_": axis.missing,
            "n_train_": int(n),
        }
    if irregular:
        first, warning = irregular[0]
        warnings.warn(
            f"Series {first!r} (and {len(irregular) - 1} other series): {warning}", type(warning), 4
        )
    x_offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    estimator._normalizer = panel_normalizer
    estimator._module_spec = estimator._network_shapes(n_features)
    sampler = WindowSampler(
        flat,
        exog,
        lookback=lookback,
        horizon=int(estimator.horizon),
        validation_steps=np.repeat([estimator._validation_steps(int(n)) for n in lengths], n_targets),
        device=estimator.device_,
        transform=estimator._training_batch,
        lengths=np.repeat(lengths, n_targets),
        exog_offsets=np.repeat(x_offsets, n_targets),
    )
    # the raw series word training's errors only: concatenated if one is raised, never before
    estimator._train(sampler, seed, lambda: np.concatenate(list(targets)))
    for series_state in state.values():  # the shrinkage is resolved by training, for every series
        series_state["_normalizer"].shrinkage = estimator.shrinkage_
    estimator.series_state_ = state


def series_view(estimator: Any, series_id: Any) -> Any:
    """The fitted estimator seen as a model of one series: its history, time axis and scale."""
    view = object.__new__(type(estimator))
    view.__dict__.update(estimator.__dict__)
    for name in _PANEL_STATE:
        view.__dict__.pop(name, None)
    view.__dict__.update(estimator.series_state_[series_id])
    return view


def keep_series_view(estimator: Any, series_id: Any, view: Any) -> None:
    """Store a view's moved-forward state (after ``update``) as the series' state.

    ``update`` appended the new rows to the view's history, the last ``lookback_`` rows of the
    series: the last ``lookback_`` are kept again, and ``n_train_`` counts every row seen (the
    view's own count is its history's length).
    """
    before = estimator.series_state_[series_id]
    kept = {name: view.__dict__[name] for name in _SERIES_STATE}
    kept["n_train_"] = before["n_train_"] + len(view.y_train_) - len(before["y_train_"])
    kept["y_train_"] = kept["y_train_"][-estimator.lookback_ :]
    kept["_X_hist"] = kept["_X_hist"][-estimator.lookback_ :]
    estimator.series_state_[series_id] = kept
