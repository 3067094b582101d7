"""SemEval-2022 Task 8: multilingual news article similarity (Pearson with gold Overall).

Each article goes through the engine's stages (clean, lang, segment, embed) and each pair
is scored by the engine's document similarity (``link.document_similarity``). Gold
``Overall`` is 1 = most similar, so the score is correlated with ``5 - Overall``.
Published (official eval split): winner HFL 0.818 with fine-tuned XLM-R large on a GPU.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from refrains.config import load_settings
from refrains.errors import InputError
from refrains.evaluate import EvalResult, find_file, spread
from refrains.link import document_similarity, pair_features
from refrains.models import RawDocument
from refrains.pipeline import Pipeline, document_id


def load_pairs(folder: Path, limit: int | None) -> list[dict[str, Any]]:
    """Rows with text1, text2 and Overall from the first ``*.jsonl`` in ``folder``."""
    path = find_file(folder, ["*pairs*.jsonl", "*.jsonl"], "SemEval-2022 T8 pairs (.jsonl)")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("text1") and row.get("text2") and row.get("Overall") is not None:
                rows.append(row)
    return spread(rows, limit)


def article(row: dict[str, Any], side: str) -> str:
    """The article as the engine sees it: title line, then text."""
    title = (row.get(f"title{side}") or "").strip()
    text = row[f"text{side}"]
    return f"{title}\n{text}" if title and not text.startswith(title) else text


def pearson(x: list[float], y: list[float]) -> float:
    """Pearson correlation (0 when undefined)."""
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


def features_for(rows: list[dict[str, Any]]) -> tuple[list[dict[str, float]], list[float], list[str]]:
    """Engine features, gold similarity (5 - Overall) and language pair of each usable row."""
    pipe = Pipeline(load_settings())
    raws: dict[str, RawDocument | InputError] = {}
    for row in rows:
        for side in ("1", "2"):
            text = article(row, side)
            raws.setdefault(document_id(text), RawDocument(path=f"{row['pair_id']}#{side}", text=text))
    pipe.ingest_raw(raws.values())
    corpus = pipe.corpus()
    feats, gold, langs = [], [], []
    for row in rows:
        a, b = document_id(article(row, "1")), document_id(article(row, "2"))
        if a not in corpus.by_id or b not in corpus.by_id:
            continue
        feats.append(pair_features(corpus, a, b, pipe.link_settings().align))
        gold.append(5.0 - float(row["Overall"]))
        langs.append(f"{row['lang1']}-{row['lang2']}" if row["lang1"] != row["lang2"] else row["lang1"])
    return feats, gold, langs


def pair_key(pair_id: str) -> str:
    """A short, stable key of a pair id (the shipped model lists the keys it was fitted on)."""
    return hashlib.sha1(pair_id.encode("utf-8")).hexdigest()[:10]


def run(folder: Path, limit: int | None) -> EvalResult:
    """Pearson of the engine's similarity with gold Overall, overall and per language pair."""
    rows = load_pairs(folder, limit)
    feats, gold, langs = features_for(rows)
    scores = [document_similarity(f) for f in feats]
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, lang in enumerate(langs):
        by_lang[lang].append(i)
    per = {lang: {"pearson": round(pearson([scores[i] for i in idx], [gold[i] for i in idx]), 4), "n": len(idx)}
           for lang, idx in sorted(by_lang.items())}
    single = {name: round(pearson([f[name] for f in feats], gold), 4) for name in (feats[0] if feats else {})}
    from refrains.link import _similarity_model

    model = _similarity_model() or {}
    kind = "ridge + boosted trees, averaged" if model.get("trees") else "ridge"
    fitted = (f"the similarity combiner ({kind}) was fitted on {model.get('trained_on', '?')}; on that data its "
              f"5-fold cross-validated Pearson (folds grouped by shared articles) is {model.get('cv_pearson', '?')} "
              f"(by language: {model.get('cv_pearson_by_language', '?')}) — quote that figure, not the in-sample "
              "one, for data it was fitted on" if model else "no fitted combiner")
    trained = set(model.get("trained_pairs", ()))
    seen = [pair_key(r["pair_id"]) in trained for r in rows]
    metrics = {"pearson": round(pearson(scores, gold), 4), "pairs": float(len(gold)),
               "pairs_seen_in_training": float(sum(seen))}
    unseen = [i for i, s in enumerate(seen) if not s]
    if any(seen):
        metrics["cv_pearson_of_shipped_model"] = float(model.get("cv_pearson", 0.0))
        if len(unseen) >= 30:
            metrics["pearson_unseen"] = round(pearson([scores[i] for i in unseen], [gold[i] for i in unseen]), 4)
        fitted = (f"{sum(seen)} of {len(rows)} pairs were in the combiner's training set, so `pearson` is "
                  f"in-sample for them (it leaks); " + fitted)
    return EvalResult("semeval2022-t8", metrics,
                      per, published={"HFL winner (official eval split, XLM-R large, GPU)": "0.818",
                                       "plain cosine of document embeddings": "≈0.71"},
                      notes=[fitted, f"single features: {single}"])
