"""What ``prepare`` and ``facts`` produce, and what they cost, per document (issue #5).

    python bench/prepare_outputs.py dump OUT.jsonl [--set docs|lines] [--corpus bench/out/corpus-1100-s7.jsonl]
    python bench/prepare_outputs.py time [--set corpus|bench] [--corpus ...]

``dump`` writes one JSON line per document: the cleaned text, language, title, date,
removed parts, sentences ``(start, end, language)`` and facts, so that two versions of the
code can be compared byte for byte (``cmp a.jsonl b.jsonl``). ``--set docs`` is
bench/out/corpus-1100-s7.jsonl (read by the product's JSONL reader) plus the WMT21 sources
and references, the SemEval-2022 and -2025 articles and the seeds under ../shared;
``--set lines`` is every Tatoeba line as a one-line document.

``time`` prints the CPU (``time.process_time``) milliseconds per document of each stage of
``Pipeline.prepare`` (clean, document language, segment, sentence languages) and of
``Pipeline.facts_of``, after a warm-up on other documents, with the caches cleared. Run two
versions alternately (``PYTHONPATH=<their src>``) and compare medians: the machine is shared.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BENCH = SHARED / "benchmarks"
CORPUS = ROOT / "bench" / "out" / "corpus-1100-s7.jsonl"


def corpus_docs() -> list[Any]:
    from refrains.ingest import iter_documents

    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is missing: bench/perf.py generates it (bench/corpus.py), or pass --corpus")
    return list(itertools.islice(iter_documents([CORPUS]), None))


def bench_docs() -> list[Any]:
    from refrains.models import RawDocument

    out = []
    with open(BENCH / "wmt21-doc-translations" / "newstest2021_docs.dev.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f):
            d = json.loads(line)
            out.append(RawDocument(f"wmt{i}s", d["src_text"]))
            out += [RawDocument(f"wmt{i}r{k}", ref["text"]) for k, ref in sorted(d.get("references", {}).items())]
    with open(BENCH / "semeval2022-t8" / "train_pairs_with_text.dev.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f):
            d = json.loads(line)
            out += [RawDocument(f"se22_{i}{k}", d[k]) for k in ("text1", "text2") if d.get(k)]
    with open(BENCH / "semeval2025-t10-narratives" / "articles_narratives.jsonl", encoding="utf-8") as f:
        out += [RawDocument(f"se25_{i}", json.loads(line)["text"]) for i, line in enumerate(f)]
    out += [RawDocument(str(p), p.read_text(encoding="utf-8")) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    return out


def tatoeba_lines() -> list[Any]:
    from refrains.models import RawDocument

    out = []
    for p in sorted((BENCH / "tatoeba-laser").glob("tatoeba.*")):
        if p.suffix == ".md":
            continue
        with open(p, encoding="utf-8", errors="replace") as f:
            out += [RawDocument(f"{p.name}:{j}", line.rstrip("\n")) for j, line in enumerate(f) if line.strip()]
    return out


def dump(out: Path, which: str) -> None:
    from refrains.errors import InputError
    from refrains.pipeline import Pipeline

    raws = corpus_docs() + bench_docs() if which == "docs" else tatoeba_lines()
    pipe = Pipeline()
    n = sentences = facts = 0
    with open(out, "w", encoding="utf-8") as f:
        for r in raws:
            try:
                p = pipe.prepare(r)
            except InputError as exc:
                f.write(json.dumps({"path": r.path, "error": str(exc)}, ensure_ascii=False) + "\n")
                continue
            d = p.document
            found = pipe.facts_of(p)
            n, sentences, facts = n + 1, sentences + len(p.sentences), facts + len(found)
            f.write(json.dumps({"path": r.path, "id": d.id, "text": d.text, "lang": d.language, "title": d.title,
                                "date": d.date, "removed": [x.as_dict() for x in d.removed],
                                "sents": [(s.start, s.end, s.language) for s in p.sentences], "facts": found},
                               ensure_ascii=False, sort_keys=True) + "\n")
    print(json.dumps({"documents": n, "sentences": sentences, "facts": facts, "of": len(raws)}))


def _clear_guesses(lang: Any) -> None:
    """Empty the language guesses cache (``_cached_guess``; older trees cached ``_guess``)."""
    for name in ("_cached_guess", "_guess"):
        clear = getattr(getattr(lang, name, None), "cache_clear", None)
        if clear is not None:
            clear()


def timing(which: str) -> None:
    from refrains import lang
    from refrains.clean import clean_text
    from refrains.errors import InputError
    from refrains.lang import document_language, sentence_language
    from refrains.pipeline import Pipeline
    from refrains.segment import split_sentences

    raws, warm = (corpus_docs(), bench_docs()[:300]) if which == "corpus" else (bench_docs(), corpus_docs()[:300])
    pipe = Pipeline()
    for r in warm:  # models, gazetteer and patterns loaded; then caches emptied
        try:
            pipe.facts_of(pipe.prepare(r))
        except InputError:
            pass
    _clear_guesses(lang)
    cpu = dict.fromkeys(("clean", "doclang", "segment", "sentlang", "prepare", "facts"), 0.0)
    pt = time.process_time
    n = 0
    for r in raws:  # the stages one by one
        t0 = pt()
        c = clean_text(r.text, is_html=r.is_html)
        t1 = pt()
        if not c.text.strip():
            continue
        lg = document_language(c.text)
        t2 = pt()
        spans = split_sentences(c.text, lg)
        t3 = pt()
        for s, e in spans:
            sentence_language(c.text[s:e], lg)
        t4 = pt()
        for k, v in zip(("clean", "doclang", "segment", "sentlang"), (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            cpu[k] += v
        n += 1
    _clear_guesses(lang)
    m = 0
    for r in raws:  # then as a worker runs them
        t0 = pt()
        try:
            p = pipe.prepare(r)
        except InputError:
            continue
        t1 = pt()
        pipe.facts_of(p)
        cpu["prepare"] += t1 - t0
        cpu["facts"] += pt() - t1
        m += 1
    print(json.dumps({"set": which, "documents": m, "cpu_ms_per_document": {
        k: round(v * 1000 / (m if k in ("prepare", "facts") else n), 3) for k, v in cpu.items()}}))


def main() -> None:
    global CORPUS  # one setting for the readers above
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="write every document's outputs as JSON lines")
    d.add_argument("out", type=Path)
    d.add_argument("--set", default="docs", choices=("docs", "lines"))
    t = sub.add_parser("time", help="CPU ms per document of each stage")
    t.add_argument("--set", default="corpus", choices=("corpus", "bench"))
    for p in (d, t):
        p.add_argument("--corpus", type=Path, default=CORPUS, help="the generated corpus (JSONL)")
    args = ap.parse_args()
    CORPUS = args.corpus
    if args.cmd == "dump":
        dump(args.out, args.set)
    else:
        timing(args.set)


if __name__ == "__main__":
    sys.exit(main())
