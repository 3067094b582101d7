"""Names for :mod:`refrains.facts`: places from CLDR, organisations and people by rule.

* **places**: every country and territory name of ~30 CLDR locales (Babel's
  ``Locale.territories``), looked up by word n-grams in one dictionary, so that
  "Belgium", "Belgique", "Бельгии", "بلجيكا" and "比利时" all come out as ``BE``. Written
  here, because no library does it: the lookup itself, possessives and elisions
  ("China's", "d'Allemagne"), case endings for Russian, Ukrainian, Polish, Czech,
  Icelandic and German genitive ("Бельгии", "Deutschlands"), Arabic proclitics
  ("وبلجيكا"), and a short hand list of abbreviations CLDR lacks ("US", "США", "中方").
  Demonyms and adjectives ("Chinese", "belge") are deliberately *not* places.
* **organisations**: a hand list of aliases with one canonical name across languages
  (EU/UE/ЕС/欧盟 -> "European Union", NATO/OTAN/北约), then rules for Latin-script
  names: acronyms and capitalised phrases ending in a head word (Ministry, Agency…).
* **people**: a capitalised name after a title ("President Joe Biden", "M. Macron").

Rules, not a model: precision is good for places and listed organisations, recall is
low for people and unlisted organisations (no NER model is available offline).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

GAZETTEER_LOCALES = (
    "en", "fr", "de", "es", "ru", "zh", "zh_Hant", "ar", "pt", "it", "nl", "pl", "tr", "ja", "ko", "uk", "is",
    "cs", "sv", "da", "nb", "fi", "el", "hu", "ro", "bg", "hr", "he", "fa", "hi", "id", "vi",
)
_NOT_PLACES = frozenset({"ZZ", "QO", "XA", "XB", "EZ", "UN", "EU", "001", "150", "419"})
_INFLECTED = frozenset({"ru", "uk", "pl", "cs", "is", "bg", "hr", "sk", "sl", "sr", "fi", "hu", "lt", "lv", "et"})
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W_])?")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ENDINGS = re.compile(r"[аяйьоеиыуюaeiouyąęáéíóúý]$")
_AR_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف", "ك")


@dataclass(frozen=True)
class Name:
    """A name found in a sentence (the fact-free core of a place/organisation/person)."""

    kind: str
    text: str
    value: str
    start: int
    end: int
    confidence: float


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The shipped hand lists (``data/facts_lexicon.json``)."""
    text = resources.files("refrains").joinpath("data/facts_lexicon.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _norm(word: str) -> str:
    return word.lower().replace("ё", "е").replace("’", "'")


@dataclass(frozen=True)
class _Gazetteer:
    names: dict[str, str]  # normalised word n-gram -> ISO code
    first: dict[str, int]  # first word -> longest n-gram starting with it
    stems: dict[str, str]  # stem of a one-word name in an inflected language -> ISO code
    abbreviations: dict[str, str]  # case-sensitive surface -> ISO code
    cjk: re.Pattern[str]


@functools.lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """Built once, lazily, from Babel's CLDR territory names (about 0.3 s)."""
    from babel import Locale

    names: dict[str, str] = {}
    stems: dict[str, str] = {}
    cjk: set[str] = set()
    for loc in GAZETTEER_LOCALES:
        try:
            territories = Locale.parse(loc).territories
        except (ValueError, LookupError):
            continue
        for code, name in territories.items():
            if len(code) != 2 or not code.isalpha() or code in _NOT_PLACES:
                continue
            for variant in {name, re.sub(r"\s*\(.*\)$", "", name).strip()}:
                if len(variant) < 2:
                    continue
                if _CJK_CHAR.search(variant):
                    names.setdefault(variant, code)
                    cjk.add(variant)
                    continue
                key = " ".join(_norm(t) for t in _TOKEN.findall(variant))
                if key:
                    names.setdefault(key, code)
                if loc in _INFLECTED and " " not in key:
                    stem = _ENDINGS.sub("", key)
                    if len(stem) >= 4:
                        stems.setdefault(stem, code)
    abbreviations: dict[str, str] = {}
    for code, forms in lexicon()["place_abbreviations"].items():
        for form in forms:
            if _CJK_CHAR.search(form):
                names[form] = code
                cjk.add(form)
            elif " " in form and not form.isupper():
                names[" ".join(_norm(t) for t in _TOKEN.findall(form))] = code
            else:
                abbreviations[form.rstrip(".")] = code
    first: dict[str, int] = {}
    for n in names:
        words = n.split()
        first[words[0]] = max(first.get(words[0], 0), len(words))
    pattern = re.compile("|".join(re.escape(n) for n in sorted(cjk, key=len, reverse=True)))
    return _Gazetteer(names, first, stems, abbreviations, pattern)


def _variants(word: str, language: str) -> list[str]:
    """Other spellings of one token to try: possessive, elision, case endings, proclitics."""
    out = []
    if word.endswith(("'s", "'")):
        out.append(word[:-2] if word.endswith("'s") else word[:-1])
    if "'" in word[:6]:
        out.append(word.split("'", 1)[1])
    if language == "de" and word.endswith("s"):
        out.append(word[:-1])
    if language == "ar":
        for p in _AR_PREFIXES:
            if word.startswith(p) and len(word) > len(p) + 2:
                rest = word[len(p):]
                out.append("ال" + rest if p in ("لل", "وال", "بال", "فال", "كال") else rest)
    return out


_ELIDED = re.compile(r"^\w{1,2}['’]\w")
_APOSTROPHE = re.compile(r"['’]")


def _capitalised(words: list[str]) -> list[int]:
    """Indices of the tokens that may start a place name: a capital or uncased first letter,
    or an apostrophe early on ("l'Italie"). A cheap superset of what :func:`places` keeps,
    so that its loop skips the lower-case majority of tokens.

    Examples:
        >>> _capitalised(["the", "Chinese", "l'Italie", "بلجيكا", "中国", "того"])
        [1, 2, 3, 4]
    """
    return [i for i, w in enumerate(words)
            if (c := w[0]).isupper() or c.lower() == c.upper() or "'" in w[1:3] or "’" in w[1:3]]


def places(sentence: str, language: str = "") -> list[Name]:
    """Countries and territories, as ISO 3166 codes, in any of ~30 languages.

    Args:
        sentence: the sentence text.
        language: ISO 639-1 code; turns on case endings (ru, pl, de…) and Arabic proclitics.

    Examples:
        >>> sorted({n.value for n in places("La Chine ne constitue aucune menace pour la Belgique.", "fr")})
        ['BE', 'CN']
        >>> [n.value for n in places("中国驻比利时使馆", "zh")]
        ['CN', 'BE']
        >>> [n.value for n in places("Посольство Китая в Бельгии", "ru")]
        ['CN', 'BE']
    """
    g = gazetteer()
    out: list[Name] = []
    words = _TOKEN.findall(sentence)
    tokens: list[re.Match[str]] = []  # the same tokens' spans, found once a place is (most sentences have none)
    end_of_last = 0  # tokens before this one are inside a place already found
    for i in _capitalised(words):
        if i < end_of_last:
            continue
        tok = words[i]
        alone = _one_word(tok, language)
        if alone is None:
            continue  # neither a place by itself nor the first word of a longer one
        if alone:
            tokens = tokens or list(_TOKEN.finditer(sentence))
            start, end = tokens[i].start(), tokens[i].end()
            if not g.abbreviations.get(tok.rstrip(".")) and sentence[end - 2:end] in ("'s", "’s"):
                end -= 2  # the place, not its possessive
            out.append(Name("place", sentence[start:end], alone, start, end, 0.9))
            end_of_last = i + 1
            continue
        first = _norm(tok)
        variants = _variants(first, language)
        longest = min(max(g.first.get(w, 1) for w in (first, *variants)), len(words) - i)
        lowered = [first, *map(_norm, words[i + 1:i + longest])]  # the n-grams' words, normalised
        for n in range(longest, 0, -1):
            key = " ".join(lowered[:n])
            code = g.names.get(key)
            if code is None and n > 1:  # elision or proclitic on the first word: "l'Arabie saoudite", "للولايات المتحدة"
                rest = lowered[1:n]
                code = next((g.names[k] for k in (" ".join([v, *rest]) for v in variants) if k in g.names), None)
            if code is None and n == 1:
                code = next((g.names[v] for v in variants if v in g.names), None)
                if code is None and language in _INFLECTED:
                    code = next((g.stems[s] for s in (key[:-1], key[:-2], key[:-3], key) if s in g.stems), None)
            if code and not (n == 1 and tok.isupper() and len(tok) <= 3):
                tokens = tokens or list(_TOKEN.finditer(sentence))
                start, end = tokens[i].start(), tokens[i + n - 1].end()
                if sentence[end - 2:end] in ("'s", "’s"):
                    end -= 2  # the place, not its possessive
                out.append(Name("place", sentence[start:end], code, start, end, 0.9))
                end_of_last = i + n
                break
    if _CJK_CHAR.search(sentence):
        out += [Name("place", m.group(0), g.names[m.group(0)], m.start(), m.end(), 0.9)
                for m in g.cjk.finditer(sentence)]
    return sorted(out, key=lambda f: f.start)


@functools.lru_cache(maxsize=100_000)
def _one_word(tok: str, language: str) -> str | None:
    """What :func:`places` makes of a capitalised token ``tok`` on its own, remembered.

    Returns the place's code when ``tok`` is a place by itself and starts no longer name,
    ``None`` when it is no place and starts none (most capitalised words), and ``""`` when
    it starts a longer name (the words after it decide).
    """
    g = gazetteer()
    head = _APOSTROPHE.split(tok, maxsplit=1)[1] if _ELIDED.match(tok) else tok  # "l'Italie"
    if not head[0].isupper() and head[0].lower() != head[0].upper():
        return None  # country names are capitalised in every cased script ("chad", "turkey", "того" are words)
    abbr = g.abbreviations.get(tok.rstrip("."))
    if abbr:
        return abbr
    first = _norm(tok)
    variants = _variants(first, language)
    if max(g.first.get(w, 1) for w in (first, *variants)) > 1:
        return ""
    code = g.names.get(first)
    if code is None:
        code = next((g.names[v] for v in variants if v in g.names), None)
        if code is None and language in _INFLECTED:
            code = next((g.stems[s] for s in (first[:-1], first[:-2], first[:-3], first) if s in g.stems), None)
    return code if code and not (tok.isupper() and len(tok) <= 3) else None


def _trie(words: Iterable[str]) -> str:
    """A regex for exactly the strings ``words``, common prefixes factored out.

    The regex engine tries the branches of an alternation one by one at each position, so
    a search for any of a hundred month and weekday names costs a hundred tries per word
    of the text; factored, a handful. It matches the same strings, so a search finds one
    exactly when the plain alternation would (which branch wins may differ: for gates). For
    case-sensitive words it also finds the same match: the text spells one path through the
    trie, which tries a longer word before a shorter one, as a longest-first alternation does.

    Examples:
        >>> _trie(["mar", "mars", "march", "may", "mai"])
        'ma(?:i|r(?:ch|s)?|y)'
        >>> _trie(["a", ""]), _trie([])
        ('(?:a)?', '')
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if "" in node:
            return "(?:" + "|".join(branches) + ")?"
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root)


@functools.lru_cache(maxsize=1)
def _org_aliases() -> tuple[dict[str, str], re.Pattern[str], re.Pattern[str]]:
    """The aliases' table, their pattern, and where a match of it can begin (an alias's first two letters)."""
    table: dict[str, str] = {}
    for canonical, forms in lexicon()["organizations"].items():
        for form in forms:
            table[form] = canonical
    cjk = [f for f in table if _CJK_CHAR.search(f)]
    latin = [f for f in table if not _CJK_CHAR.search(f)]
    # CJK is written without spaces, so its aliases need no word boundary; as tries, the
    # same longest alias at each place as the longest-first alternations they replace
    # where an alias can begin, as literals: the regex engine skips ahead to their first letters in C
    starts = re.compile("|".join(sorted({re.escape(f[:2]) for f in table})))
    return table, re.compile(rf"{_trie(cjk)}|(?<![\w.])(?:{_trie(latin)})(?![\w])"), starts


_ORG_HEAD = (r"Ministry|Department|Agency|Center|Centre|Council|Commission|Embassy|Bank|Office|Institute|"
             r"University|Party|Army|Police|Court|Parliament|Union|Organi[sz]ation|Association|Committee|"
             r"Federation|Corporation|Company|Group|Times|Post|News|Agence|Ministère|Ambassade|Conseil|Banque|"
             r"Ministerium|Bundesamt|Partei|Ministerio|Министерство|Банк|International|Foundation|Fondation|Stiftung|Fundación")
_ORG = re.compile(rf"\b(?:[A-Z][\w&'-]+\s+){{0,5}}(?:{_ORG_HEAD})\b(?:\s+(?:of|for|de|du|des|der|für|de la)\s+"
                  rf"(?:the\s+)?(?:[A-Z][\w'-]+\s*){{1,4}})?|\b[A-Z][A-Z&]{{1,5}}\b")
_NOT_ORGS = frozenset({"Q", "A", "R", "CEO", "GMT", "UTC", "CET", "AM", "PM", "TV", "OK", "ID", "COVID", "PCR", "GDP",
                       "BIP", "PIB", "ВВП", "DNA", "HIV", "AIDS", "SMS", "PDF", "USD", "EUR", "GBP", "CNY", "RUB",
                       "VAT", "TVA", "MwSt", "CO", "PS", "NB", "FAQ", "Q&A", "Q&R", "F&A", "IT", "AI", "KI", "II", "III", "IV", "VI",
                       "VII", "VIII", "IX", "XI", "XII", "MP", "MPs", "NHS", "I", "OF", "THE", "AND",
                       # headline furniture and codes written in capitals ("READ MORE:", "QR code")
                       "READ", "MORE", "ALSO", "SEE", "WATCH", "VIDEO", "PHOTO", "PHOTOS", "UPDATE", "BREAKING", "LIVE",
                       "QR"})
_LONE_HEAD = re.compile(rf"(?:{_ORG_HEAD})")
_HEAD_WORDS = frozenset(h.replace("[sz]", c) for h in _ORG_HEAD.split("|") for c in "sz")
"""The strings ``_LONE_HEAD`` fullmatches: a set lookup instead of a regex per word."""
_ACRONYM = re.compile(r"[A-Z](?=[A-Z&])")
_HEAD_ANY = re.compile(_ORG_HEAD)
"""Where ``_ORG``'s second branch (an acronym) can begin; its first needs a head word in the sentence."""
_ORG_START = re.compile("[A-Z" + "".join(sorted({h[0] for h in _ORG_HEAD.split("|")} - set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
                        + "]")
"""Where a match of ``_ORG`` can begin: a capital of its leading words, of a head word or of an acronym."""


def _matches_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for a pattern whose every match is non-empty and begins
    at one of ``starts`` (ascending): the pattern is tried only there.

    A pattern that opens with ``\\b`` or a lookbehind gives the regex engine no character
    to skip ahead to, so a search tries it at every character of the text; a cheap search
    for where a match can begin (a capital, a digit) leaves a few places. Trying them in
    order, each from the end of the last match, is what ``finditer`` does: a lookbehind
    sees the text before where a match is tried.

    Examples:
        >>> [m.group(0) for m in _matches_at(_ORG, "the UN and the World Bank", [4, 15])]
        ['UN', 'World Bank']
    """
    out: list[re.Match[str]] = []
    pos = 0
    for p in starts:
        if p >= pos and (m := pattern.match(text, p)) is not None:
            out.append(m)
            pos = m.end()
    return out


def organizations(sentence: str) -> list[Name]:
    """Organisations: listed aliases with a canonical name, then rules (Latin script only).

    Examples:
        >>> [(n.text, n.value) for n in organizations("L'OTAN et l'UE ont répondu.")]
        [('OTAN', 'NATO'), ('UE', 'European Union')]
        >>> [n.value for n in organizations("the US Department of Justice")]
        ['US Department of Justice']
    """
    table, aliases, alias_starts = _org_aliases()
    out: list[Name] = []
    taken: list[tuple[int, int]] = []
    for m in _matches_at(aliases, sentence, [s.start() for s in alias_starts.finditer(sentence)]):
        out.append(Name("organization", m.group(0), table[m.group(0)], m.start(), m.end(), 0.9))
        taken.append((m.start(), m.end()))
    # without a head word anywhere, only an acronym can match: it begins at a capital before a capital or "&"
    starts = _ORG_START if _HEAD_ANY.search(sentence) else _ACRONYM
    for m in _matches_at(_ORG, sentence, [c.start() for c in starts.finditer(sentence)]):
        text = m.group(0).rstrip()
        start = m.start()
        for article in ("The ", "La ", "Le ", "Les ", "Der ", "Die ", "Das ", "El "):
            if text.startswith(article):
                text, start = text[len(article):], start + len(article)
        end = start + len(text)
        if len(text) < 2 or text in _NOT_ORGS or any(a < end and start < b for a, b in taken):
            continue
        if text in _HEAD_WORDS or (text.isupper() and re.match(r"-\d", sentence[end:end + 2])):
            continue  # a head word alone names nothing ("Police:", "Group"); "LE-512", "A-7" are codes
        if text.isupper() and gazetteer().abbreviations.get(text):
            continue  # "US", "UK" are places
        confidence = 0.5 if text.isupper() else 0.6
        out.append(Name("organization", text, re.sub(r"\s+", " ", text), start, end, confidence))
    return sorted(out, key=lambda n: n.start)


_TITLES = (r"President|Prime Minister|Minister|Secretary|Chancellor|Senator|Governor|Mayor|Judge|General|Mr\.?|"
           r"Mrs\.?|Ms\.?|Dr\.?|Président|Présidente|Premier ministre|ministre|M\.|Mme|Präsident|Präsidentin|"
           r"Bundeskanzlerin|Bundeskanzler|Kanzlerin|Minister(?:in)?|Herr|Frau|presidente|ministro|ministra|"
           r"señor|señora|президент|премьер-министр|министр|глава|forseti|ráðherra")
_PERSON = re.compile(rf"\b(?:{_TITLES})\s+(?P<name>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'-]+(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'-]+){{0,2}})")
_TITLE_ANY = re.compile(_TITLES)
"""Any title, anywhere: every branch opens with a letter, so the engine skips ahead to those in C; without
one, ``_PERSON`` (which opens with ``\\b``, and is tried at every character) cannot match."""
_NOT_NAMES = frozenset({"The", "Of", "For", "And", "In", "On", "Le", "La", "Les", "Der", "Die", "Das", "El",
                        # German nouns are capitalised: "Herr Landeshauptmann" is a title, not a name
                        "Landeshauptmann", "Landeshauptfrau", "Bürgermeister", "Bürgermeisterin", "Präsident",
                        "Präsidentin", "Minister", "Ministerin", "Kanzler", "Kanzlerin", "Doktor", "Professor",
                        "Professorin", "Kollege", "Kollegin", "Abgeordnete", "Abgeordneter", "Pfarrer", "Richter",
                        "Richterin", "Vorsitzende", "Vorsitzender"})


_CAP = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’-]+"
_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁ]")
"""The first letter of ``_CAP`` and of ``_PERSON``'s names: every name but a Japanese one has one."""
_NAME_TAIL = rf"(?:\s+(?:(?:de|da|del|van|von|der|le|la|al|bin|ibn)\s+)?{_CAP}){{1,2}}"
_GIVEN = re.compile(rf"\b(?=(?P<name>{_CAP}{_NAME_TAIL}))")  # overlapping: "Laut Angela Merkel"
_FIRST_WORD = re.compile(_CAP)
"""The first word of a ``_GIVEN`` name, read alone (``_CAP`` runs to the whitespace the tail begins with)."""
_SPEECH = {
    "en": (r"(?:said|says|told|added|wrote|explained|stated|warned|insisted)",
           r"(?:said|says|according to)"),
    "fr": (r"(?:a déclaré|a dit|a affirmé|a annoncé|a expliqué|a indiqué|a souligné|a estimé|a ajouté|déclare|affirme)",
           r"(?:selon|d'après|a déclaré|a affirmé|a ajouté|a expliqué)"),
    "es": (r"(?:dijo|afirmó|señaló|aseguró|explicó|agregó|añadió|declaró|indicó|ha dicho|ha afirmado)",
           r"(?:según|dijo|afirmó|señaló|aseguró|explicó|agregó|añadió|declaró)"),
    "ru": ((r"(?:(?:также|уже|ранее|тогда)\s+)?(?:заявил|заявила|сказал|сказала|написал|написала|отметил|отметила|"
            r"напомнил|напомнила|подчеркнул|подчеркнула|признался|признала|добавил|добавила|сообщил|сообщила)"),
           r"(?:заявил|заявила|сказал|сказала|написал|написала|отметил|отметила|по словам)"),
}
_PLACE_HEADS = frozenset({"County", "Street", "Avenue", "Road", "River", "Lake", "Island", "Islands", "Bay", "Square",
                          "Park", "Airport", "Station", "Stadium", "Bridge", "Hall", "Church", "School", "Hospital",
                          "Mountain", "Valley", "Beach", "Straße", "Platz", "Rue", "Place", "Calle", "Plaza"})
_NOT_SPEAKERS = frozenset({
    "He", "She", "They", "It", "We", "I", "You", "This", "That", "There", "Police", "Officials", "Experts",
    "Il", "Elle", "Ils", "Elles", "On", "Él", "Ella", "Ellos", "Он", "Она", "Они", "Мы", "Я", "Это",
})
_JA_PERSON = re.compile(r"(?P<name>[\u4e00-\u9fff々]{2,5}|[\u30a1-\u30fa\u30fc]{3,12})"
                        r"(?:さん|氏|容疑者|被告|選手|監督|首相|大統領|議員|知事|市長|宮司|会長|社長|代表|教授)")


@functools.lru_cache(maxsize=1)
def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    """Given names (Latin script as written; Cyrillic as stems, so that case forms match)."""
    table = lexicon()["first_names"]
    cyr = frozenset(_ENDINGS.sub("", _norm(n)) for n in table["cyrillic"])
    return frozenset(table["latin"]), cyr


@functools.lru_cache(maxsize=20_000)  # capitalised words: a bounded memo, most of them recur
def _is_given(word: str) -> bool:
    latin, cyr = _given_names()
    if word in latin:
        return True
    if re.match(r"[А-ЯЁ]", word):
        w = _norm(word)
        for cut in (3, 2, 1, 0):  # Дональда, Дональдом, Ангеле: drop a case ending, then the stem's vowel
            stem = _ENDINGS.sub("", w[: len(w) - cut]) if cut < len(w) - 2 else ""
            if stem and stem in cyr:
                return True
    return False


@functools.cache
def _speech_patterns(language: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The name-then-verb and cue-then-name patterns of ``language``, compiled once."""
    verbs = _SPEECH.get(language)
    if verbs is None:
        return None
    after, before = verbs
    name = rf"{_CAP}(?:\s+{_CAP}){{0,2}}"
    return re.compile(rf"(?P<name>{name})\s+{after}\b"), re.compile(rf"\b{before}\s+(?P<name>{name})")


def _speakers(sentence: str, language: str) -> list[tuple[int, int]]:
    patterns = _speech_patterns(language)
    if patterns is None:
        return []
    after, before = patterns
    spans = []
    for m in after.finditer(sentence):
        start = m.start("name")
        if start == 0 or sentence[start - 1] in " \"«“„'—-,:(":  # a subject, not the tail of a longer phrase
            spans.append((start, m.end("name")))
    for m in before.finditer(sentence):
        spans.append((m.start("name"), m.end("name")))
    return spans


def people(sentence: str, language: str = "") -> list[Name]:
    """People: after a title ("President Xi Jinping", "M. Macron", "министр Лавров"), a common
    given name and a capitalised surname ("Emmanuel Macron", "Дональда Трампа"), the speaker of a
    reporting verb ("Meunier said", "selon Jean Castex", "Путин напомнил"), and in Japanese a
    name before an honorific or role ("竹田智恵子さん").

    Examples:
        >>> [n.value for n in people("Foreign Minister Sophie Wilmès said")]
        ['Sophie Wilmès']
        >>> [n.value for n in people("Laut Angela Merkel ist das so.", "de")]
        ['Angela Merkel']
        >>> [n.value for n in people('"It is over," Meunier said.', "en")]
        ['Meunier']
    """
    found: list[tuple[int, int, float]] = []
    capital = _CAPITAL.search(sentence) is not None  # no capital, no name but Japanese ones
    for m in _PERSON.finditer(sentence) if capital and _TITLE_ANY.search(sentence) else ():
        found.append((m.start("name"), m.end("name"), 0.7))
    if language == "ja":
        found += [(m.start("name"), m.end("name"), 0.6) for m in _JA_PERSON.finditer(sentence)]
    elif capital and language not in ("zh", "ko"):
        # _GIVEN's matches are empty, one at each capital that begins a name: tried only there, and
        # only where the first word is a given name (what the name's first word is checked for)
        for c in _CAPITAL.finditer(sentence):
            word = _FIRST_WORD.match(sentence, c.start())
            if word is None or not _is_given(word.group(0)):
                continue
            given = _GIVEN.match(sentence, c.start())
            if given is not None:
                found.append((given.start("name"), given.end("name"), 0.6))
        found += [(a, b, 0.5) for a, b in _speakers(sentence, language)]
    out: list[Name] = []
    for start, end, confidence in sorted(found, key=lambda f: (f[0], -f[1])):
        name = sentence[start:end]
        first = name.split()[0]
        if first in _NOT_NAMES or first in _NOT_SPEAKERS or gazetteer().names.get(_norm(name)):
            continue
        if name.split()[-1] in _PLACE_HEADS:
            continue  # "Princess Anne County", "Jesse Owens Avenue": a place named after someone
        if gazetteer().abbreviations.get(name) or name in _NOT_ORGS or any(
                w in _HEAD_WORDS for w in name.split()):
            continue  # "said Amnesty International": a head word makes it an organisation
        if any(n.start <= start < n.end or start <= n.start < end for n in out):
            continue  # the longest name at a place wins; the others overlap it
        out.append(Name("person", name, name, start, end, confidence))
    return out
