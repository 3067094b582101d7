"""Each export format round-trips the store's tables."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from refrains.export import TABLES, export, read_gexf, rows
from refrains.pipeline import Pipeline
from refrains.store import open_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, ) -> object:
    from tests.conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    s = open_store(tmp_path_factory.mktemp("export") / "r.db")
    Pipeline(store=s).run([SEEDS])
    return s


def expected(store: object, table: str) -> list[dict[str, object]]:
    return [json.loads(json.dumps(r, ensure_ascii=False)) for r in rows(store, table)]  # type: ignore[arg-type]


@pytest.mark.slow
def test_jsonl_round_trip(store: object, tmp_path: Path) -> None:
    for path in export(store, "jsonl", tmp_path):  # type: ignore[arg-type]
        got = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert got == expected(store, path.stem)
    assert {p.stem for p in tmp_path.iterdir()} == set(TABLES)


@pytest.mark.slow
def test_csv_round_trip(store: object, tmp_path: Path) -> None:
    for path in export(store, "csv", tmp_path):  # type: ignore[arg-type]
        with path.open(encoding="utf-8", newline="") as fh:
            got = list(csv.DictReader(fh))
        want = expected(store, path.stem)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            for k, v in w.items():
                if isinstance(v, (list, dict)):
                    assert json.loads(g[k]) == v
                else:
                    assert g[k] == ("" if v is None else str(v))


@pytest.mark.slow
def test_parquet_round_trip(store: object, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    for path in export(store, "parquet", tmp_path):  # type: ignore[arg-type]
        got = pq.read_table(path).to_pylist()
        want = expected(store, path.stem)
        assert len(got) == len(want)
        # columns mixing numbers and text (a fact's value) travel as JSON text
        mixed = {k for k in (want[0] if want else {}) if len({type(r[k]) for r in want if r[k] is not None}) > 1}
        for g, w in zip(got, want):
            assert {k: (json.loads(g[k]) if g[k] is not None and (isinstance(v, (list, dict)) or k in mixed)
                        else g[k]) for k, v in w.items()} == w


@pytest.mark.slow
def test_gexf_round_trip(store: object, tmp_path: Path) -> None:
    (path,) = export(store, "gexf", tmp_path)  # type: ignore[arg-type]
    nodes, edges = read_gexf(path)
    assert {n["id"] for n in nodes} == {d["id"] for d in rows(store, "documents")}  # type: ignore[arg-type]
    links = {(r["source"], r["target"], r["relation"]) for r in rows(store, "links")}  # type: ignore[arg-type]
    assert {(e["source"], e["target"], e["label"]) for e in edges} == links
    assert any(e["label"] == "translation" for e in edges)
