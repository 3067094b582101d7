"""The web server's kept list of documents: the store's own listing, read once, then only new documents."""

from __future__ import annotations

from pathlib import Path

from refrains.store import Store, open_store
from refrains.web import queries
from refrains.web.catalog import Catalog
from tests.store.helpers import stored


def _add(store: Store, ids_dates: list[tuple[str, str | None]]) -> None:
    store.add_documents([stored(i, [f"Sentence of {i}."], date=d) for i, d in ids_dates])


class CountingStore:
    """A store that counts full reads of the document table (what the catalog saves)."""

    def __init__(self, store: Store) -> None:
        self.store, self.full_reads, self.read_ids = store, 0, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def documents(self, ids: object = None, texts: bool = True) -> object:
        if ids is None:
            self.full_reads += 1
        else:
            self.read_ids += len(list(ids))
        return self.store.documents(ids, texts=texts)


def test_the_catalog_is_the_stores_listing_and_reads_only_new_documents(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    _add(store, [("d3", "2020-07-25"), ("d1", None), ("d2", "2020-07-24")])
    counting = CountingStore(store)
    cat = Catalog()
    assert cat.documents(counting) == store.documents(texts=False)
    _add(store, [("d0", "2020-07-25"), ("d9", "2019-01-01"), ("d5", None)])
    assert [d.id for d in cat.documents(counting)] == ["d2", "d3", "d1"]
    cat.invalidate()  # what an upload through the server does
    assert cat.documents(counting) == store.documents(texts=False)
    assert counting.full_reads == 0 and counting.read_ids == 6  # each document read once, by id
    _add(store, [("d7", "2021-01-01")])
    cat.RECHECK_S = 0.0  # documents another process adds are seen at the next count
    assert cat.documents(counting)[-3].id == "d7" and len(cat.documents(counting)) == 7


def test_listings_with_the_catalog_equal_listings_from_the_store(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    _add(store, [(f"d{i}", f"2020-0{1 + i % 9}-1{i % 10}" if i % 4 else None) for i in range(40)])
    cat = Catalog()
    for kw in ({}, {"since": "2020-03", "until": "2020-06"}, {"offset": 10, "limit": 7}, {"language": "fr"}):
        assert queries.list_documents(store, catalog=cat, **kw) == queries.list_documents(store, **kw)
    assert queries.facets(store, cat) == queries.facets(store)
    assert queries.list_stories(store, catalog=cat) == queries.list_stories(store)


def test_a_server_warms_its_document_list_and_search_index(tmp_path: Path) -> None:
    from refrains.web.app import create_app

    store = open_store(tmp_path / "s.db")
    store.add_documents([stored(f"d{i}", [f"Sentence {j} of {i}." for j in range(3)], dim=64, seed=i)
                         for i in range(5)])
    state = create_app(tmp_path / "s.db").state.web
    state.warm()
    assert [d.id for d in state.catalog.documents(store)] == [f"d{i}" for i in range(5)]
    assert state.index._index is not None and state.index._index.rows == 15  # read before any search
