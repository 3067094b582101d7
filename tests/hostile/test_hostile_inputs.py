"""Hostile inputs: every decodable document is read with the right text and language, every
other file is reported by name with a reason, the run finishes, and the store keeps what it had."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from refrains.errors import InputError
from refrains.ingest import DEFAULT_MAX_BYTES, display_path, read_file
from refrains.models import RawDocument
from refrains.pipeline import Pipeline
from refrains.store.sqlite import SQLiteStore
from tests.conftest import ROOT
from tests.hostile import figures
from tests.hostile.corpus import SEEDS, WMT, Expect, path_of, write_big_file, write_corpus

pytestmark = pytest.mark.skipif(not SEEDS.is_dir() or not WMT.is_file(), reason="../shared data is not beside the project")
ENV = {**os.environ, "REFRAINS_THREADS": "1"}


def analyze(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "refrains", "analyze", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=ENV, check=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Expect]]:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    return folder, write_corpus(folder)


Outcomes = dict[str, tuple[dict[str | None, object], dict[str | None, str]]]


@pytest.fixture(scope="module")
def outcomes(corpus: tuple[Path, list[Expect]]) -> Outcomes:
    """What reading and preparing each file gives, in-process: documents and errors by record."""
    folder, cases = corpus
    pipe = Pipeline()
    return {case.name: _outcomes(folder, case, pipe) for case in cases}


def _outcomes(folder: Path, case: Expect, pipe: Pipeline) -> tuple[dict[str | None, object], dict[str | None, str]]:
    path = str(path_of(folder, case.name))
    shown = display_path(path)
    docs: dict[str | None, object] = {}
    errors: dict[str | None, str] = {}
    for item in read_file(path):
        if isinstance(item, InputError):
            assert item.path.startswith(shown), f"{case.name}: the error does not name the file: {item}"
            errors[item.path[len(shown) + 1 :] or None] = item.reason
            continue
        assert item.path == shown
        try:
            docs[item.record] = pipe.prepare(item).document
        except InputError as exc:
            errors[item.record] = exc.reason
    return docs, errors


def test_every_file_gives_the_right_documents_or_a_named_error(corpus: tuple[Path, list[Expect]],
                                                               outcomes: Outcomes) -> None:
    _, cases = corpus
    pipe = Pipeline()
    problems: list[str] = []
    n_docs = n_errors = 0
    for case in cases:
        docs, errors = outcomes[case.name]
        for want in case.docs:
            got = docs.get(want["record"])  # type: ignore[call-overload]
            if got is None:
                problems.append(f"{case.name!r} {want['record']}: no document ({errors.get(want['record'])})")  # type: ignore[call-overload]
                continue
            if "source" in want:
                ref = pipe.prepare(RawDocument(path="reference", text=str(want["source"]))).document
                if got.text != ref.text:  # type: ignore[attr-defined]
                    problems.append(f"{case.name!r} ({case.category}): wrong text, decoded as "
                                    f"{got.encoding}")  # type: ignore[attr-defined]
            else:
                problems += [f"{case.name!r}: {p!r} missing" for p in want["contains"]  # type: ignore[attr-defined]
                             if p not in got.text]  # type: ignore[attr-defined]
            if got.language != want["language"]:  # type: ignore[attr-defined]
                problems.append(f"{case.name!r}: language {got.language}, expected {want['language']}")  # type: ignore[attr-defined]
            n_docs += 1
        for record, phrase in case.errors:
            if record not in errors:
                problems.append(f"{case.name!r} {record}: expected an error about {phrase!r}, got none")
            elif phrase.lower() not in errors[record].lower():
                problems.append(f"{case.name!r} {record}: error {errors[record]!r} does not say {phrase!r}")
            n_errors += 1
        unexpected = set(errors) - {r for r, _ in case.errors}
        problems += [f"{case.name!r} {r}: unexpected error {errors[r]!r}" for r in unexpected]
    categories = Counter(c.category for c in cases)
    figures.record("hostile inputs", files=len(cases), categories=len(categories), **{
        "documents read right": f"{n_docs - len(problems)}/{n_docs}", "refusals named with a reason": n_errors})
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_analyze_reports_bad_files_by_name_and_keeps_the_store(tmp_path: Path, corpus: tuple[Path, list[Expect]],
                                                               outcomes: Outcomes) -> None:
    folder, cases = corpus
    db = tmp_path / "store.db"
    first = analyze(str(SEEDS), "--db", str(db), "-q")
    assert first.returncode == 0, first.stderr
    before = _snapshot(db)
    report_file = tmp_path / "report.json"
    t0 = time.perf_counter()
    run = analyze(str(folder), "--db", str(db), "--json", str(report_file))
    seconds = time.perf_counter() - t0
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    after = _snapshot(db)
    assert {k: v for k, v in after.items() if k in before} == before, "stored documents changed"
    report = json.loads(report_file.read_text(encoding="utf-8"))
    reported = {(e["path"], e["reason"]) for e in report["errors"]}
    for case in cases:
        shown = display_path(str(path_of(folder, case.name)))
        for record, phrase in case.errors:
            where = f"{shown}:{record}" if record else shown
            assert any(p == where and phrase.lower() in r.lower() for p, r in reported), where
            assert f"skipped {where}: " in run.stderr
    # every document read in-process is stored (re-encoded seeds and duplicates: once)
    wanted = {d.id for docs, _ in outcomes.values() for d in docs.values()}  # type: ignore[attr-defined]
    assert wanted <= set(after), f"{len(wanted - set(after))} documents missing"
    store = SQLiteStore(str(db))
    try:
        assert store.integrity_errors() == []
    finally:
        store.close()
    figures.record("hostile inputs", **{"analyze run": f"{seconds:.1f} s, exit 0",
                                        "documents added": report["stats"]["added"],
                                        "already stored (re-encoded seeds, duplicates)": report["stats"]["already_stored"],
                                        "skipped with reason": report["stats"]["errors"],
                                        "stored rows changed": 0})


def _snapshot(db: Path) -> dict[str, tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        out: dict[str, tuple[object, ...]] = {}
        for row in con.execute("SELECT id, path, text, language, title, date, n_sentences FROM documents"):
            sents = con.execute("SELECT idx, start, \"end\", text, language, vector FROM sentences WHERE doc_id = ? "
                                "ORDER BY idx", (row[0],)).fetchall()
            out[row[0]] = (*row[1:], tuple(sents))
        return out
    finally:
        con.close()


def _child(code: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints a JSON object to which peak RSS (MiB) is added."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forked test process
    wrapper = code + ("\nimport json, re\nstatus = open('/proc/self/status').read()\n"
                      "OUT['rss_mib'] = int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) / 1024\n"
                      "print(json.dumps(OUT))")
    res = subprocess.run([sys.executable, "-c", wrapper], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env=ENV, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.slow
def test_200_mb_file_is_refused_quickly_in_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big file.txt"
    t0 = time.perf_counter()
    size = write_big_file(big)
    made = time.perf_counter() - t0
    try:
        assert size > DEFAULT_MAX_BYTES
        out = _child("import time\nfrom refrains.ingest import iter_documents\nt = time.perf_counter()\n"
                     f"items = list(iter_documents([{str(big)!r}]))\n"
                     "OUT = {'seconds': time.perf_counter() - t, 'reason': items[0].reason, 'n': len(items)}")
        assert out["n"] == 1 and "over the 50.0 MiB limit" in str(out["reason"]) and "--max-bytes" in str(out["reason"])
        assert out["seconds"] < 1.0
        base = _child("import refrains.ingest\nOUT = {}")  # the reader's own imports (trafilatura ...)
        assert out["rss_mib"] - base["rss_mib"] < 20, f"peak RSS {out['rss_mib']:.0f} MiB: the file was read"
        cli = analyze(str(big), "--db", str(tmp_path / "big.db"), "-q")
        assert cli.returncode == 0, cli.stderr
        assert f"skipped {big}: file is 190.7 MiB, over the 50.0 MiB limit; raise it with --max-bytes" in cli.stderr
        in_cli = _child(f"from refrains.cli.main import main\nOUT = {{'rc': main(['analyze', {str(big)!r}, '--db', "
                        f"{str(tmp_path / 'big2.db')!r}, '-q'])}}")
        cli_rss = in_cli["rss_mib"]
        assert in_cli["rc"] == 0 and cli_rss < 400
    finally:
        big.unlink()
    # With the limit raised the file is read whole (not streamed): measure what that costs
    # on a 20 MB JSONL, so docs/reliability.md can say how far --max-bytes may go.
    jl = tmp_path / "records.jsonl"
    jsize = write_big_file(jl, 20 * 1000 * 1000, jsonl=True)
    try:
        raised = _child("import time\nfrom refrains.ingest import iter_documents\nt = time.perf_counter()\n"
                        f"n = sum(1 for _ in iter_documents([{str(jl)!r}], max_bytes={jsize}))\n"
                        "OUT = {'seconds': time.perf_counter() - t, 'n': n}")
    finally:
        jl.unlink()
    per_mb = (raised["rss_mib"] - base["rss_mib"]) / (jsize / 1e6)
    figures.record("200 MB file", **{
        "written in": f"{made:.1f} s", "refused by size in": f"{out['seconds'] * 1000:.1f} ms",
        "peak RSS (reader)": f"{out['rss_mib']:.0f} MiB ({base['rss_mib']:.0f} MiB after imports)", "peak RSS (refrains analyze)": f"{cli_rss:.0f} MiB",
        "20 MB JSONL with --max-bytes raised": f"{int(raised['n'])} records in {raised['seconds']:.1f} s, "
                                                f"{per_mb:.1f} MiB of RAM per MB of file"})
