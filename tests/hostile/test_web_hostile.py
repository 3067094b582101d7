"""The web API under hostile requests: validation names the parameter, paths never leave the
store or the uploads folder, and a bounded loopback load is served without errors."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.hostile import figures
from tests.hostile.corpus import SEEDS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the project")]
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    from fastapi.testclient import TestClient

    from refrains.web.app import create_app

    tmp = tmp_path_factory.mktemp("webhostile")
    db = tmp / "seeds.db"
    res = subprocess.run([sys.executable, "-m", "refrains", "analyze", str(SEEDS), "--db", str(db), "-q"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, env={**os.environ, "REFRAINS_THREADS": "1"},
                         check=False)
    assert res.returncode == 0, res.stderr
    app = create_app(db, token=TOKEN, uploads=tmp / "uploads")
    with TestClient(app) as client:
        yield client, tmp


BAD_QUERIES = [
    ("/api/documents?limit=-1", "limit"), ("/api/documents?limit=100000000", "limit"),
    ("/api/documents?offset=abc", "offset"), ("/api/documents?since=2020-13-45x", "since"),
    ("/api/documents?language=" + "x" * 50, "language"), ("/api/stories?limit=0", "limit"),
    ("/api/compare", "a"), ("/api/search", "q"),
]
TRAVERSALS = ["/api/documents/../../../../etc/passwd", "/api/documents/..%2f..%2f..%2fetc%2fpasswd",
              "/api/documents/%2e%2e/%2e%2e/pyproject.toml", "/static/../../../../etc/passwd",
              "/static/..%2f..%2fpipeline.py", "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
              "/documents/..%2F..%2Fetc%2Fpasswd", "/api/stories/..%2f..%2fetc", "/api/points/%00",
              "/api/documents/" + "a" * 5000]


def test_validation_errors_name_the_parameter(site: tuple[Any, Path]) -> None:
    client, _ = site
    for url, param in BAD_QUERIES:
        r = client.get(url)
        assert r.status_code in (400, 404, 422), (url, r.status_code)
        assert param in r.json()["detail"], (url, r.text)
    figures.record("web", **{"bad queries refused with the parameter named": len(BAD_QUERIES)})


def test_paths_never_escape(site: tuple[Any, Path]) -> None:
    client, tmp = site
    for url in TRAVERSALS:
        r = client.get(url)
        assert r.status_code in (400, 404, 422), (url, r.status_code)
        assert "root:" not in r.text and "[project]" not in r.text and "def " not in r.text, url
    # uploads: directories and dot-names are stripped, odd types refused, writes need the token
    files = [("files", ("../../../escape.txt", b"A text that must land inside the uploads folder. " * 3)),
             ("files", ("..\\..\\win.txt", b"Another text that must land inside the uploads folder. " * 3))]
    assert client.post("/api/documents", files=files).status_code == 401
    r = client.post("/api/documents", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201, r.text
    inside = {p.name for p in (tmp / "uploads").rglob("*") if p.is_file()}
    assert {"escape.txt", "win.txt"} <= inside
    assert not list(tmp.parent.rglob("escape.txt")) or all("uploads" in str(p) for p in tmp.parent.rglob("escape.txt"))
    r = client.post("/api/documents", files=[("files", ("run.sh", b"rm -rf /"))],
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 415 and "unsupported file type" in r.json()["detail"]
    figures.record("web", **{"path-traversal attempts refused": len(TRAVERSALS) + 2})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_bounded_loopback_load(site: tuple[Any, Path]) -> None:
    import uvicorn

    client, _ = site
    doc = client.get("/api/documents?limit=1").json()["items"][0]["id"]
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(client.app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    urls = ["/api/health", "/api/documents?limit=5", f"/api/documents/{doc}", "/api/stories", "/api/points?limit=5",
            "/", f"/documents/{doc}", "/api/documents?limit=-1", "/api/documents/nosuchdoc"]
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()

    def worker(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for i in range(50):
                url = urls[(n + i) % len(urls)]
                t = time.perf_counter()
                status = http.get(url).status_code
                with lock:
                    latencies.append(time.perf_counter() - t)
                    codes[status] = codes.get(status, 0) + 1

    t0 = time.perf_counter()
    try:
        with ThreadPoolExecutor(4) as pool:  # 4 clients x 50 requests: bounded, 2 cores shared
            list(pool.map(worker, range(4)))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    elapsed = time.perf_counter() - t0
    served = sum(codes.values())
    assert served == 200
    assert not any(c >= 500 for c in codes), codes
    lat = sorted(latencies)
    figures.record("web", **{"loopback requests served": served, "server errors (5xx)": 0,
                             "status codes": dict(sorted(codes.items())),
                             "throughput": f"{served / elapsed:.0f} req/s with 4 clients",
                             "latency p50/p95": f"{statistics.median(lat) * 1000:.0f}/"
                                                f"{lat[int(len(lat) * 0.95)] * 1000:.0f} ms"})
