"""decode round-trips text in UTF-8/16 and GB18030, and refuses garbage only with DecodeError."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from refrains.errors import DecodeError
from refrains.ingest.encodings import decode
from refrains.ingest.plausibility import _TOP_HAN

CONTROLS = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\r", "\r\n", "\x0c", "\x85", "\u2028",
                            "\ufeff"])
# Printable text (no surrogates, no C0/C1 controls) with a few controls mixed in: a text
# that is mostly control characters is binary data by design.
PRINTABLE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=20, max_size=200)


@st.composite
def texts(draw: st.DrawFn, base: st.SearchStrategy[str] = PRINTABLE) -> str:
    text = draw(base)
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(CONTROLS) + text[i:]
    return text


def expected(text: str) -> str:
    """What decode promises, written independently of its implementation."""
    text = re.sub(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]", "\n", text)
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff]", "", text)
    return unicodedata.normalize("NFC", text)


MOJIBAKE = re.compile(r"[\u00c2-\u00df\u00e2][\u0080-\u00bf\u0152-\u2122]")


@given(texts())
@settings(max_examples=300, deadline=None)
def test_utf8_and_utf16_round_trip(text: str) -> None:
    if MOJIBAKE.search(text):
        return  # "Ã©" written on purpose is indistinguishable from mojibake
    for codec in ("utf-8", "utf-16", "utf-8-sig"):
        data = text.encode(codec)
        if codec == "utf-8" and b"\x00" in data:
            continue  # NUL bytes outside UTF-16 mean binary data
        assert decode(data, "x")[0] == expected(text), codec


# Common simplified characters (the first 1,000 of the news frequency list): a GB18030
# guess needs the evidence real text carries; uniformly random Han characters have none.
HAN = st.sampled_from(sorted(set(_TOP_HAN[:1000])))
HAN_SET = frozenset(_TOP_HAN)
# At least 12 Han characters (24 bytes): below that, degenerate inputs such as "七一 七。： 一"
# are as plausible in Big5 or cp1251 as in GB18030, and no detector can know.
CHINESE = (st.lists(st.one_of(HAN, HAN, HAN, st.sampled_from(list("，。：“”、？！ 0123456789abcXYZ\n"))),
                    min_size=12, max_size=200)
           .map("".join).filter(lambda t: sum(c in HAN_SET for c in t) >= 12))


@given(CHINESE)
@settings(max_examples=300, deadline=None)
def test_gb18030_round_trip(text: str) -> None:
    data = text.encode("gb18030")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return  # valid UTF-8 too ("一" is D2 BB, Cyrillic "һ"): UTF-8 is tried first, by design
    out, encoding = decode(data, "x")
    assert out == expected(text)
    assert encoding in ("gb18030", "utf-8")  # utf-8: the text was ASCII only


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes_decode_or_raise_decode_error(data: bytes) -> None:
    try:
        text, encoding = decode(data, "x")
    except DecodeError as exc:
        assert exc.path == "x" and "refrains reads" in exc.reason
        return
    assert isinstance(text, str) and encoding
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
