"""Quality gate: the engine's figures on slices of the public benchmarks never fall below
the floors pinned in ``eval_baseline.json`` (in the manner of trafilatura's eval gate).

Lowering a floor is an explicit change to that file, with an entry in its ``changes``
list saying why; ``test_floors_are_only_lowered_with_a_reason`` enforces it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import BENCHMARKS, SEEDS

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("eval_baseline.json")
GATE = json.loads(BASELINE.read_text(encoding="utf-8"))


def test_floors_are_only_lowered_with_a_reason() -> None:
    for name, spec in GATE["benchmarks"].items():
        for metric, floor in spec["floors"].items():
            best = spec.get("best", {}).get(metric, floor)
            if floor < best:
                reasons = [c for c in GATE["changes"] if c.get("benchmark") == name and c.get("metric") == metric
                           and c.get("from") == best and c.get("to") == floor and c.get("why")]
                assert reasons, f"{name}.{metric}: floor {floor} is below its best {best} with no recorded reason"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GATE["benchmarks"]))
def test_benchmark_slice_meets_its_floors(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from refrains.evaluate import run_benchmark

    spec = GATE["benchmarks"][name]
    if spec.get("embedder"):
        monkeypatch.setenv("REFRAINS_EMBEDDER", spec["embedder"])
    if "path" in spec:  # hand-made labels kept in this repository (facts)
        data = ROOT / spec["path"]
    else:
        data = SEEDS if name == "seeds" else BENCHMARKS / spec["dir"]
    if not data.exists():
        pytest.skip(f"{data} is not beside the project")
    result = run_benchmark(name, data, spec.get("limit"))
    print(json.dumps(result.as_json()))
    for metric, floor in spec["floors"].items():
        got = result.metrics[metric]
        if spec.get("ceiling_metrics", {}).get(metric):
            assert got <= floor, f"{name}.{metric} = {got}, ceiling {floor}"
        else:
            assert got >= floor, f"{name}.{metric} = {got} fell below its floor {floor}"
