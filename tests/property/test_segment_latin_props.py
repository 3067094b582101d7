"""The ported syntok segmenter finds exactly syntok's sentences and tokens."""

from __future__ import annotations

import pytest
import syntok.segmenter as syntok_segmenter
from hypothesis import given, settings
from hypothesis import strategies as st
from syntok.tokenizer import Tokenizer

from refrains import segment_latin
from refrains.segment_latin import sentence_spans, tokenize

# pieces that exercise every rule of syntok's tokenizer and state machine: terminals, brackets,
# quotes, abbreviations, months, sentence starters, roman numerals, numbers, "no 5",
# "n't", hyphens, letter-like apostrophes, glued lower-upper case, odd spaces
PIECES = ([" ", " ", " ", "  ", "\t", "\u00a0", "\u200b", "\x1c"]
          + list(".!?;:,…()[]{}\"'“”«»’ʼʹ-_/")
          + ["...", "。", "！", "？", "（", "）", "n't", "don't", "l'État", "Oʼzbekiston"]
          + ["a", "b", "I", "X", "XI", "V", "e", "x", "no", "No", "NO", "5", "12", "2020", "1.5", "3,000", "5b"]
          + ["the", "said", "word", "Word", "The", "However", "Die", "Es", "El", "It", "Also", "This"]
          + ["Dr", "Mr", "Mrs", "etc", "vs", "ca", "Jan", "Sept", "Okt", "Dez", "Mar", "Fr", "St"]
          + ["iPhone", "McDonald", "media.According", "U.S", "e.g", "well-known", "Covid-19", "ÉTATS", "été"]
          + ["Бельгия", "в", "Москве", "بلجيكا", "中国", "Ǆemal", "ǅ", "Ⓐ", "²", "½", "Ⅻ"])
TEXTS = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


def _syntok(text: str) -> list[tuple[int, int]]:
    return [(s[0].offset, s[-1].offset + len(s[-1].value))
            for paragraph in syntok_segmenter.analyze(text) for s in paragraph if s]


@pytest.mark.skipif(not segment_latin._PORTED, reason="another syntok release: syntok itself runs")
@given(TEXTS)
@settings(max_examples=1500, deadline=None)
def test_same_sentences_and_tokens_as_syntok(text: str) -> None:
    line = text.replace("\n", " ")
    assert sentence_spans(line) == _syntok(line)
    ref = [(t.value, t.offset, bool(t.spacing)) for t in Tokenizer(replace_not_contraction=False).tokenize(line)]
    assert list(zip(*tokenize(line), strict=True)) == ref


@given(TEXTS)
@settings(max_examples=200, deadline=None)
def test_paragraphs_go_to_syntok(text: str) -> None:
    text = text.replace(";", "\n\n")
    assert sentence_spans(text) == _syntok(text)
