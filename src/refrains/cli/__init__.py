"""The ``refrains`` command line: thin commands that validate and call the library."""

from __future__ import annotations

import sys

try:
    from refrains.cli.main import main
except KeyboardInterrupt:  # Ctrl-C while the modules load (a first run compiles them): nothing was stored
    print("\ninterrupted while starting: nothing was stored; run the same command again to resume", file=sys.stderr)
    sys.exit(130)

__all__ = ["main"]
