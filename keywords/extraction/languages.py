"""Language codes, how each library names them, and the endings that tell a word's class."""

from __future__ import annotations

from functools import cache

from keywords.extraction.wordlists import SURVEY_STOPWORDS

HOME_LANGUAGES = ("sv", "da", "nb")
OTHER = "other"

# Languages as stopwords-iso and Snowball name them: Bokmål must be asked for as "no"
# (stopwords-iso returns an empty list for "nb").
_STOPWORDS_ISO_CODE = {"sv": "sv", "da": "da", "nb": "no", "en": "en", "ar": "ar"}
SNOWBALL_NAME = {
    "sv": "swedish",
    "da": "danish",
    "nb": "norwegian",
    "en": "english",
    "ar": "arabic",
}


# exists for adjectives, the past tense only for verbs, the definite forms only for nouns.
ADJECTIVE_SUFFIXES = {
    "sv": ("are", "ast", "aste"),
    "da": ("ere", "est", "este"),
    "nb": ("ere", "est", "este"),
    "en": ("er", "est"),
    "ar": (),
}
NOUN_SUFFIXES = {
    "sv": ("en", "et", "n", "na", "arna", "orna", "erna"),
    "da": ("en", "et", "n", "ne", "ene", "erne", "rne"),
    "nb": ("en", "et", "a", "ene", "ne"),
    "en": (),
    "ar": (),
}
DEFINITE_SUFFIXES = {
    "sv": ("arna", "orna", "erna", "na", "en", "et", "n"),
    "da": ("erne", "ene", "ne", "en", "et"),
    "nb": ("ene", "ne", "en", "et", "a"),
}
PAST_SUFFIXES = {
    "sv": ("de", "dde", "te"),
    "da": ("de", "ede", "te"),
    "nb": ("de", "te", "et", "dde"),
    "en": (),
    "ar": (),
}


@cache
def stopwords(language: str) -> frozenset[str]:
    import stopwordsiso

    shipped = stopwordsiso.stopwords(_STOPWORDS_ISO_CODE[language])
    return frozenset(shipped) | SURVEY_STOPWORDS[language]


def check_language(language: str) -> str:
    if language not in _STOPWORDS_ISO_CODE:
        raise ValueError(f"unsupported language: {language!r}")
    return language
