"""Which language an answer is in: the home language, English, Arabic or none."""

from __future__ import annotations

import re
from collections.abc import Sequence

from keywords.extraction.languages import OTHER
from keywords.extraction.lexicon import get_lexicon

_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")


def detect_language(words: Sequence[str], home_language: str) -> str:
    """The home language, "en", "ar" or "other" for a list of lowercase words.

    Only tests whether an answer is English or Arabic instead of the home language: a free
    choice between sv, da and nb misreads Norwegian as Danish too often.
    """
    if not words:
        return OTHER
    arabic = sum(1 for w in words if _ARABIC_LETTER.match(w))
    if arabic * 2 > len(words):
        return "ar"
    home, english = get_lexicon(home_language), get_lexicon("en")
    home_known = sum(1 for w in words if w in home.stopwords or home.known(w))
    english_known = sum(1 for w in words if w in english.stopwords or english.known(w))
    if home_known == 0 and english_known == 0:
        return OTHER
    # Scandinavian and English share many words; English must clearly win.
    if english_known > home_known and english_known - home_known >= max(1, len(words) // 5):
        return "en"
    return home_language
