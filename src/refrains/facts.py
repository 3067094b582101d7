"""Facts that travel: numbers, dates, places, organisations, normalised across languages.

* **numbers** with magnitude words and units in English, French, German, Spanish,
  Russian, Chinese and Arabic ("5.31 million", "5,31 millions", "531万", "5.2万",
  "4,46 млн", "two thousand", "两千"), percentages and money, normalised to a value;
  the decimal comma or point is read by language. Chinese numerals go through ``cn2an``,
  number words through ``text2num`` (written here: the digit x magnitude rule, which
  neither library does for "5.31 million").
* **dates**: absolute ("July 19, 2021", "2020年9月", "18 juillet 2022") and relative
  ("on the 19th", "18日", "last September", "September last year", "yesterday"), resolved
  against the document's date with a confidence; unresolvable relative dates are left out.
* **places**: countries and territories matched across languages and scripts through
  CLDR names (Babel), so "Belgium", "Belgique", "比利时" are all ``BE``.
* **organisations**: acronyms (NATO, CNCERT) and names ending in a head word such as
  Ministry, Agency, Center, Embassy. **People**: a name after a title (President, Mr,
  Minister). Both are rules with high precision and low recall (no NER model is
  available offline); say so to users.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

KINDS = ("number", "date", "place", "person", "organization")

_DECIMAL_COMMA = {"fr", "de", "es", "ru", "pt", "it", "nl", "pl", "tr", "uk", "cs", "da", "sv", "no", "fi", "is",
                  "ro", "hu", "el", "bg", "hr", "sk", "sl", "id", "vi"}
_MAGNITUDE = {
    "thousand": 1e3, "thousands": 1e3, "mille": 1e3, "milles": 1e3, "tausend": 1e3, "mil": 1e3, "тыс": 1e3,
    "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "ألف": 1e3, "آلاف": 1e3, "k": 1e3,
    "million": 1e6, "millions": 1e6, "mio": 1e6, "millionen": 1e6, "millón": 1e6, "millones": 1e6, "mn": 1e6,
    "млн": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "مليون": 1e6, "ملايين": 1e6, "m": 1e6,
    "billion": 1e9, "billions": 1e9, "milliard": 1e9, "milliards": 1e9, "milliarde": 1e9, "milliarden": 1e9,
    "mrd": 1e9, "bn": 1e9, "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9, "مليار": 1e9,
    "mil millones": 1e9, "mln": 1e6, "mlrd": 1e9, "milljón": 1e6, "milljónir": 1e6, "milljóna": 1e6,
    "milljónum": 1e6, "milljarður": 1e9, "milljarðar": 1e9, "milljarða": 1e9, "milljörðum": 1e9,
    "miljoen": 1e6, "miljard": 1e9, "milioni": 1e6, "miliardi": 1e9, "milhões": 1e6, "mil milhões": 1e9, "trillion": 1e12, "trillions": 1e12, "billón": 1e12, "billones": 1e12,
}
_CJK_MAGNITUDE = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "千": 1e3, "百": 1e2}
_PERCENT = r"%|％|per ?cent|percent|pour ?cent|prozent|por ?ciento|процент(?:а|ов)?|بالمئة|في المائة"
_CURRENCY = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₽": "RUB", "usd": "USD", "eur": "EUR",
             "gbp": "GBP", "cny": "CNY", "rmb": "CNY", "rub": "RUB", "dollars": "USD", "dollar": "USD",
             "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yuan": "CNY", "元": "CNY", "美元": "USD",
             "欧元": "EUR", "рублей": "RUB", "рубля": "RUB", "долларов": "USD", "евро": "EUR", "دولار": "USD"}

_MAG_RE = "|".join(sorted((re.escape(k) for k in _MAGNITUDE), key=len, reverse=True))
_CUR_RE = "|".join(sorted((re.escape(k) for k in _CURRENCY), key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?P<cur>(?:{_CUR_RE})\s?)?"
    r"(?<![0-9A-Za-z.,\-])(?P<num>\d{1,3}(?:(?P<sep>[,.\u00a0\u202f ])\d{3})(?:(?P=sep)\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    rf"(?:\s?(?P<cjk>[万萬亿億千百]))?(?:\s?(?P<mag>(?:{_MAG_RE})\.?)(?![\w]))?"
    rf"(?:\s?(?P<pct>{_PERCENT}))?(?:\s?(?P<cur2>(?:{_CUR_RE}))(?![\w]))?",
    re.IGNORECASE,
)
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}|[一二两三四五六七八九](?=[十百千万亿])")
_EN_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
             "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
             "million billion").split()
_FR_WORDS = ("un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt "
             "trente quarante cinquante soixante cent cents mille million millions milliard").split()
_WORD_NUMBER = {
    "en": re.compile(rf"\b(?:(?:{'|'.join(_EN_WORDS)})(?:[\s-]+(?:and[\s-]+)?)?){{2,}}\b", re.IGNORECASE),
    "fr": re.compile(rf"\b(?:(?:{'|'.join(_FR_WORDS)})(?:[\s-]+(?:et[\s-]+)?)?){{2,}}\b", re.IGNORECASE),
}
_ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩٫٬０１２３４５６７８９．，", "0123456789.,0123456789.,")
"""Arabic-Indic and full-width digits read as ASCII (same length, so offsets hold)."""
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_STOP = {"of", "the", "a", "an", "and", "in", "about", "some", "de", "des", "du", "d", "la", "le", "les", "von",
         "der", "die", "das", "del", "los", "las", "more", "than", "over", "around", "more"}


@dataclass(frozen=True)
class Fact:
    """One fact found in a sentence, with its normalised value."""

    kind: str
    text: str
    value: float | str
    unit: str | None
    start: int
    end: int
    confidence: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return dataclasses.asdict(self)


# -- numbers -------------------------------------------------------------------------------
def _parse_number(raw: str, sep: str | None, language: str) -> float | None:
    s = raw.replace("\u00a0", " ").replace("\u202f", " ")
    comma_decimal = language in _DECIMAL_COMMA
    if sep and sep.strip() == "":
        s = s.replace(" ", "")
        sep = None
    if sep:  # grouped thousands: the other mark (if any) is the decimal one
        s = s.replace(sep, "")
        s = s.replace(",", ".")
    elif "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif "," in s:
        whole, frac = s.split(",", 1)
        s = f"{whole}.{frac}" if comma_decimal or len(frac) != 3 else whole + frac
    elif "." in s and comma_decimal:
        whole, frac = s.split(".", 1)
        s = whole + frac if len(frac) == 3 and language not in ("ru",) else f"{whole}.{frac}"
    try:
        return float(s)
    except ValueError:
        return None


def _counted_noun(sentence: str, end: int, language: str) -> str | None:
    """The word the number counts: the next content word (CJK: the noun after a measure word)."""
    tail = sentence[end : end + 40]
    if language in ("zh", "ja"):
        m = re.match(r"\s*[个個台名人家座件次例架艘辆輛所项項条條]?([\u4e00-\u9fff]{1,6})", tail)
        return m.group(1) if m else None
    for w in _WORD.findall(tail)[:4]:
        if w.lower() not in _STOP and len(w) > 1:
            return w.lower()
    return None


def numbers(sentence: str, language: str) -> list[Fact]:
    """Numbers with magnitudes, percentages and money in ``sentence``.

    Examples:
        >>> [(f.value, f.unit) for f in numbers("about 5.31 million hosts", "en")]
        [(5310000.0, 'hosts')]
        >>> [f.value for f in numbers("约5.2万个计算机恶意程序控制服务器控制了约531万台主机", "zh")]
        [52000.0, 5310000.0]
        >>> [f.value for f in numbers("5,31 millions d'ordinateurs", "fr")]
        [5310000.0]
    """
    text = sentence.translate(_ARABIC_INDIC)
    out: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for m in _NUMBER.finditer(text):
        value = _parse_number(m.group("num"), m.group("sep"), language)
        if value is None:
            continue
        mag = (m.group("mag") or "").lower().rstrip(".")
        if mag in ("m", "k") and not m.group("cur") and not m.group("cur2"):
            mag = ""  # "5 m" is metres, not millions, unless it is money
        if m.group("cjk"):
            value *= _CJK_MAGNITUDE[m.group("cjk")]
        if mag:
            value *= _MAGNITUDE.get(mag, 1.0)
        raw_digits = m.group("num")
        is_year = (not mag and not m.group("cjk") and not m.group("pct") and re.fullmatch(r"(1[89]|20)\d\d", raw_digits)
                   and not m.group("cur") and not m.group("cur2"))
        if is_year:
            continue  # a year is a date, see dates()
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        unit: str | None
        if m.group("pct"):
            unit = "percent"
        elif m.group("cur") or m.group("cur2"):
            unit = _CURRENCY[(m.group("cur") or m.group("cur2") or "").strip().lower()]
        else:
            unit = _counted_noun(text, end, language)
        out.append(Fact("number", sentence[m.start():end].strip(), value, unit, m.start(), end))
        taken.append((m.start(), end))
    if language in ("zh", "ja"):
        out += _chinese_numerals(sentence, language, taken)
    if language in _WORD_NUMBER:
        out += _word_numbers(sentence, language)
    return sorted(out, key=lambda f: f.start)


def _chinese_numerals(sentence: str, language: str, taken: list[tuple[int, int]]) -> list[Fact]:
    import cn2an

    out = []
    for m in _CN_NUMERAL.finditer(sentence):
        if any(a <= m.start() < b for a, b in taken) or m.group(0) in ("一一", "万一"):
            continue
        try:
            value = float(cn2an.cn2an(m.group(0), "smart"))
        except (ValueError, KeyError, IndexError):
            continue
        if value < 2:
            continue
        out.append(Fact("number", m.group(0), value, _counted_noun(sentence, m.end(), language), m.start(), m.end(),
                        0.9))
    return out


def _word_numbers(sentence: str, language: str) -> list[Fact]:
    from text_to_num import text2num

    out = []
    for m in _WORD_NUMBER[language].finditer(sentence):
        words = m.group(0).strip(" -")
        try:
            value = float(text2num(words.lower(), language))
        except ValueError:
            continue
        end = m.start() + len(m.group(0).rstrip(" -"))
        out.append(Fact("number", words, value, _counted_noun(sentence, end, language), m.start(), end, 0.9))
    return out


# -- dates ---------------------------------------------------------------------------------
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "janvier": 1, "février": 2, "mars": 3,
    "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12, "января": 1, "февраля": 2, "марта": 3,
    "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8, "сентября": 9, "октября": 10, "ноября": 11,
    "декабря": 12, "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7,
    "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = [
    ("ymd", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")),
    ("ymd", re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")),
    ("ym", re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)")),
    ("md", re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")),
    ("d", re.compile(r"(?<![\d月])(?P<d>\d{1,2})\s*[日号](?!本)")),
    ("ymd", re.compile(rf"(?<!\w)(?P<d>\d{{1,2}})(?:er|\.|st|nd|rd|th)?\s+(?P<mon>{_MON})\.?,?\s+(?P<y>(?:19|20)\d\d)",
                       re.IGNORECASE)),
    ("ymd", re.compile(rf"(?<!\w)(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)",
                       re.IGNORECASE)),
    ("ym_rel", re.compile(rf"(?<!\w)(?P<mon>{_MON})\s+(?P<rel>last year|dernier|de l'année dernière|letzten jahres|"
                          rf"del año pasado|прошлого года)", re.IGNORECASE)),
    ("ym_rel", re.compile(rf"(?<!\w)(?P<rel>last|l'an dernier en|letzten)\s+(?P<mon>{_MON})", re.IGNORECASE)),
    ("ym", re.compile(rf"(?<!\w)(?P<mon>{_MON})\s+(?P<y>(?:19|20)\d\d)", re.IGNORECASE)),
    ("md", re.compile(rf"(?<!\w)(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]*\s*(?:19|20)\d\d)",
                      re.IGNORECASE)),
    ("md", re.compile(rf"(?<!\w)(?P<d>\d{{1,2}})(?:er|\.)?\s+(?P<mon>{_MON})(?!\s*,?\s*(?:19|20)\d\d)", re.IGNORECASE)),
    ("d", re.compile(r"\b(?:on|the)\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)),
    ("ym_cn_rel", re.compile(r"去年\s*(?P<m>\d{1,2})\s*月")),
    ("y_rel", re.compile(r"\b(?P<rel>last year|l'an dernier|l'année dernière|letztes jahr|el año pasado|"
                         r"в прошлом году)\b|去年", re.IGNORECASE)),
    ("day_rel", re.compile(r"\b(?P<rel>yesterday|today|hier|aujourd'hui|gestern|heute|ayer|hoy|вчера|сегодня)\b|"
                           r"(?P<zh>昨天|昨日|今天|今日)", re.IGNORECASE)),
    ("y", re.compile(r"(?<![\d.,])(?P<y>(?:19|20)\d\d)(?:\s*年)?(?![\d.,]*\d)")),
]


def _safe_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


_GATE_WORDS = frozenset(_MONTHS) | {"yesterday", "today", "hier", "aujourd", "gestern", "heute", "ayer", "hoy",
                                    "вчера", "сегодня", "last", "dernier", "dernière", "letzten", "letztes",
                                    "pasado", "прошлом", "прошлого"}
_GATE_CJK = re.compile(r"[\d昨今去]")
_WORDS = re.compile(r"[^\W\d_]+")


def _may_have_date(text: str) -> bool:
    """Cheap test before the date patterns: a digit, a month or relative-date word."""
    if _GATE_CJK.search(text):
        return True
    return any(w in _GATE_WORDS for w in _WORDS.findall(text.lower()))


def date_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans that look like dates, resolvable or not (their digits are not counts)."""
    text = sentence.translate(_ARABIC_INDIC)
    if not _may_have_date(text):
        return []
    return [(m.start(), m.end()) for kind, pat in _DATES if kind != "y" for m in pat.finditer(text)]


def dates(sentence: str, language: str, ref_date: str | None = None) -> list[Fact]:
    """Dates in ``sentence``, resolved against ``ref_date`` (ISO) when they lack a year or are relative.

    Examples:
        >>> [(f.value, f.confidence) for f in dates("NATO issued a statement on the 19th.", "en", "2021-07-19")]
        [('2021-07-19', 0.6)]
        >>> [f.value for f in dates("2020年9月，中方发起《全球数据安全倡议》", "zh")]
        ['2020-09']
        >>> [f.value for f in dates("in September last year", "en", "2021-07-19")]
        ['2020-09']
    """
    sentence = sentence.translate(_ARABIC_INDIC)
    if not _may_have_date(sentence):
        return []
    ref: date | None = None
    if ref_date:
        try:
            ref = date.fromisoformat(ref_date[:10])
        except ValueError:
            ref = None
    out: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for kind, pat in _DATES:
        for m in pat.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = {k: v for k, v in m.groupdict().items() if v}
            month = _MONTHS.get(g.get("mon", "").lower()) if g.get("mon") else (int(g["m"]) if "m" in g else None)
            value: str | None = None
            conf = 1.0
            if kind == "ymd" and month:
                value = _safe_date(int(g["y"]), month, int(g["d"]))
            elif kind == "ym" and month:
                value, conf = f"{int(g['y']):04d}-{month:02d}", 0.9
            elif kind == "md" and month and ref:
                value, conf = _safe_date(ref.year, month, int(g["d"])), 0.8
            elif kind == "d" and ref:
                value, conf = _safe_date(ref.year, ref.month, int(g["d"])), 0.6
            elif kind in ("ym_rel", "ym_cn_rel") and month and ref:
                value, conf = f"{ref.year - 1:04d}-{month:02d}", 0.7
            elif kind == "y_rel" and ref:
                value, conf = f"{ref.year - 1:04d}", 0.7
            elif kind == "day_rel" and ref:
                word = (g.get("rel") or g.get("zh") or "").lower()
                back = 1 if word in ("yesterday", "hier", "gestern", "ayer", "вчера", "昨天", "昨日") else 0
                value, conf = (ref - timedelta(days=back)).isoformat(), 0.7
            elif kind == "y":
                value, conf = f"{int(g['y']):04d}", 0.8
            if value is None:
                continue
            out.append(Fact("date", m.group(0).strip(), value, None, m.start(), m.end(), conf))
            taken.append((m.start(), m.end()))
    return sorted(out, key=lambda f: f.start)


# -- places and organisations --------------------------------------------------------------
_GAZETTEER_LOCALES = ("en", "fr", "de", "es", "ru", "zh", "zh_Hant", "ar", "pt", "it", "nl", "pl", "tr", "ja", "ko",
                      "uk", "is", "cs", "sv")
_NOT_PLACES = {"ZZ", "QO", "XA", "XB", "EZ", "UN"}


@functools.lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, str], dict[str, int], re.Pattern[str]]:
    """Names -> ISO code; first word -> longest name starting with it; a pattern for CJK names."""
    from babel import Locale

    names: dict[str, str] = {}
    for loc in _GAZETTEER_LOCALES:
        try:
            territories = Locale.parse(loc).territories
        except (ValueError, LookupError):
            continue
        for code, name in territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_PLACES and len(name) >= 2:
                for variant in (name, re.sub(r"\s*\(.*\)$", "", name).strip()):
                    if len(variant) >= 2:
                        names.setdefault(" ".join(_TOKEN.findall(variant.lower())) or variant.lower(), code)
    for extra, code in (("the us", "US"), ("the u.s.", "US"), ("u.s.", "US"), ("usa", "US"), ("the uk", "GB"),
                        ("britain", "GB"), ("russia", "RU"), ("美方", "US"), ("中方", "CN"), ("比方", "BE"),
                        ("the u.s", "US"), ("u.s", "US")):
        names.setdefault(extra, code)
    cjk = sorted((n for n in names if _CJK_CHAR.search(n)), key=len, reverse=True)
    first: dict[str, int] = {}
    for n in names:
        words = n.split()
        first[words[0]] = max(first.get(words[0], 0), len(words))
    return names, first, re.compile("|".join(re.escape(n) for n in cjk))


_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W_])?", re.UNICODE)
_CJK_CHAR = re.compile(r"[\u3040-\u9fff\uac00-\ud7af]")


def places(sentence: str) -> list[Fact]:
    """Countries and territories, with their ISO 3166 code, in any of ~20 languages.

    Word n-grams are looked up in a CLDR gazetteer (a dictionary, not a giant regex);
    CJK names, written without spaces, by one pattern of CJK names only.

    Examples:
        >>> sorted({f.value for f in places("La Chine ne constitue aucune menace pour la Belgique.")})
        ['BE', 'CN']
        >>> [f.value for f in places("中国驻比利时使馆")]
        ['CN', 'BE']
    """
    names, first, cjk = _gazetteer()
    out: list[Fact] = []
    tokens = list(_TOKEN.finditer(sentence))
    lowered = [t.group(0).lower() for t in tokens]
    i = 0
    while i < len(tokens):
        longest = first.get(lowered[i], 0) or first.get(lowered[i].rstrip("."), 0)
        for n in range(min(longest, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            key = " ".join(lowered[i : i + n])
            code = names.get(key) or (names.get(key.rstrip(".")) if key.endswith(".") else None)
            surface = sentence[span[0].start() : span[-1].end()]
            if code and not (surface.isupper() and len(surface) <= 3 and surface != "USA"):
                out.append(Fact("place", surface, code, None, span[0].start(), span[-1].end(), 0.9))
                i += n
                break
        else:
            i += 1
    if _CJK_CHAR.search(sentence):
        out += [Fact("place", m.group(0), names[m.group(0)], None, m.start(), m.end(), 0.9)
                for m in cjk.finditer(sentence)]
    return sorted(out, key=lambda f: f.start)


_ORG_HEAD = (r"Ministry|Department|Agency|Center|Centre|Council|Commission|Embassy|Bank|Office|Institute|"
             r"University|Party|Army|Police|Court|Parliament|Union|Organi[sz]ation|Association|Committee|"
             r"Federation|Corporation|Company|Group|Times|Agence|Ministère|Ambassade|Ministerium|Bundesamt|Ministerio|"
             r"Министерство|部|局|委员会|大使馆|使馆|中心|银行|公司")
_ORG = re.compile(rf"(?:\b(?:[A-Z][\w&'-]+\s+){{0,5}}(?:{_ORG_HEAD})(?:\s+(?:of|for|de|du|des|der|für)\s+"
                  rf"(?:the\s+)?(?:[A-Z][\w'-]+\s*){{1,4}})?)|\b[A-Z]{{2,6}}\b")
_PERSON = re.compile(r"\b(?:President|Prime Minister|Minister|Secretary|Chancellor|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|"
                     r"spokesperson|spokesman|Président|ministre|M\.|Mme|Präsident|Bundeskanzlerin|Herr|Frau|"
                     r"presidente|ministro)\s+(?P<name>(?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+){0,2})")


def organizations(sentence: str) -> list[Fact]:
    """Organisations found by rule: acronyms and names ending in an organisational head word."""
    out = []
    for m in _ORG.finditer(sentence):
        text = m.group(0).strip()
        if len(text) < 2 or text.lower() in ("the", "us", "eu"):
            continue
        if text.isupper() and len(text) <= 3 and text in ("US", "UK", "UN", "EU") and text != "EU":
            continue
        out.append(Fact("organization", text, re.sub(r"\s+", " ", text), None, m.start(), m.start() + len(text), 0.6))
    return out


def people(sentence: str) -> list[Fact]:
    """People named after a title ("President Xi Jinping", "M. Macron")."""
    return [Fact("person", m.group("name"), m.group("name"), None, m.start("name"), m.end("name"), 0.7)
            for m in _PERSON.finditer(sentence)]


def extract_facts(sentence: str, language: str, ref_date: str | None = None) -> list[Fact]:
    """Every fact in one sentence: numbers, dates, places, organisations, people.

    Args:
        sentence: the sentence text.
        language: ISO 639-1 code of the sentence.
        ref_date: ISO date of the document, to resolve relative and partial dates.

    Examples:
        >>> [(f.kind, f.value) for f in extract_facts("In 2020, about 52,000 servers in Belgium.", "en")]
        [('date', '2020'), ('number', 52000.0), ('place', 'BE')]
    """
    found_dates = dates(sentence, language, ref_date)
    # digits inside a date ("7月18日", "July 19") are not counts
    spans = [(d.start, d.end) for d in found_dates] + date_spans(sentence)
    nums = [n for n in numbers(sentence, language) if not any(a < n.end and n.start < b for a, b in spans)]
    facts = nums + found_dates + places(sentence)
    if language not in ("zh", "ja", "ko"):
        taken = {(f.start, f.end) for f in facts}
        facts += [f for f in organizations(sentence) + people(sentence) if (f.start, f.end) not in taken
                  and not any(p.kind == "place" and p.start <= f.start and f.end <= p.end for p in facts)]
    return sorted(facts, key=lambda f: (f.start, f.kind))


def drift(occurrences: list[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """Where one talking point carries different figures or dates in different documents.

    Args:
        occurrences: ``(document, facts of that occurrence's sentence)`` pairs.

    Returns:
        One entry per kind that drifts: ``{kind, values: {document: [values]}}``. Numbers are
        compared as sets of values (percentages and amounts included, years excluded);
        dates as sets of resolved values of full confidence.

    Examples:
        >>> a = [{"kind": "number", "value": 52000.0}, {"kind": "number", "value": 5310000.0}]
        >>> b = [{"kind": "number", "value": 52000.0}, {"kind": "number", "value": 6310000.0}]
        >>> drift([("d1", a), ("d2", b)])[0]["values"]
        {'d1': [52000.0, 5310000.0], 'd2': [52000.0, 6310000.0]}
    """
    out = []
    for kind in ("number", "date"):
        values: dict[str, list[Any]] = {}
        for doc, facts in occurrences:
            vals = sorted({f["value"] for f in facts if f["kind"] == kind
                           and (kind == "number" or float(f.get("confidence") or 0) >= 1.0)}, key=str)
            if vals:
                values.setdefault(doc, [])
                values[doc] = sorted(set(values[doc]) | set(vals), key=str)
        distinct = {tuple(v) for v in values.values()}
        if len(values) >= 2 and len(distinct) > 1:
            out.append({"kind": kind, "values": values})
    return out
