"""Facts on the seed corpus, and drift when one copy of a figure is edited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from refrains.pipeline import Pipeline, Report
from refrains.store import open_store


def numbers_of(report: Report, prefix: str) -> set[float]:
    doc = next(d for d in report.documents if Path(d.path).name.startswith(prefix))
    return {f["value"] for f in report.facts[doc.id] if f["kind"] == "number"}


def places_of(report: Report, prefix: str) -> set[str]:
    doc = next(d for d in report.documents if Path(d.path).name.startswith(prefix))
    return {f["value"] for f in report.facts[doc.id] if f["kind"] == "place"}


def cncert(report: Report) -> object:
    return next(p for p in report.talking_points if any("5.31 million" in o.text or "6.31 million" in o.text
                                                        for o in p.occurrences))


@pytest.mark.slow
def test_seed_facts_and_no_drift(tmp_path: Path, seeds_dir: Path) -> None:
    report = Pipeline(store=open_store(tmp_path / "r.db")).run([seeds_dir])
    assert {52000.0, 5310000.0} <= numbers_of(report, "003")
    assert {52000.0, 5310000.0, 4460000.0, 2150000.0, 1940000.0} <= numbers_of(report, "004")
    assert places_of(report, "001") == places_of(report, "002") == {"BE", "CN", "US"}
    assert cncert(report).drift == ()  # type: ignore[attr-defined]


@pytest.mark.slow
def test_an_edited_figure_shows_drift(tmp_path: Path, seeds_dir: Path) -> None:
    corpus = tmp_path / "edited"
    corpus.mkdir()
    for f in seeds_dir.iterdir():
        shutil.copy(f, corpus / f.name)
    mt = next(corpus.glob("004_*"))
    mt.write_text(mt.read_text(encoding="utf-8").replace("5.31 million", "6.31 million"), encoding="utf-8")
    report = Pipeline(store=open_store(tmp_path / "r.db")).run([corpus])
    point = cncert(report)
    assert [d["kind"] for d in point.drift] == ["number"]  # type: ignore[attr-defined]
    values = point.drift[0]["values"]  # type: ignore[attr-defined]
    assert any(6310000.0 in v for v in values.values()) and any(5310000.0 in v for v in values.values())
