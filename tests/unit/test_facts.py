from __future__ import annotations

import pytest

from refrains.facts import drift, extract_facts


def values(text: str, lang: str, kind: str, ref: str | None = None) -> list[object]:
    return [f.value for f in extract_facts(text, lang, ref) if f.kind == kind]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("about 5.31 million hosts in China", "en", [5310000.0]),
    ("a total of about 52,000 computer malicious program control servers", "en", [52000.0]),
    ("environ 5,31 millions d'ordinateurs et 52 000 serveurs", "fr", [5310000.0, 52000.0]),
    ("rund 4,46 Millionen Rechner und 52.000 Server", "de", [4460000.0, 52000.0]),
    ("unos 5,31 millones de equipos", "es", [5310000.0]),
    ("около 4,46 млн компьютеров", "ru", [4460000.0]),
    ("约5.2万个计算机恶意程序控制服务器控制了中国境内约531万台主机", "zh", [52000.0, 5310000.0]),
    ("两千名工人", "zh", [2000.0]),
    ("two thousand workers", "en", [2000.0]),
    ("ارتفع العدد إلى ٥٫٣ مليون شخص", "ar", [5300000.0]),
])
def test_numbers_with_magnitudes_in_many_languages(text: str, lang: str, expected: list[float]) -> None:
    assert values(text, lang, "number") == expected


def test_units_percent_and_money() -> None:
    facts = [(f.value, f.unit) for f in extract_facts("Prices rose 4.5% to $52,000 for 3 million hosts.", "en")
             if f.kind == "number"]
    assert facts == [(4.5, "percent"), (52000.0, "USD"), (3000000.0, "hosts")]


def test_years_and_date_parts_are_not_counts() -> None:
    assert values("In 2020, on July 19, the 7月18日 statement", "en", "number") == []
    assert values("问:7月18日,比利时外交大臣发表声明", "zh", "number") == []


def test_dates_absolute_and_relative() -> None:
    assert values("2020年9月，中方发起倡议", "zh", "date") == ["2020-09"]
    assert values("问:7月18日,比利时外交大臣", "zh", "date", "2022-07-19") == ["2022-07-18"]
    assert values("据大使馆网站18日消息", "zh", "date", "2022-07-19") == ["2022-07-18"]
    assert values("NATO issued a statement on the 19th.", "en", "date", "2021-07-19") == ["2021-07-19"]
    assert values("in September last year", "en", "date", "2021-07-19") == ["2020-09"]
    assert values("last September", "en", "date", "2021-07-19") == ["2020-09"]
    assert values("Bruxelles, le 25 juillet 2020", "fr", "date") == ["2020-07-25"]
    assert values("the 19th", "en", "date") == []  # nothing to resolve it against


def test_places_match_across_languages_and_scripts() -> None:
    en = set(values("China has never posed any threat to Belgium, the United States said.", "en", "place"))
    fr = set(values("La Chine ne constitue aucune menace pour la Belgique, disent les États-Unis.", "fr", "place"))
    zh = set(values("中国从未对比利时构成威胁，美国说。", "zh", "place"))
    assert en == fr == zh == {"CN", "BE", "US"}


def test_organizations_by_rule() -> None:
    orgs = values("NATO and the US Department of Justice answered.", "en", "organization")
    assert "NATO" in orgs and "US Department of Justice" in orgs


def test_drift_flags_a_changed_figure_only() -> None:
    a = [{"kind": "number", "value": 52000.0}, {"kind": "number", "value": 5310000.0}]
    same = [{"kind": "number", "value": 5310000.0}, {"kind": "number", "value": 52000.0}]
    changed = [{"kind": "number", "value": 52000.0}, {"kind": "number", "value": 6310000.0}]
    assert drift([("d1", a), ("d2", same)]) == []
    assert drift([("d1", a), ("d2", changed)])[0]["kind"] == "number"
    assert drift([("d1", a), ("d2", [])]) == []
