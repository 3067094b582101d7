"""Stories: documents grouped into events, across languages.

A story is a connected component of the links that mean "same event": duplicate,
translation, derivative and same_story. Its id derives from its founding document (the
earliest dated, then the smallest id), so re-analysing the same corpus gives the same
ids, and adding later coverage to a story keeps its id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from refrains.models import COPY_RELATIONS, Document, Link, Story

STORY_RELATIONS = COPY_RELATIONS | {"same_story"}


class UnionFind:
    """Disjoint sets over hashable keys (path halving, union by size)."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}
        for it in items:
            self.add(it)

    def add(self, x: str) -> None:
        """Make ``x`` a set of its own if it is new."""
        if x not in self.parent:
            self.parent[x] = x
            self.size[x] = 1

    def find(self, x: str) -> str:
        """The representative of ``x``'s set."""
        self.add(x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        """Merge the sets of ``a`` and ``b``."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]

    def groups(self) -> list[list[str]]:
        """Every set, members sorted, sets sorted by first member."""
        out: dict[str, list[str]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return sorted((sorted(g) for g in out.values()), key=lambda g: g[0])


def chronological(docs: Sequence[Document]) -> list[Document]:
    """Documents in date order; undated ones last; ties by id."""
    return sorted(docs, key=lambda d: (d.date is None, d.date or "", d.id))


def stable_id(prefix: str, key: str) -> str:
    """A short id derived from ``key`` (deterministic across runs and machines)."""
    return prefix + hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()


def cluster_stories(documents: Sequence[Document], links: Sequence[Link]) -> list[Story]:
    """Group documents into stories along same-event links.

    Examples:
        >>> from refrains.models import Document
        >>> a = Document("a", "a.txt", "x", "en", date="2020-07-25")
        >>> b = Document("b", "b.txt", "x", "fr", date="2020-07-25")
        >>> [s.documents for s in cluster_stories([a, b], [Link("a", "b", "translation", 0.9)])]
        [('a', 'b')]
    """
    by_id = {d.id: d for d in documents}
    uf = UnionFind(by_id)
    for ln in links:
        if ln.relation in STORY_RELATIONS and ln.source in by_id and ln.target in by_id:
            uf.union(ln.source, ln.target)
    stories = []
    for group in uf.groups():
        members = chronological([by_id[d] for d in group])
        founder = members[0]
        dates = [d.date for d in members if d.date]
        stories.append(Story(
            id=stable_id("s", founder.id),
            documents=tuple(d.id for d in members),
            languages=tuple(sorted({d.language for d in members})),
            first_seen=min(dates) if dates else None,
            last_seen=max(dates) if dates else None,
            title=next((d.title for d in members if d.title), None) or founder.text[:120],
        ))
    return sorted(stories, key=lambda s: (-len(s.documents), s.first_seen or "9999", s.id))
