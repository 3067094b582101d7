"""syntok's sentence segmenter, ported to flat token lists: the same sentences, ~4x cheaper.

:func:`refrains.segment.split_sentences` needs only where syntok's sentences begin and end.
syntok (1.4.4, ``syntok.segmenter.analyze``) computes them with a ``Token`` object per
token, generators nested three deep and a state object per token, which made it most of
the cost of preparing a document. This module runs the same tokenizer rules and the same
state machine over three parallel lists (values, offsets, whether the token has spacing
before it), with the queue as an index. It reuses syntok's own regular expressions and
word lists, so a rule changed upstream changes here too; ``tests/property`` checks that
both give the same sentences on generated text, and the benchmark texts were compared
sentence by sentence (see docs/scaling.md).

Why an index can stand for syntok's queue: syntok's queue is always a prefix of the tokens
not yet moved to the sentence (tokens are fetched one at a time, in order), and it is only
ever empty when the token stream is exhausted; so "the queue is empty" is "no tokens are
left", ``queue[k]`` is ``tokens[i + k]``, and the sentence so far is ``tokens[h:i]``.

syntok is (c) Florian Leitner, MIT License (https://github.com/fnl/syntok); the state
machine here follows its ``segmenter`` and ``_segmentation_states`` modules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from importlib.metadata import version

import regex
import syntok.segmenter as _syntok
from syntok._segmentation_states import State
from syntok.tokenizer import Tokenizer

PORTED_VERSION = "1.4.4"
"""The syntok release whose rules this module follows; with any other, syntok itself runs."""
_PORTED = version("syntok") == PORTED_VERSION

_SPACES = Tokenizer._spaces
_SEPARATION = Tokenizer._separation
_APOSTROPHE_T = Tokenizer._apostrophe_t
_HYPHENS_UNDERSCORE = Tokenizer._hyphens_and_underscore

_TERMINALS = State.terminals
_OPENING = State.opening_brackets
_CLOSING = State.closing_brackets
_CLOSING_QUOTES = State.closing_quotes
_INNER_PUNCT = State.inner_sentence_punctuation
_ROMAN = State.roman_numerals
_MONTHS = State.months
_ABBREVIATIONS = State.abbreviations
_STARTERS = State.starters
_VOWELS = State.vowels
_NO = ("no", "No", "NO")
# a token that makes the inner-token state stop and look: a terminal or an opening bracket
_STOP = _TERMINALS | _OPENING | {"("}
# ... and for the first-token state: a terminal or a round bracket (State.next_is_a_terminal)
_STOP_TERMINAL = _TERMINALS | {"("}

_FIRST, _INNER, _TERMINAL, _END = range(4)

# Python's str.isspace() and the regex module's \s differ only on \x1c-\x1f; syntok also splits
# at the zero-width space
_ODD_SPACE = re.compile("[\x1c-\x1f\u200b]")
# within a word of letters and digits (str.isalnum), _SEPARATION can only match at a lowercase
# letter followed by an uppercase one, or at the two apostrophes that are letters (U+02B9, U+02BC)
_HINT = regex.compile(r"(?<=\p{Ll})\p{Lu}|[\u02b9\u02bc]")


def tokenize(text: str) -> tuple[list[str], list[int], list[bool]]:
    """syntok's tokens of ``text`` (``Tokenizer(replace_not_contraction=False)``), as lists.

    Returns the token values, their offsets, and whether each has spacing before it.

    Examples:
        >>> tokenize("He said: don't (no).")[0]
        ['He', 'said', ':', 'do', "n't", '(', 'no', ')', '.']
    """
    vals: list[str] = []
    offs: list[int] = []
    spaced: list[bool] = []
    add_v, add_o, add_s = vals.append, offs.append, spaced.append
    # where a word made only of letters and digits can hold a separation (a lowercase-uppercase
    # transition or a letter-like apostrophe): most lines have none, and then such a word is
    # one token without asking _SEPARATION
    hints = [m.start() for m in _HINT.finditer(text)]
    offset = 0
    for ms, me, run in _runs(text):
        if run.isalnum():
            if not hints or not any(ms <= h < me for h in hints):  # most runs: a plain word, one token
                add_v(run)
                add_o(ms)
                add_s(offset < ms)
                offset = me
                continue
            start, end = ms, me
            alnum = True
        else:
            start = ms
            while start < me and not text[start].isalnum():
                start += 1
            if start == me:  # no letter or digit: the whole run is one token
                add_v(run)
                add_o(ms)
                add_s(offset < ms)
                offset = me
                continue
            end = me
            while not text[end - 1].isalnum():
                end -= 1
            alnum = False
        if start > ms:  # one token per symbol before the word; only the first has the spacing
            add_v(text[ms])
            add_o(ms)
            add_s(offset < ms)
            for k in range(ms + 1, start):
                add_v(text[k])
                add_o(k)
                add_s(False)
            has_prefix = False
        else:
            has_prefix = offset < ms
        word = run if alnum else text[start:end]
        if ((alnum or word.isalnum()) and (not hints or not any(start <= h < end for h in hints))
                or _SEPARATION.search(word) is None):
            add_v(word)
            add_o(start)
            add_s(has_prefix)
        else:
            _split_word(word, start, has_prefix, vals, offs, spaced)
        if end < me:
            if text.startswith("...", end, me):
                add_v("...")
                add_o(end)
                add_s(False)
                end += 3
            for k in range(end, me):
                add_v(text[k])
                add_o(k)
                add_s(False)
        offset = me
    if offset < len(text):
        add_v("")
        add_o(len(text))
        add_s(True)
    return vals, offs, spaced


def _runs(text: str) -> list[tuple[int, int, str]]:
    """syntok's runs of non-space (``Tokenizer._spaces``): ``(start, end, run)``.

    ``str.split()`` finds the same runs (Python's whitespace is the ``regex`` module's, checked
    over every code point, but for four control characters, which are not in cleaned text)
    several times faster; the zero-width space also separates runs for syntok.
    """
    if _ODD_SPACE.search(text):
        return [(m.start(), m.end(), m.group(0)) for m in _SPACES.finditer(text)]
    out = []
    pos = 0
    find = text.find
    for run in text.split():
        pos = find(run, pos)
        out.append((pos, pos + len(run), run))
        pos += len(run)
    return out


def _split_word(word: str, offset: int, prefix: bool, vals: list[str], offs: list[int], spaced: list[bool]) -> None:
    """syntok's ``_split_word``: ``prefix`` stands for "the pending spacing is not empty"."""
    remainder = 0
    for mo in _SEPARATION.finditer(word):
        ms, me = mo.span()
        sep = mo.group(0)
        if ms > remainder:
            if word[ms - 1] == "n" and _APOSTROPHE_T.fullmatch(sep):
                if remainder < ms - 1:
                    vals.append(word[remainder : ms - 1])
                    offs.append(offset + remainder)
                    spaced.append(prefix)
                    prefix = False
                vals.append("n" + sep)
                offs.append(offset + ms - 1)
                spaced.append(prefix)
                prefix = False
                remainder = me
                continue
            vals.append(word[remainder:ms])
            offs.append(offset + remainder)
            spaced.append(prefix)
            prefix = False
        if sep and sep not in _HYPHENS_UNDERSCORE:
            vals.append(sep)
            offs.append(offset + ms)
            spaced.append(prefix)
            prefix = False
        else:
            prefix = prefix or bool(sep)
        remainder = me
    if remainder == 0:
        vals.append(word)
        offs.append(offset)
        spaced.append(prefix)
    elif remainder < len(word):
        vals.append(word[remainder:])
        offs.append(offset + remainder)
        spaced.append(prefix)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence syntok finds in ``text`` (one paragraph, no newline).

    The same as ``(s[0].offset, s[-1].offset + len(s[-1].value))`` for each sentence ``s`` of
    ``syntok.segmenter.analyze(text)``.

    Examples:
        >>> t = "Dr. Smith arrived (at 5 p.m.). He left."
        >>> [t[s:e] for s, e in sentence_spans(t)]
        ['Dr. Smith arrived (at 5 p.m.).', 'He left.']
    """
    if not _PORTED or "\n" in text:
        return _syntok_spans(text)
    V, O, S = tokenize(text)
    return [(O[a], O[b - 1] + len(V[b - 1])) for a, b in _segment(V, O, S)
            if b - a > 1 or V[a]]


def _syntok_spans(text: str) -> list[tuple[int, int]]:
    """The same, from syntok itself: for text with paragraphs, or another syntok version."""
    return [(s[0].offset, s[-1].offset + len(s[-1].value))
            for paragraph in _syntok.analyze(text) for s in paragraph if s]


def _segment(V: list[str], O: list[int], S: list[bool]) -> list[tuple[int, int]]:
    """Token ranges ``[a, b)`` of the sentences: syntok's state machine, state by state."""
    n = len(V)
    max_skip = State.max_bracket_skipping_length
    stops = [k for k, v in enumerate(V) if v in _STOP]  # where the inner-token state stops (_OPENING is in _STOP)
    out: list[tuple[int, int]] = []
    i = h = 0  # queue[0] is V[i]; the sentence so far is V[h:i]

    def end_of_brackets() -> tuple[int, bool]:
        # State.__find_end_of_bracketed_text: the closing bracket's queue index (0: none),
        # and whether the brackets seem to hold a sentence
        depth = 1
        q = 1
        first_is_title: bool | None = None
        last_is_terminal = False
        while i + q < n and q < 50:
            v = V[i + q]
            if first_is_title is None and v.isalnum():
                first_is_title = v.istitle()
            elif first_is_title and v.isalnum():
                last_is_terminal = i + q + 1 < n and V[i + q + 1] in _TERMINALS
            if v in _OPENING:
                depth += 1
            elif v in _CLOSING:
                depth -= 1
                if depth == 0:
                    break
            q += 1
        return (q if depth == 0 else 0), bool(first_is_title and last_is_terminal)

    def skip_brackets() -> bool:
        # State._skip_bracketed_text (next is an opening bracket)
        nonlocal i
        closing, inner = end_of_brackets()
        if closing > 0:
            last = i + closing
            if O[last] + len(V[last]) - O[i] < max_skip or not inner:
                i += closing + 1
                return True
        return False

    def extract(first: bool) -> int:
        # State._move_and_maybe_extract_terminal: returns the next state
        nonlocal i
        token_before = V[i - 1] if i > h else ""
        if not (i < n and V[i] in _OPENING):
            i += 1
        # State.__move_to_next_relevant_word_and_return_token_after_terminal
        token: str | None = None
        last_is_terminal = i > h and V[i - 1] in _TERMINALS
        if i < n and V[i] in _OPENING and not last_is_terminal:
            skip_brackets()
        else:
            while i < n and (V[i] in _TERMINALS or V[i] in _CLOSING):
                i += 1
                if i >= n:
                    break
                if token is None:
                    token = V[i - 1]
            if i < n and V[i] in _CLOSING_QUOTES and not S[i]:
                i += 1
                if i < n and token is None:
                    token = V[i - 1]
            while i < n and (V[i] in _TERMINALS or V[i] in _CLOSING):
                i += 1
                if i >= n:
                    break
                if token is None:
                    token = V[i - 1]
            if i < n and V[i] in _OPENING:
                token = V[i]
        if token is None and i < n:
            token = V[i]
        after = "" if token is None else token
        nxt = V[i] if i < n else None
        # the decision
        if nxt is not None and (nxt[:1].islower() or nxt in _INNER_PUNCT):
            return _FIRST if first else _INNER
        if not (first and (len(token_before) == 1 or token_before in _ROMAN)) and nxt in _STARTERS:
            return _TERMINAL
        if token_before in _ABBREVIATIONS and after not in _CLOSING:
            return _FIRST if first else _INNER
        if nxt is not None:
            if token_before in _NO and nxt.isalnum() and any(c.isnumeric() for c in nxt):
                return _FIRST if first else _INNER
            if not S[i] and (nxt.isnumeric() or not after.istitle() or not after.isalpha() or len(after) == 1):
                return _FIRST if first else _INNER
            if nxt.isnumeric() and len(nxt) > 2:
                return _FIRST if first else _INNER
            if token_before.isnumeric() and nxt in _MONTHS:
                return _FIRST if first else _INNER
            if token_before in _MONTHS and nxt.isnumeric():
                return _FIRST if first else _INNER
        if "." in token_before and after != ".":
            return _FIRST if first else _INNER
        if (first or token_before.isupper()) and (len(token_before) == 1 or token_before in _ROMAN):
            return _FIRST if first else _INNER
        if len(token_before) == 1 and token_before.isalpha() and token_before not in _VOWELS:
            return _FIRST if first else _INNER
        if after in _OPENING:
            # State.__find_next_token_after_bracket, then __find_token_after_next
            after_brackets = ""
            if i < n:
                closing, inner = end_of_brackets()
                if closing > 0 and not inner and i + closing + 1 < n:
                    after_brackets = V[i + closing + 1]
            after_opening = V[i + 1] if i + 1 < n else ""
            if after_brackets in _INNER_PUNCT:
                return _FIRST if first else _INNER
            if after_opening.istitle():
                return _TERMINAL
            if after_brackets[:1].islower():
                return _FIRST if first else _INNER
        return _TERMINAL

    state = _FIRST if n else _END  # Begin
    while True:
        if state == _TERMINAL or state == _END:
            if i > h:  # at_sentence: collect the history
                out.append((h, i))
                h = i
            if state == _END:
                return out
            state = _FIRST if i < n else _END
        elif state == _FIRST:
            if i < n and V[i] in _OPENING and skip_brackets() and i - h > 3 and not (i < n and V[i][:1].islower()):
                state = _TERMINAL
                continue
            if i < n:
                i += 1
                state = extract(True) if i < n and V[i] in _STOP_TERMINAL else _INNER
            else:
                state = _END
        elif i < n:  # _INNER
            # the state moves on one token at a time until a terminal or a bracket: jump there
            k = bisect_right(stops, i)
            i = stops[k] if k < len(stops) else n
            if i < n and V[i] in _OPENING:
                skip_brackets()
            if i < n and V[i] in _STOP:
                state = extract(False)
        else:
            state = _END
