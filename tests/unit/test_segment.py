from __future__ import annotations

from refrains.segment import MAX_SENTENCE_CHARS, split_sentences


def sents(text: str, lang: str | None = None) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, lang)]


def test_glued_sentences_are_split() -> None:
    assert sents("Belgium media.According to reports, it said so.") == [
        "Belgium media.", "According to reports, it said so."]
    assert sents("also Germany.PRISM and other events.") == ["also Germany.", "PRISM and other events."]


def test_abbreviations_do_not_split() -> None:
    assert sents("The U.S. Dept. of Justice said so. Le Dr. Dupont a dit. M. Macron est là.") == [
        "The U.S. Dept. of Justice said so.", "Le Dr. Dupont a dit.", "M. Macron est là."]


def test_glued_quote_parity_decides_which_side_the_quote_belongs_to() -> None:
    text = 'read a statement from the embassy."The government firmly safeguards it", reads the statement.'
    assert sents(text)[0] == "read a statement from the embassy."
    text = '"Those countries will only see it backfire."The Embassy reiterated that.'
    assert sents(text) == ['"Those countries will only see it backfire."', "The Embassy reiterated that."]


def test_chinese_full_and_half_width_punctuation() -> None:
    text = "中国黑客“恶意攻击”比利时内政部?我使馆:比方声明极不严肃!极不负责任!我们对此强烈不满。“这是谎言。”他说。"
    assert sents(text, "zh") == ["中国黑客“恶意攻击”比利时内政部?", "我使馆:比方声明极不严肃!", "极不负责任!",
                                 "我们对此强烈不满。", "“这是谎言。”", "他说。"]


def test_lines_are_hard_boundaries() -> None:
    assert sents("A headline without a stop\nThe first paragraph starts here.") == [
        "A headline without a stop", "The first paragraph starts here."]


def test_very_long_sentences_are_cut() -> None:
    text = ", ".join(["a clause with some words in it"] * 200) + "."
    parts = split_sentences(text, "en")
    assert len(parts) > 1
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in parts)


def test_regression_long_semicolon_sentence_splits_into_clauses() -> None:
    text = ("The spokesperson emphasized that, in fact, China is one of the main victims of cyber attacks; "
            "according to a report from the response center, in 2020, a total of about 52,000 servers located "
            "outside China controlled about 5.31 million hosts in China.")
    assert len(sents(text)) == 2


def test_is_cjk_without_cjk_characters_and_at_threshold_zero() -> None:
    from refrains.segment import is_cjk

    assert not is_cjk("plain Latin text") and not is_cjk("plain Latin text", 0.1)
    assert is_cjk("plain Latin text", 0.0) and not is_cjk("1234", 0.0)
    assert is_cjk("中国 and a few words", 0.1) and not is_cjk("中 and many more Latin words here", 0.3)
