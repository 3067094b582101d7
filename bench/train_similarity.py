"""Fit the document-similarity combiner on SemEval-2022 T8 and ship it with the package.

    python bench/train_similarity.py [--data ../shared/benchmarks/semeval2022-t8] [--refresh]

1. Runs the engine (``evaluate.semeval.features_for``) on every pair and caches the
   features in bench/out/semeval_features.json (``--refresh`` after changing features).
2. Fits two models of (5 - Overall): a ridge regression on the standardised features,
   their squares and pairwise products (the language shares enter as they are), and a
   small boosted-trees ensemble (complete depth-3 trees on 32 quantile bins, numpy only,
   deterministic) on the raw features; the shipped score is their average.
3. Reports 5-fold cross-validated Pearson of each and of the average, with folds grouped
   by shared articles (no pair, and no article on either side, is scored by a model that
   saw it; grouping by the first article alone gave 0.7728 for this model).
4. Writes the models fitted on all pairs to src/refrains/data/similarity.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from refrains.evaluate.semeval import article, load_pairs, pair_key, pearson
from refrains.link import _FEATURES, _LANGUAGES, expand, trees_predict

CACHE = ROOT / "bench" / "out" / "semeval_features.json"
MODEL = ROOT / "src" / "refrains" / "data" / "similarity.json"
LINEAR = [f"lang_{lang}" for lang in _LANGUAGES]
BOOST = {"rounds": 300, "lr": 0.03, "depth": 3, "min_leaf": 20, "lam": 1.0, "bins": 32}


def features(rows: list[dict], refresh: bool) -> list[dict]:
    cache = json.loads(CACHE.read_text()) if CACHE.exists() and not refresh else {}
    todo = [r for r in rows if r["pair_id"] not in cache]
    if todo:
        from refrains.evaluate.semeval import features_for

        # one pass over all pairs: corpus statistics (IDF) come from the whole set, as in `refrains eval`
        feats, _, _ = features_for(rows)
        if len(feats) != len(rows):
            raise SystemExit(f"{len(rows) - len(feats)} pairs have an article the engine dropped: "
                             "features would not line up with their pairs")
        cache = {r["pair_id"]: f for r, f in zip(rows, feats)}
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps(cache))
        print(f"features: {len(cache)} distinct pair ids, {len(rows)} pairs", flush=True)
    return [cache[r["pair_id"]] for r in rows]


def article_folds(rows: list[dict], k: int = 5) -> np.ndarray:
    """Fold of each pair: pairs linked by a shared article (either side, transitively) share a fold.

    So no article of a held-out pair was seen in training, whichever side it sat on.
    """
    parent: dict[str, str] = {}

    def root(a: str) -> str:
        while parent.setdefault(a, a) != a:
            a = parent[a]
        return a

    for r in rows:
        a, b = root(article(r, "1")), root(article(r, "2"))
        if a != b:
            parent[a] = b
    return np.array([int(hashlib.md5(root(article(r, "1")).encode()).hexdigest(), 16) % k for r in rows])


def fit(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    xm = np.c_[x, np.ones(len(x))]
    reg = alpha * np.eye(xm.shape[1])
    reg[-1, -1] = 0
    w = np.linalg.solve(xm.T @ xm + reg, xm.T @ y)
    return w[:-1], float(w[-1])


def tree(codes: np.ndarray, edges: list[np.ndarray], g: np.ndarray, depth: int, min_leaf: int, lam: float,
         lr: float) -> tuple[list[int], list[float], list[float], np.ndarray]:
    """One complete least-squares tree on residuals ``g``: splits, leaf values, each row's leaf."""
    feat, thr, val = [0] * (2**depth - 1), [1e300] * (2**depth - 1), [0.0] * 2**depth
    leaf_of = np.zeros(len(g), dtype=np.int64)

    def grow(node: int, idx: np.ndarray, level: int) -> None:
        if level == depth:
            val[node - (2**depth - 1)] = round(lr * float(g[idx].sum()) / (len(idx) + lam), 6)
            leaf_of[idx] = node - (2**depth - 1)
            return
        best, n, total = (0.0, -1, -1), len(idx), float(g[idx].sum())
        for j in range(codes.shape[1]):
            k = len(edges[j])
            gl = np.cumsum(np.bincount(codes[idx, j], weights=g[idx], minlength=k + 1))[:k]
            nl = np.cumsum(np.bincount(codes[idx, j], minlength=k + 1))[:k]
            ok = (nl >= min_leaf) & (n - nl >= min_leaf)
            if not ok.any():
                continue
            gain = np.where(ok, gl**2 / (nl + lam) + (total - gl)**2 / (n - nl + lam), -np.inf) - total**2 / (n + lam)
            i = int(np.argmax(gain))
            if gain[i] > best[0] + 1e-12:
                best = (float(gain[i]), j, i)
        right = np.zeros(len(idx), dtype=bool)
        if best[1] >= 0:  # else a split that sends every row left
            feat[node], thr[node] = best[1], float(edges[best[1]][best[2]])
            right = codes[idx, best[1]] > best[2]
        grow(2 * node + 1, idx[~right], level + 1)
        grow(2 * node + 2, idx[right], level + 1)

    grow(0, np.arange(len(g)), 0)
    return feat, thr, val, leaf_of


def boost(x: np.ndarray, y: np.ndarray, rounds: int, lr: float, depth: int, min_leaf: int, lam: float,
          bins: int) -> dict[str, Any]:
    """Least-squares gradient boosting of complete trees, in the layout ``link.trees_predict`` reads."""
    edges = [np.unique(np.quantile(x[:, j], np.linspace(0, 1, bins + 1)[1:-1])) for j in range(x.shape[1])]
    codes = np.stack([np.searchsorted(edges[j], x[:, j], side="left") for j in range(x.shape[1])], axis=1)
    base = float(y.mean())
    pred = np.full(len(y), base)
    model: dict[str, Any] = {"depth": depth, "base": round(base, 6), "feature": [], "threshold": [], "value": []}
    for _ in range(rounds):
        feat, thr, val, leaf_of = tree(codes, edges, y - pred, depth, min_leaf, lam, lr)
        pred += np.asarray(val)[leaf_of]
        model["feature"].append(feat)
        model["threshold"].append(thr)
        model["value"].append(val)
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "benchmarks" / "semeval2022-t8"))
    ap.add_argument("--refresh", action="store_true", help="recompute the cached features")
    ap.add_argument("--alpha", type=float, default=30.0)
    ap.add_argument("--blend", type=float, default=0.5, help="weight of the trees in the average (0: ridge only)")
    args = ap.parse_args()
    rows = load_pairs(Path(args.data), None)
    feats = features(rows, args.refresh)
    names = list(_FEATURES)
    raw = np.array([[f[n] for n in names] for f in feats])
    lin = np.array([[f[n] for n in LINEAR] for f in feats])
    x = np.c_[expand(raw), lin]
    xt = np.c_[raw, lin]
    y = np.array([5.0 - float(r["Overall"]) for r in rows])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    fold = article_folds(rows)
    ridge, trees = np.zeros(len(y)), np.zeros(len(y))
    for k in range(5):
        tr = fold != k
        w, b = fit(z[tr], y[tr], args.alpha)
        ridge[~tr] = z[~tr] @ w + b
        if args.blend:
            trees[~tr] = trees_predict({**boost(xt[tr], y[tr], **BOOST), "features": []}, xt[~tr])
    pred = (1 - args.blend) * ridge + args.blend * trees
    langs = [r["lang1"] if r["lang1"] == r["lang2"] else f"{r['lang1']}-{r['lang2']}" for r in rows]
    print("single features (Pearson): " + ", ".join(f"{n} {pearson(list(raw[:, i]), list(y)):.3f}"
                                                  for i, n in enumerate(names)))
    cv = pearson(list(pred), list(y))
    print(f"cross-validated Pearson (5 folds grouped by shared articles): {cv:.4f}  "
          f"(ridge alone {pearson(list(ridge), list(y)):.4f}"
          + (f", trees alone {pearson(list(trees), list(y)):.4f})" if args.blend else ")"))
    per = {}
    for lang in sorted(set(langs)):
        idx = [i for i, g in enumerate(langs) if g == lang]
        per[lang] = round(pearson([pred[i] for i in idx], [y[i] for i in idx]), 4)
        print(f"  {lang:6s} n={len(idx):4d}  cv pearson {per[lang]:.4f}")
    w, b = fit(z, y, args.alpha)
    model: dict[str, Any] = {
        "features": names, "linear": LINEAR, "mean": mean.round(6).tolist(), "std": std.round(6).tolist(),
        "coef": w.round(6).tolist(), "intercept": round(b, 6), "alpha": args.alpha,
        "trained_on": f"SemEval-2022 T8 dev portion (train batch), {len(rows)} pairs",
        "cv_pearson": round(cv, 4), "cv_pearson_by_language": per,
        # which pairs the model saw, so that `refrains eval` can say when its figure is in-sample
        "trained_pairs": sorted(pair_key(r["pair_id"]) for r in rows)}
    if args.blend:
        model["blend"] = args.blend
        model["trees"] = {"features": names + LINEAR, **BOOST, **boost(xt, y, **BOOST)}
    MODEL.write_text(json.dumps(model, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {MODEL} ({MODEL.stat().st_size // 1024} KiB)")
    print(json.dumps({"bench": "train_similarity", "cv_pearson": round(cv, 4), "pairs": len(rows)}))


if __name__ == "__main__":
    main()
