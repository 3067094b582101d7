"""Documents to store in the store tests, with known sentences and vectors."""

from __future__ import annotations

import numpy as np

from refrains.models import Document, Removed, Sentence
from refrains.store import StoredDocument


def stored(doc_id: str, texts: list[str], date: str | None = None, *, dim: int = 8, seed: int | None = None,
           minhash: tuple[int, ...] = tuple(range(128)), language: str = "en",
           removed: tuple[Removed, ...] = ()) -> StoredDocument:
    """A document made of ``texts``, one sentence each.

    Vectors are rows of the identity (``seed`` None) or seeded random unit vectors of ``dim``.
    """
    body = " ".join(texts)
    sents, pos = [], 0
    for i, t in enumerate(texts):
        s = body.index(t, pos)
        sents.append(Sentence(doc_id, i, s, s + len(t), t, language))
        pos = s + len(t)
    if seed is None:
        vecs = np.eye(len(texts), dim, dtype=np.float32)
    else:
        vecs = np.random.default_rng(seed).standard_normal((len(texts), dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return StoredDocument(Document(doc_id, f"{doc_id}.txt", body, language, date=date, removed=removed),
                          tuple(sents), vecs, minhash)
