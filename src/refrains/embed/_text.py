"""Text as the encoders should see it.

Arabic script is normally written without short-vowel marks; some texts add them (harakat:
fatha, damma, kasra, shadda, sukun, tanwin) or stretch words with tatweel. Both encoders
tokenise a marked word into rarer pieces than the same word unmarked, so the marks push a
sentence away from its translations (Tatoeba Arabic: 28% of lines carry them; removing
them lifts top-1 retrieval by ~1 point for each encoder). The marks are optional in Arabic,
Persian and Urdu, so removing them never changes a word. Marks that are spelling elsewhere
(Hebrew-script points in Yiddish, Latin accents) are kept.
"""

from __future__ import annotations

import re

_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")


def for_encoder(text: str) -> str:
    """``text`` without optional Arabic-script vowel marks and tatweel.

    Examples:
        >>> for_encoder("قدّم سامي المالَ")
        'قدم سامي المال'
        >>> for_encoder("déjà vu")
        'déjà vu'
    """
    return _ARABIC_MARKS.sub("", text)
