"""`python -m techflows` is the `techflows` command."""

import sys

from techflows.run.cli import main

sys.exit(main())
