"""Collection rules for the whole repository (tests/ and the package's doctests)."""

import importlib.util

# sktime is an optional extra: without it, the interop module's examples cannot run.
collect_ignore = [] if importlib.util.find_spec("sktime") else ["tsforecast/sktime.py"]
