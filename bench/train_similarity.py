"""Fit the document-similarity combiner on SemEval-2022 T8 and ship it with the package.

    python bench/train_similarity.py [--data ../shared/benchmarks/semeval2022-t8] [--refresh]

1. Runs the engine (``evaluate.semeval.features_for``) on every pair and caches the
   features in bench/out/semeval_features.json.
2. Fits a ridge regression of (5 - Overall) on the standardised features, their squares
   and pairwise products; reports
   5-fold cross-validated Pearson with folds grouped by article (no pair, and no article,
   is scored by a model that saw it).
3. Writes the model fitted on all pairs to src/refrains/data/similarity.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from refrains.evaluate.semeval import article, load_pairs, pearson  # noqa: E402
from refrains.link import _FEATURES, expand  # noqa: E402

CACHE = ROOT / "bench" / "out" / "semeval_features.json"
MODEL = ROOT / "src" / "refrains" / "data" / "similarity.json"


def features(rows: list[dict], refresh: bool) -> list[dict]:
    cache = json.loads(CACHE.read_text()) if CACHE.exists() and not refresh else {}
    todo = [r for r in rows if r["pair_id"] not in cache]
    if todo:
        from refrains.evaluate.semeval import features_for

        # one pass over all pairs: corpus statistics (IDF) come from the whole set, as in `refrains eval`
        feats, _, _ = features_for(rows)
        cache = {r["pair_id"]: f for r, f in zip(rows, feats)}
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps(cache))
        print(f"features: {len(cache)}/{len(rows)}", flush=True)
    return [cache[r["pair_id"]] for r in rows]


def fit(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    xm = np.c_[x, np.ones(len(x))]
    reg = alpha * np.eye(xm.shape[1])
    reg[-1, -1] = 0
    w = np.linalg.solve(xm.T @ xm + reg, xm.T @ y)
    return w[:-1], float(w[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "benchmarks" / "semeval2022-t8"))
    ap.add_argument("--refresh", action="store_true", help="recompute the cached features")
    ap.add_argument("--alpha", type=float, default=10.0)
    args = ap.parse_args()
    rows = load_pairs(Path(args.data), None)
    feats = features(rows, args.refresh)
    names = list(_FEATURES)
    raw = np.array([[f[n] for n in names] for f in feats])
    x = expand(raw)
    y = np.array([5.0 - float(r["Overall"]) for r in rows])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    # folds grouped by article: a pair is held out with every pair sharing one of its articles' fold
    key = [hashlib.md5(article(r, "1").encode()).hexdigest() for r in rows]
    fold = np.array([int(k, 16) % 5 for k in key])
    pred = np.zeros(len(y))
    for k in range(5):
        tr = fold != k
        w, b = fit(z[tr], y[tr], args.alpha)
        pred[~tr] = z[~tr] @ w + b
    langs = [r["lang1"] if r["lang1"] == r["lang2"] else f"{r['lang1']}-{r['lang2']}" for r in rows]
    print(f"single features (Pearson): " + ", ".join(f"{n} {pearson(list(raw[:, i]), list(y)):.3f}"
                                                   for i, n in enumerate(names)))
    print(f"cross-validated Pearson (5 folds grouped by article): {pearson(list(pred), list(y)):.4f}")
    for lang in sorted(set(langs)):
        idx = [i for i, g in enumerate(langs) if g == lang]
        print(f"  {lang:6s} n={len(idx):4d}  cv pearson {pearson([pred[i] for i in idx], [y[i] for i in idx]):.4f}")
    w, b = fit(z, y, args.alpha)
    MODEL.write_text(json.dumps({"features": names, "mean": mean.round(6).tolist(), "std": std.round(6).tolist(),
                                 "coef": w.round(6).tolist(), "intercept": round(b, 6), "alpha": args.alpha,
                                 "trained_on": "SemEval-2022 T8 dev portion (train batch), "
                                               f"{len(rows)} pairs",
                                 "cv_pearson": round(pearson(list(pred), list(y)), 4)}, indent=1))
    print(f"wrote {MODEL}")
    print(json.dumps({"bench": "train_similarity", "cv_pearson": round(pearson(list(pred), list(y)), 4),
                      "pairs": len(rows)}))


if __name__ == "__main__":
    main()
