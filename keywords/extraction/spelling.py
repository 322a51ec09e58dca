"""Spelling repair of single words against the lemma table: missing diacritics, one slip.

Answers typed on a foreign keyboard or a phone drop diacritics ("ar nara affar", "aeldre",
"soppel"), and quick typing swaps or drops a letter ("skadegörlesen"). A word the table does
not know is repaired when a spelling it does know is near: diacritics first (each plain
letter may stand for its accented forms, "ae"/"oe"/"aa" for "æ"/"ø"/"å"), then one edit
(a swap of neighbours, a letter dropped or added) for longer words. Only a word
the table knows is ever produced, and the first candidate in a fixed order wins, so the same
input always gets the same repair.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import product

# Plain spellings of the letters with diacritics, per language (the keyboard's loss).
_DIACRITICS = {
    "sv": {"a": ("a", "å", "ä"), "o": ("o", "ö"), "e": ("e", "é")},
    "da": {"a": ("a", "å"), "o": ("o", "ø"), "e": ("e", "é")},
    "nb": {"a": ("a", "å"), "o": ("o", "ø"), "e": ("e", "é")},
}
# Two-letter transcriptions that stand for one letter ("aeldre", "groenne", "paa").
_DIGRAPHS = {
    "sv": {},
    "da": {"ae": "æ", "oe": "ø", "aa": "å"},
    "nb": {"ae": "æ", "oe": "ø", "aa": "å"},
}
_LETTERS = {
    "sv": "abcdefghijklmnopqrstuvwxyzåäö",
    "da": "abcdefghijklmnopqrstuvwxyzæøå",
    "nb": "abcdefghijklmnopqrstuvwxyzæøå",
}
DIACRITIC = re.compile("[åäöæøé]", re.IGNORECASE)
# More plain vowels than this and the variants get too many to try.
_MAX_AMBIGUOUS = 4
# One edit changes a short word too much: "bord" is one edit from "bord", "mord", "ord"...
MIN_EDIT_LENGTH = 7


def diacritic_variants(word: str, language: str) -> Iterator[str]:
    """Spellings of ``word`` with diacritics restored, the word itself excluded."""
    table = _DIACRITICS.get(language)
    if not table:
        return
    for digraph, letter in _DIGRAPHS[language].items():
        if digraph in word:
            yield word.replace(digraph, letter)
    positions = [i for i, ch in enumerate(word) if ch in table]
    if not positions or len(positions) > _MAX_AMBIGUOUS:
        return
    for choice in product(*(table[word[i]] for i in positions)):
        letters = list(word)
        for i, ch in zip(positions, choice, strict=True):
            letters[i] = ch
        variant = "".join(letters)
        if variant != word:
            yield variant


def single_edits(word: str, language: str) -> Iterator[str]:
    """Words one slip away: neighbours swapped, a letter dropped or doubled/inserted.

    No replaced letters: they reach by far the most words, and so most often a wrong one
    ("hundbajs" is not "hundhajs").
    """
    letters = _LETTERS.get(language, "")
    n = len(word)
    for i in range(n - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    for i in range(n):
        yield word[:i] + word[i + 1 :]
    for i in range(1, n):
        for ch in letters:
            yield word[:i] + ch + word[i:]


def _has_known_head(word: str, known: Callable[[str], bool]) -> bool:
    """Some ending of four letters or more is a known word ("skate|park", "inomhus|hall"):
    the word may be a sound compound the table lacks, so it is not changed."""
    return any(known(word[i:]) for i in range(1, len(word) - 3))


def _splits_into_two_known_words(word: str, known: Callable[[str], bool]) -> bool:
    return any(known(word[:i]) and known(word[i:]) for i in range(3, len(word) - 2))


def compound_of_known_words(word: str, known: Callable[[str], bool], depth: int = 2) -> bool:
    """``word`` reads as known words of four letters or more written together
    ("hundrastgård": "hund" + "rast" + "gård"), allowing a linking -s-."""
    for i in range(4, len(word) - 3):
        head, modifier = word[i:], word[:i]
        if not known(head):
            continue
        for stem in (modifier, modifier[:-1] if modifier.endswith("s") else ""):
            if len(stem) >= 4 and (
                known(stem) or (depth > 1 and compound_of_known_words(stem, known, depth - 1))
            ):
                return True
    return False


def repair(
    word: str,
    language: str,
    known: Callable[[str], bool],
    rank: Callable[[str], int],
    analysable: Callable[[str], bool],
) -> str | None:
    """The known spelling an unknown ``word`` most likely stands for, or None.

    Diacritics first: a spelling the table knows, the lowest ``rank`` first (a function word
    before a base form before an inflected form: "är" over "år" for "ar"). Otherwise, only
    for a word the lemmatiser cannot analyse at all (``analysable``): a diacritic spelling
    that reads as known words written together ("hundrastgård"), or for a long word one
    edit. Most compounds are missing from the table, and a change would turn a good one
    into another word ("skatepark" is not "skatepärk", "festord" not "festbord"), so a word
    with a known ending, or made of two known words, is left alone.
    """
    variants = [v for v in diacritic_variants(word, language) if known(v)]
    if variants:
        return min(variants, key=rank)
    if analysable(word):
        return None
    if not _has_known_head(word, known):
        for variant in diacritic_variants(word, language):
            if compound_of_known_words(variant, known):
                return variant
    if len(word) >= MIN_EDIT_LENGTH and not _splits_into_two_known_words(word, known):
        for variant in single_edits(word, language):
            if known(variant):
                return variant
    return None
