"""Sentence segmentation for every script.

Latin, Cyrillic, Greek and Arabic text goes through ``syntok`` (abbreviations, glued
sentences such as "media.According"); Chinese and Japanese text is split on full- and
half-width terminal punctuation with closing quotes kept on the sentence they end.
Segmentation works on spans: it never loses, rewrites or reorders text.
"""

from __future__ import annotations

import itertools
import re

from refrains.segment_latin import sentence_spans

MAX_SENTENCE_CHARS = 400
"""Longer "sentences" (lists, tables, run-on scrapes) are cut at a clause or word
boundary so that every unit stays embeddable."""

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# terminal punctuation (full- and half-width), then any closing quotes/brackets
_CJK_END = re.compile(r"[。！？!?…]+[”’」』\"'）)》〉]*|\.(?=\s|$)"
                      # a space between two CJK characters: a headline or sentence ends there
                      r"|(?<=[\u3040-\u30ff\u3400-\u9fff」』）)])[ \t\u3000]+(?=[\u3040-\u30ff\u3400-\u9fff「『（(])")
# a sentence glued to the next one at a quote: '… fail."The Embassy' (the quote closes the
# first sentence) or '… embassy."The government …' (it opens the second): decided by parity
_GLUED_QUOTE = re.compile(r"[.!?](?P<q>[\"”»“«])(?=[A-Z\u0400-\u042f])")
# "Germany.PRISM", "media.According": a word, a full stop, a capital, no space
_GLUED_WORD = re.compile(r"(?<=[a-z\u00e0-\u00ff\u0430-\u044f]{2}[.!?])(?=[A-Z\u0410-\u042f])")
_OPENING = "“«"
_CLOSING = "”»"
_CLAUSE = re.compile(r"[;；]\s*")
CLAUSE_SPLIT_CHARS = 200
"""Sentences longer than this are also split at semicolons (clauses of 50+ characters)."""

Span = tuple[int, int]


def is_cjk(text: str, threshold: float = 0.3) -> bool:
    """Whether CJK characters make up at least ``threshold`` of the letters."""
    cjk = len(_CJK.findall(text))
    if not cjk and threshold > 0:
        return False  # most lines: no need to count the letters
    letters = sum(ch.isalpha() for ch in text)
    return letters > 0 and cjk / letters >= threshold


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _cjk_spans(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    pos = start
    for m in _CJK_END.finditer(text, start, end):
        span = _strip(text, pos, m.end())
        if span:
            spans.append(span)
        pos = m.end()
    span = _strip(text, pos, end)
    if span:
        spans.append(span)
    return spans


def _latin_spans(text: str, start: int, end: int) -> list[Span]:
    block = text[start:end]
    spans: list[Span] = []
    for s, e in sentence_spans(block):
        cuts = sorted({c for c in [s, *_quote_cuts(block, s, e), *_clause_cuts(block, s, e)] if s <= c < e})
        cuts.append(e)
        for a, b in itertools.pairwise(cuts):
            span = _strip(text, start + a, start + b)
            if span:
                spans.append(span)
    return _fill_gaps(text, start, end, spans)


def _quote_cuts(block: str, s: int, e: int) -> list[int]:
    cuts = [m.start() for m in _GLUED_WORD.finditer(block, s, e)]
    for m in _GLUED_QUOTE.finditer(block, s, e):
        q = m.group("q")
        closes = q in _CLOSING or (q == '"' and block.count('"', s, m.start()) % 2 == 1)
        cuts.append(m.end() if closes and q not in _OPENING else m.start() + 1)
    return cuts


def _clause_cuts(block: str, s: int, e: int) -> list[int]:
    if e - s <= CLAUSE_SPLIT_CHARS:
        return []
    cuts, last = [], s
    for m in _CLAUSE.finditer(block, s, e):
        if m.start() - last >= 50 and e - m.end() >= 50:
            cuts.append(m.end())
            last = m.end()
    return cuts


def _fill_gaps(text: str, start: int, end: int, spans: list[Span]) -> list[Span]:
    """Attach any non-space text a tokenizer skipped to its neighbouring sentence."""
    if not spans:
        one = _strip(text, start, end)
        return [one] if one else []
    out: list[Span] = []
    pos = start
    for s, e in spans:
        if text[pos:s].strip():
            if out:
                out[-1] = (out[-1][0], s if not text[s - 1].isspace() else s - 1)
                out[-1] = _strip(text, *out[-1]) or out[-1]
            else:
                s = pos
        out.append((s, e))
        pos = e
    if text[pos:end].strip():
        last = _strip(text, out[-1][0], end)
        out[-1] = last or out[-1]
    return [sp for sp in (_strip(text, s, e) for s, e in out) if sp]


def _cap(text: str, spans: list[Span], limit: int) -> list[Span]:
    out: list[Span] = []
    for s, e in spans:
        while e - s > limit:
            window = text[s : s + limit]
            cut = max(window.rfind("; "), window.rfind("；"), window.rfind(", "), window.rfind("，"))
            if cut < limit // 3:
                cut = window.rfind(" ")
            cut = s + (cut + 1 if cut >= limit // 3 else limit)
            span = _strip(text, s, cut)
            if span:
                out.append(span)
            s = cut
        span = _strip(text, s, e)
        if span:
            out.append(span)
    return out


def split_sentences(text: str, language: str | None = None, max_chars: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """Split ``text`` into sentence spans ``(start, end)``, in order, never overlapping.

    Every non-space character of ``text`` lies in exactly one span. Lines are hard
    boundaries (a headline never runs into the first paragraph).

    Args:
        text: cleaned document text.
        language: ISO 639-1 code of the document, if known; "zh"/"ja" force CJK rules.
        max_chars: longer sentences are cut at a clause or word boundary.

    Examples:
        >>> t = "Belgian media.According to reports, the U.S. Dept. said so."
        >>> [t[s:e] for s, e in split_sentences(t, "en")]
        ['Belgian media.', 'According to reports, the U.S. Dept. said so.']
        >>> t = "比方声明极不严肃!极不负责任!我们对此强烈不满。"
        >>> [t[s:e] for s, e in split_sentences(t, "zh")]
        ['比方声明极不严肃!', '极不负责任!', '我们对此强烈不满。']
    """
    spans: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if language in ("zh", "ja", "ko") and is_cjk(line, 0.1) or is_cjk(line):
            spans.extend(_cjk_spans(text, start, end))
        else:
            spans.extend(_latin_spans(text, start, end))
    return _cap(text, spans, max_chars)
