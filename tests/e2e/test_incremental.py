"""Adding documents to an analysed store updates links, stories and points to what a full
analysis of the whole corpus gives, while aligning only pairs that involve the new documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from refrains.pipeline import Pipeline, Report
from refrains.points import MINING
from refrains.store import AnalysisChanges, Store, open_store


def shape(rep: Report) -> tuple[object, ...]:
    return (sorted((ln.source, ln.target, ln.relation) for ln in rep.links),
            sorted((s.id, s.documents) for s in rep.stories),
            sorted((p.id, tuple(sorted(p.documents))) for p in rep.talking_points))


@pytest.mark.slow
def test_incremental_equals_full(tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
    full_store = open_store(tmp_path / "full.db")
    full = Pipeline(store=full_store).run([seeds_dir])
    assert shape(report) == shape(full)
    # the second run aligned only pairs touching 003 or 004, fewer than all pairs of 5 documents
    assert inc.link_stats.aligned_pairs - before < 10
    # the store holds the analysis a full run saves (up to scores and evidence, as above), though
    # only changed rows were written
    def saved(store: Store) -> tuple[object, ...]:
        return (sorted((ln.source, ln.target, ln.relation) for ln in store.links()), store.stories(),
                [(p.id, p.occurrences) for p in store.points()])

    stored = saved(inc.store)
    assert stored == saved(full_store)
    written: list[AnalysisChanges] = []
    update = inc.store.update_analysis
    inc.store.update_analysis = lambda changes, facts=None: (written.append(changes), update(changes, facts))[1]  # type: ignore[method-assign]
    again = inc.run([seeds_dir])  # nothing new: nothing changes, and nothing is rewritten
    assert again.stats["added"] == 0 and shape(again) == shape(full)
    assert [(list(c.links), list(c.unlinked), list(c.stories), list(c.dropped_stories), list(c.points),
             list(c.dropped_points)) for c in written] == [([], [], [], [], [], [])]
    assert saved(inc.store) == stored
    # points stored by other mining rules (an older version) are mined again, not kept
    import refrains.pipeline

    inc.store.set_meta("points_mining", "1")
    monkeypatch.setattr(refrains.pipeline, "update_points", lambda *a: pytest.fail("kept points of older rules"))
    assert shape(inc.run([seeds_dir])) == shape(full) and inc.store.get_meta("points_mining") == MINING
    assert saved(inc.store) == stored
