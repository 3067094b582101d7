"""The facts patterns tried only where a match can begin find what ``finditer`` finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from refrains import facts, facts_names

PIECES = (list("0123456789 .,/:-−%$€£¥₽kKmMsSaAıİſ年月日号前") + ["५", "٣", "US$", "usd", "EUR", "dollars", "долларов",
          "million", "mil millones", "млн", "万", "per cent", "2020", "19", "1.5", "5,31", "COVID-", "the ", "In ",
          "de ", "juillet ", "July ", "июля ", "Mr. ", "Ministry ", "World Bank", "Banque ", "Министерство ",
          "Angela Merkel ", "Jean-Pierre ", "Ivan ", "Дональда Трампа ", "Herr ", "said ", "UE", "NATO", "OTAN", "欧盟", "北约", "l'", "’", "\u00a0", "\n"])
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
LANGS = st.sampled_from(["en", "fr", "de", "es", "ru", "zh", "ja", "ar", "tr"])


def spans(found: list[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in found]


@given(TEXTS, LANGS)
@settings(max_examples=400, deadline=None)
def test_number_matches_are_finditer(text: str, lang: str) -> None:
    pattern = facts._number_pattern(lang)
    assert spans(facts._number_matches(pattern, text)) == spans(list(pattern.finditer(text)))


@given(TEXTS, LANGS)
@settings(max_examples=400, deadline=None)
def test_date_patterns_at_runs_are_finditer(text: str, lang: str) -> None:
    runs = [r.start() for r in facts._DIGIT_RUN.finditer(text)]
    for p in facts._CJK_DATES + facts._date_patterns(lang):
        if p.at_runs:
            assert spans(facts._at_runs(p.pattern, text, runs)) == spans(list(p.pattern.finditer(text))), p


@given(TEXTS)
@settings(max_examples=400, deadline=None)
def test_organisation_and_given_name_scans_are_finditer(text: str) -> None:
    starts = [c.start() for c in (facts_names._ORG_START if facts_names._HEAD_ANY.search(text)
                                  else facts_names._ACRONYM).finditer(text)]
    assert spans(facts_names._matches_at(facts_names._ORG, text, starts)) == spans(
        list(facts_names._ORG.finditer(text)))
    given_at = [m for c in facts_names._CAPITAL.finditer(text) if (m := facts_names._GIVEN.match(text, c.start()))]
    assert spans(given_at) == spans(list(facts_names._GIVEN.finditer(text)))


@given(TEXTS)
@settings(max_examples=300, deadline=None)
def test_alias_trie_is_the_longest_first_alternation(text: str) -> None:
    table, aliases, starts = facts_names._org_aliases()

    def alternation(forms: list[str]) -> str:
        return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))

    cjk = [f for f in table if facts_names._CJK_CHAR.search(f)]
    latin = [f for f in table if not facts_names._CJK_CHAR.search(f)]
    plain = re.compile(rf"{alternation(cjk)}|(?<![\w.])(?:{alternation(latin)})(?![\w])")
    probe = text + " " + " ".join(sorted(table)[:: max(1, len(table) // 40)])
    assert spans(list(aliases.finditer(probe))) == spans(list(plain.finditer(probe)))
    at = [s.start() for s in starts.finditer(probe)]
    assert spans(facts_names._matches_at(aliases, probe, at)) == spans(list(plain.finditer(probe)))


def test_head_words_are_what_lone_head_fullmatches() -> None:
    heads = facts_names._HEAD_WORDS
    assert all(facts_names._LONE_HEAD.fullmatch(h) for h in heads) and len(heads) == 45
    for probe in [*heads, "Organiation", "Organisations", "Ministry of", "bank", ""]:
        assert (probe in heads) == bool(facts_names._LONE_HEAD.fullmatch(probe)), probe


@given(TEXTS)
@settings(max_examples=400, deadline=None)
def test_people_prescreens_only_skip_what_cannot_match(text: str) -> None:
    if facts_names._TITLE_ANY.search(text) is None:
        assert not list(facts_names._PERSON.finditer(text))
    plain = [m.span("name") for m in facts_names._GIVEN.finditer(text)
             if facts_names._is_given(m.group("name").split()[0])]
    first_words = [c.start() for c in facts_names._CAPITAL.finditer(text)
                   if (w := facts_names._FIRST_WORD.match(text, c.start())) and facts_names._is_given(w.group(0))]
    assert [m.span("name") for p in first_words if (m := facts_names._GIVEN.match(text, p))] == plain


NUMBER_WORD_PIECES = st.sampled_from(sorted({w for ws in facts._NUMBER_WORDS.values() for w in ws.split()})
                                     + ["and", "et", "y", "e", "en", "-", " ", ", ", "X", "ſ", "Dos", "MIL", "é"])


@given(st.lists(NUMBER_WORD_PIECES, max_size=20).map("".join), st.sampled_from(sorted(facts._NUMBER_WORDS)))
@settings(max_examples=400, deadline=None)
def test_number_word_trie_is_the_longest_first_alternation(text: str, lang: str) -> None:
    words = "|".join(sorted(facts._NUMBER_WORDS[lang].split(), key=len, reverse=True))
    joiner = {"en": "and", "fr": "et", "es": "y", "pt": "e", "it": "e", "nl": "en"}[lang]
    plain = re.compile(rf"\b(?:{words})(?:[\s-]+(?:{joiner}[\s-]+)?(?:{words}))*\b", re.IGNORECASE)
    pattern = facts._word_pattern(lang)
    assert pattern is not None
    assert spans(list(pattern.finditer(text))) == spans(list(plain.finditer(text)))
