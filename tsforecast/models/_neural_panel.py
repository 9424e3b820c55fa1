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
and target) and, per series, the state of its view (:class:`SeriesStates`, one array row
per series): the last ``lookback_`` rows of its history (all that a forecast or ``update``
reads; ``n_train_`` still counts every row), its normaliser's statistics and its time
axis, about 0.3 KB plus 8 bytes per kept row. So a view's ``y_train_`` is that tail, not
the whole history.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from tsforecast._time import fit_time_axis
from tsforecast.training.windows import WindowSampler

__all__ = ["SeriesStates", "fit_global", "keep_series_view", "panel_lookback", "series_view"]

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


class SeriesStates(Mapping):
    """Every series' forecasting state, one array row per series: a mapping id -> state.

    A series' state is what its view puts in place of the panel's (the names of
    ``_SERIES_STATE``): its last ``lookback_`` rows of y and X, its normaliser, time axis and
    row count. Held column by column, a panel of many series costs its float64 tails and a few
    words per series rather than a dict, a normaliser and a time axis object per series;
    reading a series builds its state (copies: a view never writes into the panel's arrays).

    Parameters
    ----------
    ids : list
        The series ids, in the panel's order.
    lookback : int
        Rows of history kept per series (every fitted series has at least that many).
    n_targets, n_features : int
        Columns of y and X.
    normalizer : WindowNormalizer
        What every series' normaliser shares (settings, exogenous scale, shrinkage); each one
        gets its own first-stage statistics.
    """

    def __init__(self, ids: list, lookback: int, n_targets: int, n_features: int, normalizer: Any):
        n = len(ids)
        self._rows = {series_id: row for row, series_id in enumerate(ids)}
        self.normalizer = normalizer
        self.y_tail = np.empty((n, lookback, n_targets))
        self.X_tail = np.empty((n, lookback, n_features))
        self.loc, self.scale = np.empty((n, n_targets)), np.empty((n, n_targets))
        # lists, not object arrays: numpy would unpack a label that is itself a sequence
        self.kind: list = [None] * n
        self.last: list = [None] * n
        self.step: list = [None] * n
        self.missing, self.n_train = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator:
        return iter(self._rows)

    def __getitem__(self, series_id: Any) -> dict[str, Any]:
        row = self._rows[series_id]
        normalizer = copy.copy(self.normalizer)
        normalizer.series_loc_, normalizer.series_scale_ = self.loc[row].copy(), self.scale[row].copy()
        return {
            "y_train_": self.y_tail[row].copy(),
            "_X_hist": self.X_tail[row].copy(),
            "_normalizer": normalizer,
            "index_kind_": self.kind[row],
            "last_index_": self.last[row],
            "index_step_": self.step[row],
            "n_missing_stamps_": int(self.missing[row]),
            "n_train_": int(self.n_train[row]),
        }

    def store(self, series_id: Any, state: dict[str, Any]) -> None:
        """Write a series' state (its normaliser's statistics are fitted parameters: they stay)."""
        row = self._rows[series_id]
        lookback = self.y_tail.shape[1]
        self.y_tail[row], self.X_tail[row] = state["y_train_"][-lookback:], state["_X_hist"][-lookback:]
        self.kind[row], self.last[row] = state["index_kind_"], state["last_index_"]
        self.step[row], self.missing[row] = state["index_step_"], state["n_missing_stamps_"]
        self.n_train[row] = state["n_train_"]


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
    shared = estimator._window_normalizer()
    shared.exog_loc_, shared.exog_scale_ = panel_normalizer.exog_loc_, panel_normalizer.exog_scale_
    state = SeriesStates([part.id for part in series], lookback, n_targets, n_features, shared)
    irregular, at = [], 0
    for row, (part, n) in enumerate(zip(series, lengths, strict=True)):
        y_part, X_part = part.y_values(), part.X_values()
        normalizer = estimator._window_normalizer().fit(y_part, X_part[:, :0])
        flat[at * n_targets : (at + n) * n_targets] = normalizer.standardize(y_part).T.reshape(-1)
        exog[at : at + n] = panel_normalizer.scale_exog(X_part)
        at += n
        axis, warning = fit_time_axis(part.time, n)
        if warning is not None:
            irregular.append((part.id, warning))
        state.loc[row], state.scale[row] = normalizer.series_loc_, normalizer.series_scale_
        # forecasting reads the last lookback_ rows (update appends to them): only those are
        # kept, copied into the states' arrays so that nothing holds the caller's panel alive
        state.store(
            part.id,
            {
                "y_train_": y_part,
                "_X_hist": X_part,
                "index_kind_": axis.kind,
                "last_index_": axis.last,
                "index_step_": axis.step,
                "n_missing_stamps_": axis.missing,
                "n_train_": n,
            },
        )
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
    shared.shrinkage = estimator.shrinkage_  # resolved by training, for every series
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
    kept = {name: view.__dict__[name] for name in _SERIES_STATE}
    seen = estimator.series_state_[series_id]["n_train_"]
    kept["n_train_"] = seen + len(view.y_train_) - estimator.lookback_
    estimator.series_state_.store(series_id, kept)
