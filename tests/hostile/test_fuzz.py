"""Property tests on hostile text: decoding, cleaning, segmenting and the JSON/JSONL/CSV readers
never crash and never lose text that should be kept."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from refrains.clean import clean_text
from refrains.errors import DecodeError, EmptyDocumentError, InputError
from refrains.ingest.encodings import _MOJIBAKE, decode, normalize
from refrains.ingest.plausibility import _TOP_HAN
from refrains.ingest.readers import FieldMap, read_csv, read_json, read_jsonl
from refrains.models import RawDocument
from refrains.segment import split_sentences
from tests.hostile import figures

EXAMPLES = 150
TRIED: dict[str, int] = {}
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=300)
HOSTILE_CHARS = st.sampled_from(list("\u202e\u202d\u2066\u2069\u200b\u200d\ufeff\u00a0\u3000\u2028\t \n.。!?;；,，“”«»\"'()"))
MIXED = st.lists(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), HOSTILE_CHARS,
                           st.sampled_from(sorted(set(_TOP_HAN[:300])))), max_size=1500).map("".join)


def _tried(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1
    figures.record("fuzzing", **{"inputs tried": sum(TRIED.values()), "properties": len(TRIED), "failures": 0})


def expected(text: str) -> str:
    text = re.sub(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]", "\n", text)
    return unicodedata.normalize("NFC", re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff]", "", text))


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=100, max_size=400), st.data())
@settings(max_examples=EXAMPLES, deadline=None)
def test_stray_nul_bytes_are_dropped_not_fatal(text: str, data: st.DataObject) -> None:
    _tried("decode: stray NULs")
    assume(not _MOJIBAKE.search(text))
    raw = bytearray(text.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, max(1, len(raw) // 100)))):
        i = data.draw(st.integers(0, len(raw)))
        while 0 < i < len(raw) and (raw[i] & 0xC0) == 0x80:  # between characters, not inside one
            i -= 1
        raw[i:i] = b"\x00"
    try:
        out, _ = decode(bytes(raw), "x")
    except DecodeError:
        return  # e.g. the bytes also read as UTF-16: refused with a reason, never a crash
    assert out == expected(text)


CHINESE = st.lists(st.one_of(*[st.sampled_from(sorted(set(_TOP_HAN[:800])))] * 3, st.sampled_from(list("，。：“”？ 12ab\n"))),
                   min_size=6, max_size=200).map("".join).filter(lambda t: len(re.findall(r"[\u4e00-\u9fff]{2}", t)) >= 2 and not _MOJIBAKE.search(t))
LATIN = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyz éèàçôùâêîûëïüœÉÀ.,;'’–—«»")), min_size=20, max_size=300) \
    .filter(lambda t: len(re.findall(r"[^\x00-\x7f]", t)) >= 3 and not _MOJIBAKE.search(t))


@given(st.one_of(CHINESE, LATIN), st.sampled_from(["latin-1", "cp1252"]))
@settings(max_examples=EXAMPLES, deadline=None)
def test_utf8_read_as_latin1_is_repaired(text: str, codepage: str) -> None:
    _tried("decode: mojibake repair")
    raw = text.encode("utf-8")
    shown = "".join(bytes([b]).decode(codepage, errors="ignore") or chr(b) for b in raw)
    assert decode(shown.encode("utf-8"), "x")[0] == expected(text)


@given(MIXED)
@settings(max_examples=EXAMPLES, deadline=None)
def test_clean_never_crashes_and_leaves_no_controls(text: str) -> None:
    _tried("clean: arbitrary text")
    out = clean_text(text)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out.text)


WORDS = st.sampled_from(["hot", "share", "source", "tags", "related", "editor", "read", "more", "the", "ministry",
                         "said", "weather", "prices", "fell", "in", "Paris", "Beijing", "on", "talks", "were",
                         "held", "with", "officials", "and", "journalists", "élection", "résultats", "北京"])
# a paragraph of prose: a sentence of 60+ characters (shorter lines after the last one may be
# furniture when they start with a label word, "Source: Xinhua")
PARAGRAPH = st.lists(WORDS, min_size=14, max_size=40).map(lambda ws: " ".join(ws).capitalize() + ".") \
    .filter(lambda p: len(p) >= 60)


@given(st.lists(PARAGRAPH, min_size=1, max_size=6))
@settings(max_examples=EXAMPLES, deadline=None)
def test_clean_keeps_every_paragraph_of_prose(paragraphs: list[str]) -> None:
    _tried("clean: prose kept")
    text = "\n\n".join(paragraphs)
    assert clean_text(text).text == text


@given(MIXED, st.sampled_from([None, "en", "zh", "ja", "fr"]), st.integers(20, 400))
@settings(max_examples=EXAMPLES, deadline=None)
def test_segmentation_covers_every_character_once(text: str, lang: str | None, limit: int) -> None:
    _tried("segment: hostile text")
    text = normalize(text)
    spans = split_sentences(text, lang, max_chars=limit)
    pos = 0
    for s, e in spans:
        assert pos <= s < e <= len(text)
        assert not text[pos:s].strip(), "text between sentences was lost"
        assert e - s <= limit
        pos = e
    assert not text[pos:].strip()


# U+2028/U+2029/NEL are legal inside a JSON string and an unquoted CSV cell: a reader that
# turned them into newlines before parsing broke the record (regression)
RECORD_TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")),
                                st.sampled_from(["\u2028", "\u2029", "\x85", "\r", "\t", "\u00a0"])),
                      max_size=300).filter(lambda t: not _MOJIBAKE.search(t))


def _check(items: list[InputError | RawDocument], texts: list[str], labels: list[str | None]) -> None:
    assert len(items) == len(texts)
    for item, text, label in zip(items, texts, labels, strict=True):
        if not normalize(text).strip():
            assert isinstance(item, EmptyDocumentError), item
        else:
            assert isinstance(item, RawDocument), item
            assert item.text == normalize(text) and item.record == label


@given(st.lists(RECORD_TEXT, min_size=1, max_size=8))
@settings(max_examples=EXAMPLES, deadline=None)
def test_json_reader_keeps_every_text(texts: list[str]) -> None:
    _tried("JSON reader")
    data = json.dumps([{"title": "t", "text": t} for t in texts], ensure_ascii=False).encode("utf-8")
    _check(list(read_json("x.json", data, FieldMap(), 1 << 30)), texts, [f"item {i}" for i in range(1, len(texts) + 1)])


@given(st.lists(st.one_of(RECORD_TEXT.map(lambda t: ("ok", t)),
                          st.sampled_from(["{", "[1]", '{"text": ', "nul\x00l", "\ufeff{}"]).map(lambda b: ("bad", b))),
                min_size=1, max_size=10))
@settings(max_examples=EXAMPLES, deadline=None)
def test_jsonl_reader_keeps_every_good_line(lines: list[tuple[str, str]]) -> None:
    _tried("JSONL reader")
    assume(any(k == "ok" for k, _ in lines))
    body = "\n".join(json.dumps({"text": t}, ensure_ascii=False) if k == "ok" else t for k, t in lines)
    try:
        items = list(read_jsonl("x.jsonl", body.encode("utf-8"), FieldMap(), 1 << 30))
    except DecodeError:
        return
    good = {f"line {n}": t for n, (k, t) in enumerate(lines, 1) if k == "ok"}
    docs = {i.record: i for i in items if isinstance(i, RawDocument)}
    for label, text in good.items():
        if normalize(text).strip():
            assert label in docs and docs[label].text == normalize(text), label


@given(st.lists(RECORD_TEXT, min_size=1, max_size=8), st.sampled_from([",", ";", "\t"]))
@settings(max_examples=EXAMPLES, deadline=None)
def test_csv_reader_keeps_every_text(texts: list[str], sep: str) -> None:
    _tried("CSV reader")
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep)
    w.writerow(["title", "text"])
    for t in texts:
        w.writerow(["t", t])
    items = list(read_csv("x.csv", buf.getvalue().encode("utf-8"), FieldMap(), 1 << 30))
    _check(items, texts, [f"row {i}" for i in range(2, len(texts) + 2)])
