"""Facts that travel: numbers, dates, places, organisations and people, normalised across languages.

``extract_facts(sentence, language, ref_date)`` returns :class:`Fact` records:

* **numbers** with magnitude words and units ("5.31 million", "5,31 millions", "531万",
  "5.2万", "1万1000", "4,46 млн", "two thousand", "两千", "٥٫٣ مليون"), percentages and
  money, normalised to a value; the decimal comma or point is read by language, and
  the counted noun is mapped to a language-independent key where the hand lexicon
  knows it ("hosts", "主机", "хостов" -> ``host``). Years, times of day, dates, phone
  numbers, ordinals and list numbering are not counts.
* **dates**: absolute ("July 19, 2021", "2020年9月", "18 juillet 2022", "19 июля") and
  relative ("on the 19th", "18日", "last September", "September last year", "去年9月",
  "yesterday", "on Tuesday", "three days ago"), resolved against the document's date,
  with a confidence: 1.0 for a full date, less when the year, month or direction is
  inferred; a bare year is a date of low confidence, never a count.
* **places**, **organisations**, **people**: see :mod:`refrains.facts_names`.

Who does what: month and weekday names of every language, and the "N days ago"
expressions, come from **dateparser** (its locale data, and ``dateparser.parse`` on the
few candidate spans, cached); number words from **text2num** (en fr de es it pt nl) and
**cn2an** (Chinese numerals); country names from **Babel** (CLDR). Written here: the
candidate patterns, digit-times-magnitude ("5.31 million", "531万"), reading separators
by language, the relative-date rules above, the counted-noun lookup, and the gate that
keeps the per-sentence cost low: a date or number pattern runs only on a sentence with the digit,
month name or word it needs, each once (measured 2,900 sentences/s on one core of a busy
machine, 1.8x the 1,640/s of the single gate there; ≈ 2,500/s was that gate on an idle one).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from refrains.facts_names import _matches_at, _trie, lexicon, organizations, people, places

__all__ = ["KINDS", "Fact", "date_spans", "dates", "drift", "extract_facts", "numbers", "organizations", "people",
           "places"]

KINDS = ("number", "date", "place", "person", "organization")


@dataclass(frozen=True)
class Fact:
    """One fact found in a sentence, with its normalised value.

    ``value`` is a float for numbers, an ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)
    for dates, an ISO 3166 code for places and a canonical name for people and
    organisations; ``start``/``end`` are offsets inside the sentence.
    """

    kind: str
    text: str
    value: float | str
    unit: str | None
    start: int
    end: int
    confidence: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form: ``dataclasses.asdict``'s, written out (it deep-copies, a fifth of ``facts_of``)."""
        return {"kind": self.kind, "text": self.text, "value": self.value, "unit": self.unit, "start": self.start,
                "end": self.end, "confidence": self.confidence}


# -- numbers -------------------------------------------------------------------------------
_DECIMAL_COMMA = frozenset({"fr", "de", "es", "ru", "pt", "it", "nl", "pl", "tr", "uk", "cs", "da", "sv", "no", "nb",
                            "fi", "is", "ro", "hu", "el", "bg", "hr", "sk", "sl", "id", "vi", "ar", "lt", "lv", "et"})
_SPACE_GROUPS = frozenset({"fr", "ru", "uk", "pl", "cs", "sk", "sv", "no", "nb", "fi", "et", "lt", "lv", "bg", "hu",
                           "pt", "es", "it", "de", "nl", "is", "da", "ro", "hr", "sl"})
_MAGNITUDE = {
    "thousand": 1e3, "thousands": 1e3, "mille": 1e3, "milles": 1e3, "tausend": 1e3, "tsd": 1e3, "mil": 1e3,
    "тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "ألف": 1e3, "ألفا": 1e3, "آلاف": 1e3, "þúsund": 1e3, "k": 1e3,
    "million": 1e6, "millions": 1e6, "mio": 1e6, "millionen": 1e6, "millón": 1e6, "millones": 1e6, "mn": 1e6,
    "mln": 1e6, "млн": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "مليون": 1e6, "مليونا": 1e6, "ملايين": 1e6,
    "milljón": 1e6, "milljónir": 1e6, "milljóna": 1e6, "milljónum": 1e6, "miljoen": 1e6, "milione": 1e6,
    "milioni": 1e6, "milhão": 1e6, "milhões": 1e6, "m": 1e6,
    "billion": 1e9, "billions": 1e9, "milliard": 1e9, "milliards": 1e9, "milliarde": 1e9, "milliarden": 1e9,
    "mrd": 1e9, "bn": 1e9, "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9, "مليار": 1e9,
    "mil millones": 1e9, "mil milhões": 1e9, "mlrd": 1e9, "milljarður": 1e9, "milljarðar": 1e9, "milljarða": 1e9,
    "milljörðum": 1e9, "miljard": 1e9, "miliardo": 1e9, "miliardi": 1e9, "bilhão": 1e9, "bilhões": 1e9,
    "trillion": 1e12, "trillions": 1e12, "billón": 1e12, "billones": 1e12, "трлн": 1e12,
}
_CJK_MAGNITUDE = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "兆": 1e12, "千": 1e3}
_PERCENT = (r"%|％|per ?cent|percent|pour ?cent|prozent|por ?ciento|por cento|per cento|procent|prósent|процент\w*|"
            r"بالمئة|بالمائة|في المائة|في المئة|パーセント")
_CURRENCY = {
    "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₽": "RUB", "₹": "INR", "usd": "USD", "eur": "EUR",
    "gbp": "GBP", "cny": "CNY", "rmb": "CNY", "rub": "RUB", "chf": "CHF", "jpy": "JPY", "isk": "ISK",
    "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yuan": "CNY", "yen": "JPY",
    "元": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR", "円": "JPY", "ドル": "USD", "ユーロ": "EUR",
    "рублей": "RUB", "рубля": "RUB", "руб": "RUB", "долларов": "USD", "доллара": "USD", "евро": "EUR",
    "دولار": "USD", "يورو": "EUR", "krónur": "ISK", "króna": "ISK", "kr": "ISK", "dólares": "USD", "francs": "CHF",
}
_ESC = functools.partial(re.escape)
_MAG_RE = "|".join(sorted(map(_ESC, _MAGNITUDE), key=len, reverse=True))
_CUR_RE = "|".join(sorted(map(_ESC, _CURRENCY), key=len, reverse=True))
_WIDE_DIGITS = "٠١٢٣٤٥٦٧٨٩٫٬۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９．，：％"
_DIGITS = str.maketrans(_WIDE_DIGITS, "0123456789.,01234567890123456789.,:%")
"""Arabic-Indic, Persian and full-width digits read as ASCII (same length, so offsets hold)."""
_HAS_WIDE_DIGIT = re.compile(f"[{_WIDE_DIGITS}]")


def _ascii_digits(sentence: str) -> str:
    """``sentence`` with :data:`_DIGITS` applied; most sentences have none, and one search says so.

    Examples:
        >>> _ascii_digits("٢٠٢٠ و ５％"), _ascii_digits("2020")
        ('2020 و 5%', '2020')
    """
    if sentence.isascii() or not _HAS_WIDE_DIGIT.search(sentence):
        return sentence
    return sentence.translate(_DIGITS)
_SKIP = re.compile(
    r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)"  # time of day
    r"|\+\d{1,3}(?:[ /-]?\(?\d{1,4}\)?){2,}(?![\d.,:])|(?<![\d.,])\(?\d{2,4}\)?(?:[ /-]\d{2,4}){2,}(?![\d.,:])"  # phone-like groups ("+32 2 123 45 67")
    r"|(?<![\d.])(?:19|20)\d\d\s*/\s*(?:19|20)?\d\d(?!\d)"  # seasons "2019/20"
    r"|第\s*[\d零〇一二两三四五六七八九十百千]+"  # Chinese ordinals
    r"|(?<![\w.,])\d+(?:st|nd|rd|th|er|e|ème|te|ten|ter|º|ª)(?!\w)"  # ordinals
    r"|^\s*\(?\d{1,2}[.)](?=\s)"  # list numbering
    r"|(?<![\w'])'?\d{0,2}\d0s(?!\w)|(?<![\d.,])\d?\d0(?:er|-[ех])(?!\w)"  # decades ("'60s", "1990s", "90er", "90-е")
    r"|الـ\s?\d+"  # Arabic ordinals ("الرئيس الـ35")
    r"|\d+\s*(?:位|番目|人目|回目|度目|作目|年生)"  # Japanese ordinal counters ("13位", "85人目")
    r"|(?:午前|午後|上午|下午|晚上|凌晨)\s*\d{1,2}\s*[時时点](?:\s*\d{1,2}\s*分)?|(?<!\d)\d{1,2}\s*時(?![間间])"  # times
)
_SKIP_START = re.compile(r"[\d+(第']|الـ|午前|午後|上午|下午|晚上|凌晨")
"""Where a match of ``_SKIP`` can begin: the first character or word of each branch but list numbering's."""


def _skip_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``_SKIP.finditer(text)``, trying ``_SKIP`` only at 0 and where a branch can begin.

    ``_SKIP`` has no fixed first character for the regex engine to skip ahead to, so
    scanning with it costs as much as a dozen searches; a sentence has few digits.

    Examples:
        >>> _skip_spans("  1. At 10:30, the 3rd of 50 people called +32 2 123 45 67 in the 1990s.")
        [(0, 4), (8, 13), (19, 22), (43, 58), (66, 71)]
    """
    out: list[tuple[int, int]] = []
    at = 0  # list numbering may start after spaces: always try the very beginning
    while True:
        m = _SKIP.match(text, at)
        if m:
            out.append(m.span())  # never empty: every branch takes a digit or a character
        pos = m.end() if m else at + 1
        start = _SKIP_START.search(text, pos)
        if start is None:
            return out
        at = start.start()


_CJK_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?\s?[亿億兆])?(?:\d+(?:\.\d+)?\s?[万萬])?(?:\d+(?:\.\d+)?\s?千)?\d*")
_CN_NUMERAL = re.compile(r"(?:百分之)?[零〇一二两三四五六七八九十百千万亿点]{2,}|[二两三四五六七八九](?=[十百千万亿])")
_NUMBER_WORDS = {
    "en": "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
          "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion",
    "fr": "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt trente "
          "quarante cinquante soixante cent cents mille million millions milliard milliards",
    "es": "uno una dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis veinte "
          "treinta cuarenta cincuenta sesenta setenta ochenta noventa cien ciento cientos mil millón millones",
    "pt": "um uma dois duas três quatro cinco seis sete oito nove dez onze doze vinte trinta quarenta cinquenta cem "
          "cento mil milhão milhões",
    "it": "uno una due tre quattro cinque sei sette otto nove dieci undici dodici venti trenta quaranta cinquanta "
          "cento mille mila milione milioni",
    "nl": "een twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig veertig vijftig honderd "
          "duizend miljoen",
}
_DE_WORD = re.compile(r"\b(?:(?:ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|"
                      r"vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|hundert|tausend|und)+)\b", re.IGNORECASE)
_ONE = frozenset({"one", "un", "une", "uno", "una", "um", "uma", "een", "ein", "eine", "a"})
_UNITS_STOP = frozenset(
    ["of", "the", "a", "an", "and", "or", "in", "on", "at", "to", "for", "from", "by", "with", "than", "per", "about", "some", "more", "over", "around", "nearly", "almost", "its", "their", "de", "des", "du", "la", "le", "les", "et", "ou", "en", "à", "au", "aux", "par", "pour", "sur", "dans", "d", "von", "der", "die", "das", "den", "dem", "und", "oder", "im", "am", "zu", "mit", "bis", "del", "los", "las", "y", "o", "por", "para", "con", "a", "el", "в", "на", "и", "или", "из", "за", "по", "с", "к", "от", "до", "у"])
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_PLURAL = re.compile(r"(?<![uis])s$|x$")  # "servers", "hôtes", not "malicious", "crisis"
_ELISION = re.compile(r"^(?:d|l|qu|dell|dall|all)['’]")
_CJK_STOP = re.compile(r"[,，。;；:：!！?？、()（）《》“”\"'了的在被对向从于和与及]")


@functools.cache
def _number_pattern(language: str) -> re.Pattern[str]:
    group = r"[,.\u00a0\u202f ]" if language in _SPACE_GROUPS else r"[,.\u00a0\u202f]"
    return re.compile(
        rf"(?P<cur>(?<![\w])(?:{_CUR_RE})\s?)?"
        rf"(?<![0-9A-Za-z.,/])(?<![\w.,/][-−])(?P<num>\d{{1,3}}(?:(?P<sep>{group})\d{{3}})(?:(?P=sep)\d{{3}})*(?:[.,]\d+)?"
        r"|\d+(?:[.,]\d+)?)(?![\d/])"
        rf"(?:\s?(?P<mag>(?:{_MAG_RE})\.?)(?![\w]))?"
        rf"(?:\s?(?P<pct>{_PERCENT}))?(?:\s?(?P<cur2>(?:{_CUR_RE}))(?![\w]))?",
        re.IGNORECASE,
    )


_DIGIT_RUN = re.compile(r"\d+")
_CUR_FIRST = re.compile("[" + "".join(sorted({re.escape(c[0]) for c in _CURRENCY})) + "]", re.IGNORECASE)
"""The first characters of the currencies, as :func:`_number_pattern` matches them (case-insensitively)."""
_CUR_REACH = max(map(len, _CURRENCY)) + 1
"""How far before its first digit a number's match can begin: a currency and one space."""


def _number_matches(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for a :func:`_number_pattern`, tried only where a match can begin.

    The pattern opens with an optional currency, so the regex engine cannot skip ahead to
    anything and tries a dozen branches at every character; a sentence has a few digits.
    A match begins at the first digit of its number, which no ASCII digit precedes, or at
    a currency at most :data:`_CUR_REACH` characters before a digit. Trying those places in
    order, each from the end of the last match, is what ``finditer`` does (every match is
    non-empty, and a lookbehind sees the text before where a match is tried).

    Examples:
        >>> p = _number_pattern("en")
        >>> [m.group(0) for m in _number_matches(p, "US$ 5 and €3.2 billion, COVID-19, 2020 and ५5")]
        ['US$ 5', '€3.2 billion', '2020', '५5']
    """
    out: list[re.Match[str]] = []
    pos = done = 0  # pos: where the next match may begin; done: every place before it has been tried
    for run in _DIGIT_RUN.finditer(text):
        a, b = run.span()
        if b <= pos:
            continue
        starts = [c.start() for c in _CUR_FIRST.finditer(text, max(pos, done, a - _CUR_REACH), a)]
        if run.group(0).isascii():  # inside a run of ASCII digits the number's lookbehind fails
            starts.append(a)
        else:  # other scripts' digits ("५") are \d but not [0-9]: any of them may begin one
            starts += range(a, b)
        for p in starts:
            if p >= pos and (m := pattern.match(text, p)) is not None:
                out.append(m)
                pos = m.end()
        done = b
    return out


@functools.cache
def _word_pattern(language: str) -> re.Pattern[str] | None:
    if language == "de":
        return _DE_WORD
    words = _NUMBER_WORDS.get(language)
    if not words:
        return None
    # as a trie: lower-case words spell one path through it, longer words first, so the same
    # matches as the longest-first alternation, with a handful of tries per word instead of forty
    alternation = _trie(words.split())
    joiner = {"en": "and", "fr": "et", "es": "y", "pt": "e", "it": "e", "nl": "en"}[language]
    return re.compile(rf"\b(?:{alternation})(?:[\s-]+(?:{joiner}[\s-]+)?(?:{alternation}))*\b", re.IGNORECASE)


def _parse_number(raw: str, sep: str | None, language: str) -> float | None:
    s = raw.replace("\u00a0", " ").replace("\u202f", " ")
    comma_decimal = language in _DECIMAL_COMMA
    if sep and sep.strip() == "":
        s, sep = s.replace(" ", ""), None
    if sep:  # grouped thousands: the other mark (if any) is the decimal one
        if sep == "." and not comma_decimal and s.count(".") == 1:
            return float(s)  # "5.310" in English is a decimal
        if sep == "," and comma_decimal and s.count(",") == 1:
            return float(s.replace(",", "."))  # "5,310" in French is a decimal
        s = s.replace(sep, "").replace(",", ".")
    elif "," in s:
        whole, frac = s.split(",", 1)
        s = f"{whole}.{frac}" if comma_decimal or len(frac) != 3 else whole + frac
    try:
        return float(s)
    except ValueError:
        return None


@functools.lru_cache(maxsize=1)
def _unit_table() -> tuple[dict[str, str], re.Pattern[str]]:
    table: dict[str, str] = {}
    cjk: list[str] = []
    for key, forms in lexicon()["units"].items():
        for form in forms:
            table.setdefault(form, key)
            if re.search(r"[\u3040-\u9fff]", form):
                cjk.append(form)
    return table, re.compile("|".join(re.escape(f) for f in sorted(cjk, key=len, reverse=True)))


@functools.lru_cache(maxsize=20_000)
def _bare(word: str) -> str:
    """``word`` lower-cased without an elided article ("d'ordinateurs"), remembered: nouns recur."""
    return _ELISION.sub("", word.lower())


@functools.lru_cache(maxsize=20_000)
def _unit_key(word: str) -> str | None:
    table, _ = _unit_table()
    w = word.lower().replace("’", "'")
    if w in table:
        return table[w]
    if len(w) > 3 and w.endswith("s") and w[:-1] in table:
        return table[w[:-1]]
    for k in (1, 2, 3):
        stem = w[:-k]
        if len(stem) >= 4 and stem in table:
            return table[stem]
    return None


def _counted_noun(text: str, end: int, language: str) -> str | None:
    """The thing a number counts: a lexicon key when known, else the noun as written."""
    tail = text[end:end + 80]
    if language in ("zh", "ja"):
        window = _CJK_STOP.split(tail.lstrip(), 1)[0][:14]
        _, cjk = _unit_table()
        found = list(cjk.finditer(window))
        if found:
            best = max(found, key=lambda m: (m.end(), len(m.group(0))))
            return _unit_table()[0][best.group(0)]
        m = re.match(r"[个個台名家座件次架艘辆輛所项項条條只]([\u4e00-\u9fff]{1,4})", window)
        return m.group(1) if m else None
    first: str | None = None
    plural_marks = language in ("en", "fr", "es", "pt")
    for i, w in enumerate(_WORD.findall(tail)[:6]):
        lw = _bare(w)
        if i == 0 and lw in ("of", "de", "di", "van", "из"):
            continue  # "5,31 millones de equipos"
        if lw in _UNITS_STOP:
            break
        key = _unit_key(lw)
        if plural_marks and _PLURAL.search(lw) and len(lw) > 3:
            return key or lw  # the first plural closes the noun phrase ("computer ... servers")
        if first is None and len(w) > 1:
            first = key or lw
        if key and not plural_marks:
            return key
    return first


def numbers(sentence: str, language: str, skip: list[tuple[int, int]] | None = None) -> list[Fact]:
    """Numbers with magnitudes, percentages and money in ``sentence`` (years excluded).

    Args:
        sentence: the sentence text.
        language: ISO 639-1 code; decides what "5,310" and "5.310" mean.
        skip: spans already taken (dates), whose digits are not counts.

    Examples:
        >>> [(f.value, f.unit) for f in numbers("about 5.31 million hosts", "en")]
        [(5310000.0, 'host')]
        >>> [(f.value, f.unit) for f in numbers("约5.2万个计算机恶意程序控制服务器控制了约531万台主机", "zh")]
        [(52000.0, 'server'), (5310000.0, 'host')]
        >>> [f.value for f in numbers("5,31 millions d'ordinateurs et 52 000 serveurs", "fr")]
        [5310000.0, 52000.0]
    """
    return _numbers(sentence, _ascii_digits(sentence), language, skip)


def _numbers(sentence: str, text: str, language: str, skip: list[tuple[int, int]] | None) -> list[Fact]:
    """:func:`numbers` on ``text``, the sentence with its digits read as ASCII."""
    taken: list[tuple[int, int]] = list(skip or ())
    cjk = language in ("zh", "ja", "ko")
    digit = _DIGIT.search(text) is not None  # every number pattern but the CJK ones needs a decimal digit
    # without a decimal digit, only _SKIP's Chinese ordinals ("第三") can match
    if cjk or digit or ("第" in text and any(c.isdigit() for c in text)):
        taken += _skip_spans(text)
    out: list[Fact] = []

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in taken)

    def add(start: int, end: int, value: float, unit: str | None, confidence: float) -> None:
        while end > start and text[end - 1].isspace():
            end -= 1
        out.append(Fact("number", sentence[start:end], value, unit, start, end, confidence))
        taken.append((start, end))

    magnitudes: dict[int, float] = {}  # start -> magnitude word's value, to join "4 ملايين و588 ألفا و360"
    if cjk:
        for m in _CJK_NUMBER.finditer(text):
            if not m.group(0) or not re.search(r"[万萬亿億兆千]", m.group(0)) or not free(m.start(), m.end()):
                continue
            value = 0.0
            for digits, mag in re.findall(r"(\d+(?:\.\d+)?)\s?([亿億兆万萬千]?)", m.group(0)):
                value += float(digits) * _CJK_MAGNITUDE.get(mag, 1.0)
            add(m.start(), m.end(), value, _counted_noun(text, m.end(), language), 1.0)
    for m in _number_matches(_number_pattern(language), text) if digit else ():
        if not free(m.start("num"), m.end("num")):
            continue
        parsed = _parse_number(m.group("num"), m.group("sep"), language)
        if parsed is None:
            continue
        value = parsed
        cur = (m.group("cur") or m.group("cur2") or "").strip().lower()
        mag = (m.group("mag") or "").lower().rstrip(".")
        if mag in ("m", "k") and not cur:
            mag = ""  # "5 m" is metres, not millions, unless it is money
        if (not mag and not cur and not m.group("pct") and _YEAR_LIKE.fullmatch(m.group("num"))
                and not _year_is_count(text, m.start("num"), m.end("num"), language)):
            continue  # a year: see dates()
        value *= _MAGNITUDE.get(mag, 1.0)
        start = m.start() if m.group("cur") else m.start("num")
        if start == m.start("num") and start > 0 and text[start - 1] in "-−":
            value, start = -value, start - 1  # "(-2,49%)", "-35.80 dólares"; "COVID-19" and "2-0" never get here
        end = m.end() if (mag or m.group("pct") or m.group("cur2")) else m.end("num")
        unit = "percent" if m.group("pct") else _CURRENCY[cur] if cur else _counted_noun(text, end, language)
        magnitudes[start] = _MAGNITUDE.get(mag, 1.0)
        add(start, end, value, unit, 1.0)
    out = _join_compounds(sentence, text, out, magnitudes)
    taken += [(f.start, f.end) for f in out]
    if cjk:
        out += _chinese_numerals(sentence, language, taken)
    pattern = _word_pattern(language)
    if pattern is not None and _may_have_words(text, language):
        out += _word_numbers(sentence, language, pattern, taken)
    if language in lexicon().get("number_words", {}):
        out += _table_numbers(sentence, language, taken)
    return sorted(out, key=lambda f: f.start)


_YEAR_LIKE = re.compile(r"(1[89]|20)\d\d")
_YEAR_CUE = re.compile(
    r"(?:(?<!\w)(?:in|en|im|em|nel|since|seit|depuis|desde|from|until|by|von|bis|del|au|dal|year|année|jahr|año|"
    r"ano|anno|árið|sedan|в|с|по|до|к|за)|في|عام|سنة|منذ|حتى|لعام|العام)\s*$", re.IGNORECASE)
_TIME_UNITS = frozenset({"year", "month", "week", "day", "hour", "minute"})
_RANGE_NEXT = re.compile(r"\s*(?:-|–|to|à|a|al|bis|und|and|et|y|e|إلى|الى|و|до|и)\s*(\d[\d.,\u00a0 ]*)")


def _year_is_count(text: str, start: int, end: int, language: str) -> bool:
    """A year-like number that counts: "2048 houses", "2000 to 10000 dollars" (not "in 2020 cases rose").

    Examples:
        >>> [f.value for f in numbers("destroyed nearly 2048 homes", "en")]
        [2048.0]
        >>> [f.value for f in numbers("in 2020 homes were cheap", "en")]
        []
    """
    partner = _RANGE_NEXT.match(text, end)
    if partner:
        other = partner.group(1).strip().rstrip(".,")
        if other and not _YEAR_LIKE.fullmatch(other) and len(re.sub(r"\D", "", other)) >= 3:
            return True  # a range whose other end is no year
    if _YEAR_CUE.search(text[max(0, start - 16):start]) or language in ("zh", "ja", "ko"):
        return False
    words = _WORD.findall(text[end:end + 40])
    if not words or not re.match(r"\s*[^\W\d_]", text[end:end + 40]):
        return False
    key = _unit_key(_bare(words[0]))
    return key is not None and key not in _TIME_UNITS


_COMPOUND_GAP = re.compile(r"\s*(?:و|y|e|and|et|und)?\s*")


def _join_compounds(sentence: str, text: str, facts: list[Fact], magnitudes: dict[int, float]) -> list[Fact]:
    """Join a figure written in parts: "164 mil 606" (164606), "4 ملايين و588 ألفا و360" (4588360).

    The part after a magnitude word is smaller than that magnitude and either has a smaller
    magnitude word of its own or three digits (the remainder is written out in full).
    """
    out: list[Fact] = []
    current = 1.0
    for f in sorted(facts, key=lambda x: x.start):
        prev = out[-1] if out else None
        mag = magnitudes.get(f.start, 1.0)
        if (prev is not None and isinstance(f.value, float) and isinstance(prev.value, float)
                and current > 1 and 0 < f.value < current and prev.value > 0
                and _COMPOUND_GAP.fullmatch(text, prev.end, f.start)
                and (1 < mag < current or (mag == 1 and re.fullmatch(r"\d{3}", f.text.strip()) is not None))):
            unit = prev.unit if prev.unit and prev.unit.isupper() else f.unit  # a currency stays
            out[-1] = Fact("number", sentence[prev.start:f.end], prev.value + f.value, unit, prev.start, f.end,
                           min(prev.confidence, f.confidence))
            current = mag
            continue
        out.append(f)
        current = mag
    return out


def _may_have_words(text: str, language: str) -> bool:
    words = _NUMBER_WORDS.get(language)
    if language == "de":
        return bool(_DE_WORD.search(text))
    return bool(words) and not _word_set(language).isdisjoint(map(str.lower, _WORD.findall(text)))


@functools.cache
def _word_set(language: str) -> frozenset[str]:
    return frozenset(_NUMBER_WORDS.get(language, "").split()) - _ONE


def _chinese_numerals(sentence: str, language: str, taken: list[tuple[int, int]]) -> list[Fact]:
    import cn2an

    out = []
    for m in _CN_NUMERAL.finditer(sentence):
        raw = m.group(0)
        if any(a < m.end() and m.start() < b for a, b in taken) or raw in ("一一", "万一", "千万", "一点"):
            continue
        percent = raw.startswith("百分之")
        try:
            value = float(cn2an.cn2an(raw[3:] if percent else raw, "smart"))
        except (ValueError, KeyError, IndexError):
            continue
        if value < 2 and not percent:
            continue
        unit = "percent" if percent else _counted_noun(sentence, m.end(), language)
        out.append(Fact("number", raw, value, unit, m.start(), m.end(), 0.9))
    return out


def _word_numbers(sentence: str, language: str, pattern: re.Pattern[str],
                  taken: list[tuple[int, int]]) -> list[Fact]:
    from text_to_num import text2num

    out = []
    for m in pattern.finditer(sentence):
        words = m.group(0).strip(" -")
        low = words.lower()
        if low in ("und", "en", "e", "y", "et", "and"):
            continue
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        end = m.start() + len(words)
        one = _ONE_MAG.match(sentence, end) if low in _ONE else None
        if low in _ONE and not one:
            continue
        try:
            value = 1.0 if one else float(text2num(low.replace("-", " ") if language != "fr" else low, language))
        except ValueError:
            continue
        if all(w in _MAGNITUDE or w == "hundred" for w in low.split()):
            # "millions of people", "thousands" are not figures; "a million", "mille", "mil millones" are
            article = re.search(r"(?<!\w)(?:a|one|un|une|uno|una|um|uma|ein|eine|een)\s+$", sentence[:m.start()],
                                re.IGNORECASE)
            exact = article or low.split()[0] in ("mille", "mil", "tausend")
            if not exact or (low.split()[-1] in _VAGUE_MAGNITUDES and low.split()[0] not in ("mil", "mille")):
                continue
        tail = one or _MAG_FOLLOW.match(sentence, end)
        if tail:  # "zwei Millionen", "eine Milliarde"; English "two million" is already inside the match
            value *= _MAGNITUDE.get(tail.group(1).lower(), 1.0)
            end = tail.end()
        if value < 2:
            continue  # "one" and "a" are articles as often as numbers
        if low in _AMBIGUOUS_LONE.get(language, {}) and not re.match(_AMBIGUOUS_LONE[language][low], sentence[end:]):
            continue  # "tout neuf" (new), "sei bravo" (you are)
        out.append(Fact("number", sentence[m.start():end], value, _counted_noun(sentence, end, language),
                        m.start(), end, 0.8))
    return out


_MAG_FOLLOW = re.compile(r"\s+(millions?|milliards?|billions?|millionen|milliarden|millones|milhões|milioni|miljoen)\b",
                         re.IGNORECASE)
_ONE_MAG = re.compile(r"\s+(thousand|million|billion|trillion|milliard|milliarde|millón|milhão|milione|miliardo|miljoen|"
                      r"miljard|tausend)\b", re.IGNORECASE)
"""After "one", "a", "eine", "un"…: "eine Milliarde" is 1e9."""
_VAGUE_MAGNITUDES = frozenset({"thousands", "millions", "billions", "trillions", "milliers", "milliards", "miles",
                               "millones", "milhares", "milhões", "migliaia", "milioni", "miliardi", "duizenden",
                               "miljoenen", "tausende", "millionen", "milliarden", "hundreds", "centaines", "cientos"})
_AMBIGUOUS_LONE = {"fr": {"neuf": r"\s+\w+[sx]\b"}, "it": {"sei": r"\s+\w+[ie]\b", "otto": r"\s+\w+[ie]\b"}}
"""Number words that are also other words; alone they count only before a plural noun."""
_AR_PREFIXES = ("وال", "بال", "فال", "لل", "ال", "و", "ب", "ل", "ف", "ك")


@functools.cache
def _number_table(language: str) -> tuple[dict[str, float], frozenset[str]]:
    table = {form: float(value) for value, forms in lexicon()["number_words"][language].items()
             for form in forms.split()}
    return table, frozenset(lexicon().get("number_words_vague", {}).get(language, "").split())


@functools.lru_cache(maxsize=50_000)
def _table_word(word: str, language: str) -> float | None:
    """:func:`_table_value` with ``language``'s table, remembered: most words are no number, and recur."""
    return _table_value(word, language, _number_table(language)[0])


def _table_value(word: str, language: str, table: dict[str, float]) -> float | None:
    w = word.lower()
    if w in table:
        return table[w]
    if language == "ar":  # proclitics: "وعشرين", "بخمس", "الأربع"; never "الاثنين" (Monday)
        for p in _AR_PREFIXES:
            rest = w[len(p):]
            if w.startswith(p) and len(rest) >= 3 and rest in table and not ("ال" in p and table[rest] == 2):
                return table[rest]
    return None


def _table_numbers(sentence: str, language: str, taken: list[tuple[int, int]]) -> list[Fact]:
    """Number words from the lexicon's tables (Russian, Arabic), inflected forms and compounds included.

    Examples:
        >>> [f.value for f in numbers("около четырех тысяч военнослужащих и пять игр", "ru")]
        [4000.0, 5.0]
        >>> [f.value for f in numbers("خلال الأربع وعشرين ساعة", "ar")]
        [24.0]
    """
    vague = _number_table(language)[1]
    runs: list[list[tuple[int, int, float]]] = []
    for m in re.finditer(r"[^\W\d_]+", sentence):
        value = _table_word(m.group(0), language)
        if value is None:
            continue
        if runs and sentence[runs[-1][-1][1]:m.start()].isspace():
            runs[-1].append((m.start(), m.end(), value))
        else:
            runs.append([(m.start(), m.end(), value)])
    out = []
    for run in runs:
        start, end = run[0][0], run[-1][1]
        if any(a < end and start < b for a, b in taken):
            continue
        if len(run) == 1 and sentence[start:end].lower() in vague:
            continue  # "тысячи людей", "آلاف": thousands of
        if len(run) == 1 and run[0][2] == 10 and re.search(r"(?<!\w)ال\w+\s+$", sentence[:start]):
            continue  # "التاسع عشر": an ordinal
        big, small = 0.0, 0.0
        for _, _, v in run:
            if v >= 1000:
                big += (small or 1.0) * v
                small = 0.0
            elif v == 100 and small:
                small *= 100
            else:
                small += v
        total = big + small
        if total >= 2:
            out.append(Fact("number", sentence[start:end], total, _counted_noun(sentence, end, language), start, end,
                            0.8))
    return out


# -- dates ---------------------------------------------------------------------------------
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
_DAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_REL_LAST_YEAR = (r"last year|the previous year|l'an dernier|l'an passé|l'année dernière|l'année passée|"
                  r"letztes jahr|letzten jahres|vergangenen jahres|im vergangenen jahr|el año pasado|del año pasado|"
                  r"в прошлом году|прошлого года|l'anno scorso|dell'anno scorso|no ano passado|do ano passado|"
                  r"vorig jaar|í fyrra|العام الماضي|السنة الماضية")
_REL_LAST = r"last|dernier|dernière|letzten|vergangenen|pasado|прошлого|прошлом|scorso|passado|síðasta|الماضي"
_YESTERDAY = frozenset({"yesterday", "hier", "gestern", "ayer", "вчера", "ieri", "ontem", "gisteren", "í gær", "أمس",
                        "昨天", "昨日"})
_TODAY = frozenset({"today", "aujourd'hui", "heute", "hoy", "сегодня", "oggi", "hoje", "vandaag", "í dag", "اليوم",
                    "今天", "今日", "本日"})
_CJK_DATE_CHAR = re.compile(r"[年月日号前昨今去]")
_DIGIT = re.compile(r"\d")


def _at_runs(pattern: re.Pattern[str], text: str, runs: list[int]) -> list[re.Match[str]]:
    r"""``list(pattern.finditer(text))`` for a pattern whose matches begin at ``runs``, the
    starts of the runs of digits of ``text``, tried there only.

    Such a pattern opens with a lookbehind the regex engine cannot skip ahead with, so a
    search tries it at every character; trying the starts in order, each from the end of
    the last match, is what ``finditer`` does (the matches are non-empty).

    Examples:
        >>> p = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)(?!\d)")
        >>> t = "In 2020, 12019 and 1.2020, then 2021"
        >>> [m.span() for m in _at_runs(p, t, [r.start() for r in _DIGIT_RUN.finditer(t)])]
        [(3, 7), (32, 36)]
    """
    return _matches_at(pattern, text, runs)


class _DatePattern(NamedTuple):
    """A date pattern, and what a sentence must contain for it to match at all.

    ``digit``: the pattern has a ``\\d`` outside any optional part. ``need``: a search that
    succeeds on any text the pattern matches (the month or "ago" words it cannot do
    without, see :func:`_bounded`). Both are checked at most once per sentence, so that a
    sentence skips the patterns that cannot match it instead of scanning it with each.
    ``at_runs``: every match begins where a run of digits does (the pattern opens with a
    digit after a lookbehind that refuses one), so it is tried only there (:func:`_at_runs`).
    """

    kind: str
    pattern: re.Pattern[str]
    digit: bool = False
    need: _Words | None = None
    at_runs: bool = False


class _Words:
    r"""Whether a text holds any of some words or phrases whole, case-insensitively: a search
    for ``(?<!\w)(?:words)(?!\w)`` (and for any of ``chars`` anywhere), made cheaper.

    A pattern that opens with ``(?<!\w)`` gives the regex engine no character to skip ahead
    to, so it tries the words at every character of the text. Split in two, the words at
    the very start, and the words after a non-word character (``[^\w](?:words)(?!\w)``,
    which the engine skips ahead to in C: about one character in six), find the same.

    Examples:
        >>> w = _Words(["may", "l'an"])
        >>> [w.search(t) for t in ("May 3", "in may.", "mayday", "dismay", "l'An dernier", "")]
        [True, True, False, False, True, False]
    """

    __slots__ = ("_after", "_anywhere", "_at_start", "words")

    def __init__(self, words: Iterable[str], chars: str = "") -> None:
        self.words = frozenset(words)
        trie = _trie(self.words)
        self._at_start = re.compile(rf"(?:{trie})(?!\w)", re.IGNORECASE)
        self._after = re.compile(rf"[^\w](?:{trie})(?!\w)", re.IGNORECASE)
        self._anywhere = re.compile(f"[{chars}]") if chars else None

    def search(self, text: str) -> bool:
        """Whether ``text`` holds one of the words (or of the characters)."""
        return ((self._anywhere is not None and self._anywhere.search(text) is not None)
                or self._at_start.match(text) is not None or self._after.search(text) is not None)


def _bounded(words: Iterable[str]) -> _Words:
    """Any of ``words`` as a whole word or phrase, case-insensitive: a date pattern's ``need``.

    It is one when the pattern holds the alternation of the same words with a non-word
    character or a text edge on each side of it (``(?<!\\w)``, ``\\s``, ``\\.``, ``(?!\\w)``…),
    with the same flags.
    """
    return _Words(words)


_CJK_DATES = [
    _DatePattern("ymd", re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]"),
                 digit=True),
    _DatePattern("ym", re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)"), digit=True),
    _DatePattern("ym_rel", re.compile(r"去年\s*(?P<m>\d{1,2})\s*月"), digit=True),
    _DatePattern("md", re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]"), digit=True,
                 at_runs=True),
    _DatePattern("m", re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月(?![\d份]*[日号])(?!\s*\d)"), digit=True,
                 at_runs=True),
    _DatePattern("d", re.compile(r"(?<![\d月.])(?P<d>\d{1,2})\s*[日号](?![本元])"), digit=True, at_runs=True),
    _DatePattern("y", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月)(?!代)"), digit=True,
                 at_runs=True),
    _DatePattern("y_rel", re.compile(r"去年")),
    _DatePattern("day_rel", re.compile(r"(?P<rel>昨天|昨日|今天|今日|本日)")),
    _DatePattern("ago", re.compile(r"(?:\d+|[一二两三四五六七八九十]+)\s*(?:个|か|ヶ)?\s*(?:年|月|周|週間|天|日|小时|時間)前")),
]


@functools.cache
def _date_names(language: str) -> tuple[dict[str, int], dict[str, int], list[str], list[str]]:
    """Month and weekday names (lower-case) of ``language`` and English, from dateparser's locale data."""
    from dateparser.languages.loader import default_loader

    months: dict[str, int] = {}
    days: dict[str, int] = {}
    ago: list[str] = []
    units: list[str] = []
    for code in dict.fromkeys((language, "en")):
        try:
            info = default_loader.get_locale(code).info
        except (ValueError, KeyError, LookupError):
            continue
        for i, key in enumerate(_MONTH_KEYS, 1):
            for name in info.get(key, []):
                n = name.lower()
                if len(n) >= 3 and n.isalpha() and not (code != language and n in ("mar", "set")):
                    months.setdefault(n, i)
        for i, key in enumerate(_DAY_KEYS):
            for name in info.get(key, []):
                if len(name) >= 4 and name.isalpha():
                    days.setdefault(name.lower(), i)
        if code == language:
            ago = [a.lower() for a in info.get("ago", []) if a.lower() != "before"]
            for key in ("year", "month", "week", "day", "hour"):
                units += [u.lower() for u in info.get(key, []) if len(u) >= 3]
    return months, days, ago, units


@functools.cache
def _date_patterns(language: str) -> list[_DatePattern]:
    months, days, ago, units = _date_names(language)
    mon = "|".join(sorted(map(_ESC, months), key=len, reverse=True))
    month = _bounded(months)  # below, a month name always has a non-word character or an edge on each side
    day = "|".join(sorted(map(_ESC, days), key=len, reverse=True))
    y = r"(?P<y>(?:19|20)\d\d)(?!\d)"
    flags = re.IGNORECASE
    pats: list[_DatePattern] = [
        _DatePattern("ymd", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d])"),
                     digit=True, at_runs=True),
        _DatePattern("ymd", re.compile(r"(?<![\d.])(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>(?:19|20)\d\d)(?!\d)"),
                     digit=True, at_runs=True),
        _DatePattern("ymd", re.compile(rf"(?<!\w)(?P<d>\d{{1,2}})(?:er|\.|st|nd|rd|th|-?го)?\s+(?:de\s+)?(?P<mon>{mon})"
                                       rf"\.?,?\s+(?:de\s+|del\s+)?{y}", flags), digit=True, need=month, at_runs=True),
        _DatePattern("ymd", re.compile(rf"(?<!\w)(?P<mon>{mon})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{y}", flags),
                     digit=True, need=month),
        _DatePattern("ym_rel", re.compile(rf"(?<!\w)(?:in\s+|en\s+|im\s+)?(?P<mon>{mon})\s+(?:of\s+)?(?:{_REL_LAST_YEAR})",
                                          flags), need=month),
        _DatePattern("ym_rel", re.compile(rf"(?<!\w)(?:{_REL_LAST})\s+(?P<mon>{mon})(?!\w)", flags), need=month),
        _DatePattern("ym_rel", re.compile(rf"(?<!\w)(?P<mon>{mon})\s+(?:{_REL_LAST})(?!\w)", flags), need=month),
        _DatePattern("ym", re.compile(rf"(?<!\w)(?P<mon>{mon})\.?\s+(?:de\s+|del\s+|of\s+)?{y}", flags),
                     digit=True, need=month),
        _DatePattern("md", re.compile(rf"(?<!\w)(?P<mon>{mon})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d.,]*\d)", flags),
                     digit=True, need=month),
        _DatePattern("md", re.compile(rf"(?<![\w.,])(?P<d>\d{{1,2}})(?:er|\.|st|nd|rd|th|-?го)?\s+(?:de\s+)?(?P<mon>{mon})"
                                      rf"(?!\w)", flags), digit=True, need=month, at_runs=True),
        _DatePattern("d", re.compile(r"\b(?:on|since|from|until|by)\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b|"
                                     r"\b(?:le|depuis le|du)\s+(?P<d2>\d{1,2})(?:er)?(?=\s*[,.;]|\s+(?:au|et)\b)|"
                                     r"\bam\s+(?P<d3>\d{1,2})\.(?=\s*[,;]|\s+(?:und|bis)\b)", flags), digit=True),
        # whole-word alternations of plain words: the same words as a trie are a cheaper first search
        _DatePattern("y_rel", re.compile(rf"(?<!\w)(?:{_REL_LAST_YEAR})(?!\w)", flags),
                     need=_bounded(_REL_LAST_YEAR.split("|"))),
        _DatePattern("day_rel", re.compile(r"(?<!\w)(?P<rel>" + "|".join(sorted(_YESTERDAY | _TODAY, key=len, reverse=True))
                                           + r")(?!\w)", flags), need=_bounded(_YESTERDAY | _TODAY)),
    ]
    if day:
        pats.append(_DatePattern("weekday", re.compile(rf"(?<!\w)(?P<wd>{day})(?!\w)", flags), need=_bounded(days)))
    if ago and units:
        a = "|".join(map(_ESC, ago))
        u = "|".join(sorted(map(_ESC, units), key=len, reverse=True))
        num = r"(?:\d+|[^\W\d_]+)"
        pats.append(_DatePattern("ago", re.compile(rf"(?<!\w)(?:(?:{a})\s+{num}\s+(?:{u})\w*|{num}\s+(?:{u})\w*\s+(?:{a}))"
                                                   rf"(?!\w)", flags), need=_bounded(ago)))
    pats.append(_DatePattern("y", re.compile(r"(?<![\d.,/:-])(?P<y>(?:19|20)\d\d)(?![\d.,]*\d|[-/.:]\d)"), digit=True,
                             at_runs=True))
    return pats


@functools.cache
def _needs(language: str) -> tuple[_Words, ...]:
    """The needs of ``language``'s date patterns, each once."""
    return tuple(dict.fromkeys(p.need for p in _CJK_DATES + _date_patterns(language) if p.need is not None))


@functools.cache
def _any_need(language: str) -> _Words:
    """The words of all of :func:`_needs`: a text without any passes none of them (one search, not five)."""
    return _Words(frozenset().union(*(n.words for n in _needs(language))))


@functools.cache
def _gate(language: str) -> _Words:
    """One cheap search that any sentence with a date must pass (its words as a trie: :func:`_trie`).

    A date without a digit needs a month, weekday or "ago" word, one of the "yesterday",
    "today" and "last year" phrases (all of them: "the previous year", "í gær"), or a CJK
    character of 去年, 昨天, 今天, 本日 ("三天前" passes no gate: dateparser reads no
    Chinese numerals, so it resolves to nothing either way).
    """
    months, days, ago, _ = _date_names(language)
    words = set(months) | set(days) | set(ago) | _YESTERDAY | _TODAY | set(_REL_LAST_YEAR.split("|"))
    words |= {"last", "dernier", "dernière", "letzten", "letztes", "vergangenen", "pasado", "прошлом", "прошлого",
              "scorso", "passado", "vorig", "fyrra", "الماضي", "الماضية", "l'an", "l'année"}
    return _Words(words, chars=r"\d昨今去本")


def _safe_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _dateparser_relative(span: str, language: str, ref: date) -> str | None:
    """``dateparser.parse`` on one candidate span ("three days ago"); cached, as spans repeat."""
    import dateparser

    settings: Any = {"RELATIVE_BASE": datetime(ref.year, ref.month, ref.day), "PREFER_DATES_FROM": "past"}
    try:
        parsed = dateparser.parse(span, languages=[language], settings=settings)
    except (ValueError, TypeError, OverflowError):
        return None
    return parsed.date().isoformat() if parsed else None


def _resolve(kind: str, g: dict[str, str], language: str, ref: date | None,
             months: dict[str, int], span: str) -> tuple[str | None, float]:
    month = months.get(g["mon"].lower().rstrip(".")) if "mon" in g else (int(g["m"]) if "m" in g else None)
    if kind == "ymd" and month:
        return _safe_date(int(g["y"]), month, int(g["d"])), 1.0
    if kind == "ym" and month and 1 <= month <= 12:
        return f"{int(g['y']):04d}-{month:02d}", 1.0
    if kind == "y":
        cue = bool(re.search(r"年|(?:in|en|im|in the year|since|в|au|el|em|nel|sedan|árið)\s*$", g.get("_before", ""),
                             re.IGNORECASE))
        return g["y"], 0.9 if cue or "年" in span else 0.6
    if ref is None:
        return None, 0.0
    if kind == "md" and month:
        year = ref.year - 1 if (month, int(g["d"])) > (ref.month, ref.day) and month - ref.month > 2 else ref.year
        return _safe_date(year, month, int(g["d"])), 0.8
    if kind == "m" and month and 1 <= month <= 12:
        return f"{ref.year - 1 if month - ref.month > 2 else ref.year:04d}-{month:02d}", 0.6
    if kind == "d":
        d = int(g.get("d") or g.get("d2") or g.get("d3") or 0)
        if d > ref.day + 1:  # "on the 25th" in a paper of the 3rd is last month's 25th
            prev = ref.replace(day=1) - timedelta(days=1)
            return _safe_date(prev.year, prev.month, d), 0.5
        return _safe_date(ref.year, ref.month, d), 0.7
    if kind == "ym_rel" and month:
        return f"{ref.year - 1:04d}-{month:02d}", 0.8
    if kind == "y_rel":
        return f"{ref.year - 1:04d}", 0.8
    if kind == "day_rel":
        back = 1 if g["rel"].lower() in _YESTERDAY else 0
        return (ref - timedelta(days=back)).isoformat(), 0.8
    if kind == "weekday":
        # the pattern matches case-insensitively, so it also matches forms that only casefold
        # to a weekday name ("ſunday"): those are looked up casefolded, and an unknown one has no date
        names = _date_names(language)[1]
        wd = names.get(g["wd"].lower(), names.get(g["wd"].casefold()))
        if wd is None:
            return None, 0.0
        return (ref - timedelta(days=(ref.weekday() - wd) % 7)).isoformat(), 0.5
    if kind == "ago":
        return _dateparser_relative(span, language, ref), 0.6
    return None, 0.0


_Matches = list[tuple[str, list[re.Match[str]]]]


def _date_matches(text: str, language: str) -> _Matches:
    """Every match of every date pattern in ``text`` (digits already read as ASCII), pattern by pattern.

    :func:`dates` and :func:`date_spans` both read these, so each pattern scans a sentence
    once; a pattern is skipped when the sentence lacks a digit or month name it needs.
    """
    digit = _DIGIT.search(text) is not None
    if not digit and not _gate(language).search(text):  # a digit passes the gate by its first branch
        return []
    found: dict[_Words, bool] = {}  # need -> whether the text has it
    if digit and not _any_need(language).search(text):  # most figures come without a month or "ago" word
        found = dict.fromkeys(_needs(language), False)
    runs = [r.start() for r in _DIGIT_RUN.finditer(text)] if digit else []
    out: _Matches = []
    for p in _patterns_for(text, language):
        if p.digit and not digit:
            continue
        if p.need is not None:
            if p.need not in found:
                found[p.need] = p.need.search(text)
            if not found[p.need]:
                continue
        out.append((p.kind, _at_runs(p.pattern, text, runs) if p.at_runs else list(p.pattern.finditer(text))))
    return out


def _spans(matches: _Matches) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for kind, found in matches if kind not in ("y", "ago") for m in found]


def date_spans(sentence: str, language: str = "en") -> list[tuple[int, int]]:
    """Spans that look like dates, resolvable or not (their digits are not counts)."""
    return _spans(_date_matches(_ascii_digits(sentence), language))


def _patterns_for(text: str, language: str) -> list[_DatePattern]:
    if language in ("zh", "ja", "ko") or _CJK_DATE_CHAR.search(text):
        return _CJK_DATES + _date_patterns(language)
    return _date_patterns(language)


def dates(sentence: str, language: str, ref_date: str | None = None) -> list[Fact]:
    """Dates in ``sentence``, resolved against ``ref_date`` (ISO) when they lack a year or are relative.

    Examples:
        >>> [(f.value, f.confidence) for f in dates("NATO issued a statement on the 19th.", "en", "2021-07-19")]
        [('2021-07-19', 0.7)]
        >>> [f.value for f in dates("2020年9月，中方发起《全球数据安全倡议》", "zh")]
        ['2020-09']
        >>> [f.value for f in dates("in September last year", "en", "2021-07-19")]
        ['2020-09']
        >>> [f.value for f in dates("Il y a trois jours, le 16 juillet", "fr", "2021-07-19")]
        ['2021-07-16', '2021-07-16']
    """
    text = _ascii_digits(sentence)
    return _dates(sentence, text, language, ref_date, _date_matches(text, language))


def _dates(sentence: str, text: str, language: str, ref_date: str | None, matches: _Matches) -> list[Fact]:
    """:func:`dates` from the matches of :func:`_date_matches`: earlier patterns claim their spans first."""
    if not matches:
        return []
    ref: date | None = None
    if ref_date:
        try:
            ref = date.fromisoformat(ref_date[:10])
        except ValueError:
            ref = None
    months = _date_names(language)[0]
    out: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for kind, found in matches:
        for m in found:
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = {k: v for k, v in m.groupdict().items() if v}
            if kind == "y":
                g["_before"] = text[max(0, m.start() - 14):m.start()]
            value, conf = _resolve(kind, g, language, ref, months, m.group(0))
            if value is None:
                continue
            start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            out.append(Fact("date", sentence[start:m.end()].rstrip(), value, "ago" if kind == "ago" else None, start,
                            m.end(), conf))
            taken.append((m.start(), m.end()))
    return sorted(out, key=lambda f: f.start)


# -- everything ----------------------------------------------------------------------------
def extract_facts(sentence: str, language: str, ref_date: str | None = None) -> list[Fact]:
    """Every fact in one sentence: numbers, dates, places, organisations, people.

    Args:
        sentence: the sentence text.
        language: ISO 639-1 code of the sentence ("en", "fr", "zh"…).
        ref_date: ISO date of the document (``YYYY-MM-DD``), to resolve relative and partial dates.

    Returns:
        Facts sorted by position; a span is claimed by one kind only (dates before numbers).

    Examples:
        >>> [(f.kind, f.value) for f in extract_facts("In 2020, about 52,000 servers in Belgium.", "en")]
        [('date', '2020'), ('number', 52000.0), ('place', 'BE')]
        >>> [(f.kind, f.value) for f in extract_facts("问:7月18日,比利时外交大臣发表声明", "zh", "2022-07-19")]
        [('date', '2022-07-18'), ('place', 'BE')]
    """
    language = (language or "").split("-")[0].split("_")[0].lower()
    text = _ascii_digits(sentence)
    matches = _date_matches(text, language)
    found_dates = _dates(sentence, text, language, ref_date, matches)
    # digits inside a date are not counts, but "50 years ago" also counts 50 years
    spans = [(d.start, d.end) for d in found_dates if d.unit != "ago"] + _spans(matches)
    facts = _numbers(sentence, text, language, spans) + found_dates
    facts += [Fact(n.kind, n.text, n.value, None, n.start, n.end, n.confidence) for n in places(sentence, language)]
    orgs = organizations(sentence)
    names = orgs + [p for p in people(sentence, language)
                    if not any(o.start < p.end and p.start < o.end for o in orgs)]
    place_spans = {(f.start, f.end) for f in facts if f.kind == "place"}
    facts += [Fact(n.kind, n.text, n.value, None, n.start, n.end, n.confidence) for n in names
              if (n.start, n.end) not in place_spans]
    # a date's unit ("ago") only kept its digits counting above; dataclasses.replace would cost 3 us a date
    facts = [Fact(f.kind, f.text, f.value, None, f.start, f.end, f.confidence) if f.kind == "date" else f
             for f in facts]
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
