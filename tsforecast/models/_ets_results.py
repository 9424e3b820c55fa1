"""statsmodels' ETS model, whose results compute the parameters' covariance when first read.

statsmodels builds the covariance of the parameter estimates (a complex-step numerical Hessian,
``k (k + 1) / 2`` likelihood evaluations for ``k`` parameters: 40 to 70 ms with a daily season of
24 hourly steps, about a fifth of an automatic fit) every time it builds results, and forecasts
never read it. These subclasses change only when it is computed: on first read (``bse``,
``cov_params()``, ``summary()``), by statsmodels' own code. Imported on first fit, with
statsmodels; pickled results refer to this module.
"""

from __future__ import annotations

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults, ETSResultsWrapper

__all__ = ["LazyCovETSModel", "LazyCovETSResults"]


class LazyCovETSResults(ETSResults):
    """``ETSResults`` whose ``cov_params_default`` is computed when first read."""

    _building = False
    _lazy_cov = None

    def __init__(self, model, params, results):
        self._building = True  # the constructor's eager read of the covariance gets None
        try:
            super().__init__(model, params, results)
        finally:
            self._building = False

    @property
    def cov_params_approx(self):
        if self._building:
            return None
        if self._lazy_cov is None:
            try:
                self._lazy_cov = self._cov_params_approx(
                    self._cov_approx_complex_step, self._cov_approx_centered
                )
            except np.linalg.LinAlgError:  # statsmodels' constructor reports this case as NaN
                self._rank = 0
                self._lazy_cov = np.full((len(self.params), len(self.params)), np.nan)
        return self._lazy_cov

    @property
    def cov_params_default(self):
        return self.cov_params_approx

    @cov_params_default.setter
    def cov_params_default(self, value):
        # the constructor assigns the (deferred) covariance here; reads go to cov_params_approx
        pass


class LazyCovETSModel(ETSModel):
    """``ETSModel`` whose results are :class:`LazyCovETSResults`."""

    @property
    def _res_classes(self):
        return {"fit": (LazyCovETSResults, ETSResultsWrapper)}
