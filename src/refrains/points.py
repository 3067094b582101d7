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
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np

from refrains.corpus import Corpus
from refrains.models import Alignment, Link, Occurrence, TalkingPoint
from refrains.stories import UnionFind, stable_id

PURE_COPY = frozenset({"duplicate", "translation"})

MINING = "2"
"""Version of the mining rules. An incremental run keeps stored points only when the store's
``points_mining`` meta says they were mined by these rules; otherwise it mines every point again."""


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
    return _ordered(_mine(corpus, _edges(corpus, alignments), _copies(corpus, links)))


def update_points(corpus: Corpus, alignments: Sequence[Alignment], links: Sequence[Link], new: set[str],
                  stored: Sequence[TalkingPoint], kept: Sequence[Link] = ()) -> list[TalkingPoint]:
    """The talking points of :func:`mine_points`, re-mining only where documents ``new`` changed the graph.

    Adding documents adds edges at their sentences only. Points form inside connected
    components of the sentence graph, each on its own (edges of other components never
    meet theirs), so only the components that hold a sentence of a new document are mined
    again; every other component has the same edges as when ``stored`` was mined from them,
    and its stored points stand. New copy links can still merge copy groups, so a kept
    point whose documents have all become copies of one text is dropped, as mining would.
    A stored point that the graph no longer carries (a sentence without edges, a document
    of ``new`` analysed again) has its components mined again, so stale points do not stay.

    Args:
        corpus, alignments, links: as for :func:`mine_points` (every link and alignment).
        new: the documents whose links were searched in this analysis.
        stored: the talking points of the previous analysis (occurrence texts not needed).
        kept: stored links whose alignments count as well, read from their evidence as
            columns (the same as passing ``link.alignment_of(ln)`` of each in ``alignments``,
            without an object per aligned pair: an incremental run keeps every stored link).
    """
    edges = _edges(corpus, alignments, kept)
    parts = _Parts(corpus.vectors.shape[0])  # components of the graph, without the cannot-link constraint
    for x, y in zip(edges.x.tolist(), edges.y.tolist(), strict=True):
        parts.union(x, y)
    graph = np.zeros(corpus.vectors.shape[0], dtype=bool)
    graph[edges.x] = graph[edges.y] = True
    in_graph: list[bool] = graph.tolist()
    touched = {parts.find(r) for d in new if d in corpus.offsets for r in range(*corpus.offsets[d]) if in_graph[r]}
    keep = []
    for p in stored:
        rows = [corpus.offsets[o.document][0] + o.sentence if o.document in corpus.offsets else -1
                for o in p.occurrences]
        if any(o.document in new or r < 0 or not in_graph[r] for o, r in zip(p.occurrences, rows, strict=True)):
            touched.update(parts.find(r) for r in rows if r >= 0 and in_graph[r])
        else:
            keep.append((p, parts.find(rows[0])))
    copies = _copies(corpus, links)
    roots = parts.roots()[edges.x]
    mine = np.isin(roots, np.fromiter(touched, dtype=np.int64, count=len(touched)))
    mined = _mine(corpus, _Edges(edges.x[mine], edges.y[mine]), copies)
    for p, root in keep:
        if root not in touched and len({copies.find(d) for d in p.documents}) >= 2:
            mined.append(_with_texts(corpus, p))
    return _ordered(mined)


def _with_texts(corpus: Corpus, p: TalkingPoint) -> TalkingPoint:
    """``p`` with each occurrence's sentence text, language and date taken from the corpus."""
    occ = tuple(Occurrence(o.document, o.sentence, corpus.sentences[o.document][o.sentence].text,
                           corpus.sentences[o.document][o.sentence].language, corpus.by_id[o.document].date)
                for o in p.occurrences)
    return dataclasses.replace(p, occurrences=occ, facts=(), drift=())


@dataclass
class _Edges:
    """Aligned sentence pairs as rows of ``corpus.vectors`` (pair ``i`` joins ``x[i]`` and ``y[i]``)."""

    x: np.ndarray
    y: np.ndarray


def _edges(corpus: Corpus, alignments: Sequence[Alignment], kept: Sequence[Link] = ()) -> _Edges:
    """Aligned pairs of substantial sentences (of ``alignments`` and the evidence of ``kept``), strongest first.

    Equal cosines are ordered by the ``"document\tsentence"`` keys of their two ends (as
    strings: sentence 10 before sentence 9), so the order, and the points, never depend on
    the order of ``alignments``. Sentences are corpus rows, sorted by numpy, not strings.
    """
    a: list[int] = []
    b: list[int] = []
    cos: list[float] = []
    start_a: list[int] = []
    start_b: list[int] = []
    counts: list[int] = []
    for al in alignments:  # C-level maps per alignment, not a Python step per pair
        a.extend(map(_A, al.pairs))
        b.extend(map(_B, al.pairs))
        cos.extend(map(_COS, al.pairs))
        start_a.append(corpus.offsets[al.doc_a][0])
        start_b.append(corpus.offsets[al.doc_b][0])
        counts.append(len(al.pairs))
    for ln in kept:  # as link.alignment_of: the evidence's pairs index the sorted pair's documents
        pairs = ln.evidence.get("pairs", [])
        a.extend(map(_KEY_A, pairs))
        b.extend(map(_KEY_B, pairs))
        cos.extend(map(_KEY_COS, pairs))
        first, second = sorted((ln.source, ln.target))
        start_a.append(corpus.offsets[first][0])
        start_b.append(corpus.offsets[second][0])
        counts.append(len(pairs))
    x = np.array(a, dtype=np.int64) + np.repeat(np.array(start_a, dtype=np.int64), counts)
    y = np.array(b, dtype=np.int64) + np.repeat(np.array(start_b, dtype=np.int64), counts)
    keep = corpus.pointable[x] & corpus.pointable[y]
    x, y, c = x[keep], y[keep], np.array(cos, dtype=np.float64)[keep]
    ids, of = _row_documents(corpus)
    used = np.zeros(corpus.vectors.shape[0], dtype=bool)
    used[x] = used[y] = True
    keys = {r: f"{ids[of[r]]}\t{r - corpus.offsets[ids[of[r]]][0]}" for r in np.flatnonzero(used).tolist()}
    rank = np.zeros(corpus.vectors.shape[0], dtype=np.int64)
    rank[sorted(keys, key=keys.__getitem__)] = np.arange(len(keys))
    order = np.lexsort((rank[y], rank[x], -c))
    return _Edges(x[order], y[order])


_A, _B, _COS = attrgetter("a"), attrgetter("b"), attrgetter("cosine")
_KEY_A, _KEY_B, _KEY_COS = itemgetter("a"), itemgetter("b"), itemgetter("cosine")


def _row_documents(corpus: Corpus) -> tuple[list[str], list[int]]:
    """Document ids, and for each corpus row the position of its document among them."""
    doc_of = np.zeros(corpus.vectors.shape[0], dtype=np.int64)
    ids = [d.id for d in corpus.documents]
    for i, d in enumerate(ids):
        a, b = corpus.offsets[d]
        doc_of[a:b] = i
    return ids, doc_of.tolist()


class _Parts:
    """Disjoint sets of corpus rows (path halving, union by size)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        """The representative of ``x``'s set."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def roots(self) -> np.ndarray:
        """The representative of every row's set (pointer jumping in numpy, no Python step per row)."""
        parent = np.array(self.parent, dtype=np.int64)
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                return parent
            parent = up

    def union(self, a: int, b: int) -> int:
        """Merge the sets of ``a`` and ``b``; the representative of the merged set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return ra


def _copies(corpus: Corpus, links: Sequence[Link]) -> UnionFind:
    """Groups of pure copies (duplicates and translations of one text)."""
    copies = UnionFind(corpus.by_id)
    for ln in links:
        if ln.relation in PURE_COPY:
            copies.union(ln.source, ln.target)
    return copies


def _ordered(points: list[TalkingPoint]) -> list[TalkingPoint]:
    """Most widespread first, then earliest, then by id."""
    return sorted(points, key=lambda p: (-len(p.documents), p.first_seen or "9999", p.id))


def _mine(corpus: Corpus, edges: _Edges, copies: UnionFind) -> list[TalkingPoint]:
    """The talking points of sorted ``edges``: merged strongest first, never two sentences of one document."""
    ids, of = _row_documents(corpus)
    uf = _Parts(corpus.vectors.shape[0])
    docs_of: dict[int, set[int]] = {}
    for x, y in zip(edges.x.tolist(), edges.y.tolist(), strict=True):
        rx, ry = uf.find(x), uf.find(y)
        if rx == ry:
            continue
        dx = docs_of.get(rx) or {of[x]}
        dy = docs_of.get(ry) or {of[y]}
        if not dx.isdisjoint(dy):
            continue  # would put two sentences of one document into one point
        if len(dx) < len(dy):
            dx, dy = dy, dx
        dx |= dy  # the smaller set into the larger, in place: a point of n documents costs n log n, not n^2
        docs_of[uf.union(rx, ry)] = dx
    groups: dict[int, list[int]] = {}
    for r in set(edges.x.tolist()) | set(edges.y.tolist()):
        groups.setdefault(uf.find(r), []).append(r)
    points: list[TalkingPoint] = []
    for rows in groups.values():
        members = [(ids[of[r]], r - corpus.offsets[ids[of[r]]][0]) for r in rows]
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
    return points
