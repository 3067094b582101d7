"""Distributed ingest on a Ray cluster: the single-process stages, run by many workers.

``refrains batch`` reads, cleans, segments, embeds and fingerprints a large input the way
``refrains analyze`` does, with the expensive middle spread over the workers of a Ray
cluster (Ray Data, one embedding model per worker)::

    driver   Pipeline.read(paths) -> skip documents already stored (Pipeline.unseen) -> ray.data
    workers  refrains.workers.process: Pipeline.prepare -> embed -> minhash -> Pipeline.facts_of
    driver   Pipeline.store_batch, one transaction per batch, in input order

The workers run :func:`refrains.workers.process`, the very function the local worker pool
of ``refrains analyze`` runs, and the driver writes through the very method
``Pipeline.ingest`` writes through: there is one implementation of each stage. The store
stays single-writer (workers never see it, so a SQLite file on the driver's disk works
with a cluster anywhere). With ``auto`` and a new store, the driver chooses the encoder
from every document's language first (:func:`refrains.pipeline.choose_embedder`), as
``refrains analyze`` does before it embeds anything.

Ray is an optional dependency (``pip install 'refrains[batch]'``); this module imports it
only when a cluster is used. See docs/batch.md for pointing it at a real cluster.
"""

from __future__ import annotations

import json
import logging
import math
import os
import pickle
import socket
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np

from refrains.config import Settings
from refrains.embed import available, get_embedder
from refrains.embed._threads import cpu_threads
from refrains.errors import ConfigError, InputError, NotInstalled, RefrainsError
from refrains.models import RawDocument
from refrains.pipeline import (
    IngestResult,
    Pipeline,
    Prepared,
    Progress,
    Report,
    _language_of,
    choose_embedder,
)
from refrains.store import open_store
from refrains.workers import Processed, VectorCache, process

CHUNK_DOCS = 10_000
"""Documents read into memory and handed to the cluster at a time: bounds the driver's
memory on a large input (each chunk starts a fresh pool of workers, ~10 s)."""

LOCAL = "local"

Row = dict[str, Any]
"""A row of the Ray dataset: ``raw``, a pickled :class:`RawDocument`."""


# -- what runs on the workers -------------------------------------------------------------
def _limit_threads() -> None:
    """One thread for numeric work: one worker per CPU, and 2 BLAS threads each run ~10x slower."""
    os.environ["REFRAINS_THREADS"] = "1"  # read when the embedder loads (on first use)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # numpy's BLAS is loaded already, with one thread per core


class BatchWorker:
    """One worker: runs :func:`refrains.workers.process` on batches of rows (the model loads once).

    Ray Data builds one per worker and calls it on batches of rows (see :data:`Row`); each
    row comes back as a pickled :class:`refrains.workers.Processed` or :class:`InputError`,
    in the order ``process`` returns them (a batch's errors first).
    """

    def __init__(self, settings: Settings, embedder: str, facts: bool) -> None:
        _limit_threads()
        self.pipe = Pipeline(settings.replace(embedder=embedder, workers=1))  # a private in-memory store
        self.pipe.store.set_meta("embedder", embedder)
        self.cache = VectorCache()
        self.facts = facts

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The documents of one batch, ready for the store (or their errors)."""
        raws: list[RawDocument | Prepared] = [pickle.loads(blob) for blob in batch["raw"]]
        done = process(self.pipe, raws, self.cache, self.facts)
        return {"item": np.array([pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL) for x in done], dtype=object)}


# -- the cluster --------------------------------------------------------------------------
def _import_ray() -> Any:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise NotInstalled("ray[data]", "batch") from exc
    return ray


def _probe(address: str, timeout: float = 10.0) -> None:
    """Refuse, quickly and by name, a ``HOST:PORT`` or ``ray://HOST[:PORT]`` nothing listens on."""
    if address == "auto":
        return  # Ray finds the address of the cluster `ray start` runs here, or says there is none
    rest = address.removeprefix("ray://")
    host, sep, port = rest.rpartition(":")
    if not sep:  # Ray Client's port is 10001 unless given
        host, port = rest, "10001" if address.startswith("ray://") else ""
    if not host or not port.isdigit():
        raise ConfigError(f"--address {address}: give local, auto, HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise ConfigError(f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}); start one with "
                          "`ray start --head` there, or give --address local") from exc


class RayCluster:
    """A connection to a Ray cluster, or a private one on this machine (``address="local"``).

    Args:
        address: ``local`` (start Ray here with ``workers`` CPUs, on the loopback address
            only), ``auto`` (the cluster started on this machine with ``ray start``),
            ``HOST:PORT`` of a cluster's head, or ``ray://HOST:10001`` (Ray Client, when
            the driver is outside the cluster). Default: ``$RAY_ADDRESS``, else ``local``.
        workers: embedding workers (one CPU each); default: every CPU of the cluster.
        runtime_env: Ray runtime environment for the workers (e.g. ``{"pip": [...]}``).

    Examples:
        >>> with RayCluster("local", workers=2) as cluster:   # doctest: +SKIP
        ...     cluster.start()
        ...     cluster.workers
        2
    """

    def __init__(self, address: str | None = None, workers: int | None = None,
                 runtime_env: dict[str, Any] | None = None) -> None:
        self.address = address or os.environ.get("RAY_ADDRESS") or LOCAL
        if workers is not None and workers < 1:
            raise ConfigError(f"--workers must be 1 or more, got {workers}")
        self.workers = workers or 0
        self.runtime_env = runtime_env
        if self.address != LOCAL:
            _probe(self.address)  # now, before any work: Ray itself retries an unreachable address for ever
        self._ray: Any = None
        self._started = False

    def __enter__(self) -> Self:
        return self  # connects on first use: a bad option or store fails before Ray starts

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def ray(self) -> Any:
        """The ``ray`` module, connected."""
        if self._ray is None:
            self.start()
        return self._ray

    def start(self) -> None:
        """Connect (or start the local cluster); idempotent."""
        if self._ray is not None:
            return
        local = self.address == LOCAL
        if local:
            # Ray would otherwise listen on the machine's network address (STACK.md).
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        ray = _import_ray()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"runtime_env": self.runtime_env, "log_to_driver": False,
                                      "logging_level": logging.ERROR, "configure_logging": True}
            if local:
                kwargs.update(address="local", num_cpus=self.workers or cpu_threads(), include_dashboard=False)
            else:
                kwargs.update(address=self.address)
            try:
                ray.init(**kwargs)
            except ConnectionError as exc:
                raise ConfigError(f"cannot connect to the Ray cluster at {self.address} ({exc}); start one "
                                  "with `ray start --head`, or give --address local") from exc
            self._started = True
        self._ray = ray
        cpus = int(ray.cluster_resources().get("CPU", 1))
        if self.workers > cpus:
            self.close()
            raise ConfigError(f"the Ray cluster at {self.address} has {cpus} CPUs; give --workers {cpus} or fewer")
        self.workers = self.workers or cpus
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # the driver stores in input order
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        # Ray's notices (progress, deprecations) would bury the command's output; its logs
        # stay in /tmp/ray/session_latest/logs on each node.
        logging.getLogger("ray.data").setLevel(logging.ERROR)

    def close(self) -> None:
        """Disconnect (and stop the local cluster) if this object connected."""
        if self._ray is not None and self._started:
            self._ray.shutdown()
        self._ray, self._started = None, False

    def batch_size(self, n: int, most: int) -> int:
        """Documents per worker call: ``most``, less for a small input so every worker gets two."""
        return max(1, min(most, math.ceil(n / (2 * max(1, self.workers)))))

    def process(self, raws: Sequence[RawDocument], settings: Settings, embedder: str,
                facts: bool) -> Iterator[Processed | InputError]:
        """:func:`refrains.workers.process` over ``raws`` on the workers, in input order (a batch's errors first)."""
        if not raws:
            return
        self.start()
        size = self.batch_size(len(raws), settings.batch_size)
        rows = [{"raw": pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL)} for raw in raws]
        worker = {"settings": settings, "embedder": embedder, "facts": facts}
        for out in self._map(rows, size, worker):
            for blob in out["item"]:
                yield pickle.loads(blob)

    def _map(self, rows: list[Row], size: int, worker: dict[str, Any]) -> Iterator[dict[str, np.ndarray]]:
        """:class:`BatchWorker` output batches over ``rows`` (a pool of at most ``workers`` actors)."""
        blocks = math.ceil(len(rows) / size)
        ds = self.ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
            BatchWorker, fn_constructor_kwargs=worker,
            compute=self.ray.data.ActorPoolStrategy(size=min(self.workers, blocks)),
            batch_size=size, batch_format="numpy", num_cpus=1)
        yield from ds.iter_batches(batch_size=None, batch_format="numpy")


# -- the driver ---------------------------------------------------------------------------
def _chunks(items: Iterable[RawDocument | Prepared], size: int) -> Iterator[list[RawDocument]]:
    chunk: list[RawDocument] = []
    for item in items:
        if isinstance(item, RawDocument):  # read() gives raw documents only
            chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def choose_batch_embedder(pipe: Pipeline, paths: Sequence[str | Path]) -> str:
    """The encoder ``refrains analyze`` would use, recorded in the store; refuses a mismatch.

    The store's own once it has one; else the setting; ``auto`` chooses from the languages
    of every document of the input, found by the cheap pre-pass ``Pipeline.ingest_raw``
    uses (a first streaming read on the driver: no segmentation, no model).
    """
    settings, store = pipe.settings, pipe.store
    if not store.get_meta("embedder"):
        if settings.embedder == "auto":
            name = choose_embedder([_language_of(x) for x in pipe.read(paths) if isinstance(x, RawDocument)])
        else:
            name = settings.embedder
            if name not in available():
                get_embedder(name)  # raises the usual "unknown embedder" error (known ones are not loaded here)
        store.set_meta("embedder", name)
    pipe.check_embedder()  # the same refusal as refrains analyze for a store built with another
    return pipe.embedder_name


def ingest_batch(pipe: Pipeline, paths: Sequence[str | Path], cluster: RayCluster,
                 chunk_docs: int = CHUNK_DOCS, facts: bool = True) -> IngestResult:
    """``pipe.ingest(paths)`` with the cluster's workers: the store ends as ``Pipeline.ingest`` leaves it.

    Bad files and records are reported in the result and skipped; documents already stored
    (or seen earlier in the input) are not sent to the workers; each stored batch is one
    transaction, so an interrupted run keeps what it stored and a re-run resumes. Facts
    found on the workers are kept in ``pipe`` for its next :meth:`Pipeline.analyze`.

    Args:
        pipe: the pipeline whose store (written only by this process) and settings to use.
        paths: files or directories, as for ``refrains analyze``.
        cluster: where the workers are (connected on first use).
        chunk_docs: documents read into memory and handed to the cluster at a time.
        facts: find facts on the workers too (with ``Settings.facts``), for ``pipe.analyze``;
            without, an analysis finds them itself.

    Examples:
        >>> pipe = Pipeline(store=open_store("r.db"))                             # doctest: +SKIP
        >>> with RayCluster("local", workers=2) as cluster:                       # doctest: +SKIP
        ...     result = ingest_batch(pipe, ["../shared/seeds"], cluster)
        >>> len(result.added), len(result.errors)                                 # doctest: +SKIP
        (5, 0)
    """
    settings = pipe.settings
    result = IngestResult()
    try:
        embedder = choose_batch_embedder(pipe, paths)
        with pipe.timed("ingest"):
            for chunk in _chunks(pipe.unseen(pipe.read(paths), result), max(1, chunk_docs)):
                done: list[Processed | InputError] = []
                for item in cluster.process(chunk, settings, embedder, facts and settings.facts):
                    done.append(item)
                    if len(done) >= settings.batch_size:
                        pipe.store_batch(done, result)
                        done = []
                if done:
                    pipe.store_batch(done, result)
        return result
    except Exception as exc:
        _reraise_worker_error(exc)
        raise


def _reraise_worker_error(exc: BaseException) -> None:
    """A refrains error raised on a worker surfaces as itself, not as a Ray traceback."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, RefrainsError) and cur is not exc:
            raise cur from exc
        cause = getattr(cur, "cause", None)
        cur = cause if isinstance(cause, BaseException) else (cur.__cause__ or cur.__context__)


@dataclass
class BatchRun:
    """What ``refrains batch`` did."""

    ingest: IngestResult
    workers: int
    address: str
    seconds: float
    report: Report | None = None

    @property
    def docs_per_s(self) -> float:
        """Documents read (stored, already stored or skipped) per second of the ingest."""
        n = len(self.ingest.added) + len(self.ingest.existing) + len(self.ingest.errors)
        return n / self.seconds if self.seconds > 0 else 0.0


def run_batch(paths: Sequence[str | Path], db: str | Path, settings: Settings | None = None,
              address: str | None = None, workers: int | None = None, analyze: bool = False,
              runtime_env: dict[str, Any] | None = None, progress: Progress | None = None,
              chunk_docs: int = CHUNK_DOCS, cluster: RayCluster | None = None) -> BatchRun:
    """``refrains batch``: ingest on a cluster, then (``analyze``) link and cluster on the driver.

    With ``analyze``, a store analysed before is updated from the new documents, as
    ``refrains analyze`` does, reusing the facts the workers found. ``cluster`` replaces
    the one ``address``, ``workers`` and ``runtime_env`` describe.
    """
    settings = settings or Settings()
    store = open_store(db)
    try:
        pipe = Pipeline(settings, store, progress=progress)
        analysed = store.get_meta("analyzed") == "1"
        t0 = time.perf_counter()
        with cluster or RayCluster(address, workers, runtime_env) as ray_cluster:
            ingested = ingest_batch(pipe, paths, ray_cluster, chunk_docs, facts=analyze)
            run = BatchRun(ingested, ray_cluster.workers, ray_cluster.address, time.perf_counter() - t0)
        if analyze:
            report = pipe.analyze(ingested.added if analysed else None)
            report.errors = [{"path": e.path, "reason": e.reason} for e in ingested.errors]
            report.stats.update(added=len(ingested.added), already_stored=len(ingested.existing),
                                errors=len(ingested.errors))
            run.report = report
        return run
    finally:
        store.close()


def load_runtime_env(value: str | None) -> dict[str, Any] | None:
    """``--runtime-env``: inline JSON or the path of a JSON file.

    Examples:
        >>> load_runtime_env('{"pip": ["refrains[batch]"]}')
        {'pip': ['refrains[batch]']}
    """
    if not value:
        return None
    try:
        text = value if value.lstrip().startswith("{") else Path(value).read_text(encoding="utf-8")
        env = json.loads(text)
    except OSError as exc:
        raise ConfigError(f"--runtime-env: cannot read {value} ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"--runtime-env: not valid JSON ({exc})") from exc
    if not isinstance(env, dict):
        raise ConfigError("--runtime-env must be a JSON object, e.g. '{\"pip\": [\"refrains[batch]\"]}'")
    return env


__all__ = ["BatchRun", "BatchWorker", "RayCluster", "choose_batch_embedder", "ingest_batch", "load_runtime_env",
           "run_batch"]
