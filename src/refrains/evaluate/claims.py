"""SemEval-2025 Task 7: fact-checked claim retrieval, within and across languages (MultiClaim format).

For each social-media post, every fact-check of the set is ranked and the gold one's rank
scored: mean reciprocal rank and success@1/@10, overall and per language pair. The engine's
own stages run on both sides: fact-checks (claim and title, as written, in their own
language) are ingested like any document (clean, segment, embed) and indexed by the web's
sentence search (:class:`refrains.search.SentenceIndex`); each sentence of a post (its text
and the text read off its images, as written) is searched there, and a fact-check scores its
best cosine with any of the post's sentences. The English translations in the files are not
used. Published: the task's overview reports success@10 on the official test, not on this
trial sample (50 pairs: a smoke test, not a benchmark).
"""

from __future__ import annotations

import ast
import csv
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from refrains.config import load_settings
from refrains.errors import ConfigError, InputError
from refrains.evaluate import EvalResult, find_file
from refrains.models import RawDocument
from refrains.pipeline import Pipeline, document_id
from refrains.search import SentenceIndex
from refrains.segment import split_sentences


def _original(field: str) -> str:
    """The text as written from a MultiClaim field: ``(original, english, [(lang, p)])`` or a list of them."""
    if not field or not field.strip():
        return ""
    try:
        value = ast.literal_eval(field)
    except (ValueError, SyntaxError):
        return field.strip()
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return value[0].strip()
    if isinstance(value, list):
        return "\n".join(_original(repr(v)) for v in value if isinstance(v, tuple)).strip()
    return ""


def _rows(path: Path, needed: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV file that has the columns ``needed`` (else a ConfigError naming the file)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            lacking = [c for c in needed if c not in (reader.fieldnames or [])]
            if lacking:
                raise ConfigError(f"{path}: no column {', '.join(lacking)} (a MultiClaim file has "
                                  f"{', '.join(needed)}); is it the right file?")
            return list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: not a readable UTF-8 CSV file ({exc})") from exc


def load(folder: Path) -> tuple[dict[str, str], dict[str, str], list[tuple[str, str, str]]]:
    """Fact-check texts, post texts and gold (post, fact-check, language pair) triples."""
    checks = {r["fact_check_id"]: "\n".join(t for t in (_original(r.get("title", "")), _original(r.get("claim", ""))) if t)
              for r in _rows(find_file(folder, ["*fact_checks*.csv"], "MultiClaim fact-checks (.csv)"),
                         ("fact_check_id", "claim"))}
    posts = {r["post_id"]: "\n".join(t for t in (_original(r.get("text", "")), _original(r.get("ocr", ""))) if t)
             for r in _rows(find_file(folder, ["*posts*.csv"], "MultiClaim posts (.csv)"), ("post_id", "text"))}
    gold = [(r["post_id"], r["fact_check_id"], r.get("pair_lang") or "?")
            for r in _rows(find_file(folder, ["*mapping*.csv", "*pairs*.csv"], "MultiClaim post-fact-check pairs (.csv)"),
                  ("post_id", "fact_check_id"))]
    missing = [g for g in gold if g[0] not in posts or g[1] not in checks]
    if missing:
        raise ConfigError(f"{folder}: {len(missing)} gold pairs name a post or fact-check that is not in the files "
                          f"(first: post {missing[0][0]}, fact-check {missing[0][1]})")
    return checks, posts, gold


def run(folder: Path, limit: int | None) -> EvalResult:
    """MRR and success@K of the engine's cross-lingual search, overall and per language pair."""
    checks, posts, gold = load(folder)
    if limit:
        gold = gold[:limit]
    pipe = Pipeline(load_settings())
    raws: dict[str, RawDocument | InputError] = {}
    owner: dict[str, set[str]] = defaultdict(set)
    for cid, text in checks.items():
        if text:
            did = document_id(text)
            raws.setdefault(did, RawDocument(path=f"fact-check#{cid}", text=text))
            owner[did].add(cid)
    pipe.ingest_raw(raws.values())
    index = SentenceIndex.build(pipe.store)
    stored = {d.id for d in pipe.store.documents(texts=False)}
    ranks: list[int] = []
    langs: list[str] = []
    for post_id, check_id, pair in gold:
        text = posts[post_id]
        sentences = [text[s:e] for s, e in split_sentences(text)] or [text]
        best: dict[str, float] = {}
        for vec in pipe.embedder.embed(sentences):
            for doc_id, _, score in index.search(pipe.store, vec, limit=200):
                for cid in owner.get(doc_id, ()):
                    best[cid] = max(best.get(cid, -1.0), score)
        order = sorted(best, key=lambda c: (-best[c], c))
        ranks.append(order.index(check_id) + 1 if check_id in best else 10**9)
        langs.append(pair)
    dropped = sum(1 for did in raws if did not in stored)

    def figures(idx: list[int]) -> dict[str, float]:
        r = np.array([ranks[i] for i in idx], dtype=np.float64)
        return {"mrr": round(float(np.mean(1.0 / r)), 4), "success_at_1": round(float(np.mean(r <= 1)), 4),
                "success_at_10": round(float(np.mean(r <= 10)), 4), "n": float(len(idx))}

    by_pair: dict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(langs):
        by_pair[pair].append(i)
    cross = [i for i, p in enumerate(langs) if len(set(p.split("-"))) > 1]
    mono = [i for i, p in enumerate(langs) if len(set(p.split("-"))) == 1]
    metrics = figures(list(range(len(ranks)))) if ranks else {}
    for name, idx in (("monolingual", mono), ("crosslingual", cross)):
        if idx:
            metrics.update({f"{name}_{k}": v for k, v in figures(idx).items() if k != "n"})
    notes: list[Any] = [(f"{len(checks)} fact-checks ranked for each of {len(ranks)} posts; "
                         f"{dropped} fact-checks the engine could not read were left out")]
    return EvalResult("claims", metrics, {p: figures(i) for p, i in sorted(by_pair.items())},
                      published={"SemEval-2025 T7 (official test)": "success@10, per the task overview; "
                                                                     "not comparable to this trial sample"},
                      notes=notes)
