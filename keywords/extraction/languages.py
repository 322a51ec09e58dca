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


# Definite plural endings: only a noun takes them, so a word the table lists one for is a
# noun even where a verb shares its present tense ("skoler" is a plural, not "skole" + -r).
# (The singular "-en" is no such sign: simplemma's Danish table lists "lytten" for "lytte".)
# Swedish nouns in -a drop it before the plural ("skola": "skolorna"), hence the endings
# with the -a replaced.
NOUN_ONLY_SUFFIXES = {
    "sv": ("na", "arna", "orna", "erna"),
    "da": ("ne", "ene", "erne", "rne"),
    "nb": ("ne", "ene"),
}
NOUN_ONLY_AFTER_DROPPED_A = ("orna", "arna")


# Past tense endings no noun form shares (Norwegian "-et" is also a neuter definite).
PAST_ONLY_SUFFIXES = {
    "sv": ("ade", "de", "dde", "te"),
    "da": ("ede", "te"),
    "nb": ("te", "de", "dde"),
}


# Plural endings added to the unchanged singular of a noun (Swedish "vägar", "vägarna";
# Danish and Norwegian definite plurals). Swedish "-er" is left out: "kvarter" is no plural
# of "kvart".
REGULAR_PLURAL_SUFFIXES = {
    "sv": ("arna", "orna", "erna", "ar", "or"),
    "da": ("erne", "ene"),
    "nb": ("ene",),
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
