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


def _noisy(base: np.ndarray, signal: float, seed: int) -> np.ndarray:
    """Rows that keep ``signal`` of ``base`` and add random noise (cosine with base ~ signal)."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=base.shape).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    out = signal * base + np.sqrt(1 - signal**2) * noise
    return np.asarray(out / np.linalg.norm(out, axis=1, keepdims=True), dtype=np.float32)


def test_weak_translation_aligns_by_order_regression_wmt21_icelandic() -> None:
    """Icelandic under usem3+e5: partners at cosine ~0.3, under min_cosine, yet in order."""
    src = _noisy(np.zeros((14, 256), np.float32), 0.0, 1)
    tgt = _noisy(src, 0.3, 2)
    al = align("a", src, "b", tgt)
    assert min(al.coverage_a, al.coverage_b) >= 0.9 and al.monotonic == 1.0
    assert all(p.a == p.b for p in al.pairs)
    off = align("a", src, "b", tgt, AlignSettings(chain_min=100))  # the stage without the chain
    assert len(off.pairs) < 3


def test_unrelated_documents_do_not_chain() -> None:
    for seed in range(20):
        a = _noisy(np.zeros((8, 256), np.float32), 0.0, seed)
        b = _noisy(np.zeros((9, 256), np.float32), 0.0, 100 + seed)
        al = align("a", a, "b", b)
        assert min(al.coverage_a, al.coverage_b) < 0.6


def test_a_split_sentence_joins_its_anchor() -> None:
    src = _noisy(np.zeros((6, 256), np.float32), 0.0, 3)
    halves = np.vstack([src[:4], src[3:]])  # the translator split sentence 3 in two
    tgt = _noisy(halves, 0.8, 4)
    al = align("a", src, "b", tgt)
    assert {(3, 3), (3, 4)} <= {(p.a, p.b) for p in al.pairs}
    assert al.coverage_a == 1.0 and al.coverage_b == 1.0 and al.monotonic == 1.0
