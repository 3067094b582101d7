"""Shingles and MinHash signatures for near-duplicate detection.

Word 3-shingles for scripts with spaces, character 5-grams for Chinese, Japanese and
Korean. Signatures are cut into bands in the store, and documents sharing a band are
candidate near-duplicates (the self-join is done by the database).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

NUM_PERM = 128
SEED = 20200725

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def shingles(text: str, n: int = 3) -> set[str]:
    """The shingle set of ``text``: word n-grams, or character 5-grams for CJK text.

    Examples:
        >>> sorted(shingles("The cat sat on the mat"))
        ['cat sat on', 'on the mat', 'sat on the', 'the cat sat']
    """
    low = text.lower()
    if len(_CJK.findall(low)) > len(low) * 0.3:
        chars = "".join(ch for ch in low if ch.isalnum())
        return {chars[i : i + 5] for i in range(max(1, len(chars) - 4))}
    words = _WORD.findall(low)
    if len(words) < n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def minhash(text: str) -> tuple[int, ...]:
    """A deterministic MinHash signature (``NUM_PERM`` values) of ``text``'s shingles."""
    import rensa

    m = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
    sh = shingles(text)
    if not sh:
        return ()
    m.update(sorted(sh))
    return tuple(int(x) for x in m.digest())


def jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if not a or not b:
        return 0.0
    return sum(x == y for x, y in zip(a, b)) / len(a)


def containment(text_a: str, text_b: str) -> tuple[float, float]:
    """Share of a's shingles found in b, and of b's found in a (exact, for evidence)."""
    sa, sb = shingles(text_a), shingles(text_b)
    if not sa or not sb:
        return 0.0, 0.0
    inter = len(sa & sb)
    return inter / len(sa), inter / len(sb)
