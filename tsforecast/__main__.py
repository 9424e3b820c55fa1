"""``python -m tsforecast``: the command line."""

import sys

from tsforecast.cli import main

sys.exit(main())
