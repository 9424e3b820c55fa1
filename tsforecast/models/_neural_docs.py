"""The shared parameter and attribute docs of the neural forecasters, written once.

:func:`tsforecast.models.neural.document_parameters` fills them into every family's docstring,
with the family's own defaults and its own ``network`` block (what ``hidden_size``,
``num_layers`` and ``dropout`` mean for its network). Text only: kept apart so that the estimator
module holds code.
"""

from __future__ import annotations

__all__ = ["ATTRIBUTES_DOC", "NETWORK_DOC", "PARAMETERS_DOC"]

PARAMETERS_DOC = """lookback : int or None, default=None
        Input window length. ``None`` chooses ``max(4 * horizon, min(3 *
        seasonal_period, {max_seasonal}), 32)``, capped so that at least half of
        the training series remains for window starts. A long season (365 for
        daily data) need not fit in the window: where the season stands shows
        in the window's level, which the normalisation restores, and its phase
        can be given as known-future features, its Fourier terms
        ``X = FourierFeatures(period=365.25, order=2).fit_transform(
        pd.DataFrame(index=y.index))``
        (:class:`~tsforecast.preprocessing.FourierFeatures`), so the network
        sees the time of year at every input and forecast step.
    horizon : int, default=1
        Steps the network emits at once. Longer forecasts roll out
        recursively, feeding the predictions back as inputs.
    seasonal_period : int or None, default=None
        Length of the main season (24 for hourly data with a daily cycle);
        informs the default ``lookback`` and makes the last season a baseline
        that ``normalization="auto"`` may choose.
    {network}
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
    normalization : {"auto", "instance", "last", "seasonal", None}, default="auto"
        How input windows are normalised, which fixes the *baseline* the
        network learns to correct: its output layer starts at zero, so the
        untrained network forecasts the baseline, and early stopping keeps
        that forecast unless an epoch of training beats it on validation.
        ``"auto"``: the one of ``"last"``, ``"seasonal"`` (when
        ``seasonal_period`` > 1 fits in the look-back) and ``"instance"`` whose
        baseline has the smallest mean absolute error over the training
        windows (before the validation tail), chosen at every ``fit`` and
        stored in ``normalization_``: a network that cannot beat the best of
        these naive forecasts falls back to it
        (:func:`~tsforecast.models._defaults.choose_normalization`).
        ``"instance"``: every input window is normalised by its own mean and
        standard deviation (RevIN-style), so raw-scale data need no scaler:
        each series is first standardised in float64, so any offset and scale
        float64 holds (``1.234567e9 + y``, ``1e20 * y``) forecasts as well as
        the standardised series.
        ``"last"``: shifted by the window's last value instead of its mean, so
        the network learns a correction to "repeat the last value" (suits
        random-walk-like series: exchange rates, prices).
        ``"seasonal"``: shifted by the window's last value, and the baseline is
        the window's last season repeated (seasonal naive; needs
        ``seasonal_period`` > 1, at most the look-back).
        ``None``: values are fed as they are (scale them first).
    shrinkage : float in [0, 1] or None, default=None
        Share of the network's correction to its baseline removed from the
        forecast: ``baseline + (1 - shrinkage) * (network - baseline)``
        (training is unaffected). ``None`` with ``normalization="auto"``:
        the network and its baseline are averaged with weights inverse to
        their validation losses, ``shrinkage = loss / (loss + baseline_loss)``
        (Bates and Granger's combination; 0.5 when the network did not beat
        the baseline, 0 without validation), so a network that beats the
        naive forecast by far keeps most of its forecast and a marginal one
        is pulled halfway back
        (:func:`~tsforecast.models._defaults.resolve_shrinkage`, measured in
        ``benchmarks/defaults.py``). ``None`` with any other normalization:
        0, the network alone. Stored in ``shrinkage_``.
    loss : {"mse", "mae", "huber"}, default="mse"
        Training loss (of the point forecast; not used with ``quantiles``).
    quantiles : list of float or None, default=None
        Increasing levels in (0, 1) of a multi-quantile output: the network emits one
        channel per level and trains on the pinball loss; 0.5 is added when
        absent, and the point forecast is that median. ``predict_quantiles``
        then answers levels within the trained range (interpolated linearly
        between trained levels). ``None``: a point forecast; its quantiles come
        from the empirical quantiles, per horizon step, of the residuals on the
        early-stopping validation windows, in window units (a split-conformal
        band; it needs ``early_stopping=True`` and ``validation_fraction > 0``).
        Beyond ``horizon`` the band of rollout block ``b`` adds ``b`` blocks'
        errors as independent ones: a deviation ``d`` from the point forecast
        becomes ``sign(d) * sqrt(d**2 + b * d_H**2)``, with ``d_H`` the
        deviation at the block's last step.
    device : str or torch.device, default="auto"
        ``"auto"`` uses cuda, then mps, then the cpu; naming an accelerator
        this PyTorch cannot use raises a ``ValueError`` when ``fit`` starts.
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

ATTRIBUTES_DOC = """module_ : torch.nn.Module
        The trained network (eval mode, on ``device_``).
    history_ : DataFrame
        Per epoch: ``epoch``, ``train_loss``, ``val_loss``, ``lr``, ``seconds``.
    best_epoch_ : int
        The epoch whose weights ``module_`` holds (early stopping restores it).
    lookback_ : int
        The input window length used.
    normalization_ : {"instance", "last", "seasonal", None}
        The normalisation used (``normalization``, or what ``"auto"`` chose).
    shrinkage_ : float
        The shrinkage used (``shrinkage``, or what ``None`` resolved to).
    device_ : torch.device
        The device ``module_`` lives on.
    quantiles_ : ndarray or None
        The levels the quantile head was trained for (sorted, with 0.5), or
        None without ``quantiles``.
    residual_quantiles_ : ndarray of shape (horizon, n_levels) or None
        Without ``quantiles``: the validation residuals' quantiles per horizon
        step, in window units, at the levels
        :data:`~tsforecast.training.quantiles.RESIDUAL_LEVELS` (0.001 to
        0.999); None with a quantile head or without validation windows.

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...)."""


NETWORK_DOC = """hidden_size : int, default={hidden_size}
        Width of the network's hidden features (each family documents its meaning).
    num_layers : int, default={num_layers}
        Depth of the network (each family documents its meaning).
    dropout : float, default={dropout}
        Dropout rate inside the network and before its output head."""
