"""NeuralForecaster: the shared estimator base of every deep forecaster.

A subclass only says how to build its network from the data's shapes
(:meth:`NeuralForecaster._build_module`); windowing, normalisation, training,
recursive rollout, batched multi-origin prediction, devices, determinism and
pickling live here and in :mod:`tsforecast.training`.

Several columns of y are several series: one global network is trained on the
windows of all of them (channel-independent: the network sees one series at a
time, with the exogenous features shared by all).
"""

from __future__ import annotations

import inspect
import math
import numbers

import numpy as np
import pandas as pd
import torch
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from torch import nn

from tsforecast.base import BaseForecaster
from tsforecast.nn.normalization import instance_denormalize, instance_normalize
from tsforecast.training.distributed import local_cuda_device, process_group
from tsforecast.training.loop import LOSSES, LR_SCHEDULES, inference_batch_size, train_module
from tsforecast.training.windows import Windows, WindowSampler, validation_steps

__all__ = ["NeuralForecaster", "document_parameters", "resolve_device", "shared_parameters"]

_NORMALIZATIONS = ("instance", "last", None)


_PARAMETERS_DOC = """lookback : int or None, default=None
        Input window length. ``None`` chooses ``max(4 * horizon, 3 *
        seasonal_period, 32)``, capped so that at least half of the training
        series remains for window starts.
    horizon : int, default=1
        Steps the network emits at once. Longer forecasts roll out
        recursively, feeding the predictions back as inputs.
    seasonal_period : int or None, default=None
        Length of the main season (24 for hourly data with a daily cycle);
        only informs the default ``lookback``.
    hidden_size : int, default={hidden_size}
        Width of the recurrent state.
    num_layers : int, default={num_layers}
        Stacked recurrent layers.
    dropout : float, default={dropout}
        Dropout between recurrent layers and before the output head.
    max_epochs : int, default=100
        Most passes over the training windows.
    batch_size : int, default=32
        Windows per optimisation step.
    learning_rate : float, default=1e-3
        AdamW learning rate.
    weight_decay : float, default=0.0
        AdamW weight decay.
    gradient_clip : float or None, default=1.0
        Largest gradient norm; ``None`` does not clip.
    lr_schedule : {None, "cosine", "plateau"}, default=None
        Constant learning rate, cosine annealing over ``max_epochs``, or
        halving when the monitored loss stops improving.
    early_stopping : bool, default=True
        Hold out the last ``validation_fraction`` of time; stop when its loss
        has not improved for ``patience`` epochs and restore the best weights.
    validation_fraction : float, default=0.2
        Share of the series (its end, at least ``horizon`` steps) held out
        for early stopping.
    patience : int, default=10
        Epochs without validation improvement before stopping.
    normalization : {"instance", "last", None}, default="instance"
        ``"instance"``: every input window is normalised by its own mean and
        standard deviation (RevIN-style), so raw-scale data need no scaler.
        ``"last"``: shifted by the window's last value instead of its mean, so
        the network learns a correction to "repeat the last value" (suits
        random-walk-like series: exchange rates, prices).
        ``None``: values are fed as they are (scale them first).
    loss : {"mse", "mae", "huber"}, default="mse"
        Training loss.
    device : str or torch.device, default="auto"
        ``"auto"`` uses cuda, then mps, then the cpu.
    compile : bool, default=False
        Train through ``torch.compile``.
    mixed_precision : bool, default=True
        bf16 autocast when training on CUDA (ignored elsewhere).
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, dropout and shuffling with local generators; on
        the CPU the same seed gives bit-identical forecasts.
    verbose : bool, default=False
        Show a progress bar with the running losses.
    steps_per_epoch : int or None, default=None
        Most optimisation steps per epoch, each drawing a fresh random subset
        of the windows (for very long series); ``None``: every window."""

_ATTRIBUTES_DOC = """module_ : torch.nn.Module
        The trained network (eval mode, on ``device_``).
    history_ : DataFrame
        Per epoch: ``epoch``, ``train_loss``, ``val_loss``, ``lr``, ``seconds``.
    best_epoch_ : int
        The epoch whose weights ``module_`` holds (early stopping restores it).
    lookback_ : int
        The input window length used.
    device_ : torch.device
        The device ``module_`` lives on.

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...)."""


def shared_parameters(namespace: dict) -> dict:
    """The :class:`NeuralForecaster` parameters among a subclass ``__init__``'s ``locals()``.

    Subclasses list every parameter explicitly in their signature (scikit-learn
    reads it) and pass the shared ones on with
    ``NeuralForecaster.__init__(self, **shared_parameters(locals()))``.
    """
    return {name: namespace[name] for name in _SHARED_NAMES}


def document_parameters(cls: type, extra: str = "") -> type:
    """Fill ``{parameters}`` and ``{attributes}`` in a neural forecaster's docstring.

    The shared parameters are documented once, here, with each class's own
    defaults read from its signature; ``extra`` documents its own parameters.
    """
    defaults = {name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()}
    shared = _PARAMETERS_DOC
    for name in ("hidden_size", "num_layers", "dropout"):
        shared = shared.replace("{" + name + "}", repr(defaults[name]))
    parameters = shared + ("\n    " + extra.strip() if extra else "")
    cls.__doc__ = cls.__doc__.replace("{parameters}", parameters).replace("{attributes}", _ATTRIBUTES_DOC)
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
    resolved = torch.device(device)
    if fallback and resolved.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    if fallback and resolved.type == "mps" and not torch.backends.mps.is_available():
        return torch.device("cpu")
    return resolved


def _is_int(value, minimum: int) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= minimum


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


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
        normalization: str | None = "instance",
        loss: str = "mse",
        device: str | torch.device = "auto",
        compile: bool = False,
        mixed_precision: bool = True,
        random_state: int | np.random.RandomState | None = None,
        verbose: bool = False,
        steps_per_epoch: int | None = None,
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
        self.loss = loss
        self.device = device
        self.compile = compile
        self.mixed_precision = mixed_precision
        self.random_state = random_state
        self.verbose = verbose
        self.steps_per_epoch = steps_per_epoch

    uses_exogenous = True  # X's past values are inputs and its future values condition the forecast

    #: Whether ``num_layers=None`` is meaningful (the TCN sizes itself from ``lookback``).
    _num_layers_optional = False

    # -- the hook for subclasses ------------------------------------------------

    def _build_module(self, n_inputs: int, n_targets: int, n_future: int) -> nn.Module:
        """Build the (untrained) network for data of these shapes."""
        raise NotImplementedError

    # -- parameters ---------------------------------------------------------------

    def _check_params(self) -> None:
        name = type(self).__name__
        checks = [
            ("lookback", self.lookback is None or _is_int(self.lookback, 1), "None or an integer >= 1"),
            ("horizon", _is_int(self.horizon, 1), "an integer >= 1"),
            (
                "seasonal_period",
                self.seasonal_period is None or _is_int(self.seasonal_period, 1),
                "None or an integer >= 1",
            ),
            ("hidden_size", _is_int(self.hidden_size, 1), "an integer >= 1"),
            (
                "num_layers",
                _is_int(self.num_layers, 1) or (self.num_layers is None and self._num_layers_optional),
                "an integer >= 1" + (" or None" if self._num_layers_optional else ""),
            ),
            ("dropout", _is_real(self.dropout) and 0 <= self.dropout < 1, "a float in [0, 1)"),
            ("max_epochs", _is_int(self.max_epochs, 1), "an integer >= 1"),
            ("batch_size", _is_int(self.batch_size, 1), "an integer >= 1"),
            ("learning_rate", _is_real(self.learning_rate) and self.learning_rate > 0, "a float > 0"),
            ("weight_decay", _is_real(self.weight_decay) and self.weight_decay >= 0, "a float >= 0"),
            (
                "gradient_clip",
                self.gradient_clip is None or (_is_real(self.gradient_clip) and self.gradient_clip > 0),
                "None or a float > 0",
            ),
            ("lr_schedule", self.lr_schedule in LR_SCHEDULES, f"one of {LR_SCHEDULES}"),
            (
                "validation_fraction",
                _is_real(self.validation_fraction) and 0 <= self.validation_fraction < 1,
                "a float in [0, 1)",
            ),
            ("patience", _is_int(self.patience, 1), "an integer >= 1"),
            (
                "steps_per_epoch",
                self.steps_per_epoch is None or _is_int(self.steps_per_epoch, 1),
                "None or an integer >= 1",
            ),
            ("normalization", self.normalization in _NORMALIZATIONS, f"one of {_NORMALIZATIONS}"),
            ("loss", self.loss in LOSSES, f"one of {tuple(LOSSES)}"),
        ]
        for param, ok, expected in checks:
            if not ok:
                raise ValueError(f"{name}: {param} must be {expected}, got {getattr(self, param)!r}.")
        if not isinstance(self.device, (str, torch.device)):
            raise ValueError(
                f"{name}: device must be 'auto', 'cpu', 'cuda', 'mps' or a torch.device, got {self.device!r}."
            )

    def _validation_steps(self, n: int) -> int:
        if not self.early_stopping:
            return 0
        return validation_steps(n, int(self.horizon), float(self.validation_fraction))

    def _min_train_size(self) -> int:
        self._check_params()
        lookback = 1 if self.lookback is None else int(self.lookback)
        n = lookback + int(self.horizon)
        while n - self._validation_steps(n) < lookback + self.horizon:
            n += 1
        return n

    def _resolve_lookback(self, n: int) -> int:
        if self.lookback is not None:
            return int(self.lookback)
        horizon, period = int(self.horizon), int(self.seasonal_period or 0)
        rule = max(4 * horizon, 3 * period, 32)
        n_fit = n - self._validation_steps(n)
        return int(max(1, min(rule, (n_fit - horizon) // 2)))

    # -- fit ---------------------------------------------------------------------

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        self._check_params()
        n, n_series = y.shape
        self.lookback_ = self._resolve_lookback(n)
        self.device_ = resolve_device(self.device)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        self._x_loc = X.mean(axis=0) if len(X) else np.zeros(X.shape[1])
        scale = X.std(axis=0) if len(X) else np.ones(X.shape[1])
        self._x_scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        self._X_hist = X.copy()
        # Floor of the per-window scale: 1e-3 of each series' spread (constant windows stay finite).
        spread = y.std(axis=0)
        self._min_scale = np.where(spread > 0, 1e-3 * spread, 1e-3 * np.abs(y).mean(axis=0)) + 1e-8
        self._module_spec = {"n_inputs": 1 + X.shape[1], "n_targets": 1, "n_future": X.shape[1]}
        self._min_scale_t = torch.as_tensor(self._min_scale, dtype=torch.float32, device=self.device_)
        self._spread_t = torch.as_tensor(
            np.where(spread > 0, spread, self._min_scale), dtype=torch.float32, device=self.device_
        )
        sampler = WindowSampler(
            y,
            self._scale_exog(X),
            lookback=self.lookback_,
            horizon=int(self.horizon),
            validation_steps=self._validation_steps(n),
            device=self.device_,
            transform=self._training_batch,
        )
        devices = [self.device_.index or 0] if self.device_.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            module = self._build_module(**self._module_spec).to(self.device_)
            generator = torch.Generator().manual_seed(seed)
            history, best_epoch = train_module(
                module,
                sampler,
                max_epochs=int(self.max_epochs),
                batch_size=int(self.batch_size),
                learning_rate=float(self.learning_rate),
                weight_decay=float(self.weight_decay),
                gradient_clip=self.gradient_clip,
                lr_schedule=self.lr_schedule,
                loss=self.loss,
                early_stopping=bool(self.early_stopping),
                patience=int(self.patience),
                device=self.device_,
                mixed_precision=bool(self.mixed_precision),
                compile=bool(self.compile),
                generator=generator,
                verbose=bool(self.verbose),
                steps_per_epoch=None if self.steps_per_epoch is None else int(self.steps_per_epoch),
            )
        del self._min_scale_t, self._spread_t
        self.module_ = module.eval()
        self.history_ = pd.DataFrame(history, columns=["epoch", "train_loss", "val_loss", "lr", "seconds"])
        self.best_epoch_ = int(best_epoch)

    @property
    def _center(self) -> str:
        return "last" if self.normalization == "last" else "mean"

    def _scale_exog(self, X: np.ndarray) -> np.ndarray:
        return (X - self._x_loc) / self._x_scale

    def _training_batch(self, windows: Windows) -> tuple:
        """Network inputs, target and loss scale of gathered training windows (normalised)."""
        lookback = self.lookback_
        past, future = windows.values[:, :lookback], windows.values[:, lookback:]  # (B, L, 1), (B, H, 1)
        x_future = windows.exog[:, lookback:]
        if self.normalization is None:
            return (torch.cat([past, windows.exog[:, :lookback]], dim=-1), x_future), future
        min_scale = self._min_scale_t[windows.series].view(-1, 1, 1)
        past, loc, scale = instance_normalize(past, min_scale, self._center)
        future = (future - loc) / scale
        x = torch.cat([past, windows.exog[:, :lookback]], dim=-1)  # (B, L, 1 + n_features)
        # The loss is taken on each series' own standard scale, not the window's: in window units a
        # quiet window's errors would weigh (its spread / the series' spread)^-2 times more than the
        # same errors elsewhere, and training would chase the quiet windows that metrics barely see.
        return (x, x_future), future, scale / self._spread_t[windows.series].view(-1, 1, 1)

    # -- prediction ---------------------------------------------------------------

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        self._X_hist = np.vstack([self._X_hist, X])

    def _predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        n_steps = int(steps[-1])
        lookback = self.lookback_
        future = self._exog_path(steps, X) if X.shape[1] else np.empty((n_steps, 0))
        y_past = self.y_train_[-lookback:][None]  # (1, L, k)
        x_past = self._X_hist[-lookback:][None]  # (1, L, f)
        out = self._forecast(y_past, x_past, future[None])  # (1, n_steps, k)
        return out[0, steps - 1]

    def predict_origins(self, origins, n_steps: int, y=None, X=None) -> np.ndarray:
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

        Returns
        -------
        y_pred : ndarray of shape (n_origins, n_steps, n_targets_)
            The forecasts; ``y_pred[i, j]`` is row ``origins[i] + j``.
        """
        check_is_fitted(self)
        if not _is_int(n_steps, 1):
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
            return np.empty((0, n_steps, self.n_targets_))
        past = origins[:, None] - lookback + np.arange(lookback)  # (B, L)
        future = origins[:, None] + np.arange(n_steps)  # (B, n_steps)
        x_future = X_arr[future] if self.n_features_in_ > 0 else np.empty((len(origins), n_steps, 0))
        return self._forecast(y_arr[past], X_arr[past], x_future)

    @torch.inference_mode()
    def _forecast(self, y_past: np.ndarray, x_past: np.ndarray, x_future: np.ndarray) -> np.ndarray:
        """Batched (recursive) forecasts from raw-scale windows.

        Shape: y_past (B, L, k), x_past (B, L, f), x_future (B, S, f) -> (B, S, k).
        """
        n_origins, lookback, k = y_past.shape
        n_steps = x_future.shape[1]
        device = self.device_
        as_tensor = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32), device=device)  # noqa: E731
        # One row per (origin, series): (B * k, L, 1); exog repeated for every series.
        values = as_tensor(y_past).permute(0, 2, 1).reshape(n_origins * k, lookback, 1)
        exog_past = as_tensor(self._scale_exog(x_past)).repeat_interleave(k, dim=0)
        exog_future = as_tensor(self._scale_exog(x_future)).repeat_interleave(k, dim=0)
        min_scale = torch.as_tensor(self._min_scale, dtype=torch.float32, device=device).repeat(n_origins)
        chunk = inference_batch_size(self.batch_size, device)
        out = torch.cat(
            [
                self._rollout(
                    values[i : i + chunk],
                    exog_past[i : i + chunk],
                    exog_future[i : i + chunk],
                    min_scale[i : i + chunk],
                )
                for i in range(0, len(values), chunk)
            ]
        )  # (B * k, S, 1)
        return out.reshape(n_origins, k, n_steps).permute(0, 2, 1).double().cpu().numpy()

    def _rollout(self, values, exog_past, exog_future, min_scale) -> torch.Tensor:
        """Shape: values (b, L, 1), exog_past (b, L, f), exog_future (b, S, f) -> (b, S, 1)."""
        horizon, lookback, n_steps = int(self.horizon), self.lookback_, exog_future.shape[1]
        module = self.module_
        outputs = []
        for begin in range(0, n_steps, horizon):
            block = exog_future[:, begin : begin + horizon]
            if block.shape[1] < horizon:  # last, partial block: pad (its extra outputs are dropped)
                pad = block[:, -1:] if block.shape[1] else exog_past[:, -1:]
                block = torch.cat([block, pad.expand(-1, horizon - block.shape[1], -1)], dim=1)
            past = values
            if self.normalization is not None:
                past, loc, scale = instance_normalize(values, min_scale.view(-1, 1, 1), self._center)
            pred = module(torch.cat([past, exog_past], dim=-1), block).float()  # (b, H, 1)
            if self.normalization is not None:
                pred = instance_denormalize(pred, loc, scale)
            outputs.append(pred)
            if begin + horizon < n_steps:
                values = torch.cat([values, pred], dim=1)[:, -lookback:]
                exog_past = torch.cat([exog_past, block], dim=1)[:, -lookback:]
        return torch.cat(outputs, dim=1)[:, :n_steps]

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
