"""Main text: HTML extraction, page-furniture removal, normalisation, header metadata.

HTML goes through trafilatura. Text that was already scraped (and so carries the page
around the article) is cleaned by general rules on the *shape* of lines, never by
strings specific to one site:

* marker lines (``-``, ``|``, ``•``) and trailing separator pipes;
* a leading dateline (``date 2020-07-26``, ``2020-07-25 22:33``), kept as the date;
* a leading photo caption ending in a credit such as ``(Xinhua/Zheng Huansong)``;
* a trailing block of short lines after the last paragraph of prose when it carries
  furniture signals: timestamps, marker lines, label lines (tags, editor, related, hot).

Everything removed is kept in ``Removed`` records with the reason, for the analyst.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from refrains.models import Removed

_MARKER_LINE = re.compile(r"^[\s\-–—|•·*_=~#>]+$")
_TRAILING_PIPE = re.compile(r"\s+\|\s*$")
_TIMESTAMP = re.compile(r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\b|\b\d{1,2}:\d{2}\b")
_LABEL_LINE = re.compile(
    r"^\s*(?:标签|責任編輯|责任编辑|编辑|編輯|来源|來源|相关(?:推荐|阅读|新闻)|最新闻|热门|推荐阅读|"
    r"tags?|editor|edited by|source|related(?: articles| stories| news)?|read (?:more|also)|see also|"
    r"more from|most (?:read|popular)|hot|trending|share|advertisement|étiquettes?|lire aussi|"
    r"à lire aussi|schlagworte|mehr zum thema|etiquetas|leer más|теги|читайте также)\b",
    re.IGNORECASE,
)
_LABEL_COLON = re.compile(r"\s*[:：|]")
_CREDIT = re.compile(r"\((?:photo[:/ ]\s*)?[A-Z][\w.&' -]{1,40}/[\w.&' -]{1,60}\)\s*$|\((?:photo|foto|图|圖)[:：][^)]{1,60}\)\s*$",
                     re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^\s*(?:date|dated|published|publié le|veröffentlicht|publicado)[:\s]+", re.IGNORECASE)

_MONTHS = {
    # en, fr, de, es, it, pt, nl
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2}))?(?!\d)"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(rf"(?<!\w)(?P<d>\d{{1,2}})(?:er|\.|st|nd|rd|th)?\s+(?P<mon>{_MONTH_RE})\.?,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d)",
               re.IGNORECASE),
    re.compile(rf"(?<!\w)(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d)",
               re.IGNORECASE),
]
_AT_RUNS = (0, 2)
"""The date patterns that open with a digit no digit (or letter) precedes: each match begins a run of digits."""
_DIGIT_RUN = re.compile(r"\d+")


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose non-empty matches all begin at ``starts``.

    A pattern that opens with a lookbehind gives the regex engine nothing to skip ahead to,
    so ``finditer`` tries it at every character; trying the starts in order, each from the
    end of the last match, finds the same matches.
    """
    pos = 0
    for p in starts:
        if p >= pos and (m := pattern.match(text, p)) is not None:
            yield m
            pos = m.end()


HEADER_CHARS = 400
"""Dates are looked for in this many leading characters (the dateline zone)."""


@dataclass(frozen=True)
class Cleaned:
    """The outcome of cleaning one document."""

    text: str
    removed: tuple[Removed, ...]
    title: str | None
    date: str | None


def normalize(text: str) -> str:
    """NFC, unix newlines, no control characters but newline and tab, no trailing spaces."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(_drop_controls(line).rstrip() for line in text.split("\n"))


def _drop_controls(line: str) -> str:
    r"""``line`` without control and format characters (Cc, Cf), tab and zero-width joiner excepted.

    Cc and Cf characters are never printable, so a printable line (nearly all of them)
    skips the pass over its characters.

    Examples:
        >>> _drop_controls("a\u200bb\tc\u200dd\x00"), _drop_controls("plain")
        ('ab\tc\u200dd', 'plain')
    """
    if line.isprintable():
        return line
    return "".join(ch for ch in line if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\u200d")


def find_date(text: str) -> str | None:
    """The first full date (with a year) in ``text``, as ISO ``YYYY-MM-DD[THH:MM]``.

    Examples:
        >>> find_date("Q&A ... 2020-07-25 22:33")
        '2020-07-25T22:33'
        >>> find_date("Bruxelles, le 25 juillet 2020")
        '2020-07-25'
        >>> find_date("2020年7月25日")
        '2020-07-25'
    """
    best: tuple[int, str] | None = None
    runs: list[int] | None = None
    for k, pat in enumerate(_DATE_PATTERNS):
        if k in _AT_RUNS:  # tried only where a run of digits begins: the same matches as finditer's
            runs = [r.start() for r in _DIGIT_RUN.finditer(text)] if runs is None else runs
            found: Iterable[re.Match[str]] = _matches_at(pat, text, runs)
        else:
            found = pat.finditer(text)
        for m in found:
            g = m.groupdict()
            month = _MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
            day, year = int(g["d"]), int(g["y"])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            if g.get("H") is not None and int(g["H"]) < 24:
                iso += f"T{int(g['H']):02d}:{g['M']}"
            if best is None or m.start() < best[0]:
                best = (m.start(), iso)
            break
    return best[1] if best else None


_WIDE = re.compile("[\u2e80-\u9fff\uac00-\ud7af]")


def _weight(line: str) -> int:
    """Visual length: CJK characters count double (they carry about two Latin letters each).

    Examples:
        >>> _weight(" ab 中国 한 "), _weight("")
        (10, 0)
    """
    s = line.strip()
    return len(s) + len(_WIDE.findall(s))


_TERMINAL = tuple(".。!！?？…\"”»）)'’")


def _is_prose(line: str) -> bool:
    """A line of running text: long, and ending like a sentence (headlines rarely do)."""
    s = line.strip()
    if _TIMESTAMP.match(s):
        return False
    w = _weight(s)
    label = _LABEL_LINE.match(s)
    # "Source: Xinhua" and "Tags: ..." are furniture, but "Hot weather is expected to ..."
    # or "Share prices fell ..." is a sentence that merely starts with a label word
    if label and (w < 60 or not s.endswith(_TERMINAL) or (_LABEL_COLON.match(s, label.end()) and w < 160)):
        return False
    return w >= 160 or (w >= 60 and s.endswith(_TERMINAL))


def _is_dateline(line: str) -> bool:
    s = _DATE_PREFIX.sub("", line.strip()).strip(" |-")
    return bool(s) and bool(_TIMESTAMP.fullmatch(s) or (len(s) <= 40 and find_date(s)))


def _remove_tail(lines: list[str], removed: list[Removed]) -> list[str]:
    last = next((i for i in range(len(lines) - 1, -1, -1) if _is_prose(lines[i])), -1)
    if last < 0:
        return lines
    tail = [ln for ln in lines[last + 1 :] if ln.strip()]
    if not tail:
        return lines
    signals = sum(bool(_TIMESTAMP.search(ln) or _MARKER_LINE.match(ln) or _LABEL_LINE.match(ln)) for ln in tail)
    if signals and (len(tail) >= 3 or signals == len(tail)):
        removed.append(Removed("\n".join(lines[last + 1 :]).strip(), "page furniture after the article: "
                               "short lines with timestamps, tags or headline lists"))
        return lines[: last + 1]
    return lines


def _remove_head(lines: list[str], removed: list[Removed]) -> tuple[list[str], str | None]:
    date: str | None = None
    out = list(lines)
    # a dateline glued in front of the first line: "date 2020-07-26 People visit …"
    for i, ln in enumerate(out[:3]):
        m = _DATE_PREFIX.match(ln)
        if m:
            d = _DATE_PATTERNS[0].match(ln, m.end())
            if d:
                date = find_date(d.group(0))
                removed.append(Removed(ln[: d.end()].strip(), "dateline"))
                out[i] = ln[d.end() :].strip()
            break
    # leading photo caption: a first paragraph that ends in a photo credit
    first = next((i for i, ln in enumerate(out) if ln.strip()), None)
    if first is not None and _CREDIT.search(out[first]) and any(ln.strip() for ln in out[first + 1 :]):
        removed.append(Removed(out[first].strip(), "photo caption"))
        out[first] = ""
    return out, date


def clean_text(text: str, *, is_html: bool = False) -> Cleaned:
    """Extract the article from ``text`` and strip page furniture.

    Args:
        text: decoded document (HTML source when ``is_html``).
        is_html: run trafilatura first to get the main text and metadata.

    Returns:
        The cleaned text, what was removed and why, and the title and date found in it.

    Examples:
        >>> c = clean_text("Title\\n2020-07-25 22:33\\n\\nA sentence of prose that is long enough to count as one.")
        >>> c.text.splitlines()[0], c.date
        ('Title', '2020-07-25T22:33')
    """
    title: str | None = None
    date: str | None = None
    removed: list[Removed] = []
    if is_html:
        text, title, date = _from_html(text, removed)
    text = normalize(text)
    header_date = find_date(text[:HEADER_CHARS])
    lines = text.split("\n")
    lines, prefix_date = _remove_head(lines, removed)
    kept = _remove_tail(lines, removed)
    markers = [ln.strip() for ln in kept if ln.strip() and _MARKER_LINE.match(ln)]
    if markers:
        removed.append(Removed("\n".join(markers), f"marker lines ({len(markers)})"))
    # _TRAILING_PIPE can only match a line with a pipe (it is tried at every space of one without)
    kept = ["" if _MARKER_LINE.match(ln) else _TRAILING_PIPE.sub("", ln) if "|" in ln else ln for ln in kept]
    out: list[str] = []
    for ln in kept:
        if len(out) < 4 and _is_dateline(ln):
            removed.append(Removed(ln.strip(), "dateline"))
            continue
        out.append(ln)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    date = date or prefix_date or header_date
    if title is None:
        title = _title_from(body)
    return Cleaned(body, tuple(removed), title, date)


def _title_from(body: str) -> str | None:
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    if len(lines) >= 2 and 8 <= len(lines[0]) <= 250 and not lines[0].endswith((".", "。")):
        return lines[0]
    return None


def _from_html(html: str, removed: list[Removed]) -> tuple[str, str | None, str | None]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=True, with_metadata=True)
    if doc is None:
        return "", None, None
    body = str(getattr(doc, "text", "") or "")
    title = getattr(doc, "title", None)
    date = getattr(doc, "date", None)
    removed.append(Removed("", "HTML markup, navigation and boilerplate (trafilatura)"))
    return body, (str(title) if title else None), (str(date) if date else None)
