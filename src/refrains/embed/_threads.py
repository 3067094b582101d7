"""How many threads numeric work may use: the cores this process may run on."""

from __future__ import annotations

import os


def cpu_threads() -> int:
    """Cores available to this process (``REFRAINS_THREADS`` overrides).

    Oversubscribing BLAS on a 2-core machine runs ~10x slower (measured in STACK.md).
    """
    env = os.environ.get("REFRAINS_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
