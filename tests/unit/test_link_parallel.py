"""Alignment in worker processes gives exactly the serial loop's links and alignments."""

from __future__ import annotations

import numpy as np
import pytest

from refrains import link
from refrains.corpus import Corpus
from refrains.link import LinkSettings, LinkStats, link_documents
from refrains.models import Document, Sentence

WORDS = {"en": ("minister", "budget", "council", "harbour", "election", "strike", "river", "vaccine", "court"),
         "de": ("Minister", "Haushalt", "Rat", "Hafen", "Wahl", "Streik", "Fluss", "Impfstoff", "Gericht")}


def mixed_corpus(n_docs: int = 60, per_doc: int = 6, seed: int = 1) -> Corpus:
    """Documents in two languages: copies, translations (close vectors, other language), and groups
    of five on one topic (their sentences share a direction: shared points, stories)."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(n_docs // 5 + 1, 128))
    docs, sents, keys, blocks = [], {}, [], []
    for d in range(n_docs):
        doc_id = f"d{d:04d}"
        language = "en" if d % 3 else "de"
        texts = [" ".join(rng.choice(WORDS[language], size=9)) + f" number {d % 7} {i}" for i in range(per_doc)]
        vecs = rng.normal(size=(per_doc, 128)) + 1.2 * topics[d // 5]
        if d % 4 == 1:  # a copy (same words) or a translation (other words) of the previous document
            prev = docs[-1]
            texts = [s.text for s in sents[prev.id]] if prev.language == language else texts
            vecs = blocks[-1] + 0.05 * rng.normal(size=(per_doc, 128))
        text = " ".join(texts)
        docs.append(Document(doc_id, f"{doc_id}.txt", text, language, date=f"2024-01-{1 + d % 5:02d}"))
        sents[doc_id] = [Sentence(doc_id, i, 0, len(t), t, language) for i, t in enumerate(texts)]
        keys += [(doc_id, i) for i in range(per_doc)]
        blocks.append(vecs)
    mat = np.vstack(blocks).astype(np.float32)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    return Corpus.build(docs, sents, keys, mat)


def test_parallel_alignment_gives_the_serial_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(link, "PARALLEL_MIN_PAIRS", 1)  # force the workers on a small corpus
    monkeypatch.setattr(link, "_PAIRS_PER_TASK", 7)  # several tasks per worker, collected in order
    forked: list[int] = []
    real = link._link_parallel
    monkeypatch.setattr(link, "_link_parallel", lambda *args: forked.append(args[3]) or real(*args))
    settings = LinkSettings()
    serial_stats, parallel_stats = LinkStats(), LinkStats()
    serial = link_documents(mixed_corpus(), settings, stats=serial_stats, workers=1)
    parallel = link_documents(mixed_corpus(), settings, stats=parallel_stats, workers=2)
    assert serial_stats.candidate_pairs > 3 * 7  # the pairs did span several tasks
    assert {ln.relation for ln in serial[0]} >= {"duplicate", "translation"}
    assert forked == [2]  # the parallel run did fork, the serial one did not
    assert parallel == serial  # links with their evidence, alignments, in the same order
    assert parallel_stats == serial_stats


def test_shared_spans_come_back_in_order_whoever_ran_them() -> None:
    from concurrent.futures import ThreadPoolExecutor

    spans = link._spans(53, 5)
    assert spans[0] == (0, 5) and spans[-1] == (50, 53)
    ran_here: list[tuple[int, int]] = []

    def here(span: tuple[int, int]) -> list[int]:
        ran_here.append(span)
        return list(range(*span))

    with ThreadPoolExecutor(1) as pool:
        out = link._share(pool, lambda span: list(range(*span)), spans, here, lambda part: part)
    assert [x for part in out for x in part] == list(range(53))
    assert ran_here == sorted(ran_here, reverse=True)  # this process takes spans from the back
