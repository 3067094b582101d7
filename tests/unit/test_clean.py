from __future__ import annotations

from refrains.clean import clean_text, find_date

ARTICLE = ("The ministry said on Tuesday that the new rules would take effect next month, after a long "
           "consultation with industry groups and consumer associations.")


def test_trailing_headline_list_with_timestamps_is_furniture() -> None:
    text = "\n".join([
        "Rules announced", ARTICLE, ARTICLE.replace("ministry", "agency"),
        "Tags: economy - Editor: J. Smith", "-",
        "Storm hits the coast", "2023-01-02 09:29 Weather -",
        "Prices rise again", "2023-01-02 09:15 Economy -",
        "Related", "Team wins the cup",
    ])
    c = clean_text(text)
    assert c.text.endswith("consumer associations.")
    assert "Storm hits" not in c.text and "Tags:" not in c.text
    assert any("page furniture" in r.reason for r in c.removed)


def test_short_last_paragraph_without_furniture_signals_is_kept() -> None:
    text = f"Title line here\n{ARTICLE}\nThe inquiry continues."
    assert clean_text(text).text.endswith("The inquiry continues.")


def test_leading_dateline_and_photo_caption() -> None:
    text = (" date 2021-03-04 Crowds gather in the square on Monday, March 1, 2021. (Reuters/Jane Doe)\n\n"
            + ARTICLE)
    c = clean_text(text)
    assert c.date == "2021-03-04"
    assert c.text == ARTICLE
    assert [r.reason for r in c.removed] == ["dateline", "photo caption"]


def test_dateline_line_gives_date_and_title_is_first_line() -> None:
    c = clean_text("Some Headline About Things\n2020-07-25 22:33\n\n" + ARTICLE)
    assert c.date == "2020-07-25T22:33"
    assert c.title == "Some Headline About Things"
    assert "22:33" not in c.text


def test_marker_lines_and_separator_pipes() -> None:
    c = clean_text(f"-\nHeadline |\n{ARTICLE} |\n|")
    assert c.text == f"Headline\n{ARTICLE}"


def test_dates_in_several_languages() -> None:
    assert find_date("Bruxelles, le 25 juillet 2020") == "2020-07-25"
    assert find_date("Berlin, 3. März 2021") == "2021-03-03"
    assert find_date("July 19, 2021 -- Brussels") == "2021-07-19"
    assert find_date("2022年7月18日 北京") == "2022-07-18"
    assert find_date("no date here, only July 19") is None


def test_html_goes_through_trafilatura() -> None:
    html = ("<html><head><title>Rules announced</title></head><body><nav><ul><li>Home</li><li>World</li></ul></nav>"
            f"<article><h1>Rules announced</h1><p>{ARTICLE}</p><p>{ARTICLE}</p></article>"
            "<footer>Copyright 2023 Example News</footer></body></html>")
    c = clean_text(html, is_html=True)
    assert "consultation with industry groups" in c.text
    assert "Home" not in c.text and "Copyright" not in c.text
    assert c.title == "Rules announced"


def test_normalize_drops_controls_only_on_lines_that_have_them() -> None:
    import unicodedata

    from refrains.clean import normalize

    messy = "a\u200bb\u00adc\td\u200de\x00  \r\nplain line\u00a0 \r\x07bell\ufeff"
    expected = "".join(ch for ch in unicodedata.normalize("NFC", messy.replace("\r\n", "\n").replace("\r", "\n"))
                       if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u200d")
    assert normalize(messy) == "\n".join(line.rstrip() for line in expected.split("\n"))
    assert normalize(messy) == "abc\td\u200de\nplain line\nbell"


def test_weight_counts_cjk_and_hangul_double() -> None:
    from refrains.clean import _weight

    assert _weight("  ab 中国 한국 \u2e80\u9fff\uac00\ud7af\u2e7f\ua000  ") == 3 + 2 * 2 + 1 + 2 * 2 + 1 + 4 * 2 + 2
