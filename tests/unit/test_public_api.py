"""The package's __all__ is sorted and complete (every public name it imports is listed)."""

from __future__ import annotations

import refrains


def test_all_is_sorted_and_importable() -> None:
    assert refrains.__all__ == sorted(refrains.__all__)
    for name in refrains.__all__:
        assert hasattr(refrains, name), name


def test_all_lists_every_public_name() -> None:
    public = {n for n in vars(refrains) if not n.startswith("_") and n[0].isupper() or n in ("analyze", "load_settings")}
    modules = {n for n, v in vars(refrains).items() if type(v).__name__ == "module"}
    assert public - modules <= set(refrains.__all__)
