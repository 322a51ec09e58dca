"""simplemma's lemma tables, loaded lazily once per process, and the sets read from them.

They cost ~250 MB and a second or two per language to load: run extraction in the Celery
worker, not in web processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache


@cache
def lemma_table(language: str):
    from simplemma.strategies.dictionaries.dictionary_factory import (
        DEFAULT_DICTIONARY_FACTORY,
    )

    return DEFAULT_DICTIONARY_FACTORY.get_dictionary(language)


def _lemma_pairs(language: str) -> Iterable[tuple[bytes | str, bytes | str]]:
    table = lemma_table(language)
    # simplemma 2 keeps its table as UTF-8 bytes behind a str view; reading the bytes
    # directly avoids decoding a million entries just to collect the lemmas.
    raw = getattr(table, "_dict", None)
    return raw.items() if isinstance(raw, dict) else table.items()


def _decoded(words: Iterable[bytes | str]) -> frozenset[str]:
    return frozenset(w.decode() if isinstance(w, bytes) else w for w in words)


@cache
def base_forms(language: str) -> frozenset[str]:
    """Every lemma in simplemma's table: a word that is one is kept as written."""
    return _decoded({v for _, v in _lemma_pairs(language)})


@cache
def inflected_lemmas(language: str) -> frozenset[str]:
    """Lemmas the table lists at least one other form for."""
    return _decoded({v for k, v in _lemma_pairs(language) if k != v})
