"""refrains: how news stories and talking points travel across outlets, languages and years.

The public names load lazily (PEP 562), so that ``import refrains`` is instant and the
command line can answer Ctrl-C cleanly even while numpy and the models load.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from refrains.config import Settings, load_settings
    from refrains.errors import RefrainsError
    from refrains.models import Document, Link, Story, TalkingPoint
    from refrains.pipeline import Pipeline, Report, analyze

_EXPORTS = {
    "Settings": "refrains.config", "load_settings": "refrains.config", "RefrainsError": "refrains.errors",
    "Document": "refrains.models", "Link": "refrains.models", "Story": "refrains.models",
    "TalkingPoint": "refrains.models", "Pipeline": "refrains.pipeline", "Report": "refrains.pipeline",
    "analyze": "refrains.pipeline",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'refrains' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


del TYPE_CHECKING  # a typing helper, not a public name of the package


__all__ = [
    "Document",
    "Link",
    "Pipeline",
    "RefrainsError",
    "Report",
    "Settings",
    "Story",
    "TalkingPoint",
    "__version__",
    "analyze",
    "load_settings",
]
