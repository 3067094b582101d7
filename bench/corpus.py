"""Synthetic multilingual news corpora built from real sentences, with known copy rates.

    python bench/corpus.py --docs 2000 --out /tmp/corpus.jsonl [--seed 7] [--words 500]

Writes ``OUT`` (JSONL: text, title, date, source, url — what ``refrains analyze`` reads)
and ``OUT.truth.json`` (the rates, and for every document its content id, kind, source
document, the source articles its sentences come from and inserted talking points).

Sentences come from ../shared/benchmarks: WMT21 documents with their human and machine
translations (de, fr, en, is, ja, ru; sentence-aligned) and SemEval-2022 T8 articles
(en, de, es, tr, ar, pl, fr). Every document is about ``--words`` words long.

Kinds, drawn per document with a seeded generator (rates are targets; the sidecar holds
what was drawn):

=============  =====  ==================================================================
original        80%   consecutive articles of one language group. The first time an
                      article is used its sentences are verbatim; afterwards each one is
                      spliced (first half of it + second half of another sentence of the
                      same group), so that reuse does not make exact copies
duplicate        5%   an earlier document with its last sentence dropped, new title/outlet
translation      5%   an earlier WMT-based document in its other language (human or MT)
derivative      10%   40-70% of an earlier document's sentences, in order, plus new ones
=============  =====  ==================================================================

Talking points: a pool of 200 WMT sentences (reserved: never used elsewhere) is inserted
into 10% of the documents, one or two per document, in the document's language when the
claim has a version in it. Dates are spread over three years (copies follow their source
by 0-10 days).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
WMT = BENCHMARKS / "wmt21-doc-translations" / "newstest2021_docs.dev.jsonl"
SEMEVAL = BENCHMARKS / "semeval2022-t8" / "train_pairs_with_text.dev.jsonl"

RATES = {"duplicate": 0.05, "translation": 0.05, "derivative": 0.10}
POINT_RATE = 0.10
POINT_POOL = 200
DAYS = 3 * 365
_NUM = re.compile(r"\d+")

Ref = tuple[int, int]  # (article, segment)
Unit = tuple[Ref, Ref | None]  # a sentence, or a splice of two


@dataclass
class Article:
    """One source article: its sentences in one or more languages, segment-aligned."""

    group: str
    versions: dict[str, list[list[str]]]  # lang -> variants (each a list of segments)

    @property
    def n(self) -> int:
        return min(len(v) for vs in self.versions.values() for v in vs)


@dataclass
class Doc:
    group: str
    lang: str
    units: list[Unit]
    kind: str = "original"
    of: int | None = None
    variant: int = 0
    points: list[int] = field(default_factory=list)


def _words(text: str) -> int:
    return max(len(text.split()), len(text) // 3 if not re.search(r"\s", text) else 0)


def load_pool() -> tuple[list[Article], dict[str, list[int]]]:
    """Articles grouped by language group: WMT language pairs, SemEval languages."""
    from refrains.segment import split_sentences

    arts: list[Article] = []
    for line in WMT.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        versions: dict[str, list[list[str]]] = {d["src_lang"]: [d["src_segments"]]}
        tgt = versions.setdefault(d["tgt_lang"], [])
        for r in sorted(d["references"]):
            tgt.append(d["references"][r]["segments"])
        for m in sorted(d["mt_outputs"]):
            tgt.append(d["mt_outputs"][m]["segments"])
        group = "wmt:" + "-".join(sorted((d["src_lang"], d["tgt_lang"])))
        arts.append(Article(group, versions))
    seen: set[str] = set()
    for line in SEMEVAL.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d.get("mojibake_suspect"):
            continue
        for k in ("1", "2"):
            text, lang = d.get("text" + k) or "", d.get("lang" + k) or ""
            h = hashlib.sha1(text.encode()).hexdigest()
            if len(text) < 400 or h in seen:
                continue
            seen.add(h)
            segs = [text[s:e] for s, e in split_sentences(text, lang)]
            segs = [s for s in segs if len(s) >= 20][:60]
            if len(segs) >= 5:
                arts.append(Article("semeval:" + lang, {lang: [segs]}))
    groups: dict[str, list[int]] = {}
    for i, a in enumerate(arts):
        groups.setdefault(a.group, []).append(i)
    return arts, groups


class Generator:
    """Deterministic corpus generator (same seed, same corpus)."""

    def __init__(self, seed: int = 7, words: int = 500) -> None:
        self.rng = random.Random(seed)
        self.words = words
        self.arts, self.groups = load_pool()
        self.claims = self._reserve_claims()
        self.queue: dict[str, list[int]] = {g: [] for g in self.groups}
        self.epoch: dict[str, int] = {g: -1 for g in self.groups}
        weights = {g: sum(self.arts[i].n for i in ids) for g, ids in self.groups.items()}
        self.group_names = sorted(weights)
        self.group_weights = [weights[g] for g in self.group_names]
        self.docs: list[Doc] = []
        self.translated: set[int] = set()
        claim_langs = {lg for c in self.claims for lg in self.arts[c[0]].versions}
        share = sum(w for g, w in zip(self.group_names, self.group_weights)
                    if set(self.arts[self.groups[g][0]].versions) & claim_langs) / sum(self.group_weights)
        self.point_prob = min(1.0, POINT_RATE / max(share, 1e-9))  # only documents in a claim's language get one

    def _reserve_claims(self) -> list[Ref]:
        cands = [(i, s) for i, a in enumerate(self.arts) if a.group.startswith("wmt:")
                 for s in range(a.n) if 8 <= len(a.versions[next(iter(a.versions))][0][s].split()) <= 40]
        self.rng.shuffle(cands)
        return cands[:POINT_POOL]

    def text(self, ref: Ref, lang: str, variant: int) -> str:
        vs = self.arts[ref[0]].versions[lang]
        return str(vs[variant % len(vs)][ref[1]])

    def realise(self, unit: Unit, lang: str, variant: int) -> str:
        a, b = unit
        ta = self.text(a, lang, variant)
        if b is None:
            return ta
        tb = self.text(b, lang, variant)
        if " " in ta.strip():
            wa, wb = ta.split(), tb.split()
            s = " ".join(wa[: max(1, len(wa) // 2)] + wb[len(wb) // 2 :])
        else:  # CJK: characters
            s = ta[: max(1, len(ta) // 2)] + tb[len(tb) // 2 :]
        return _NUM.sub(lambda m: str(int(m.group()) + 1 + (a[1] % 7)), s, count=1)

    def _next_article(self, group: str) -> tuple[int, bool]:
        q = self.queue[group]
        if not q:
            q.extend(self.groups[group])
            self.rng.shuffle(q)
            self.epoch[group] += 1
        return q.pop(), self.epoch[group] > 0

    def _fresh_units(self, group: str, lang: str, words: int) -> list[Unit]:
        units: list[Unit] = []
        reserved = set(self.claims)
        total = 0
        while total < words:
            art, spliced = self._next_article(group)
            for s in range(self.arts[art].n):
                if (art, s) in reserved:
                    continue
                other: Ref | None = None
                if spliced:
                    oa = self.rng.choice(self.groups[group])
                    other = (oa, self.rng.randrange(self.arts[oa].n))
                    if other in reserved:
                        other = None
                u: Unit = ((art, s), other)
                units.append(u)
                total += _words(self.realise(u, lang, 0))
                if total >= words:
                    break
        return units

    def _original(self) -> Doc:
        group = self.rng.choices(self.group_names, self.group_weights)[0]
        langs = sorted(self.arts[self.groups[group][0]].versions)
        lang = self.rng.choice(langs)
        return Doc(group, lang, self._fresh_units(group, lang, self.words), variant=self.rng.randrange(3))

    def make(self) -> Doc:
        r = self.rng.random()
        n = len(self.docs)
        kind = "original"
        if n >= 20:
            acc = 0.0
            for k, rate in RATES.items():
                acc += rate
                if r < acc:
                    kind = k
                    break
        if kind == "original":
            doc = self._original()
        else:
            originals = [i for i in range(max(0, n - 2000), n) if self.docs[i].kind == "original"]
            if kind == "translation":
                originals = [i for i in originals if self.docs[i].group.startswith("wmt:")
                             and i not in self.translated]
            if not originals:
                doc = self._original()
            else:
                src_i = self.rng.choice(originals)
                src = self.docs[src_i]
                if kind == "duplicate":
                    doc = Doc(src.group, src.lang, src.units[:-1] if len(src.units) > 4 else src.units[:],
                              kind, src_i, src.variant)
                elif kind == "translation":
                    self.translated.add(src_i)
                    other = [lg for lg in self.arts[src.units[0][0][0]].versions if lg != src.lang]
                    doc = Doc(src.group, other[0], src.units[:], kind, src_i, self.rng.randrange(3))
                else:
                    share = self.rng.uniform(0.4, 0.7)
                    keep = sorted(self.rng.sample(range(len(src.units)), max(1, round(share * len(src.units)))))
                    kept = [src.units[i] for i in keep]
                    kept_words = sum(_words(self.realise(u, src.lang, src.variant)) for u in kept)
                    extra = self._fresh_units(src.group, src.lang, max(50, self.words - kept_words))
                    units = kept[:]
                    for u in extra:  # new material interleaved after the copied lead
                        units.insert(self.rng.randrange(1, len(units) + 1), u)
                    doc = Doc(src.group, src.lang, units, kind, src_i, src.variant)
        fits = [c for c in range(len(self.claims)) if doc.lang in self.arts[self.claims[c][0]].versions]
        if fits and self.rng.random() < self.point_prob:
            for c in self.rng.sample(fits, min(len(fits), self.rng.choice((1, 2)))):
                doc.points.append(c)
        self.docs.append(doc)
        return doc

    def render(self, i: int, doc: Doc, date_of: list[int]) -> dict[str, Any]:
        sents = [self.realise(u, doc.lang, doc.variant) for u in doc.units]
        for c in doc.points:
            pos = self.rng.randrange(1, len(sents) + 1)
            sents.insert(pos, self.text(self.claims[c], doc.lang, self.rng.randrange(3)))
        sep = "" if doc.lang in ("ja", "zh") else " "
        paras = [sep.join(sents[k : k + 4]) for k in range(1, len(sents), 4)]
        title = sents[0]
        if doc.kind in ("duplicate", "derivative"):
            title = title + sep + f"({i})"
        text = title + "\n\n" + "\n\n".join(paras)
        day = date_of[doc.of] + self.rng.randrange(0, 11) if doc.of is not None else self.rng.randrange(DAYS)
        date_of.append(day)
        y, rest = 2019 + day // 365, day % 365
        date = f"{y}-{1 + rest // 31 % 12:02d}-{1 + rest % 28:02d}"
        return {"text": text, "title": title[:120], "date": date, "source": f"outlet-{self.rng.randrange(60):02d}",
                "url": f"https://example.org/{doc.group.split(':')[1]}/{i}"}


def generate(n: int, seed: int = 7, words: int = 500) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``n`` (record, truth) pairs."""
    from refrains.pipeline import document_id

    gen = Generator(seed, words)
    dates: list[int] = []
    for i in range(n):
        doc = gen.make()
        rec = gen.render(i, doc, dates)
        articles = sorted({ref[0] for unit in doc.units for ref in unit if ref is not None})
        yield rec, {"i": i, "id": document_id(rec["text"]), "kind": doc.kind, "of": doc.of, "lang": doc.lang,
                    "points": doc.points, "articles": articles,
                    "words": _words(rec["text"]) if doc.lang != "ja" else len(rec["text"]) // 3}


def write(n: int, out: Path, seed: int = 7, words: int = 500) -> dict[str, Any]:
    """Write ``out`` and ``out.truth.json``; returns the summary of what was drawn."""
    truth = []
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for rec, t in generate(n, seed, words):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            truth.append(t)
    kinds: dict[str, int] = {}
    langs: dict[str, int] = {}
    for t in truth:
        kinds[t["kind"]] = kinds.get(t["kind"], 0) + 1
        langs[t["lang"]] = langs.get(t["lang"], 0) + 1
    summary = {"docs": n, "seed": seed, "target_words": words, "kinds": kinds, "languages": langs,
               "with_points": sum(1 for t in truth if t["points"]),
               "mean_words": round(sum(t["words"] for t in truth) / max(1, n), 1),
               "rates": {**RATES, "points": POINT_RATE}}
    Path(str(out) + ".truth.json").write_text(json.dumps({"summary": summary, "documents": truth}), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--docs", type=int, default=1000)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--words", type=int, default=500)
    args = p.parse_args(argv)
    summary = write(args.docs, args.out, args.seed, args.words)
    print(json.dumps({"bench": "corpus", **summary}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
