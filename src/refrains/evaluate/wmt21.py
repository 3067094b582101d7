"""WMT21 documents with their human and machine translations in one pool.

The engine must link each document to its translations and to nothing else, and align
their sentences. Gold: within one source document's group, every cross-language pair is
a translation; same-language pairs (two references, a reference and a machine output)
are paraphrases, where ``duplicate`` or ``derivative`` is right and ``translation``
impossible; across groups nothing is a copy.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from refrains.align import align
from refrains.config import load_settings
from refrains.evaluate import EvalResult, find_file, spread
from refrains.models import COPY_RELATIONS, RawDocument
from refrains.pipeline import Pipeline, document_id


def load_docs(folder: Path, limit: int | None) -> list[dict[str, Any]]:
    """Source documents with references and MT outputs from the first ``*.jsonl`` in ``folder``."""
    path = find_file(folder, ["*docs*.jsonl", "*.jsonl"], "WMT21 documents (.jsonl)")
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return spread(rows, limit)


def versions(row: dict[str, Any]) -> list[tuple[str, str, str, list[str]]]:
    """(name, language, text, segments) of the source and each translation of one row."""
    group = f"{row['langpair']}/{row['doc_id']}"
    out = [(f"{group}#src", row["src_lang"], row["src_text"], row["src_segments"])]
    for kind in ("references", "mt_outputs"):
        for name, v in sorted((row.get(kind) or {}).items()):
            out.append((f"{group}#{kind}-{name}", row["tgt_lang"], v["text"], v["segments"]))
    return out


def run(folder: Path, limit: int | None) -> EvalResult:
    """Translation-link precision/recall over the pool and sentence-alignment accuracy."""
    rows = load_docs(folder, limit)
    group_of: dict[str, str] = {}
    lang_of: dict[str, str] = {}
    raws = []
    for row in rows:
        # a group is one source text (the same English article can be the source of two language pairs)
        group = document_id(row["src_text"])
        for name, lang, text, _ in versions(row):
            did = document_id(text)
            if did in group_of:
                continue
            group_of[did] = group
            lang_of[did] = lang
            raws.append(RawDocument(path=name, text=text))
    pipe = Pipeline(load_settings())
    pipe.ingest_raw(raws)
    report = pipe.analyze()
    gold = set()
    by_group: dict[str, list[str]] = defaultdict(list)
    for did, g in group_of.items():
        by_group[g].append(did)
    for members in by_group.values():
        for a, b in combinations(sorted(members), 2):
            if lang_of[a] != lang_of[b]:
                gold.add((a, b))
    predicted = {tuple(sorted((ln.source, ln.target))) for ln in report.links if ln.relation == "translation"}
    tp = len(predicted & gold)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(gold) if gold else 0.0
    cross_copies = sum(1 for ln in report.links if ln.relation in COPY_RELATIONS
                       and group_of.get(ln.source) != group_of.get(ln.target))
    per_pair: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, predicted, gold
    for a, b in gold:
        lp = "-".join(sorted((lang_of[a], lang_of[b])))
        per_pair[lp][2] += 1
        per_pair[lp][0] += (a, b) in predicted
    for a, b in predicted:
        lp = "-".join(sorted((lang_of[a], lang_of[b])))
        per_pair[lp][1] += 1
    correct, total = alignment_accuracy(rows, pipe)
    per = {lp: {"precision": round(t / p, 4) if p else 0.0, "recall": round(t / g, 4) if g else 0.0, "gold": g}
           for lp, (t, p, g) in sorted(per_pair.items())}
    return EvalResult("wmt21", {
        "translation_precision": round(precision, 4), "translation_recall": round(recall, 4),
        "alignment_accuracy": round(100 * correct / max(1, total), 2),
        "cross_story_copy_links": float(cross_copies), "documents": float(len(raws))}, per,
        published={"WMT16 bilingual document alignment, best systems": "≈95% recall (en-fr web documents)"})


def alignment_accuracy(rows: list[dict[str, Any]], pipe: Pipeline) -> tuple[int, int]:
    """Gold segments of each source-translation pair aligned by the engine's aligner.

    A gold segment counts as correct when the aligner pairs it with exactly its gold partner.
    """
    correct = total = 0
    st = pipe.link_settings().align
    for row in rows:
        vs = versions(row)
        src = vs[0]
        e_src = pipe.embed(src[3])
        for _, _, _, segs in vs[1:]:
            if len(segs) != len(src[3]):
                continue
            al = align("src", e_src, "tgt", pipe.embed(segs), st)
            correct += sum(1 for p in al.pairs if p.a == p.b)
            total += len(segs)
    return correct, total


__all__ = ["np", "run"]
