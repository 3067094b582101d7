"""Adding documents to an analysed store updates links, stories and points to what a full
analysis of the whole corpus gives, while aligning only pairs that involve the new documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from refrains.pipeline import Pipeline, Report
from refrains.store import open_store


def shape(rep: Report) -> tuple[object, ...]:
    return (sorted((ln.source, ln.target, ln.relation) for ln in rep.links),
            sorted((s.id, s.documents) for s in rep.stories),
            sorted((p.id, tuple(sorted(p.documents))) for p in rep.talking_points))


@pytest.mark.slow
def test_incremental_equals_full(tmp_path: Path, seeds_dir: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for i, f in enumerate(sorted(seeds_dir.iterdir())):
        shutil.copy(f, (first if i < 3 else second) / f.name)
    inc = Pipeline(store=open_store(tmp_path / "inc.db"))
    inc.run([first])
    before = inc.link_stats.aligned_pairs
    report = inc.run([second])
    assert report.stats["incremental"] is True
    full = Pipeline(store=open_store(tmp_path / "full.db")).run([seeds_dir])
    assert shape(report) == shape(full)
    # the second run aligned only pairs touching 003 or 004, fewer than all pairs of 5 documents
    assert inc.link_stats.aligned_pairs - before < 10
    again = inc.run([seeds_dir])  # nothing new: nothing changes
    assert again.stats["added"] == 0 and shape(again) == shape(full)
