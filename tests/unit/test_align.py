from __future__ import annotations

import numpy as np

from refrains.align import AlignSettings, align, margin_matrix, monotonicity
from refrains.models import AlignedPair


def unit(rows: list[list[float]]) -> np.ndarray:
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_margin_rewards_a_pair_that_stands_out() -> None:
    sim = np.array([[0.9, 0.2, 0.2], [0.5, 0.55, 0.5], [0.1, 0.5, 0.55]], dtype=np.float32)
    m = margin_matrix(sim, k=2)
    assert m[0, 0] > 1.3  # clear winner
    assert m[1, 1] < 1.1  # a hub row: everything looks alike
    assert m[0, 0] > m[1, 1]


def test_align_finds_mutual_best_pairs_in_order(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    a = ["China is a victim of cyber attacks.", "Cyberspace should not become a battlefield.",
         "The weather was sunny in Brussels."]
    b = ["Cyberspace should never become a new battlefield.", "A totally different remark about football.",
         "China is also a victim of cyber attacks."]
    al = align("a", fake_embedder.embed(a), "b", fake_embedder.embed(b), AlignSettings(min_cosine=0.5), a, b)
    assert [(p.a, p.b) for p in al.pairs] == [(0, 2), (1, 0)]
    assert al.coverage_a == round(2 / 3, 4) and al.coverage_b == round(2 / 3, 4)
    assert al.monotonic == 0.5


def test_unrelated_documents_do_not_align(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    a = ["Apples and pears are fruit.", "Trains run on rails."]
    b = ["The parliament voted on the budget.", "Snow fell in the mountains overnight."]
    assert align("a", fake_embedder.embed(a), "b", fake_embedder.embed(b)).pairs == ()


def test_empty_side() -> None:
    al = align("a", np.zeros((0, 4), np.float32), "b", unit([[1, 0, 0, 0]]))
    assert al.pairs == () and al.coverage_a == 0.0


def test_monotonicity() -> None:
    def pairs(seq: list[int]) -> list[AlignedPair]:
        return [AlignedPair(i, j, 1.0, 1.0) for i, j in enumerate(seq)]
    assert monotonicity(pairs([0, 1, 2, 3])) == 1.0
    assert monotonicity(pairs([3, 2, 1, 0])) == 0.25
