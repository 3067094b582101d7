"""Ingest on every core: prepare, embed, fingerprint and extract facts in worker processes.

The embedder is the physical limit of ingest, and on a small machine it cannot use more
than one core well by itself (its matrices are small: measured 595 sentences/s on one
thread, 655 on two). So ``Pipeline.ingest`` hands batches of documents to a pool of
worker processes, one single-threaded embedder each; the main process only reads input
and writes the store (one writer, one transaction per batch, as before).

A worker runs exactly the single-process steps (:meth:`Pipeline.prepare`,
:meth:`Pipeline.embed`, :func:`refrains.fingerprint.minhash`, :meth:`Pipeline.facts_of`):
there is one implementation of each stage. Each worker keeps the vectors of the sentences
it has embedded (bounded), so repeated sentences are embedded once per worker.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from refrains.errors import InputError
from refrains.models import RawDocument

if TYPE_CHECKING:
    from refrains.config import Settings
    from refrains.pipeline import Pipeline, Prepared

CACHE_SENTENCES = 50_000
"""Sentence vectors a worker keeps for repeated sentences (~100 MB of float32 at 512-d)."""


@dataclass
class Processed:
    """One document, ready for the store: prepared, embedded, fingerprinted, its facts found."""

    prepared: Prepared
    vectors: np.ndarray
    minhash: tuple[int, ...]
    facts: list[dict[str, Any]] | None


class VectorCache:
    """A bounded least-recently-used map from sentence text to its vector."""

    def __init__(self, size: int = CACHE_SENTENCES) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed(self, texts: Sequence[str], embed: Any) -> np.ndarray:
        """Vectors of ``texts``: cached ones reused, the others computed by ``embed`` once each."""
        todo = sorted({t for t in texts if t not in self._items})
        if todo:
            for t, v in zip(todo, embed(todo)):
                self._items[t] = v
        out = []
        for t in texts:
            self._items.move_to_end(t)
            out.append(self._items[t])
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return np.stack(out) if out else np.zeros((0, 0), dtype=np.float32)


def process(pipe: Pipeline, raws: Sequence[RawDocument | Prepared], cache: VectorCache | None = None,
            facts: bool = True) -> list[Processed | InputError]:
    """Prepare, embed and fingerprint ``raws`` with ``pipe``'s steps (in this process)."""
    from refrains.fingerprint import minhash
    from refrains.pipeline import Prepared

    done: list[Processed | InputError] = []
    prepared: list[Prepared] = []
    with pipe.timed("prepare"):
        for raw in raws:
            try:
                prepared.append(raw if isinstance(raw, Prepared) else pipe.prepare(raw))
            except InputError as exc:
                done.append(exc)
    texts = [s.text for p in prepared for s in p.sentences]
    with pipe.timed("embed"):
        vecs = cache.embed(texts, pipe.embedder.embed) if cache is not None else pipe.embed(texts)
    row = 0
    for p in prepared:
        n = len(p.sentences)
        with pipe.timed("fingerprint"):
            sig = minhash(p.document.text)
        with pipe.timed("facts"):
            found = pipe.facts_of(p) if facts else None
        done.append(Processed(p, np.asarray(vecs[row : row + n], dtype=np.float32), sig, found))
        row += n
    return done


# -- the worker side ------------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def _init(settings: Settings, embedder: str) -> None:
    """Worker start: one thread for numeric work, one embedder, one cache."""
    os.environ["REFRAINS_THREADS"] = "1"
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    # numpy's BLAS was loaded before the fork with one thread per core: the variables above come
    # too late for it. Two workers with two BLAS threads each on two cores run ~10x slower.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    from refrains.pipeline import Pipeline

    pipe = Pipeline(settings.replace(embedder=embedder, workers=1))
    pipe.store.set_meta("embedder", embedder)
    _STATE.update(pipe=pipe, cache=VectorCache())


def _work(raws: list[RawDocument | Prepared], facts: bool) -> tuple[list[Processed | InputError], dict[str, float]]:
    pipe = _STATE["pipe"]
    pipe.timings.clear()
    return process(pipe, raws, _STATE["cache"], facts), dict(pipe.timings)


def _warm() -> str:
    return str(_STATE["pipe"].embedder.name)


class Pool:
    """Worker processes that process batches of documents, results in input order."""

    def __init__(self, settings: Settings, embedder: str, workers: int) -> None:
        # fork, not spawn: spawn re-imports the caller's __main__, which breaks scripts without a
        # main guard. Workers never use faiss (OpenMP), only numpy, whose BLAS survives a fork.
        ctx = multiprocessing.get_context("fork")
        self.workers = workers
        self.timings: dict[str, float] = {}
        """Seconds the workers spent per step, summed over workers."""
        self._ex = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init, initargs=(settings, embedder))

    def map(self, batches: Iterable[list[RawDocument | Prepared]],
            facts: bool = True) -> Iterator[list[Processed | InputError]]:
        """Processed batches, in order, with at most two batches per worker in flight."""
        pending: list[Future[tuple[list[Processed | InputError], dict[str, float]]]] = []
        for batch in batches:
            pending.append(self._ex.submit(_work, batch, facts))
            if len(pending) >= 2 * self.workers:
                yield self._result(pending.pop(0))
        while pending:
            yield self._result(pending.pop(0))

    def _result(self, future: Future[tuple[list[Processed | InputError], dict[str, float]]],
                ) -> list[Processed | InputError]:
        done, timings = future.result()
        for k, v in timings.items():
            self.timings[k] = self.timings.get(k, 0.0) + v
        return done

    def close(self) -> None:
        self._ex.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_workers() -> int:
    """One worker per core this process may use (``REFRAINS_WORKERS`` overrides)."""
    env = os.environ.get("REFRAINS_WORKERS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    from refrains.embed._threads import cpu_threads

    return cpu_threads()
