"""Talking points: claims that recur across documents, outlets, languages and years.

The aligned sentence pairs of every linked document pair are edges of a sentence graph;
a talking point is a connected component that spans two or more documents. Edges are
merged strongest first, and never so that one point holds two sentences of the same
document (a cannot-link constraint that stops weak paraphrases from chaining distinct
claims together). Components
that live only inside one group of pure copies (duplicates and translations of one
text) are the copy itself, not a recurring claim, and are left out. Ids derive from the
first occurrence, so they survive re-analysis.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from refrains.corpus import Corpus
from refrains.models import Alignment, Link, Occurrence, TalkingPoint
from refrains.stories import UnionFind, stable_id

PURE_COPY = frozenset({"duplicate", "translation"})


def annotate_points(points: Sequence[TalkingPoint],
                    facts: dict[str, list[dict[str, Any]]]) -> list[TalkingPoint]:
    """Attach to each talking point the facts its occurrences carry, and flag drift.

    Drift: the same point carrying different numbers (or fully resolved dates) in
    different documents — a changed figure, a changed date.
    """
    from refrains.facts import drift

    out = []
    for p in points:
        carried: list[dict[str, Any]] = []
        per_occurrence: list[tuple[str, list[dict[str, Any]]]] = []
        for o in p.occurrences:
            own = [f for f in facts.get(o.document, []) if f.get("sentence") == o.sentence]
            carried += [{**f, "document": o.document} for f in own]
            per_occurrence.append((o.document, own))
        out.append(dataclasses.replace(p, facts=tuple(carried), drift=tuple(drift(per_occurrence))))
    return out


def mine_points(corpus: Corpus, alignments: Sequence[Alignment], links: Sequence[Link]) -> list[TalkingPoint]:
    """Cluster aligned sentences into talking points.

    Args:
        corpus: documents, sentences and which sentences are substantial enough.
        alignments: the sentence alignments of linked document pairs.
        links: the typed links (to recognise groups of pure copies).
    """
    edges: list[tuple[float, str, str]] = []
    for al in alignments:
        sa, _ = corpus.slice(al.doc_a)
        sb, _ = corpus.slice(al.doc_b)
        for p in al.pairs:
            if corpus.pointable[sa + p.a] and corpus.pointable[sb + p.b]:
                edges.append((p.cosine, f"{al.doc_a}\t{p.a}", f"{al.doc_b}\t{p.b}"))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    uf = UnionFind()
    docs_of: dict[str, set[str]] = {}
    for _, x, y in edges:
        rx, ry = uf.find(x), uf.find(y)
        if rx == ry:
            continue
        dx = docs_of.get(rx, {x.split("\t")[0]})
        dy = docs_of.get(ry, {y.split("\t")[0]})
        if dx & dy:
            continue  # would put two sentences of one document into one point
        uf.union(x, y)
        docs_of[uf.find(x)] = dx | dy
    copies = UnionFind(corpus.by_id)
    for ln in links:
        if ln.relation in PURE_COPY:
            copies.union(ln.source, ln.target)
    points: list[TalkingPoint] = []
    for group in uf.groups():
        members = [(key.split("\t")[0], int(key.split("\t")[1])) for key in group]
        docs = {d for d, _ in members}
        if len(docs) < 2 or len({copies.find(d) for d in docs}) < 2:
            continue
        occ = sorted(
            (Occurrence(d, i, corpus.sentences[d][i].text, corpus.sentences[d][i].language, corpus.by_id[d].date)
             for d, i in members),
            key=lambda o: (o.date is None, o.date or "", o.document, o.sentence))
        first = occ[0]
        label = next((o.text for o in occ if o.language == "en"), first.text)
        spread: dict[str, dict[str, object]] = {}
        for o in occ:
            spread.setdefault(o.document, {"document": o.document, "date": o.date, "language": o.language,
                                           "source": corpus.by_id[o.document].source})
        points.append(TalkingPoint(
            id=stable_id("p", f"{first.document}:{first.sentence}"),
            label=label,
            documents=tuple(dict.fromkeys(o.document for o in occ)),
            languages=tuple(sorted({o.language for o in occ})),
            occurrences=tuple(occ),
            first_seen=first.date,
            first_document=first.document,
            spread=tuple(spread.values()),
        ))
    return sorted(points, key=lambda p: (-len(p.documents), p.first_seen or "9999", p.id))
