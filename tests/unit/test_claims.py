"""Reading MultiClaim (SemEval-2025 Task 7) files for ``refrains eval claims``."""

from __future__ import annotations

from pathlib import Path

import pytest

from refrains.errors import ConfigError
from refrains.evaluate.claims import _original, load


def test_the_text_as_written_is_read_from_multiclaim_fields() -> None:
    assert _original("('Texto original', 'Original text', [('spa', 1.0)])") == "Texto original"
    assert _original("[('uno', 'one', []), ('dos', 'two', [])]") == "uno\ndos"
    assert _original("") == "" and _original("[]") == ""
    assert _original("plain text, not a tuple") == "plain text, not a tuple"


def _write(d: Path, mapping: str) -> None:
    (d / "x_posts.csv").write_text('post_id,text,ocr\n0,"(\'Hola\', \'Hello\', [])",[]\n', encoding="utf-8")
    (d / "x_fact_checks.csv").write_text('fact_check_id,claim,title\n7,"(\'Claim\', \'Claim\', [])",\n',
                                         encoding="utf-8")
    (d / "x_mapping.csv").write_text(mapping, encoding="utf-8")


def test_files_of_any_name_and_clear_errors(tmp_path: Path) -> None:
    _write(tmp_path, "post_id,fact_check_id,pair_lang\n0,7,spa-eng\n")
    checks, posts, gold = load(tmp_path)
    assert checks == {"7": "Claim"} and posts == {"0": "Hola"} and gold == [("0", "7", "spa-eng")]
    _write(tmp_path, "post_id,fact_check_id,pair_lang\n0,8,spa-eng\n")
    with pytest.raises(ConfigError, match="1 gold pairs name a post or fact-check"):
        load(tmp_path)
    _write(tmp_path, "post,check\n0,7\n")
    with pytest.raises(ConfigError, match=r"x_mapping.csv: no column post_id, fact_check_id"):
        load(tmp_path)
    _write(tmp_path, "post_id,fact_check_id\n0,7\n")
    (tmp_path / "x_posts.csv").write_bytes(b"post_id,text\n0,\xff\xfe\n")
    with pytest.raises(ConfigError, match="x_posts.csv: not a readable UTF-8 CSV"):
        load(tmp_path)
