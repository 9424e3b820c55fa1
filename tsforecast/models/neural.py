"""NeuralForecaster: the shared estimator base of every deep forecaster.

A subclass only says how to build its network from the data's shapes
(:meth:`NeuralForecaster._build_module`); windowing, normalisation, training,
recursive rollout, batched multi-origin prediction, devices, determinism and
pickling live here and in :mod:`tsforecast.training`. One
:class:`~tsforecast.training.normalizer.WindowNormalizer` (float64 statistics
only) maps the series to the network's space for the training batches and for
the rollout alike.

Several columns of y are several series: one global network is trained on the
windows of all of them (channel-independent: the network sees one series at a
time, with the exogenous features shared by all).
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn

from tsforecast._constraints import Number
from tsforecast.base import BaseForecaster, check_levels
from tsforecast.models._defaults import choose_normalization, resolve_shrinkage
from tsforecast.models._neural_docs import ATTRIBUTES_DOC, NETWORK_DOC, PARAMETERS_DOC
from tsforecast.models._neural_panel import fit_global, keep_series_view, panel_lookback, series_view
from tsforecast.training.distributed import local_cuda_device, process_group
from tsforecast.training.loop import (
    LOSSES,
    NonFiniteLossError,
    TrainingBatch,
    TrainingWarning,
    evaluate,
    inference_batch_size,
    train_module,
)
from tsforecast.training.normalizer import WindowNormalizer
from tsforecast.training.quantiles import (
    RESIDUAL_LEVELS,
    interpolation_matrix,
    pinball_loss,
    residual_quantiles,
    widen,
)
from tsforecast.training.windows import Windows, WindowSampler, validation_steps

__all__ = ["NeuralForecaster", "document_parameters", "resolve_device", "shared_parameters"]

#: The default look-back reads at most this many steps for the season (``3 * seasonal_period``
#: beyond it): a yearly season of daily data would otherwise ask for 1095 steps (580 once capped by
#: three years of data), 3.7x the fit time of 256 for 3% lower MSE on Seattle's daily maxima with a
#: TCN, within the 32-256 rows' spread of 12.3-13.4 (``benchmarks/long_season_lookback.py``).
MAX_SEASONAL_LOOKBACK = 256


def shared_parameters(namespace: dict) -> dict:
    """The :class:`NeuralForecaster` parameters among a subclass ``__init__``'s ``locals()``.

    Subclasses list every parameter explicitly in their signature (scikit-learn
    reads it) and pass the shared ones on with
    ``NeuralForecaster.__init__(self, **shared_parameters(locals()))``.
    """
    return {name: namespace[name] for name in _SHARED_NAMES}


def document_parameters(cls: type, network: str = NETWORK_DOC, extra: str = "") -> type:
    """Fill ``{parameters}`` and ``{attributes}`` in a neural forecaster's docstring.

    The shared parameters are documented once, here, with each class's own
    defaults read from its signature; ``network`` documents what
    ``hidden_size``, ``num_layers`` and ``dropout`` mean for the family's
    network (with ``{hidden_size}``, ``{num_layers}``, ``{dropout}`` for the
    defaults); ``extra`` documents the class's own parameters.
    """
    defaults = {name: p.default for name, p in inspect.signature(cls).parameters.items()}
    for name in ("hidden_size", "num_layers", "dropout"):
        network = network.replace("{" + name + "}", repr(defaults[name]))
    shared = PARAMETERS_DOC.replace("{network}", network.strip())
    shared = shared.replace("{max_seasonal}", str(MAX_SEASONAL_LOOKBACK))
    parameters = shared + ("\n    " + extra.strip() if extra else "")
    doc = cls.__doc__ or ""
    cls.__doc__ = doc.replace("{parameters}", parameters).replace("{attributes}", ATTRIBUTES_DOC)
    return cls


def resolve_device(device: str | torch.device, fallback: bool = False) -> torch.device:
    """The torch device that ``device`` names: "auto" is cuda, then mps, then cpu.

    With ``fallback=True`` an unavailable accelerator resolves to the CPU
    (used when unpickling a GPU-trained model on a CPU-only machine).
    """
    if isinstance(device, str) and device == "auto":
        if torch.cuda.is_available():
            # under a process group (torchrun), each process trains on its own GPU
            return local_cuda_device() if process_group()[1] > 1 else torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError as err:
        raise ValueError(
            f"device={device!r} is not a torch device: use 'auto', 'cpu', 'cuda', 'cuda:<index>' or 'mps'."
        ) from err
    if resolved.type == "cuda":
        available = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if available > (resolved.index or 0):
            return resolved
        if fallback:
            return torch.device("cpu")
        reason = (
            f"only {available} CUDA device(s) are visible"
            if available
            else "this PyTorch cannot use CUDA (torch.cuda.is_available() is False: a CPU-only "
            "build, or no GPU or driver)"
        )
        raise ValueError(
            f"device={device!r}, but {reason}. Use device='auto' (cuda when available, else mps, "
            "else cpu) or device='cpu', or install a CUDA build of PyTorch."
        )
    if resolved.type == "mps" and not torch.backends.mps.is_available():
        if fallback:
            return torch.device("cpu")
        raise ValueError(
            f"device={device!r}, but this PyTorch cannot use Apple's MPS (torch.backends.mps."
            "is_available() is False). Use device='auto' or device='cpu'."
        )
    return resolved


def _positive_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and int(value) >= 1


def _lag_one_correlation(values: np.ndarray) -> float:
    """Mean over columns of the lag-1 autocorrelation of (n, k) values (0 for constant columns)."""
    centred = values - values.mean(axis=0)
    denominator = (centred**2).sum(axis=0)
    numerator = (centred[1:] * centred[:-1]).sum(axis=0)
    return float(
        np.mean(np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), 0.0))
    )


def _no_improvement_advice(y: np.ndarray, normalization: str | None) -> str:
    """What to try when training never beat the untrained network, judged from the series.

    The message depends only on the kind of series and the setting, never on a number, so
    Python's warning filter shows it once however many times a backtest refits.
    """
    level = _lag_one_correlation(y)
    change = _lag_one_correlation(np.diff(y, axis=0)) if len(y) > 2 else 0.0
    if level > 0.9 and abs(change) < 0.2:
        if normalization == "last":
            return (
                "The series looks like a random walk (its level persists, its changes look "
                "unpredictable: prices, exchange rates), on which repeating the last value, this "
                "network's untrained forecast, is hard to beat: compare with "
                "NaiveForecaster(strategy='last')."
            )
        return (
            "The series looks like a random walk (its level persists, its changes look "
            "unpredictable: prices, exchange rates): try normalization='last', whose untrained "
            "forecast is the last value, and compare with NaiveForecaster(strategy='last')."
        )
    if abs(level) < 0.2:
        return (
            "The series looks like noise around a stable mean (consecutive values are nearly "
            "uncorrelated: returns, changes), so little in its past predicts what comes next and "
            "the window mean is close to the best forecast: compare with "
            "NaiveForecaster(strategy='mean')"
            + (
                "; normalization='last' only adds the last value's noise, use 'instance'."
                if normalization == "last"
                else "; normalization='last' would not help here."
            )
        )
    return "Try a lower learning_rate, a larger patience, a longer lookback or more data."


#: What the untrained network forecasts under each normalisation (for the fallback warning).
_BASELINE_NAMES = {"instance": "mean", "last": "last value", "seasonal": "last season repeated", None: "zero"}


class NeuralForecaster(BaseForecaster):
    """Base class of the neural forecasters: training engine, windows, rollout.

    Subclasses implement ``_build_module(n_inputs, n_targets, n_future)``,
    returning an ``nn.Module`` whose forward maps ``x`` of shape
    (batch, lookback, n_inputs) and ``x_future`` of shape (batch, horizon,
    n_future) to (batch, horizon, n_targets); ``self.lookback_`` and
    ``self.horizon`` give the lengths. Everything else is shared.

    The network sees one series at a time: ``n_inputs`` is 1 (the series,
    instance-normalised) plus the number of exogenous features (their past
    values), ``n_targets`` is 1 and ``n_future`` the number of exogenous
    features (their values at the forecast steps, known in advance). Several
    columns of y train one global network on the windows of every column.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}
    """

    def __init__(
        self,
        lookback: int | None = None,
        horizon: int = 1,
        seasonal_period: int | None = None,
        hidden_size: int = 64,
        num_layers: int = 2,
        dropout: float = 0.1,
        max_epochs: int = 100,
        batch_size: int = 32,
        learning_rate: float = 1e-3,
        weight_decay: float = 0.0,
        gradient_clip: float | None = 1.0,
        lr_schedule: str | None = None,
        early_stopping: bool = True,
        validation_fraction: float = 0.2,
        patience: int = 10,
        normalization: str | None = "auto",
        shrinkage: float | None = None,
        loss: str = "mse",
        device: str | torch.device = "auto",
        compile: bool = False,
        mixed_precision: bool = True,
        random_state: int | np.random.RandomState | None = None,
        verbose: bool = False,
        steps_per_epoch: int | None = None,
        quantiles: list[float] | None = None,
    ):
        self.lookback = lookback
        self.horizon = horizon
        self.seasonal_period = seasonal_period
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.gradient_clip = gradient_clip
        self.lr_schedule = lr_schedule
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.normalization = normalization
        self.shrinkage = shrinkage
        self.loss = loss
        self.device = device
        self.compile = compile
        self.mixed_precision = mixed_precision
        self.random_state = random_state
        self.verbose = verbose
        self.steps_per_epoch = steps_per_epoch
        self.quantiles = quantiles

    uses_exogenous = True  # X's past values are inputs and its future values condition the forecast

    _parameter_constraints = {
        **BaseForecaster._parameter_constraints,
        "lookback": [Number(Integral, 1, None, closed="left"), None],
        "horizon": [Number(Integral, 1, None, closed="left")],
        "seasonal_period": [Number(Integral, 1, None, closed="left"), None],
        "hidden_size": [Number(Integral, 1, None, closed="left")],
        "num_layers": [Number(Integral, 1, None, closed="left")],
        "dropout": [Number(Real, 0, 1, closed="left")],
        "max_epochs": [Number(Integral, 1, None, closed="left")],
        "batch_size": [Number(Integral, 1, None, closed="left")],
        "learning_rate": [Number(Real, 0, None, closed="neither")],
        "weight_decay": [Number(Real, 0, None, closed="left")],
        "gradient_clip": [Number(Real, 0, None, closed="neither"), None],
        "lr_schedule": [StrOptions({"cosine", "plateau"}), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Number(Real, 0, 1, closed="left")],
        "patience": [Number(Integral, 1, None, closed="left")],
        "normalization": [StrOptions({"auto", "instance", "last", "seasonal"}), None],
        "shrinkage": [Number(Real, 0, 1, closed="both"), None],
        "loss": [StrOptions(set(LOSSES))],
        "device": [str, torch.device],
        "compile": ["boolean"],
        "mixed_precision": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["boolean"],
        "steps_per_epoch": [Number(Integral, 1, None, closed="left"), None],
        "quantiles": ["array-like", None],  # levels checked in fit (check_levels)
    }

    # -- the hook for subclasses ------------------------------------------------

    def _build_module(self, n_inputs: int, n_targets: int, n_future: int) -> nn.Module:
        """Build the (untrained) network for data of these shapes."""
        raise NotImplementedError

    # -- parameters ---------------------------------------------------------------

    def _validation_steps(self, n: int) -> int:
        if not self.early_stopping:
            return 0
        return validation_steps(n, int(self.horizon), float(self.validation_fraction))

    def _min_train_size(self, lookback: int | None = None) -> int:
        # runs after BaseForecaster.fit's _validate_params: the parameters are valid here
        if lookback is None:
            lookback = 1 if self.lookback is None else int(self.lookback)
        n = lookback + int(self.horizon)
        while n - self._validation_steps(n) < lookback + self.horizon:
            n += 1
        return n

    def _resolve_lookback(self, n: int) -> int:
        if self.lookback is not None:
            return int(self.lookback)
        horizon, period = int(self.horizon), int(self.seasonal_period or 0)
        rule = max(4 * horizon, min(3 * period, MAX_SEASONAL_LOOKBACK), 32)
        n_fit = n - self._validation_steps(n)
        return int(max(1, min(rule, (n_fit - horizon) // 2)))

    # -- fit ---------------------------------------------------------------------

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        n, n_series = y.shape
        self.lookback_ = self._resolve_lookback(n)
        self.device_ = resolve_device(self.device)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        self._check_quantile_settings()
        self._normalizer = self._adapted_normalizer([y]).fit(y, X)
        self._X_hist = X.copy()
        self._module_spec = self._network_shapes(X.shape[1])
        sampler = WindowSampler(
            self._normalizer.standardize(y),
            self._normalizer.scale_exog(X),
            lookback=self.lookback_,
            horizon=int(self.horizon),
            validation_steps=self._validation_steps(n),
            device=self.device_,
            transform=self._training_batch,
        )
        self._train(sampler, seed, y)

    def _train(self, sampler: WindowSampler, seed: int, y: np.ndarray | Callable[[], np.ndarray]) -> None:
        """Build the network and train it on the sampler's windows.

        ``y``: the raw series, read only to word errors and warnings; a panel passes a callable
        that builds it then, so that no copy of every series is held while training.
        """
        devices = [self.device_.index or 0] if self.device_.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            module = self._build_module(**self._module_spec).to(self.device_)
            generator = torch.Generator().manual_seed(seed)
            # The untrained network forecasts the baseline; its validation loss weighs the default
            # shrinkage (no randomness is drawn here: eval mode, so training is unchanged by it).
            initial_loss = None
            if self._shrinks_by_default and sampler.n_val > 0:
                chunk = inference_batch_size(int(self.batch_size), self.device_)
                initial_loss = evaluate(
                    module, sampler, "val", LOSSES[self.loss], chunk, self.device_, bool(self.mixed_precision)
                )
            try:
                history, best_epoch = train_module(
                    module,
                    sampler,
                    max_epochs=int(self.max_epochs),
                    batch_size=int(self.batch_size),
                    learning_rate=float(self.learning_rate),
                    weight_decay=float(self.weight_decay),
                    gradient_clip=self.gradient_clip,
                    lr_schedule=self.lr_schedule,
                    loss=self.loss if self.quantiles_ is None else pinball_loss(self.quantiles_),
                    early_stopping=bool(self.early_stopping),
                    patience=int(self.patience),
                    device=self.device_,
                    mixed_precision=bool(self.mixed_precision),
                    compile=bool(self.compile),
                    generator=generator,
                    verbose=bool(self.verbose),
                    steps_per_epoch=None if self.steps_per_epoch is None else int(self.steps_per_epoch),
                    description=type(self).__name__,
                )
            except NonFiniteLossError as err:
                cause = self._non_finite_cause(y() if callable(y) else y)
                if cause is None:
                    raise
                raise NonFiniteLossError(f"{cause} ({err})") from err
        self.module_ = module.eval()
        self.history_ = pd.DataFrame(history, columns=["epoch", "train_loss", "val_loss", "lr", "seconds"])
        self.best_epoch_ = int(best_epoch)
        best_loss = history[best_epoch - 1]["val_loss"] if best_epoch > 0 else initial_loss
        if self._shrinks_by_default or self.quantiles_ is None:
            self.shrinkage_ = resolve_shrinkage(self.shrinkage, self.normalization, initial_loss, best_loss)
        else:
            self.shrinkage_ = 0.0  # a quantile head: its levels are trained together, never shrunk
        self._normalizer.shrinkage = self.shrinkage_
        self.residual_quantiles_ = None
        if self.quantiles_ is None:  # the band of the (shrunk) point forecast: computed once, here
            chunk = inference_batch_size(self.batch_size, self.device_)
            self.residual_quantiles_ = residual_quantiles(
                module, sampler, chunk, self.device_, shrinkage=self.shrinkage_
            )
        if self.early_stopping and sampler.n_val > 0 and best_epoch == 0:
            if self.normalization == "auto":
                advice = (
                    "normalization='auto' chose that naive forecast as the one with the smallest "
                    "error on the training windows, and the forecast falls back to it."
                )
            else:
                advice = _no_improvement_advice(y() if callable(y) else y, self.normalization)
            warnings.warn(
                f"{type(self).__name__} kept its initial weights: no epoch of training improved the "
                "validation loss of the untrained network, whose forecast is the window's "
                f"{_BASELINE_NAMES[self.normalization_]}. " + advice,
                TrainingWarning,
                stacklevel=3,
            )

    @property
    def _shrinks_by_default(self) -> bool:
        """Whether ``shrinkage=None`` weighs the network against its baseline (point forecasts, "auto")."""
        return self.shrinkage is None and self.normalization == "auto" and self.quantiles is None

    def _check_quantile_settings(self) -> None:
        """Resolve ``quantiles_``; refuse settings a quantile head cannot honour."""
        # the median is the point forecast, so a quantile head always trains it
        self.quantiles_ = (
            None
            if self.quantiles is None
            else np.union1d(check_levels(self.quantiles, "quantiles")[0], [0.5])
        )
        if self.quantiles_ is None:
            return
        if self.shrinkage is not None and self.shrinkage > 0:
            raise ValueError(
                f"shrinkage={self.shrinkage!r} with quantiles: shrinking every quantile towards the "
                "baseline would narrow the band below what was trained. Leave shrinkage=None (a "
                "quantile head is not shrunk), or drop quantiles for a shrunk point forecast."
            )
        if self.loss != "mse":
            warnings.warn(
                f"{type(self).__name__}: loss={self.loss!r} is not used: with quantiles the network "
                "trains on the pinball loss of its quantile outputs.",
                UserWarning,
                stacklevel=4,
            )

    def _adapted_normalizer(self, parts: Sequence[np.ndarray]) -> WindowNormalizer:
        """The window normaliser, with ``normalization="auto"`` resolved (``normalization_``).

        ``parts`` are the training series, (n_i, k) each: one for a single or wide y, one per
        series of a panel, whose global network shares one choice. See
        :mod:`tsforecast.models._defaults`; the shrinkage is set once training has run.
        """
        period = None if self.seasonal_period is None else int(self.seasonal_period)
        self.normalization_: str | None
        if self.normalization == "auto":
            self.normalization_ = choose_normalization(parts, self.lookback_, int(self.horizon), period)
        else:
            self.normalization_ = self.normalization
        if self.normalization_ is None and self.shrinkage is not None and self.shrinkage > 0:
            raise ValueError(
                f"shrinkage={self.shrinkage!r}, but shrinkage needs a baseline to shrink towards and "
                "normalization=None has none: use normalization='auto', 'instance', 'last' or "
                "'seasonal', or shrinkage=None."
            )
        return self._window_normalizer()

    def _network_shapes(self, n_features: int) -> dict[str, int]:
        """Arguments of ``_build_module``: the series and its features in, one channel per output."""
        # one output channel per step, or one per trained quantile level: every network emits
        # n_targets channels, so a quantile head needs no model code
        n_channels = 1 if self.quantiles_ is None else len(self.quantiles_)
        return {"n_inputs": 1 + n_features, "n_targets": n_channels, "n_future": n_features}

    def _window_normalizer(self) -> WindowNormalizer:
        """An unfitted normaliser of the resolved ``normalization_``."""
        period = None if self.seasonal_period is None else int(self.seasonal_period)
        return WindowNormalizer(self.normalization_, self.lookback_, int(self.horizon), period)

    def _non_finite_cause(self, y: np.ndarray) -> str | None:
        """What in the data made the loss non-finite, when the data explain it."""
        if self.normalization is not None:
            return None  # the series reach the network standardised: the scale is not the cause
        peak = float(np.abs(y).max())
        if peak**2 > float(torch.finfo(torch.float32).max):
            return (
                f"y reaches {peak:.3g}, too large for the network's float32 arithmetic (squares "
                "overflow beyond about 1.8e19), and normalization=None feeds it unscaled: use "
                "normalization='instance' (any scale float64 holds then trains) or scale y first"
            )
        if peak > 1e3:
            return (
                f"y reaches {peak:.3g} and normalization=None feeds it unscaled, so the loss and its "
                "gradients are too large for stable training: use normalization='instance' or "
                "scale y first"
            )
        return None

    def _training_batch(self, windows: Windows) -> TrainingBatch:
        """Network inputs, target and loss weight of gathered (standardised) training windows."""
        return self._normalizer.training_batch(windows)

    # -- panels: one global network over every series (tsforecast.models._neural_panel) --------

    def _panel_min_length(self, lengths: np.ndarray) -> int:
        return self._min_train_size(panel_lookback(self, lengths))

    def _fit_panel(self, series: list) -> None:
        fit_global(self, series)

    def _series_model(self, series_id) -> NeuralForecaster:
        return series_view(self, series_id)

    def _keep_series_model(self, series_id, model: NeuralForecaster) -> None:
        keep_series_view(self, series_id, model)

    # -- prediction ---------------------------------------------------------------

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        # the normaliser's statistics are parameters fitted with the weights: they stay
        self._X_hist = np.vstack([self._X_hist, X])

    def _predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        points, _ = self._forecast_history(steps, X, None)  # (1, n_steps, k)
        return points[0, steps - 1]

    def _predict_quantiles(self, steps: np.ndarray, X: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
        """Quantiles of the forecast at ``steps``: shape (len(steps), n_targets_, len(quantiles)).

        From the quantile head (levels within the trained range, interpolated), else from the
        validation residuals (see the ``quantiles`` parameter); sorted along the last axis.
        """
        _, bands = self._forecast_history(steps, X, np.asarray(quantiles, dtype=np.float64))
        assert bands is not None  # levels were given
        return bands[0, steps - 1]

    def _forecast_history(self, steps: np.ndarray, X: np.ndarray, levels: np.ndarray | None):
        """Forecasts of steps 1..max(steps) from the end of the observed history."""
        n_steps = int(steps[-1])
        lookback = self.lookback_
        future = self._exog_path(steps, X) if X.shape[1] else np.empty((n_steps, 0))
        y_past = self.y_train_[-lookback:][None]  # (1, L, k)
        x_past = self._X_hist[-lookback:][None]  # (1, L, f)
        return self._forecast(y_past, x_past, future[None], levels)

    def predict_origins(self, origins, n_steps: int, y=None, X=None, quantiles=None) -> np.ndarray:
        """Forecast ``n_steps`` steps from many origins in one batched pass.

        The forecast from origin ``o`` uses the rows before ``o`` (the last
        ``lookback_`` of them) and forecasts rows ``o, ..., o + n_steps - 1``,
        exactly as ``predict`` would after training (or ``update``) on
        ``y[:o]``. The weights are not refitted: this is the prediction step of
        a backtest without refit. All origins go through the network together
        (in chunks of ``max(batch_size, 256)`` windows on a CPU, 1024 on a GPU), not in a Python loop.

        Parameters
        ----------
        origins : array-like of int
            Positions (rows of ``y``) where the forecasts start; each must be
            at least ``lookback_`` and at most ``len(y)``.
        n_steps : int
            Steps forecast from every origin (recursive beyond ``horizon``).
        y : array-like of shape (n_samples,) or (n_samples, n_targets_), default=None
            The series, from its first row; ``None`` uses the observed history
            (``y_train_``, including rows given to ``update``).
        X : array-like of shape (n_rows, n_features_in_), default=None
            Exogenous features aligned with ``y`` from its first row; they must
            cover rows up to ``max(origins) + n_steps - 1`` (future rows are the
            known-future covariates). ``None`` uses the observed history when
            ``y`` is None.
        quantiles : float or list of float or None, default=None
            Increasing levels in (0, 1): return these quantiles of every
            forecast instead of the point forecasts, from the same single
            batched pass (see the ``quantiles`` parameter for where they come from).

        Returns
        -------
        y_pred : ndarray of shape (n_origins, n_steps, n_targets_) or \
(n_origins, n_steps, n_targets_, n_quantiles)
            The forecasts, or with ``quantiles`` their quantiles (never
            crossing); ``y_pred[i, j]`` is row ``origins[i] + j``.
        """
        check_is_fitted(self)
        levels = None if quantiles is None else check_levels(quantiles, "quantiles")[0]
        if not _positive_int(n_steps):
            raise ValueError(f"n_steps must be a positive integer, got {n_steps!r}.")
        if y is None:
            y_arr = self.y_train_
            X_arr = self._X_hist if X is None else self._validate_X(X, reset=False)
        else:
            y_arr = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
            if y_arr.shape[1] != self.n_targets_:
                raise ValueError(f"y has {y_arr.shape[1]} columns, fit's had {self.n_targets_}.")
            if X is None and self.n_features_in_ > 0:
                raise ValueError(
                    f"{type(self).__name__} was fitted with {self.n_features_in_} exogenous features: "
                    "pass X aligned with y (covering every forecast row)."
                )
            X_arr = np.empty((len(y_arr), 0)) if X is None else self._validate_X(X, reset=False)
        if not np.isfinite(y_arr).all():
            raise ValueError("y contains NaN or inf: fill the gaps first.")
        origins = np.asarray(origins)
        if origins.ndim != 1 or not np.issubdtype(origins.dtype, np.integer):
            raise ValueError("origins must be a 1-D array of integer row positions.")
        lookback = self.lookback_
        if len(origins) and (origins.min() < lookback or origins.max() > len(y_arr)):
            raise ValueError(
                f"origins must lie in [lookback_={lookback}, len(y)={len(y_arr)}]: each forecast needs "
                f"the {lookback} rows before it; got origins from {origins.min()} to {origins.max()}."
            )
        if self.n_features_in_ > 0 and len(origins) and origins.max() + n_steps > len(X_arr):
            raise ValueError(
                f"X has {len(X_arr)} rows but the forecasts reach row {origins.max() + n_steps - 1}: "
                "give X for every forecast row (known-future covariates)."
            )
        if len(origins) == 0:
            shape = (0, n_steps, self.n_targets_)
            return np.empty(shape if levels is None else (*shape, len(levels)))
        past = origins[:, None] - lookback + np.arange(lookback)  # (B, L)
        future = origins[:, None] + np.arange(n_steps)  # (B, n_steps)
        x_future = X_arr[future] if self.n_features_in_ > 0 else np.empty((len(origins), n_steps, 0))
        if levels is None:
            return self._forecast(y_arr[past], X_arr[past], x_future)[0]
        _, bands = self._forecast(y_arr[past], X_arr[past], x_future, levels)
        assert bands is not None  # levels were given
        return bands

    @torch.inference_mode()
    def _forecast(
        self, y_past: np.ndarray, x_past: np.ndarray, x_future: np.ndarray, levels: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Batched (recursive) forecasts from raw-scale windows, and their quantiles at ``levels``.

        Shape: y_past (B, L, k), x_past (B, L, f), x_future (B, S, f) -> points (B, S, k), and
        bands (B, S, k, len(levels)) sorted along the last axis (None without ``levels``).
        """
        n_origins, lookback, k = y_past.shape
        n_steps = x_future.shape[1]
        device, normalizer = self.device_, self._normalizer
        as_tensor = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32), device=device)  # noqa: E731
        # One row per (origin, series): (B * k, L, 1), standardised in float64 before the cast;
        # exog repeated for every series.
        values = as_tensor(normalizer.standardize(y_past)).permute(0, 2, 1)
        values = values.reshape(n_origins * k, lookback, 1)
        exog_past = as_tensor(normalizer.scale_exog(x_past)).repeat_interleave(k, dim=0)
        exog_future = as_tensor(normalizer.scale_exog(x_future)).repeat_interleave(k, dim=0)
        band = None if levels is None else as_tensor(self._band_matrix(levels))
        chunk = inference_batch_size(self.batch_size, device)
        blocks = [
            self._rollout(values[i : i + chunk], exog_past[i : i + chunk], exog_future[i : i + chunk], band)
            for i in range(0, len(values), chunk)
        ]
        out = torch.cat([points for points, _ in blocks])  # (B * k, S, 1)
        points = out.reshape(n_origins, k, n_steps).permute(0, 2, 1).double().cpu().numpy()
        if levels is None:
            return normalizer.unstandardize(points), None
        stacked = torch.cat([q for _, q in blocks if q is not None])  # (B * k, S, n_q)
        quantiles = stacked.reshape(n_origins, k, n_steps, -1).permute(0, 2, 1, 3).double().cpu().numpy()
        bands = np.sort(normalizer.unstandardize(quantiles, series_axis=2), axis=-1)
        return normalizer.unstandardize(points), bands

    @property
    def _point_channel(self) -> int:
        """The output channel of the point forecast: the median of a quantile head, else the only one."""
        return 0 if self.quantiles_ is None else int(np.flatnonzero(self.quantiles_ == 0.5)[0])

    def _band_matrix(self, levels: np.ndarray) -> np.ndarray:
        """What maps a block's outputs to deviations at ``levels`` (see :meth:`_rollout`).

        A quantile head: (n_channels, n_levels), interpolating its trained levels. Residual bands:
        (horizon, n_levels), the residual quantiles per step.
        """
        name = type(self).__name__
        if self.quantiles_ is not None:
            what = f"the levels {name}'s quantile head was trained for"
            hint = " Refit with quantiles=[...] that include them."
            return interpolation_matrix(self.quantiles_, levels, what, hint)
        if self.residual_quantiles_ is None:
            raise ValueError(
                f"{name} has no residuals to draw quantiles from: it was fitted without validation "
                "windows (early_stopping=False or validation_fraction=0). Refit with early_stopping=True, "
                "or with quantiles=[...] for a quantile head."
            )
        stored = interpolation_matrix(RESIDUAL_LEVELS, levels, "the levels of the stored residual quantiles")
        return self.residual_quantiles_ @ stored

    def _rollout(self, values, exog_past, exog_future, band=None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Standardised forecasts, block by block, each block's forecasts fed back as inputs.

        With ``band`` (:meth:`_band_matrix`), also the quantiles: in window units, the point
        forecast plus deviations (the head's interpolated quantiles minus its median, or the
        residual quantiles), widened beyond the first block (:func:`widen`), decoded with the
        same statistics as the point forecast.

        Shape: values (b, L, 1), exog_past (b, L, f), exog_future (b, S, f) -> points (b, S, 1),
        quantiles (b, S, n_levels) or None.
        """
        horizon, lookback, n_steps = int(self.horizon), self.lookback_, exog_future.shape[1]
        module, normalizer, channel = self.module_, self._normalizer, self._point_channel
        points, quantiles = [], []
        band_scale = None
        for block_number, begin in enumerate(range(0, n_steps, horizon)):
            block = exog_future[:, begin : begin + horizon]
            if block.shape[1] < horizon:  # last, partial block: pad (its extra outputs are dropped)
                pad = block[:, -1:] if block.shape[1] else exog_past[:, -1:]
                block = torch.cat([block, pad.expand(-1, horizon - block.shape[1], -1)], dim=1)
            x, loc, scale = normalizer.encode(values, exog_past)
            out = module(x, block).float()  # (b, H, n_channels), window units
            point = out[..., channel : channel + 1]
            pred = normalizer.decode(point, loc, scale)  # (b, H, 1)
            if band is not None:
                deviation = (
                    out @ band - point if self.quantiles_ is not None else band.expand(len(out), -1, -1)
                )
                # deviations are scaled, never shrunk: shrinkage moves the point, not the band's width
                spread = widen(deviation, block_number)
                if block_number == 0:
                    # the observed window's scale for every block: later windows hold fed-back
                    # forecasts, smoother than data, whose spread would narrow the band as it widens
                    band_scale = scale
                quantiles.append(pred + (spread if band_scale is None else spread * band_scale))
            points.append(pred)
            if begin + horizon < n_steps:
                values = torch.cat([values, pred], dim=1)[:, -lookback:]
                exog_past = torch.cat([exog_past, block], dim=1)[:, -lookback:]
        bands = torch.cat(quantiles, dim=1)[:, :n_steps] if band is not None else None
        return torch.cat(points, dim=1)[:, :n_steps], bands

    # -- pickling -------------------------------------------------------------------

    def __getstate__(self):
        state = dict(super().__getstate__())  # object.__getstate__ may return __dict__ itself
        module = state.get("module_")
        if module is not None:
            state["module_"] = {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}
        return state

    def __setstate__(self, state):
        weights = state.get("module_")
        super().__setstate__(state)
        if isinstance(weights, dict):
            device = resolve_device(self.device, fallback=True)
            with torch.random.fork_rng(devices=[]):  # the initial weights are overwritten
                module = self._build_module(**self._module_spec)
            module.load_state_dict(weights)
            self.module_ = module.to(device).eval()
            self.device_ = device


_SHARED_NAMES = tuple(
    name for name in inspect.signature(NeuralForecaster.__init__).parameters if name != "self"
)
document_parameters(NeuralForecaster)
