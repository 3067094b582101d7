"""How the sentences of ``facts_labels.jsonl`` were chosen (run once; the labels were then written by hand).

    python tests/golden/facts_sample.py > /tmp/facts_candidates.jsonl

Rule, the same for every language: split the documents of ``../shared/benchmarks`` into sentences
(WMT21: its source segments; SemEval-2022 T8: ``refrains.segment.split_sentences``, only articles whose
URL carries the publication date, so that relative dates can be resolved), keep sentences of
25-350 characters, call a sentence a *cue* sentence when it holds a digit (any script), a month or
weekday name (CLDR, via Babel), a number word from the short list below, or a relative day word
("yesterday", "today", "tomorrow" and their translations); shuffle each language's sentences with a
fixed seed (``facts-<lang>``) and take the first ``CUE`` cue sentences and the first ``PLAIN`` other
sentences, at most three per document. The extractor is not run here: which sentences are picked does
not depend on it.

Each candidate carries its source (file and record key), its document date (the date in the article's
URL for SemEval-2022, from ``train_batch_labels.dev.csv``; ``null`` for WMT21, whose documents carry
none) and an empty ``gold`` list to be labelled by reading the sentence.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[3] / "shared" / "benchmarks"
WMT = BENCH / "wmt21-doc-translations" / "newstest2021_docs.dev.jsonl"
SEMEVAL = BENCH / "semeval2022-t8" / "train_pairs_with_text.dev.jsonl"
SEMEVAL_URLS = BENCH / "semeval2022-t8" / "train_batch_labels.dev.csv"
LANGUAGES = ("en", "de", "fr", "es", "ru", "ja", "ar")
CUE = 30
PLAIN = 6
PER_DOCUMENT = 3
EXTRA = {"en": 10, "ru": 20, "ar": 10}
"""Languages whose first ``CUE`` sentences held fewer than 35 labelled figures took the next cue sentences of
the same shuffled order (decided after labelling the first round, before running the extractor)."""
NUMBER_WORDS = {
    "en": r"\b(?:two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion)\b",
    "de": r"\b(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|hundert|tausend|million|milliarde)\w*",
    "fr": r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|cent|mille|million|milliard)s?\b",
    "es": r"\b(?:dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|cien|mil|millón|millones)\b",
    "ru": r"\b(?:два|две|три|четыр|пять|шест|сем|восем|девят|десят|сто|тысяч|миллион|миллиард|млн|млрд)\w*",
    "ja": r"[二三四五六七八九十百千万億]",
    "ar": r"(?:اثن|ثلاث|أربع|خمس|ست|سبع|ثمان|تسع|عشر|مئة|مائة|ألف|آلاف|مليون|ملايين|مليار)",
}
RELATIVE = {
    "en": r"\b(?:yesterday|today|tomorrow)\b", "de": r"\b(?:gestern|heute|morgen)\b",
    "fr": r"\b(?:hier|aujourd'hui|demain)\b", "es": r"\b(?:ayer|hoy|mañana)\b", "ru": r"\b(?:вчера|сегодня|завтра)\b",
    "ja": r"(?:昨日|今日|明日|本日)", "ar": r"(?:أمس|اليوم|غدا)",
}
_URL_DATE = re.compile(r"/(20\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[^\d])")


def _names(lang: str) -> list[str]:
    from babel import Locale

    loc = Locale.parse(lang)
    out: set[str] = set()
    for table in (loc.months, loc.days):
        for context in table.values():
            for width in ("wide", "abbreviated"):
                out |= {n.lower().rstrip(".") for n in context.get(width, {}).values() if len(n.rstrip(".")) >= 3}
    return sorted(out, key=len, reverse=True)


def cue(lang: str) -> re.Pattern[str]:
    """Digit, month/weekday name, number word or relative day word."""
    names = "|".join(map(re.escape, _names(lang)))
    word = r"(?<!\w)(?:" + names + r")(?!\w)" if lang not in ("ja",) else names
    return re.compile(rf"\d|{word}|{NUMBER_WORDS[lang]}|{RELATIVE[lang]}", re.IGNORECASE)


def documents() -> dict[str, list[dict[str, Any]]]:
    """Every source document by language: {source, key, doc_date, doc_date_source, sentences}."""
    from refrains.segment import split_sentences

    docs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with WMT.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["src_lang"] in LANGUAGES:
                docs[r["src_lang"]].append({
                    "source": "wmt21-doc-translations/newstest2021_docs.dev.jsonl",
                    "key": f"{r['langpair']}/{r['doc_id']}", "field": "src_segments",
                    "doc_date": None, "doc_date_source": None, "sentences": list(enumerate(r["src_segments"]))})
    urls: dict[str, tuple[str, str]] = {}
    with SEMEVAL_URLS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            urls[row["pair_id"]] = (row["link1"], row["link2"])
    seen: set[str] = set()
    with SEMEVAL.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("mojibake_suspect") == "True":
                continue
            for n, article in enumerate(r["pair_id"].split("_"), 1):
                lang, text = r[f"lang{n}"], r[f"text{n}"]
                if lang not in LANGUAGES or article in seen:
                    continue
                seen.add(article)
                url = urls.get(r["pair_id"], ("", ""))[n - 1]
                m = _URL_DATE.search(url + "/")
                if not m:
                    continue  # undated: its relative dates could not be resolved
                spans = split_sentences(text, lang)
                docs[lang].append({
                    "source": "semeval2022-t8/train_pairs_with_text.dev.jsonl",
                    "key": f"{r['pair_id']}/text{n}", "field": f"text{n}",
                    "doc_date": "-".join(m.groups()), "doc_date_source": f"url: {url}",
                    "sentences": [(i, text[a:b]) for i, (a, b) in enumerate(spans)]})
    return docs


def sample() -> list[dict[str, Any]]:
    out = []
    for lang, docs in sorted(documents().items()):
        pool = [(d, i, s.strip()) for d in docs for i, s in d["sentences"] if 25 <= len(s.strip()) <= 350]
        random.Random(f"facts-{lang}").shuffle(pool)
        pattern = cue(lang)
        taken: dict[str, int] = defaultdict(int)
        picked = {"cue": 0, "plain": 0}
        for doc, i, text in pool:
            kind = "cue" if pattern.search(text) else "plain"
            if picked[kind] >= (CUE + EXTRA.get(lang, 0) if kind == "cue" else PLAIN) or taken[doc["key"]] >= PER_DOCUMENT:
                continue
            taken[doc["key"]] += 1
            picked[kind] += 1
            ref = f"{doc['key']}#{i}"
            sid = f"{lang}-{hashlib.md5(ref.encode()).hexdigest()[:8]}"
            out.append({"id": sid, "source": doc["source"], "record": doc["key"], "field": doc["field"],
                        "sentence_index": i, "lang": lang, "doc_date": doc["doc_date"],
                        "doc_date_source": doc["doc_date_source"], "selected_by": kind, "text": text, "gold": []})
    return out


if __name__ == "__main__":
    for row in sample():
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
