"""Quality measured on public data with gold labels: ``refrains eval NAME``.

Every benchmark runs the engine's own stages (not a separate code path) and returns an
:class:`EvalResult` whose ``metrics`` are the figures guarded by floors in the test suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refrains.errors import ConfigError


@dataclass
class EvalResult:
    """Figures of one benchmark run."""

    benchmark: str
    metrics: dict[str, float]
    per_language: dict[str, dict[str, float]] = field(default_factory=dict)
    published: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The JSON line printed last by ``refrains eval``."""
        return {"benchmark": self.benchmark, "metrics": self.metrics, "per_language": self.per_language,
                "seconds": round(self.seconds, 1)}


Runner = Callable[[Path, int | None], EvalResult]

MODULES = {"tatoeba": "tatoeba", "semeval2022-t8": "semeval", "wmt21": "wmt21", "seeds": "seeds", "facts": "facts",
           "claims": "claims"}
DEFAULT_DIRS = {
    "tatoeba": "tatoeba-laser",
    "semeval2022-t8": "semeval2022-t8",
    "wmt21": "wmt21-doc-translations",
    "seeds": "seeds",
    "facts": "tests/golden/facts_labels.jsonl",
    "claims": "semeval2025-t7-claim-retrieval-trial",
}


def default_data_dir(name: str) -> Path:
    """``../shared/benchmarks/<dir>`` (``../shared/seeds`` for seeds), relative to the working directory.

    The facts labels are hand-made and live with the tests: ``tests/golden/facts_labels.jsonl`` of the
    working directory, else of the source checkout this package was installed from.
    """
    sub = DEFAULT_DIRS[name]
    if name == "facts":
        return Path(sub) if Path(sub).exists() else Path(__file__).resolve().parents[3] / sub
    return Path("../shared") / sub if name == "seeds" else Path("../shared/benchmarks") / sub


def run_benchmark(name: str, data: str | Path | None = None, limit: int | None = None) -> EvalResult:
    """Run benchmark ``name`` on ``data`` (a folder holding a file of the benchmark's format).

    Args:
        name: tatoeba, semeval2022-t8, wmt21, seeds, facts or claims.
        data: the folder (or file); defaults to the copy in ../shared/benchmarks.
        limit: use only the first ``limit`` items (pairs, documents, sentences per language).
    """
    import importlib
    import time

    if name not in MODULES:
        raise ConfigError(f"unknown benchmark {name!r}; choose one of {', '.join(sorted(MODULES))}")
    folder = Path(data) if data else default_data_dir(name)
    if not folder.exists():
        raise ConfigError(f"{folder}: benchmark data not found; pass --data DIR")
    runner: Runner = importlib.import_module(f"refrains.evaluate.{MODULES[name]}").run
    t0 = time.perf_counter()
    result = runner(folder, limit)
    result.seconds = time.perf_counter() - t0
    return result


def find_file(folder: Path, patterns: list[str], what: str) -> Path:
    """The first file in ``folder`` matching one of ``patterns`` (any name, same format)."""
    if folder.is_file():
        return folder
    for pat in patterns:
        hits = sorted(folder.glob(pat))
        if hits:
            return hits[0]
    raise ConfigError(f"{folder}: no {what} file found (looked for {', '.join(patterns)})")


def spread(items: list[Any], limit: int | None) -> list[Any]:
    """``limit`` items taken evenly across ``items`` (so a slice mixes every language)."""
    if not limit or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


__all__ = ["EvalResult", "default_data_dir", "find_file", "run_benchmark", "spread"]
