"""The server's list of documents (without their texts), kept between requests.

The documents listing, its facets and the stories listing each read every document: ~3 s at
100,000 documents from SQLite, on every page. The catalog reads them once
and then only the documents added since (the store never removes one): it counts the
documents at most every :attr:`Catalog.RECHECK_S` seconds, and at once after an upload
through the server (:meth:`Catalog.invalidate`). Filtering 100,000 records in Python costs
~20-30 ms; the catalog holds ~1 KB a document.
"""

from __future__ import annotations

import threading
import time

from refrains.models import Document
from refrains.store import Store


def _order(doc: Document) -> tuple[bool, str, str]:
    """The store's document order: dated ones by date, then undated ones; ties by id."""
    return doc.date is None, doc.date or "", doc.id


class Recheck:
    """When a server's cache looks at the store again for new documents (it never removes one).

    Counting 100,000 documents costs ~7 ms, more than a search's or a listing's own work, so
    the count is taken at most every ``every_s`` seconds, and at once after :meth:`invalidate`
    (an upload through the server). The caller holds its own lock.
    """

    def __init__(self) -> None:
        self._count = -1
        self._checked = 0.0

    def invalidate(self) -> None:
        """Count again at the next look."""
        self._count = -1

    def look(self, store: Store, every_s: float) -> int | None:
        """The store's document count when it is due and has changed since :meth:`done`; else None."""
        now = time.monotonic()
        if self._count >= 0 and now - self._checked < every_s:
            return None
        self._checked = now
        n = store.count_documents()
        return None if n == self._count else n

    def done(self, count: int) -> None:
        """The cache holds the store as it was at ``count`` documents."""
        self._count = count


class Catalog:
    """Every stored document without its text (``Store.documents(texts=False)``), kept up to date."""

    RECHECK_S = 2.0
    """Seconds between two counts of the store's documents (documents another process adds are
    listed within this time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._docs: list[Document] = []
        self._ids: set[str] = set()
        self._recheck = Recheck()

    def invalidate(self) -> None:
        """Count the store's documents again at the next request (after an upload)."""
        self._recheck.invalidate()

    def documents(self, store: Store) -> list[Document]:
        """Every stored document without its text, in the store's order (date, then id)."""
        with self._lock:
            n = self._recheck.look(store, self.RECHECK_S)
            if n is not None:
                new = [i for i in store.document_ids() if i not in self._ids]
                if new:
                    added = store.documents(new, texts=False)
                    self._ids.update(d.id for d in added)
                    self._docs = sorted(self._docs + added, key=_order)
                self._recheck.done(n)
            return self._docs


__all__ = ["Catalog", "Recheck"]
