"""The command line on real files with the real model and a real SQLite file."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "refrains", *args], cwd=cwd, check=False, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture
def corpus(tmp_path: Path, seeds_dir: Path) -> Path:
    d = tmp_path / "in put"  # a space in the path
    d.mkdir()
    for f in seeds_dir.iterdir():
        shutil.copy(f, d / f.name)
    return d


@pytest.mark.slow
def test_analyze_twice_adds_nothing_and_reports_bad_files(tmp_path: Path, corpus: Path) -> None:
    (corpus / "broken.json").write_text('{"text": "unterminated', encoding="utf-8")
    (corpus / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    db, out = tmp_path / "r.db", tmp_path / "report.json"
    first = run("analyze", str(corpus), "--db", str(db), "--json", str(out))
    assert first.returncode == 0, first.stderr
    assert "broken.json" in first.stderr and "picture.txt" in first.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert len(report["documents"]) == 5
    assert {e["path"].rsplit("/", 1)[-1] for e in report["errors"]} == {"broken.json", "picture.txt"}
    counts = [sqlite3.connect(db).execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("documents", "sentences", "links", "points")]
    second = run("analyze", str(corpus), "--db", str(db), "--json", str(out))
    assert second.returncode == 0, second.stderr
    again = [sqlite3.connect(db).execute(f"SELECT count(*) FROM {t}").fetchone()[0]
             for t in ("documents", "sentences", "links", "points")]
    assert again == counts
    assert json.loads(out.read_text(encoding="utf-8"))["stats"]["added"] == 0

    stories = run("stories", "--db", str(db))
    assert stories.returncode == 0 and "3 stories" in stories.stdout
    points = run("points", "--db", str(db))
    assert points.returncode == 0 and "talking points" in points.stdout
    doc_id = report["documents"][0]["id"]
    show = run("show", doc_id[:8], "--db", str(db))
    assert show.returncode == 0 and doc_id in show.stdout
    missing = run("show", "nosuchdoc", "--db", str(db))
    assert missing.returncode == 2 and "nosuchdoc" in missing.stderr


def test_missing_input_is_a_clear_error(tmp_path: Path) -> None:
    res = run("analyze", str(tmp_path / "nowhere"), "--db", str(tmp_path / "r.db"))
    assert res.returncode == 2
    assert "nowhere" in res.stderr and "no such file" in res.stderr


@pytest.mark.slow
def test_search_finds_a_claim_in_every_language(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "r.db"
    assert run("analyze", str(corpus), "--db", str(db), "-q").returncode == 0
    found = run("search", "China has never posed a threat to Belgium", "--db", str(db), "--limit", "3", "--json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)["semantic"]
    # the French statement and both English ones say it; the French one comes first
    assert {h["language"] for h in hits} == {"en", "fr"} and len({h["document"]["id"] for h in hits}) == 3
    assert "menace pour la Belgique" in hits[0]["text"]
    text = run("search", "Belgique", "--db", str(db), "--mode", "text")
    assert text.returncode == 0 and "containing the words" in text.stdout and "Belgique" in text.stdout
    assert run("search", "x", "--db", str(tmp_path / "none.db")).returncode == 2
    assert not (tmp_path / "none.db").exists()  # a mistyped store is not created
