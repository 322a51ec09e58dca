"""Which language an answer is in: the home language, English, Arabic or none."""

from __future__ import annotations

import re
from collections.abc import Sequence

from keywords.extraction.languages import OTHER
from keywords.extraction.lexicon import get_lexicon

_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_MAX_CACHED = 200_000
# Per home language: word -> (written in Arabic letters, the home language knows it, English
# knows it). Every word of every answer is looked up in both; answers repeat words, so one
# dict lookup answers all three.
_EVIDENCE: dict[str, dict[str, tuple[int, int, int]]] = {}


def _evidence(home_language: str) -> dict[str, tuple[int, int, int]]:
    evidence = _EVIDENCE.get(home_language)
    if evidence is None:
        evidence = _EVIDENCE[home_language] = {}
    return evidence


def _known_in(word: str, home_language: str) -> tuple[int, int, int]:
    home, english = get_lexicon(home_language), get_lexicon("en")
    return (
        int(_ARABIC_LETTER.match(word) is not None),
        int(word in home.stopwords or home.known(word)),
        int(word in english.stopwords or english.known(word)),
    )


def detect_language(words: Sequence[str], home_language: str) -> str:
    """The home language, "en", "ar" or "other" for a list of lowercase words.

    Only tests whether an answer is English or Arabic instead of the home language: a free
    choice between sv, da and nb misreads Norwegian as Danish too often.
    """
    if not words:
        return OTHER
    evidence = _evidence(home_language)
    arabic = home_known = english_known = 0
    for w in words:
        known = evidence.get(w)
        if known is None:
            known = _known_in(w, home_language)
            if len(evidence) < _MAX_CACHED:
                evidence[w] = known
        arabic += known[0]
        home_known += known[1]
        english_known += known[2]
    if arabic * 2 > len(words):
        return "ar"
    if home_known == 0 and english_known == 0:
        return OTHER
    # Scandinavian and English share many words; English must clearly win.
    if english_known > home_known and english_known - home_known >= max(1, len(words) // 5):
        return "en"
    return home_language
