"""Segmentation never loses, rewrites or reorders text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from refrains.segment import split_sentences

ALPHABET = st.sampled_from(list("abcXYZ .,;!?。！？“”\"'«»\n\t-—") + ["中", "国", "é", "Dr.", "U.S.", "e.g.", "……"])
TEXTS = st.lists(ALPHABET, max_size=300).map("".join)


@given(TEXTS, st.sampled_from([None, "en", "zh", "fr"]))
@settings(max_examples=300, deadline=None)
def test_spans_cover_all_text_in_order(text: str, lang: str | None) -> None:
    spans = split_sentences(text, lang, max_chars=60)
    pos = 0
    for s, e in spans:
        assert pos <= s < e <= len(text)
        assert text[pos:s].strip() == ""  # nothing but whitespace between sentences
        assert text[s:e] == text[s:e].strip()
        pos = e
    assert text[pos:].strip() == ""
