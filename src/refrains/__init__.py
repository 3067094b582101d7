"""refrains: how news stories and talking points travel across outlets, languages and years."""

from __future__ import annotations

__version__ = "0.1.0"

from refrains.config import Settings, load_settings
from refrains.errors import RefrainsError
from refrains.models import Document, Link, Story, TalkingPoint
from refrains.pipeline import Pipeline, Report, analyze

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
