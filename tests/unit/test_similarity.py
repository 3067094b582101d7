"""Document similarity: the pair features and the shipped combiner (ridge + boosted trees)."""

from __future__ import annotations

import numpy as np

from refrains.corpus import Corpus
from refrains.link import _FEATURES, _LANGUAGES, document_similarity, pair_features, trees_predict
from refrains.models import Document, Sentence

TEXTS = {
    "a": ["Regierung in Wien steht", "Die Grünen stimmen dem Programm zu", "Der Kanzler spricht am Montag"],
    "b": ["Regierungsbündnis in Wien", "Die Grünen und die ÖVP einigen sich", "Der Kanzler spricht"],
    "c": ["Fußball: Bayern gewinnt", "Ein Tor in der letzten Minute", "Die Fans feiern lange"],
}


def small_corpus() -> Corpus:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(3, 16))
    docs, sents, keys, rows = [], {}, [], []
    for d, (doc_id, lines) in enumerate(TEXTS.items()):
        text = "\n".join(lines)
        docs.append(Document(doc_id, f"{doc_id}.txt", text, "de"))
        sents[doc_id], start = [], 0
        for i, line in enumerate(lines):
            sents[doc_id].append(Sentence(doc_id, i, start, start + len(line), line, "de"))
            start += len(line) + 1
            keys.append((doc_id, i))
            rows.append(base[i] + (0.1 if doc_id != "c" else 3.0) * rng.normal(size=16))
    vecs = np.asarray(rows, dtype=np.float32)
    return Corpus.build(docs, sents, keys, vecs / np.linalg.norm(vecs, axis=1, keepdims=True))


def test_pair_features_hold_every_model_feature_and_rank_the_related_pair_first() -> None:
    corpus = small_corpus()
    near, far = pair_features(corpus, "a", "b"), pair_features(corpus, "a", "c")
    assert set(_FEATURES) | {f"lang_{x}" for x in _LANGUAGES} <= set(near)
    assert near["lang_de"] == 1.0 and near["lang_en"] == 0.0
    for name in ("focus_cosine", "char_tfidf", "title_tfidf"):
        assert near[name] > far[name], name
    assert document_similarity(near) > document_similarity(far)


def test_char_tfidf_sees_shared_word_stems_that_word_tfidf_misses() -> None:
    corpus = small_corpus()
    words = set(corpus.tfidf("a")) & set(corpus.tfidf("b"))
    grams = set(corpus.char_tfidf("a")) & set(corpus.char_tfidf("b"))
    assert "regierung" not in words and " reg" in grams
    assert abs(sum(x * x for x in corpus.char_tfidf("a").values()) - 1) < 1e-9


def test_trees_predict_walks_complete_trees_breadth_first() -> None:
    # depth 2: root splits on feature 0 at 0.5; its children on feature 1 at 0 and 10 (never right)
    trees = {"depth": 2, "base": 0.5, "feature": [[0, 1, 1]], "threshold": [[0.5, 0.0, 10.0]],
             "value": [[1.0, 2.0, 3.0, 4.0]]}
    x = np.array([[0.0, -1.0], [0.0, 1.0], [1.0, 1.0]])
    assert trees_predict(trees, x).tolist() == [1.5, 2.5, 3.5]
