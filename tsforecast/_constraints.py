"""Parameter constraints that scikit-learn's ``_param_validation`` lacks, in its own wording.

scikit-learn's ``Interval(Integral, ...)`` accepts ``True`` (``bool`` is an ``int``), so a
forecaster given ``seasonal_period=True`` would silently use a season of 1. ``Number`` is the
same interval with booleans refused; ``IntTuple`` is a fixed-length tuple of bounded integers
(ARIMA orders). Both plug into ``_parameter_constraints`` and give sklearn's message:
"The 'seasonal_period' parameter of ETSForecaster must be an int in the range [1, inf). Got
True instead."
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, Options

__all__ = ["IntTuple", "Number", "SeasonalPeriods"]


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


class Number(Interval):
    """``sklearn.utils._param_validation.Interval`` that refuses booleans.

    Examples
    --------
    >>> from numbers import Integral
    >>> at_least_one = Number(Integral, 1, None, closed="left")
    >>> at_least_one.is_satisfied_by(3), at_least_one.is_satisfied_by(True)
    (True, False)
    >>> str(at_least_one)
    'an int in the range [1, inf)'
    """

    def is_satisfied_by(self, val):
        return not _is_bool(val) and super().is_satisfied_by(val)


class IntTuple(Options):
    """A tuple (or list) of ``length`` integers, each at least ``minimum``; booleans refused.

    (An ``Options`` subclass only because sklearn's validator passes ``Options`` instances
    through; it enumerates nothing.)

    Examples
    --------
    >>> order = IntTuple(3)
    >>> order.is_satisfied_by((1, 0, 2)), order.is_satisfied_by((1, 0)), order.is_satisfied_by((1, True, 0))
    (True, False, False)
    >>> str(order)
    'a tuple of 3 ints >= 0'
    """

    def __init__(self, length: int, minimum: int = 0):
        super().__init__(tuple, set())
        self.length = length
        self.minimum = minimum

    def is_satisfied_by(self, val):
        return (
            isinstance(val, (tuple, list))
            and len(val) == self.length
            and all(isinstance(v, numbers.Integral) and not _is_bool(v) and v >= self.minimum for v in val)
        )

    def __str__(self):
        return f"a tuple of {self.length} ints >= {self.minimum}"


class SeasonalPeriods(Options):
    """An int >= 1, or a non-empty list/tuple of season lengths (numbers > 1, e.g. ``[7, 365.25]``).

    Examples
    --------
    >>> periods = SeasonalPeriods()
    >>> [periods.is_satisfied_by(v) for v in (24, [24, 168], (7, 365.25), True, [], [1], 0)]
    [True, True, True, False, False, False, False]
    """

    def __init__(self):
        super().__init__(object, set())

    def is_satisfied_by(self, val):
        if isinstance(val, numbers.Integral) and not _is_bool(val):
            return val >= 1
        return (
            isinstance(val, (tuple, list))
            and len(val) > 0
            and all(isinstance(v, numbers.Real) and not _is_bool(v) and v > 1 for v in val)
        )

    def __str__(self):
        return "an int >= 1 or a non-empty list of season lengths > 1"
