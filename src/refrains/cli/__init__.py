"""The ``refrains`` command line: thin commands that validate and call the library."""

from __future__ import annotations

from refrains.cli.main import main

__all__ = ["main"]
