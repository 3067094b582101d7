"""The whole pipeline and the web API on the PostgreSQL store give what they give on SQLite.

``refrains analyze`` runs on the seed corpus (real model) twice, into a SQLite file and into a
fresh PostgreSQL database, and the two reports must agree; then the REST API is served from
each store and must answer the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.store.conftest import pg_database, pg_server  # noqa: F401 - fixtures, used by name

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def analyze(seeds: Path, db: str, out: Path) -> dict[str, Any]:
    """``refrains analyze SEEDS --db DB --json OUT``, as a user runs it; the report."""
    res = subprocess.run([sys.executable, "-m", "refrains", "analyze", str(seeds), "--db", db, "--json", str(out),
                          "-q"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stderr
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    report["stats"].pop("seconds")
    return report


def test_analyze_and_serve_give_the_same_results_on_postgres_as_on_sqlite(
        seeds_dir: Path, tmp_path: Path, pg_database: str) -> None:  # noqa: F811 - the fixture
    lite_db = str(tmp_path / "r.db")
    lite = analyze(seeds_dir, lite_db, tmp_path / "lite.json")
    pg = analyze(seeds_dir, pg_database, tmp_path / "pg.json")
    assert [d["id"] for d in pg["documents"]] == [d["id"] for d in lite["documents"]]
    assert pg["documents"] == lite["documents"]
    kinds = sorted((ln["source"], ln["target"], ln["relation"]) for ln in lite["links"])
    assert sorted((ln["source"], ln["target"], ln["relation"]) for ln in pg["links"]) == kinds
    assert kinds  # the seeds are linked
    assert pg["links"] == lite["links"]  # scores and evidence too: both stores keep float16 vectors
    assert pg["stories"] == lite["stories"] and len(lite["stories"]) == 3
    assert pg["talking_points"] == lite["talking_points"] and lite["talking_points"]
    assert pg["stats"] == lite["stats"] and pg["errors"] == lite["errors"] == []

    again = analyze(seeds_dir, pg_database, tmp_path / "pg2.json")  # re-running adds nothing
    assert again["stats"]["added"] == 0 and again["stories"] == lite["stories"]

    from fastapi.testclient import TestClient

    from refrains.web.app import create_app

    doc_ids = [d["id"] for d in lite["documents"]]
    paths = ["/api/health", "/api/documents", "/api/documents?limit=2&offset=1", f"/api/documents/{doc_ids[0]}",
             "/api/stories", f"/api/stories/{lite['stories'][0]['id']}", "/api/points",
             f"/api/points/{lite['talking_points'][0]['id']}", f"/api/compare?a={doc_ids[0]}&b={doc_ids[1]}",
             "/api/search?q=Belgique&mode=semantic&limit=5", "/api/documents/nosuchdoc"]
    answers: dict[str, list[tuple[int, Any]]] = {}
    for db in (lite_db, pg_database):
        with TestClient(create_app(db, uploads=tmp_path / "uploads")) as client:
            answers[db] = [(r.status_code, r.json() if r.headers.get("content-type", "").startswith(
                "application/json") else None) for r in (client.get(p) for p in paths)]
            text = client.get("/api/search", params={"q": "Belgique", "mode": "text"})
            assert text.status_code == 200
            hits = text.json()["text"]  # the same hits; SQLite ranks them (bm25), PostgreSQL keeps document order
            assert hits
            answers[db].append((200, sorted(json.dumps(h, sort_keys=True) for h in hits)))
    assert [status for status, _ in answers[pg_database]] == [200] * (len(paths) - 1) + [404, 200]
    assert answers[pg_database][0][1]["documents"] == len(doc_ids)
    assert answers[pg_database] == answers[lite_db]

    app = create_app(pg_database, token="s3cret")  # an upload writes through the PostgreSQL store
    assert app.state.web.uploads == Path(pg_database.rsplit("/", 1)[1] + "-uploads")  # no file to put it beside
    app.state.web.uploads = tmp_path / "up"
    text = "Un nouvel article sur le vote du budget. Le parlement a voté le budget hier soir après un long débat."
    with TestClient(app) as client:
        res = client.post("/api/documents", files={"files": ("new.txt", text.encode(), "text/plain")},
                          headers={"Authorization": "Bearer s3cret"})
        assert res.status_code == 201, res.text
        new_id = res.json()["added"][0]
        assert client.get(f"/api/documents/{new_id}").json()["text"] == text
        assert client.get("/api/health").json()["documents"] == len(doc_ids) + 1
