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
"""

from __future__ import annotations

import warnings
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


def _check_values(series: list, values: list[np.ndarray], name: str) -> None:
    for part, array in zip(series, values, strict=True):
        if not np.isfinite(array).all():
            row = part.time[int(np.flatnonzero(~np.isfinite(array).all(axis=1))[0])]
            raise ValueError(
                f"Series {part.id!r} of {name} contains NaN or inf (missing or infinite values), e.g. at "
                f"{row}. Forecasters need gap-free series: fill the gaps first (e.g. "
                f"`{name}.groupby(level=0).ffill()`)."
            )


def fit_global(estimator: Any, series: list) -> None:
    """Train one network on every series of a panel (the neural ``_fit_panel``)."""
    from tsforecast.models.neural import resolve_device

    y_parts = [part.y.to_numpy(dtype=np.float64).reshape(len(part.time), -1) for part in series]
    X_parts = [part.X.to_numpy(dtype=np.float64) for part in series]
    _check_values(series, y_parts, "y")
    _check_values(series, X_parts, "X")
    lengths = np.array([len(part.time) for part in series])
    estimator.lookback_ = lookback = panel_lookback(
        estimator, np.concatenate([lengths, list(estimator.short_series_.values())])
    )
    estimator.device_ = resolve_device(estimator.device)
    seed = int(check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max))
    X_all = np.concatenate(X_parts)
    n_targets, n_features = y_parts[0].shape[1], X_all.shape[1]
    estimator._check_quantile_settings()
    # one normalisation for the shared network, chosen over every series when it is "auto"; the
    # panel's normaliser standardises the exogenous features, each series gets its own first stage
    panel_normalizer = estimator._adapted_normalizer(y_parts).fit(y_parts[0], X_all)
    # the sampler's float32 series, written in place: column after column of each series, each
    # standardised in float64 first (no float64 copy of the whole panel is made)
    flat = np.empty(int(lengths.sum()) * n_targets, dtype=np.float32)
    state, irregular, at = {}, [], 0
    for part, y_part, X_part in zip(series, y_parts, X_parts, strict=True):
        normalizer = estimator._window_normalizer().fit(y_part, X_part[:, :0])
        normalizer.exog_loc_ = panel_normalizer.exog_loc_
        normalizer.exog_scale_ = panel_normalizer.exog_scale_
        flat[at : at + y_part.size] = normalizer.standardize(y_part).T.reshape(-1)
        at += y_part.size
        axis, warning = fit_time_axis(part.time, len(part.time))
        if warning is not None:
            irregular.append((part.id, warning))
        state[part.id] = {
            "y_train_": y_part,
            "_X_hist": X_part,
            "_normalizer": normalizer,
            "index_kind_": axis.kind,
            "last_index_": axis.last,
            "index_step_": axis.step,
            "n_missing_stamps_": axis.missing,
            "n_train_": len(y_part),
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
        panel_normalizer.scale_exog(X_all),
        lookback=lookback,
        horizon=int(estimator.horizon),
        validation_steps=np.repeat([estimator._validation_steps(int(n)) for n in lengths], n_targets),
        device=estimator.device_,
        transform=estimator._training_batch,
        lengths=np.repeat(lengths, n_targets),
        exog_offsets=np.repeat(x_offsets, n_targets),
    )
    estimator._train(sampler, seed, np.concatenate(y_parts))
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
    """Store a view's moved-forward state (after ``update``) as the series' state."""
    estimator.series_state_[series_id] = {name: view.__dict__[name] for name in _SERIES_STATE}
