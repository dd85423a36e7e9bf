"""`python -m techflows` is the `techflows` command."""

import sys

from techflows.cli import main

sys.exit(main())
