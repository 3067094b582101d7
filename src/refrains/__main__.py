"""``python -m refrains`` runs the command line."""

from __future__ import annotations

import sys

from refrains.cli import main

sys.exit(main())
