"""Candidate search, exact against approximate-then-re-scored (issue #5 figures).

    python bench/search_study.py STORE.db [--repeat 2] [--factor 4] [--no-links]

Loads an analysed store, runs :func:`refrains.link.candidate_pairs` with exact search
(``APPROX_MIN_ROWS`` raised past the corpus) and with the shipped approximate search
(fast-scan codes, :data:`refrains.link.REFINE_FACTOR` times the neighbours re-scored
exactly), interleaved ``--repeat`` times in this process (the machine is shared: CPU
seconds, ``time.process_time``, are steadier than wall seconds). Prints the medians, the
candidate pairs lost and added, and what the pairs that differ become when aligned and
typed (``link.classify``): links lost and added by relation. Last line: one JSON summary.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter

from refrains import link as L
from refrains.pipeline import Pipeline
from refrains.store import open_store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("store")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--factor", type=int, default=L.REFINE_FACTOR)
    ap.add_argument("--no-links", action="store_true", help="skip typing the pairs that differ")
    args = ap.parse_args()
    pipe = Pipeline(store=open_store(args.store))
    corpus, settings = pipe.corpus(), pipe.link_settings()
    lsh = pipe.store.lsh_candidates()
    print("documents", len(corpus.documents), "sentences", corpus.vectors.shape[0], flush=True)
    shipped = L.APPROX_MIN_ROWS
    L.REFINE_FACTOR = args.factor
    times: dict[str, list[tuple[float, float]]] = {"exact": [], "approx": []}
    got: dict[str, set[tuple[str, str]]] = {}
    for _ in range(args.repeat):
        for mode in ("exact", "approx"):
            L.APPROX_MIN_ROWS = 10**12 if mode == "exact" else shipped
            wall, cpu = time.perf_counter(), time.process_time()
            pairs = set(L.candidate_pairs(corpus, settings, lsh))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            times[mode].append((wall, cpu))
            if mode in got and got[mode] != pairs:
                print("NOT DETERMINISTIC:", mode, len(got[mode] ^ pairs), "pairs differ between runs")
            got[mode] = pairs
            print(mode, "pairs", len(pairs), "wall", round(wall, 1), "cpu", round(cpu, 1), flush=True)
    L.APPROX_MIN_ROWS = shipped
    exact, approx = got["exact"], got["approx"]
    lost, added = sorted(exact - approx), sorted(approx - exact)
    summary: dict[str, object] = {
        "bench": "search", "documents": len(corpus.documents), "sentences": int(corpus.vectors.shape[0]),
        "factor": args.factor, "exact_pairs": len(exact), "approx_pairs": len(approx),
        "pairs_lost": len(lost), "pairs_added": len(added)}
    for mode, runs in times.items():
        summary[f"{mode}_wall_s"] = round(statistics.median(w for w, _ in runs), 1)
        summary[f"{mode}_cpu_s"] = round(statistics.median(c for _, c in runs), 1)
    if not args.no_links:
        index = corpus.doc_index()

        def relations(pairs: list[tuple[str, str]]) -> Counter[str]:
            out: Counter[str] = Counter()
            for a, b in pairs:
                al = L.align_pair(corpus, a, b, settings.align)
                cos = float(corpus.doc_vectors[index[a]] @ corpus.doc_vectors[index[b]])
                link = L.classify(corpus, al, cos * settings.cos_scale + settings.cos_offset, settings)
                if link is not None:
                    out[link.relation] += 1
            return out

        summary["links_lost"] = dict(relations(lost))
        summary["links_added"] = dict(relations(added))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
