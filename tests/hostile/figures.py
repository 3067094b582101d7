"""Figures the reliability tests record; printed after the run and written to docs/reliability.md.

``docs/reliability.md`` is rewritten (between its figure markers) only when every section
below was recorded in one passing run, so a partial run (``-k``, ``-m "not slow"``) prints
its figures but never leaves a half-filled page.
"""

from __future__ import annotations

import platform
import re
import time
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
SECTIONS = ("hostile inputs", "200 MB file", "kill loop", "SIGINT", "concurrency", "fuzzing", "web")
FIGURES: dict[str, dict[str, Any]] = {}


def record(section: str, **values: Any) -> None:
    """Add figures under ``section`` (one of SECTIONS)."""
    FIGURES.setdefault(section, {}).update(values)


def lines() -> list[str]:
    out = []
    for section in SECTIONS:
        if section in FIGURES:
            out.append(f"- **{section}**: " + "; ".join(f"{k} {v}" for k, v in FIGURES[section].items()))
    return out


def write_doc(command: str) -> bool:
    """Put the figures into docs/reliability.md if every section was recorded."""
    if any(s not in FIGURES for s in SECTIONS) or not DOC.exists():
        return False
    made = (f"Produced by `{command}` on {time.strftime('%Y-%m-%d')} ({platform.system()}, "
            f"Python {platform.python_version()}, {_cores()} cores shared with other work).")
    block = "\n".join([START, made, "", *lines(), END])
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.DOTALL),
                   encoding="utf-8")
    return True


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
