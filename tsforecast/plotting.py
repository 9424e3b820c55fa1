"""Plots of forecasts and backtests (matplotlib, imported only when a plot is drawn).

Every function draws on the axes it is given, or on a new figure, and returns
the axes, so it works in notebooks (the figure shows), in scripts
(``ax.figure.savefig("forecast.png")``) and on headless machines (the Agg
backend).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tsforecast.panel import is_panel

__all__ = ["plot_backtest", "plot_forecast"]

#: The most series ``plot_forecast`` draws from a panel when ``series`` is not given.
_MAX_SERIES = 10


def _side_by_side(panel: pd.Series | pd.DataFrame, ids: list) -> pd.DataFrame:
    """Series of a panel as columns named by their ids; bound columns become ``<id>_lower_<pct>``."""
    rows = panel[panel.index.get_level_values(0).isin(ids)]
    if isinstance(rows, pd.Series) or rows.shape[1] == 1:
        wide = (rows if isinstance(rows, pd.Series) else rows.iloc[:, 0]).unstack(level=0).sort_index()
        return wide[[i for i in ids if i in wide.columns]].rename(columns=str)
    point = rows.columns[0]
    bounds = {
        c for by_pct in _bound_columns(rows).values() for sides in by_pct.values() for c in sides.values()
    }
    if set(rows.columns[1:]) != bounds:  # several targets per series: not one line per id
        raise ValueError(
            "plot_forecast draws several series of a panel with one target each; this panel has the "
            f"columns {list(rows.columns)}: pick one series with series=<id>, or one column."
        )
    wide = rows.unstack(level=0).sort_index()
    wide.columns = [str(i) if c == point else f"{i}_{c}" for c, i in wide.columns]
    return wide


def _pick_series(y: Any, forecast: Any, y_true: Any, intervals: Any, series: Any) -> tuple:
    """``y``, ``forecast`` and ``y_true`` of the chosen series of a panel, as plain series."""
    if not any(is_panel(d) for d in (y, forecast, y_true)):
        if series is not None:
            raise ValueError("series picks series of a panel (indexed by (series id, time)); y is not one.")
        return y, forecast, y_true
    source = forecast if is_panel(forecast) else y
    ids = list(pd.unique(source.index.get_level_values(0)))
    if series is None:
        if len(ids) > _MAX_SERIES:
            raise ValueError(
                f"The panel has {len(ids)} series, too many for one plot: pick up to {_MAX_SERIES} with "
                f"series=[...], e.g. series={ids[:3]!r}."
            )
        chosen = ids
    else:
        chosen = list(series) if isinstance(series, (list, tuple, pd.Index, np.ndarray)) else [series]
        unknown = [i for i in chosen if i not in ids]
        observed = set(pd.unique(y.index.get_level_values(0))) if is_panel(y) and source is not y else set()
        unforecast = [i for i in unknown if i in observed]
        if unforecast:
            raise ValueError(
                f"series {unforecast!r} were not forecast: they are in y, but the forecast has no rows "
                "for them (a series too short at fit is left out of the model: see its short_series_ "
                f"and the ShortSeriesWarning). The forecast has {ids[:5]!r}{'...' * (len(ids) > 5)}."
            )
        if unknown:
            raise ValueError(
                f"series {unknown!r} are not in the panel; it has {ids[:5]!r}{'...' * (len(ids) > 5)}."
            )
    if len(chosen) == 1:
        return tuple(d.xs(chosen[0], level=0) if is_panel(d) else d for d in (y, forecast, y_true))
    if intervals is not None:
        raise ValueError(
            "intervals belong to one forecast: with several series pick one (series=<id>), or pass "
            "the table of forecast(h, coverage=...), whose bands are drawn per series."
        )
    return tuple(_side_by_side(d, chosen) if is_panel(d) else d for d in (y, forecast, y_true))


def _as_frame(data: Any, name: str, index: pd.Index | None = None) -> pd.DataFrame:
    """A DataFrame of one or several series; numpy rows get ``index`` (or positions)."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        return data.to_frame(name if data.name is None else data.name)
    values = np.asarray(data, dtype=np.float64)
    if values.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {values.shape}.")
    values = values.reshape(len(values), -1)
    if index is None:
        index = pd.RangeIndex(len(values))
    if len(index) != len(values):
        raise ValueError(f"{name} has {len(values)} rows but its time index has {len(index)}.")
    columns = [name] if values.shape[1] == 1 else list(range(values.shape[1]))
    return pd.DataFrame(values, index=index, columns=columns)


def _new_axes(ax, nrows: int = 1):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    fig, axes = plt.subplots(
        nrows,
        1,
        figsize=(10, 4 if nrows == 1 else 6),
        sharex=True,
        squeeze=False,
        gridspec_kw={"height_ratios": [3, 1][:nrows]},
    )
    fig.set_layout_engine("constrained")
    return axes[0, 0] if nrows == 1 else axes[:, 0]


def _date_ticks(ax, index: pd.Index) -> None:
    """Concise date labels (no overlapping time stamps) on a time axis."""
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _bands(intervals: Any, index: pd.Index) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``[(label, lower, upper)]`` from a frame with lower/upper columns, a pair, or a dict of them."""
    if intervals is None:
        return []
    items = intervals.items() if isinstance(intervals, Mapping) else [("interval", intervals)]
    out = []
    for label, band in items:
        if isinstance(band, pd.DataFrame):
            if not {"lower", "upper"} <= set(band.columns):
                raise ValueError("An interval DataFrame needs 'lower' and 'upper' columns.")
            lower, upper = band["lower"], band["upper"]
        elif isinstance(band, Sequence) and len(band) == 2:
            lower, upper = band
        else:
            raise ValueError(
                "intervals must be a DataFrame with 'lower' and 'upper' columns, a (lower, upper) pair, "
                "or a dict of label -> either."
            )
        lower, upper = np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
        if lower.shape != (len(index),) or upper.shape != (len(index),):
            raise ValueError(f"Interval bounds must have one value per forecast row ({len(index)}).")
        out.append((str(label), lower, upper))
    return out


_BOUND = re.compile(r"^(?:(?P<series>.+)_)?(?P<side>lower|upper)_(?P<pct>\d+(?:\.\d+)?)$")


def _bound_columns(frame: pd.DataFrame) -> dict[Any, dict[str, dict[str, str]]]:
    """The bound columns of ``forecast(h, coverage=...)``: ``{series or None: {pct: {side: column}}}``."""
    found: dict[Any, dict[str, dict[str, str]]] = {}
    for column in frame.columns:
        match = _BOUND.match(str(column))
        if match:
            found.setdefault(match["series"], {}).setdefault(match["pct"], {})[match["side"]] = column
    return found


def _fill_band(ax, x, lower, upper, color: str, rank: int, label: str | None) -> None:
    """One shaded band; wider bands (higher rank) are lighter, so nested bands stay readable."""
    ax.fill_between(x, lower, upper, color=color, alpha=max(0.3 - 0.1 * rank, 0.08), linewidth=0, label=label)


def plot_forecast(
    y: Any,
    forecast: Any,
    *,
    y_true: Any = None,
    intervals: Any = None,
    ax: Any = None,
    history: int | None = None,
    title: str | None = None,
    series: Any = None,
) -> Any:
    """Plot the observed history, the forecast and, when given, the truth and interval bands.

    Parameters
    ----------
    y : Series, DataFrame or array-like of shape (n_samples,) or (n_samples, n_targets)
        The observed series (several columns: several series, one colour each).
    forecast : Series, DataFrame or array-like of shape (n_steps,) or (n_steps, n_targets)
        The forecast, e.g. ``model.forecast(24)``; numpy forecasts are placed
        after the end of ``y``, at the spacing of its last two labels.
    y_true : Series, DataFrame or array-like, default=None
        What happened over the forecast period, drawn as "truth".
    intervals : DataFrame, pair of array-like, or dict, default=None
        Prediction interval of the (single) forecast: a DataFrame with
        ``lower`` and ``upper`` columns, a ``(lower, upper)`` pair, or a dict
        ``{label: band}`` for several bands (e.g. ``{"80%": ..., "95%": ...}``).
        Not needed for the table of ``model.forecast(h, coverage=...)``: its
        ``lower_<pct>``/``upper_<pct>`` columns (``<name>_lower_<pct>`` for
        several series) are drawn as shaded bands, one per coverage.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    history : int, default=None
        Show only the last ``history`` observations of ``y`` (all when None);
        for a panel, the last ``history`` of each series.
    title : str, default=None
        Axes title.
    series : object or list, default=None
        For a panel (``y`` and ``forecast`` indexed by (series id, time)): the
        id of the series to draw, or a list of ids drawn together, one colour
        each. ``None`` draws every series of the forecast (at most 10).

    Returns
    -------
    ax : matplotlib Axes
        With one line per series for "history", "forecast" and "truth" (labels
        ``"<name> history"`` etc. for several series) and a filled band per interval.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from tsforecast import NaiveForecaster
    >>> from tsforecast.plotting import plot_forecast
    >>> y = np.sin(np.arange(48) * np.pi / 12)
    >>> forecast = NaiveForecaster("seasonal", seasonal_period=24).fit(None, y).forecast(12)
    >>> ax = plot_forecast(y, forecast, history=24)
    >>> [line.get_label() for line in ax.get_lines()]
    ['history', 'forecast']
    >>> with_bands = NaiveForecaster().fit(None, y).forecast(12, coverage=[0.8, 0.95])
    >>> [c.get_label() for c in plot_forecast(y, with_bands).collections]
    ['80%', '95%']
    """
    per_series = False
    if history is not None and is_panel(y):  # each series' own last observations: all stay visible
        y, per_series = y.groupby(level=0, sort=False).tail(int(history)), True
    y, forecast, y_true = _pick_series(y, forecast, y_true, intervals, series)
    observed = _as_frame(y, "y")
    own_bands = _bound_columns(forecast) if isinstance(forecast, pd.DataFrame) else {}
    if own_bands:  # the table of forecast(h, coverage=...): points, then bound columns
        bound_names = {
            c for by_pct in own_bands.values() for sides in by_pct.values() for c in sides.values()
        }
        table, forecast = forecast, forecast.drop(columns=list(bound_names))
        if forecast.shape[1] == 1:
            forecast = forecast.iloc[:, 0]
    if history is not None and not per_series:
        observed = observed.iloc[-int(history) :]
    future_index = forecast.index if isinstance(forecast, (pd.Series, pd.DataFrame)) else None
    if future_index is None:  # numpy: the steps after the end of y, at y's last spacing
        full = _as_frame(y, "y").index
        spacing = full[-1] - full[-2] if len(full) > 1 else 1
        future_index = pd.Index([full[-1] + spacing * (i + 1) for i in range(len(forecast))])
    predicted = _as_frame(forecast, "y", future_index)
    truth = None if y_true is None else _as_frame(y_true, "y", future_index)
    ax = _new_axes(ax)
    several = observed.shape[1] > 1

    for i, column in enumerate(observed.columns):
        # one series: history, truth and forecast in distinct colours; several: a colour per
        # series, told apart by the line style (truth dotted, forecast dashed)
        colors = (f"C{i}",) * 3 if several else ("C0", "0.25", "C1")
        prefix = f"{column} " if several else ""
        ax.plot(observed.index, observed[column], color=colors[0], label=f"{prefix}history")
        if truth is not None and (column in truth or not several):
            values = truth[column] if column in truth else truth.iloc[:, 0]
            ax.plot(
                truth.index,
                values,
                color=colors[1],
                linestyle=":" if several else "-",
                linewidth=1.2,
                label=f"{prefix}truth",
            )
        if column in predicted:
            label = f"{prefix}forecast"
            ax.plot(predicted.index, predicted[column], color=colors[2], linestyle="--", label=label)
        elif not several:  # one series, several forecasts of it (e.g. one column per model): draw them all
            for j, name in enumerate(predicted.columns):
                label = "forecast" if predicted.shape[1] == 1 else str(name)
                ax.plot(predicted.index, predicted[name], color=f"C{j + 1}", linestyle="--", label=label)
    for j, (label, lower, upper) in enumerate(_bands(intervals, predicted.index)):
        _fill_band(ax, predicted.index, lower, upper, "C0" if several else "C1", j, label)
    for series, by_pct in own_bands.items():
        i = list(observed.columns).index(series) if series in list(observed.columns) else 0
        for j, pct in enumerate(sorted(by_pct, key=float)):
            sides = by_pct[pct]
            label = f"{series} {pct}%" if several else f"{pct}%"
            _fill_band(
                ax,
                table.index,
                table[sides["lower"]],
                table[sides["upper"]],
                f"C{i}" if several else "C1",
                j,
                label,
            )
    _date_ticks(ax, observed.index)
    ax.set_title(title or "")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_backtest(
    result: Any,
    y: Any,
    *,
    ax: Any = None,
    target: Any = None,
    models: Sequence[str] | None = None,
    metric: str | None = None,
) -> Any:
    """Plot every fold's forecast over the series, and the error per fold below.

    Parameters
    ----------
    result : BacktestResult
        The output of :func:`tsforecast.model_selection.backtest` (with
        ``return_predictions=True``).
    y : Series, DataFrame or array-like
        The series given to the backtest (numpy: indexed by position).
    ax : pair of matplotlib Axes, default=None
        The forecast panel and the error panel; a new figure when None.
    target : str or int, default=None
        Which column of a 2-D y to draw; required when there are several.
    models : sequence of str, default=None
        Which models to draw (default: all, each in its own colour).
    metric : str, default=None
        The per-fold error to draw below (default: the first metric).

    Returns
    -------
    axes : ndarray of 2 matplotlib Axes
        ``axes[0]``: the series (line "y") and one line per model joining all
        its fold forecasts (broken between folds), with a shaded band per fold
        and coverage when the backtest ran with ``coverage=...`` (labelled
        ``"<model> <pct>%"``); ``axes[1]``: the metric per fold at each
        cutoff, one line per model.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from tsforecast import NaiveForecaster
    >>> from tsforecast.model_selection import ExpandingWindowSplitter, backtest
    >>> from tsforecast.plotting import plot_backtest
    >>> y = np.sin(np.arange(96) * np.pi / 12)
    >>> result = backtest(NaiveForecaster(), None, y, cv=ExpandingWindowSplitter(48, horizon=12, step=12))
    >>> top, bottom = plot_backtest(result, y)
    >>> [line.get_label() for line in top.get_lines()]
    ['y', 'NaiveForecaster']
    """
    pred = result.predictions
    if pred is None:
        raise ValueError("The backtest ran with return_predictions=False: there are no forecasts to plot.")
    if len(pred) == 0:
        raise ValueError(
            "The backtest has no forecasts to plot: its predictions table is empty (for a panel, the "
            "series shown may have no forecast in any fold, e.g. left out as too short). Plot a "
            "series that has predictions."
        )
    targets = list(pd.unique(pred["target"]))
    if target is None:
        if len(targets) > 1:
            raise ValueError(f"y has several targets {targets}: choose one with target=...")
        target = targets[0]
    elif target not in targets:
        raise ValueError(f"target {target!r} is not among the backtest's targets {targets}.")
    observed = _as_frame(y, "y")
    series = observed[target] if target in observed else observed.iloc[:, 0]
    metric = metric or result.metrics[0]
    if metric not in result.metrics:
        raise ValueError(f"metric {metric!r} is not among the backtest's metrics {result.metrics}.")
    names = list(pd.unique(result.scores["model"])) if models is None else list(models)
    if ax is not None and (not hasattr(ax, "__len__") or len(ax) != 2):
        raise ValueError("ax must be a pair of Axes (forecasts, errors), e.g. from plt.subplots(2, 1).")
    top, bottom = _new_axes(ax, nrows=2)

    first = pred["time"].min()
    start = max(0, series.index.get_indexer([first])[0] - 2 * int(pred["step"].max())) if len(series) else 0
    context = series.iloc[start:]
    top.plot(context.index, context.to_numpy(), color="0.25", linewidth=1.0, label="y")
    for i, name in enumerate(names):
        rows = pred[(pred["model"] == name) & (pred["target"] == target)]
        if rows.empty:
            known = list(pd.unique(pred["model"]))
            raise ValueError(f"model {name!r} is not in the backtest (models: {known}).")
        x, values = [], []
        for _, fold in rows.groupby("fold", sort=True):  # NaN between folds breaks the line
            x += [*fold["time"], fold["time"].iloc[-1]]
            values += [*fold["y_pred"], np.nan]
        top.plot(x, values, color=f"C{i}", linewidth=1.2, alpha=0.9, label=name)
        bounds = _bound_columns(rows).get(None, {})
        for j, pct in enumerate(sorted(bounds, key=float)):  # backtest(coverage=...): a band per fold
            for k, (_, fold) in enumerate(rows.groupby("fold", sort=True)):
                lower, upper = fold[bounds[pct]["lower"]], fold[bounds[pct]["upper"]]
                label = f"{name} {pct}%" if k == 0 else None
                _fill_band(top, fold["time"], lower, upper, f"C{i}", j, label)
        scores = result.scores[result.scores["model"] == name]
        bottom.plot(scores["cutoff"], scores[metric], color=f"C{i}", marker="o", markersize=3, label=name)
    top.legend(loc="best", fontsize="small")
    top.set_title(f"Backtest forecasts ({pred['fold'].nunique()} folds)")
    _date_ticks(bottom, series.index)
    bottom.set_ylabel(f"{metric} per fold")
    bottom.set_xlabel("cutoff")
    return np.array([top, bottom])
