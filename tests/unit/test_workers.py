"""Ingest in worker processes gives exactly what ingest in one process gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from refrains.config import Settings
from refrains.embed import register_embedder
from refrains.errors import InputError
from refrains.models import RawDocument
from refrains.pipeline import Pipeline
from refrains.store import open_store
from refrains.workers import VectorCache
from tests.conftest import FakeEmbedder

TEXTS = [f"Story number {i}. The council met on Monday to discuss plan {i % 4}. "
         f"Officials said {i * 1000} people were affected. A spokesman declined to comment on case {i}."
         for i in range(23)]


def _raws() -> list[RawDocument | InputError]:
    items: list[RawDocument | InputError] = [RawDocument(path=f"doc{i}.txt", text=t) for i, t in enumerate(TEXTS)]
    items.insert(5, RawDocument(path="empty.txt", text="   \n  "))  # refused by name, in both modes
    items.append(RawDocument(path="again.txt", text=TEXTS[3]))  # a repeat: stored once
    return items


def _ingest(tmp_path: Path, workers: int) -> tuple[Pipeline, object]:
    register_embedder("fake", FakeEmbedder)
    pipe = Pipeline(Settings(embedder="fake", workers=workers, batch_size=4),
                    open_store(tmp_path / f"w{workers}.db"))
    return pipe, pipe.ingest_raw(_raws())


def test_pool_and_single_process_store_the_same(tmp_path: Path) -> None:
    one, r1 = _ingest(tmp_path, 1)
    two, r2 = _ingest(tmp_path, 2)
    assert "workers.embed" in two.timings and "workers.embed" not in one.timings  # the pool really ran
    assert r1.added == r2.added and len(r1.added) == len(TEXTS)  # type: ignore[attr-defined]
    assert [e.path for e in r2.errors] == ["empty.txt"]  # type: ignore[attr-defined]
    assert r2.existing == [r2.added[3]]  # type: ignore[attr-defined]
    k1, v1 = one.store.load_vectors()
    k2, v2 = two.store.load_vectors()
    assert k1 == k2
    np.testing.assert_allclose(v1, v2, atol=1e-3)
    assert one.store.all_sentences() == two.store.all_sentences()
    assert one.analyze().as_dict()["documents"] == two.analyze().as_dict()["documents"]  # facts included


def test_vector_cache_embeds_each_text_once() -> None:
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return FakeEmbedder().embed(texts)

    cache = VectorCache(size=3)
    out = cache.embed(["a b", "c d", "a b"], embed)
    assert calls == [["a b", "c d"]]
    np.testing.assert_array_equal(out[0], out[2])
    cache.embed(["c d", "e f", "g h"], embed)  # "a b" is evicted (least recently used)
    assert calls[-1] == ["e f", "g h"]
    cache.embed(["a b"], embed)
    assert calls[-1] == ["a b"]


@pytest.mark.parametrize("bad", ["0", "x"])
def test_workers_env_falls_back_to_cores(bad: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from refrains.workers import default_workers

    monkeypatch.setenv("REFRAINS_WORKERS", bad)
    assert default_workers() >= 1
