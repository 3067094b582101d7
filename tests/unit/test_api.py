"""The HTTP edge (JSON API and pages) on the seed corpus, with the deterministic fake embedder."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from refrains.cli.serve import check_exposure
from refrains.config import Settings
from refrains.embed import register_embedder
from refrains.errors import ConfigError, RefrainsError
from refrains.models import RawDocument
from refrains.pipeline import Pipeline
from refrains.store import open_store
from refrains.web.app import create_app
from tests.conftest import SEEDS, FakeEmbedder

EVIL_TITLE = "Evil <script>alert('title')</script><img src=x onerror=\"alert('img')\">"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    register_embedder("fake", FakeEmbedder)
    path = tmp_path_factory.mktemp("api") / "seeds.db"
    store = open_store(path)
    pipe = Pipeline(Settings(embedder="fake"), store, embedder=FakeEmbedder())
    pipe.ingest_raw(RawDocument(path=str(f), text=f.read_text(encoding="utf-8")) for f in sorted(SEEDS.iterdir()))
    pipe.analyze()
    store.close()
    return path


def client_for(db: Path, **kw: object) -> TestClient:
    return TestClient(create_app(db, settings=Settings(embedder="fake"), **kw))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with client_for(db) as c:
        yield c


def test_documents_paginate_and_filter(client: TestClient) -> None:
    first = client.get("/api/documents", params={"limit": 2}).json()
    assert first["total"] == 5 and len(first["items"]) == 2 and first["next_offset"] == 2
    last = client.get("/api/documents", params={"limit": 2, "offset": 4}).json()
    assert len(last["items"]) == 1 and last["next_offset"] is None
    fr = client.get("/api/documents", params={"language": "fr"}).json()
    assert [d["name"][:3] for d in fr["items"]] == ["002"]
    july = client.get("/api/documents", params={"since": "2020-07-26", "until": "2020-07"}).json()
    assert [d["name"][:3] for d in july["items"]] == ["000"]
    story = client.get("/api/stories").json()["items"][0]
    same = client.get("/api/documents", params={"story": story["id"]}).json()
    assert {d["id"] for d in same["items"]} == set(story["documents"])


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "x"},
                                    {"since": "July"}])
def test_bad_parameters_are_clear_4xx_json(client: TestClient, params: dict[str, object]) -> None:
    res = client.get("/api/documents", params=params)
    assert res.status_code == 422
    body = res.json()
    assert body["detail"] and all(":" in e for e in body["errors"])


def test_unknown_things_are_404_json_and_html(client: TestClient) -> None:
    assert client.get("/api/documents/nosuchdoc").status_code == 404
    assert "nosuchdoc" in client.get("/api/documents/nosuchdoc").json()["detail"]
    assert client.get("/api/points/nope").status_code == 404
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/api/compare", params={"a": "nope", "b": "001"}).status_code == 404
    page = client.get("/documents/nosuchdoc")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_document_detail_has_text_links_points_and_removed(client: TestClient) -> None:
    doc = client.get("/api/documents/003").json()
    assert doc["language"] == "zh" and doc["text"].rstrip().endswith("共同营造和平、安全、开放、合作的网络空间。")
    assert doc["removed"] and all(r["reason"] for r in doc["removed"])
    assert "".join(s["text"] for s in doc["sentences"]) in doc["text"].replace("\n", "") or doc["sentences"]
    d1 = client.get("/api/documents/001").json()
    assert d1["links"] and all(ln["other"]["id"] != d1["id"] for ln in d1["links"])
    assert d1["points"]


def test_compare_pairs_and_unmatched_cover_both_documents(client: TestClient) -> None:
    a, b = "001", "000"
    cmp = client.get("/api/compare", params={"a": a, "b": b}).json()
    assert {p["a"] for p in cmp["pairs"]} | set(cmp["unmatched_a"]) == set(range(cmp["n_a"]))
    assert {p["b"] for p in cmp["pairs"]} | set(cmp["unmatched_b"]) == set(range(cmp["n_b"]))
    assert not {p["a"] for p in cmp["pairs"]} & set(cmp["unmatched_a"])


def test_points_and_stories(client: TestClient) -> None:
    points = client.get("/api/points", params={"limit": 500}).json()
    assert points["total"] >= 1
    detail = client.get(f"/api/points/{points['items'][0]['id']}").json()
    assert len(detail["edges"]) == len(detail["documents"]) - 1
    assert {o["document"] for o in detail["occurrences"]} == set(detail["documents"])
    stories = client.get("/api/stories").json()
    assert sum(s["size"] for s in stories["items"]) == 5


def test_search_text_and_semantic(client: TestClient) -> None:
    res = client.get("/api/search", params={"q": "网络攻击", "mode": "text"}).json()
    assert res["text"] and all("网络攻击" in h["text"] for h in res["text"])
    sem = client.get("/api/search", params={"q": "China is a victim of cyber attacks", "mode": "semantic",
                                            "limit": 3}).json()
    assert len(sem["semantic"]) == 3 and sem["semantic"][0]["score"] >= sem["semantic"][-1]["score"]
    assert client.get("/api/search", params={"q": ""}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "mode": "magic"}).status_code == 422


def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/documents", "/api/documents/{doc}", "/api/stories", "/api/points", "/api/points/{point}",
              "/api/compare", "/api/search"):
        assert p in paths
    assert "post" in paths["/api/documents"]


def evil_json() -> bytes:
    return json.dumps({"title": EVIL_TITLE, "date": "2020-07-27", "source": "<b onmouseover=alert(1)>Evil</b>",
                       "url": "javascript:alert('url')",
                       "text": "We have repeatedly emphasized that China has never posed any threat to Belgium.\n"
                               "An image <img src=x onerror=alert('img')> and <script>alert('text')</script>."}
                      ).encode()


def test_upload_needs_the_token_when_set_and_is_escaped_everywhere(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    with client_for(copy, token="s3cret", uploads=tmp_path / "up") as c:
        files = {"files": ("evil.json", evil_json(), "application/json")}
        assert c.post("/api/documents", files=files).status_code == 401
        assert c.post("/api/documents", files=files, headers={"Authorization": "Bearer wrong"}).status_code == 401
        res = c.post("/api/documents", files=files, headers={"Authorization": "Bearer s3cret"})
        assert res.status_code == 201, res.text
        doc_id = res.json()["added"][0]
        again = c.post("/api/documents", files=files, headers={"X-Refrains-Token": "s3cret"}).json()
        assert again["added"] == [] and again["existing"] == [doc_id]
        assert c.get("/api/documents/" + doc_id).json()["title_full"] == EVIL_TITLE
        for url in ("/", "/documents", f"/documents/{doc_id}", f"/compare?a={doc_id}&b=001",
                    "/search?q=onerror&mode=text", f"/stories/{c.get('/api/documents/' + doc_id).json()['story']}"):
            page = c.get(url)
            assert page.status_code == 200, url
            html = page.text
            assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html, url
            assert 'href="javascript:' not in html, url
            assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in c.get(f"/documents/{doc_id}").text


def test_upload_limits_type_and_origin(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    with client_for(copy, max_upload=1000, uploads=tmp_path / "up") as c:
        big = c.post("/api/documents", files={"files": ("big.txt", b"x" * 5000, "text/plain")})
        assert big.status_code == 413 and "limit" in big.json()["detail"]
        exe = c.post("/api/documents", files={"files": ("run.exe", b"MZ", "application/octet-stream")})
        assert exe.status_code == 415
        cross = c.post("/api/documents", files={"files": ("a.txt", b"hello there", "text/plain")},
                       headers={"Origin": "http://evil.example"})
        assert cross.status_code == 403


def test_templates_never_mark_text_safe() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "refrains" / "web" / "templates"
    for t in root.glob("*.html"):
        text = t.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe|autoescape\s+false|Markup\(", text), t.name


def test_serving_beyond_localhost_needs_a_token(tmp_path: Path) -> None:
    check_exposure("127.0.0.1", None)
    check_exposure("0.0.0.0", "t")
    with pytest.raises(RefrainsError, match="--token"):
        check_exposure("0.0.0.0", None)
    with pytest.raises(ConfigError, match="refrains analyze"):
        create_app(tmp_path / "missing.db")
