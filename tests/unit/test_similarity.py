"""Document similarity: the pair features and the shipped combiner (ridge + boosted trees)."""

from __future__ import annotations

import numpy as np

from refrains.corpus import Corpus, TermVector, term_keys
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
    a, b = corpus.tfidf("a"), corpus.tfidf("b")
    ca, cb = corpus.char_tfidf("a"), corpus.char_tfidf("b")
    assert not ("regierung" in a and "regierung" in b) and " reg" in ca and " reg" in cb
    assert abs(float((ca.weights**2).sum()) - 1) < 1e-9


def test_term_vector_dot_is_the_dict_walk_of_the_shorter_vector() -> None:
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(300)]
    for _ in range(50):
        da = {w: float(x) for w, x in zip(rng.choice(words, 40, replace=False), rng.random(40))}
        db = {w: float(x) for w, x in zip(rng.choice(words, int(rng.integers(1, 80)), replace=False),
                                          rng.random(80))}
        small, big = (db, da) if len(da) > len(db) else (da, db)
        want = float(sum(x * big[w] for w, x in small.items() if w in big))
        va = TermVector(term_keys(da), np.array(list(da.values())))
        vb = TermVector(term_keys(db), np.array(list(db.values())))
        assert va.dot(vb) == want and vb.dot(va) == want  # bit for bit: same products, same order
    assert TermVector(term_keys([]), np.zeros(0)).dot(va) == 0.0


def test_trees_predict_walks_complete_trees_breadth_first() -> None:
    # depth 2: root splits on feature 0 at 0.5; its children on feature 1 at 0 and 10 (never right)
    trees = {"depth": 2, "base": 0.5, "feature": [[0, 1, 1]], "threshold": [[0.5, 0.0, 10.0]],
             "value": [[1.0, 2.0, 3.0, 4.0]]}
    x = np.array([[0.0, -1.0], [0.0, 1.0], [1.0, 1.0]])
    assert trees_predict(trees, x).tolist() == [1.5, 2.5, 3.5]
