"""Bytes to text: byte-order marks, UTF-16 without a BOM, legacy CJK and Western codepages.

The order of tests is fixed so that the same bytes always decode the same way:

1. known binary formats (by magic number) are refused;
2. a byte-order mark decides UTF-8/16/32;
3. NUL bytes in a regular pattern mean UTF-16/32 without a BOM; a few stray NULs (at most
   1 %) in otherwise valid UTF-8 are dropped; anything else with NULs is binary;
4. strict UTF-8;
5. otherwise every plausible legacy codec (charset-normalizer's guesses plus the CJK and
   Western families) is tried strictly on a sample and the decode whose characters are the
   most plausible wins. charset-normalizer alone confuses short GBK, Big5 and Shift-JIS
   texts, because all three accept most double-byte sequences; the plausibility score
   rewards frequent characters of each script and punishes what only mis-decodes produce
   (private-use code points, half-width katakana, Hangul glued to Han, mixed-script words).

The text is then normalised: newlines to ``\\n``, control characters other than ``\\n`` and
``\\t`` dropped, UTF-8 read as cp1252 ("cafÃ©") repaired, and NFC.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from refrains.errors import DecodeError
from refrains.ingest.plausibility import plausibility

MIN_PLAUSIBILITY = 0.2
"""Bytes whose best legacy decode scores below this (see :func:`plausibility`) are refused."""

SAMPLE_BYTES = 64 * 1024
"""Legacy codecs are chosen on this much of a file; the winner then decodes all of it."""

_FORMATS = "refrains reads text, HTML, JSON, JSONL and CSV"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office document (DOC/XLS)"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", "Mach-O binary"),
    (b"\x00asm", "WebAssembly module"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
)

# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Legacy names mapped to the superset Python decodes them with (GBK files are often
# labelled GB2312, Big5 files use Microsoft's extensions, and so on).
_SUPERSET = {
    "gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030",
    "big5": "cp950", "big5hkscs": "cp950",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "ms932": "cp932",
    "euc_kr": "cp949", "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "johab": "cp949",
    "ascii": "cp1252", "us-ascii": "cp1252", "latin_1": "cp1252", "latin-1": "cp1252",
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "iso8859_1": "cp1252",
    "windows-1252": "cp1252",
}
_FALLBACKS = ("cp1252", "gb18030", "cp950", "cp932", "euc_jp", "cp949", "cp1251", "cp1250",
              "cp1253", "cp1256", "cp1255", "cp1254", "cp1257", "koi8_r", "iso8859_15")

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff]")
_CRLF = re.compile(r"\r\n?")
_CONTROLS_BUT_NEL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")
_BAD = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
# UTF-8 lead byte read as cp1252/Latin-1 followed by its continuation bytes read the same
# way: two-byte sequences (accented Latin, Cyrillic: "Ã©"), general punctuation ("â€™" or
# "â\x80\x99" for ’), runs of at least two other three-byte sequences (CJK: "ä¸­å\x9b½" for
# 中国; a single one is too easily real text such as "à\xa0\xa0") and four-byte ones (emoji).
_CONT = (r"[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
         r"\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_MOJIBAKE = re.compile(rf"[\u00c2-\u00df]{_CONT}|\u00e2[\u0080\u20ac]{_CONT}|(?:[\u00e0-\u00ef]{_CONT}{{2}}){{2,}}"
                       rf"|[\u00f0-\u00f4]{_CONT}{{3}}")
_LATIN1_RUN = re.compile(r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
                         r"\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
                         r"\u20ac\u2122]{2,}")

def _binary(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}[data[8:12]]
    return None


def _refuse(path: str, what: str) -> DecodeError:
    return DecodeError(path, f"looks like binary data ({what}); {_FORMATS}")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``data`` decoded as the UTF-16/32 variant its NUL bytes point to, if one is plausible.

    ASCII in UTF-16-LE puts NULs at odd offsets; CJK text has few NULs at all (only code
    points ending in 00), so every variant that decodes is scored, the NUL pattern only
    breaking ties.
    """
    n = len(data)
    even, odd = data[0::2].count(0), data[1::2].count(0)
    order = ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]
    if n % 4 == 0 and data.count(0) > n / 2:
        order = ["utf-32-le", "utf-32-be", *order]
    best: tuple[float, str, str] | None = None
    for rank, codec in enumerate(order):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if len(_BAD.findall(text)) > len(text) / 10:
            continue
        score = plausibility(text) - rank / 100
        if score >= 0.3 and (best is None or score > best[0]):
            best = (score, text, codec)
    return (best[1], best[2]) if best else None


def _utf8_with_stray_nuls(data: bytes) -> tuple[str, str] | None:
    """UTF-8 text with a few NUL bytes in it (C strings, database dumps); the NULs are dropped.

    At most one byte in a hundred may be NUL: binary data has far more.
    """
    if data.count(0) * 100 > len(data):
        return None
    try:
        return data.replace(b"\x00", b"").decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return None


def _candidates(sample: bytes, hint: str | None) -> tuple[list[str], str | None]:
    """Codecs to try, in tie-break order, and charset-normalizer's first guess."""
    try:
        guesses = [m.encoding for m in list(from_bytes(sample))[:4]]
    except Exception:  # noqa: BLE001 - a detector failure only costs us its suggestions
        guesses = []
    names = [*([hint] if hint else []), *_FALLBACKS, *guesses]
    if len(sample) % 2 == 0:
        names += ["utf-16-le", "utf-16-be"]  # CJK UTF-16 without a BOM has no NULs
    out: list[str] = []
    for name in names:
        codec = _codec(name)
        if codec and codec not in out and codec != "utf-8":
            out.append(codec)
    return out, _codec(guesses[0]) if guesses else None


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(_SUPERSET.get(name.lower(), name)).name
    except LookupError:
        return None
    return _SUPERSET.get(codec, codec)


def _decode_legacy(data: bytes, path: str, hint: str | None) -> tuple[str, str]:
    sample = data[:SAMPLE_BYTES]
    names, guess = _candidates(sample, hint)
    scored: list[tuple[float, int, str]] = []
    for rank, codec in enumerate(names):
        try:
            text = codecs.getincrementaldecoder(codec)("strict").decode(sample, final=len(data) <= SAMPLE_BYTES)
        except UnicodeDecodeError:
            continue
        score = plausibility(text)
        # charset-normalizer's language models are good on long texts only; a declared
        # charset is trusted a little whatever the length; DOS and Mac codepages that
        # only the detector proposes are rare in news.
        if (codec == guess and len(sample) >= 1024) or (rank == 0 and hint):
            score += 0.05
        if codec not in _FALLBACKS and codec != hint:
            score -= 0.2
        scored.append((round(score, 3), -rank, codec))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < MIN_PLAUSIBILITY:
        raise _refuse(path, "no encoding gives plausible text")
    for _, _, codec in scored:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:  # an error after the sample
            continue
    text = data.decode(scored[0][2], errors="replace")
    if text.count("\ufffd") > len(text) / 100:
        raise _refuse(path, "no encoding decodes it")
    return text, scored[0][2]


def decode(data: bytes, path: str, *, hint: str | None = None, newlines: bool = True) -> tuple[str, str]:
    """Decode a file's bytes to normalised text, detecting the encoding.

    Args:
        data: the file's bytes.
        path: the file name, for error messages.
        hint: a declared charset (an HTML ``<meta charset>``), tried first when the
            bytes are not UTF-8.
        newlines: also map U+0085, U+2028, U+2029, VT and FF to ``\\n``. Readers of JSON
            and CSV say False: those characters are legal inside a JSON string or an
            unquoted CSV cell, and a newline there would break the record (the field's text
            is normalised afterwards).

    Returns:
        ``(text, encoding)``: NFC text with ``\\n`` newlines and no control characters
        other than ``\\n``/``\\t``, and the Python codec name that decoded it.

    Raises:
        DecodeError: the bytes are binary data (a known file format, NUL bytes outside
            UTF-16/32, or mostly control characters).

    Examples:
        >>> decode("Café\\r\\n".encode("utf-8-sig"), "a.txt")
        ('Café\\n', 'utf-8-sig')
        >>> decode("网络安全的问题".encode("gbk"), "a.txt")
        ('网络安全的问题', 'gb18030')
        >>> decode("caf\\xc3\\xa9".encode("utf-8"), "a.txt")  # mojibake repaired
        ('café', 'utf-8')
    """
    what = _binary(data)
    if what:
        raise _refuse(path, what)
    text: str | None = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
                encoding = "utf-8-sig" if codec == "utf-8" else codec
            except UnicodeDecodeError:
                continue
            break
    if text is None and b"\x00" in data:
        found = _utf16_without_bom(data) or _utf8_with_stray_nuls(data)
        if found is None:
            raise _refuse(path, "contains NUL bytes")
        text, encoding = found
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _decode_legacy(data, path, hint)
    # mojibake is repaired before the control-character test and the newline mapping:
    # Latin-1 shows UTF-8 continuation bytes as C1 controls ("ä¸\x8d" for 不, "\x85" in 亅)
    text = (_NEWLINES if newlines else _CRLF).sub("\n", repair_mojibake(text))
    if text and len(_BAD.findall(text)) > max(len(text) / 10, 1):
        raise _refuse(path, "mostly control characters")
    return unicodedata.normalize("NFC", (_CONTROLS if newlines else _CONTROLS_BUT_NEL).sub("", text)), encoding


def normalize(text: str) -> str:
    """Newlines to ``\\n``, controls (but ``\\n``/``\\t``) and BOMs dropped, mojibake repaired, NFC.

    Examples:
        >>> normalize("a\\r\\nb\\x00c\\u2028d")
        'a\\nbc\\nd'
    """
    text = _NEWLINES.sub("\n", repair_mojibake(text))  # repair first: U+0085 may be a UTF-8 byte
    return unicodedata.normalize("NFC", _CONTROLS.sub("", text))


def _unmojibake(run: str) -> str:
    raw = bytearray()
    for c in run:
        try:
            raw += c.encode("cp1252")
        except UnicodeEncodeError:
            raw += c.encode("latin-1")  # the five bytes cp1252 leaves undefined
    fixed = raw.decode("utf-8")
    if _BAD.search(fixed):
        raise ValueError(run)
    return fixed


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was read as cp1252/Latin-1 ("cafÃ©" -> "café"), conservatively.

    Only runs of Latin-1/cp1252 characters that re-encode to valid UTF-8 are touched, and
    the result is kept only if it has fewer mojibake patterns than the input.

    Examples:
        >>> repair_mojibake("Ã‰tat, cafÃ© â€“ dÃ©jÃ\\xa0 vu")  # à is C3 A0: "Ã" and a no-break space
        'État, café – déjà vu'
        >>> repair_mojibake("Ãlvaro, São Paulo")
        'Ãlvaro, São Paulo'
    """
    for _ in range(2):  # text mangled twice needs two passes
        before = len(_MOJIBAKE.findall(text))
        if not before:
            return text

        def fix(m: re.Match[str]) -> str:
            try:
                return _unmojibake(m.group())
            except (UnicodeDecodeError, UnicodeEncodeError, ValueError):
                return m.group()

        fixed = _LATIN1_RUN.sub(fix, text)
        if len(_MOJIBAKE.findall(fixed)) >= before:
            return text
        text = fixed
    return text
