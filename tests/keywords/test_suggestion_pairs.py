"""Merge suggestion pairs (keywords.curation.pairs): exact pairs on plain inputs, and the
blocked search for similar spelling gives exactly what comparing every pair gives."""

import random

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from keywords.curation.pairs import (
    PHRASE,
    SIMILAR,
    STEM,
    SuggestedPair,
    similar_spelling,
    suggested_pairs,
)


def test_pairs_by_shared_stem_and_by_similar_spelling_in_input_order():
    keywords = {
        1: "cykelväg",
        2: "cykelvägar",
        3: "bibliotek",
        4: "idrottshall",
        5: "idrotshall",
        6: "skola",
        7: "fler cykelvägar",
        8: "fler cykelväg",
        9: "skolgård",
    }
    assert suggested_pairs(keywords, "sv") == [
        SuggestedPair(1, 2, STEM, 100.0),
        SuggestedPair(1, 7, PHRASE, 100.0),
        SuggestedPair(1, 8, PHRASE, 100.0),
        SuggestedPair(4, 5, SIMILAR, 2 * 10 / 21 * 100),
        SuggestedPair(7, 8, STEM, 100.0),
    ]


def test_a_phrase_pairs_with_the_keyword_it_ends_in_as_a_person_sees_at_once():
    """Issue 14: none of these was suggested (different stems, ~70% alike)."""
    keywords = {
        1: "bostad",
        2: "fler bostad",
        3: "jobb",
        4: "fler jobb",
        5: "cykelbana",
        6: "fler cykelbanor",
        7: "stadskärna",
        8: "levande stadskärna",
        9: "park",
        10: "parkering",  # not a phrase, and not "park" with a word in front
        11: "liv i stadskärna i centrum",  # longer than a phrase
    }
    pairs = [(p.first, p.second) for p in suggested_pairs(keywords, "sv") if p.reason == PHRASE]
    assert pairs == [(1, 2), (3, 4), (5, 6), (7, 8)]


def test_a_phrase_pairs_with_a_later_single_word_too():
    assert suggested_pairs({"a": "levande stadskärna", "b": "stadskärna"}, "sv") == [
        SuggestedPair("a", "b", PHRASE, 100.0)
    ]


def test_a_pair_is_named_in_the_order_given_most_respondents_first():
    assert suggested_pairs({"b": "cykelvägar", "a": "cykelväg"}, "sv") == [
        SuggestedPair("b", "a", STEM, 100.0)
    ]


def test_norwegian_stems_are_bokmal_ones():
    pairs = suggested_pairs({1: "bostad", 2: "bostäder", 3: "bolig", 4: "boliger"}, "nb")
    assert pairs == [SuggestedPair(3, 4, STEM, 100.0)]


def test_a_large_stem_group_pairs_its_head_fully_and_its_tail_with_the_first_only():
    keywords = {1: "spel", 2: "spelen", 3: "spelet", 4: "speler", 5: "spelens"}
    pairs = suggested_pairs(keywords, "sv", stem_group_limit=3, min_similarity=100)
    assert [(p.first, p.second) for p in pairs] == [(1, 2), (1, 3), (1, 4), (1, 5), (2, 3)]


def test_similarity_threshold_is_inclusive_and_exact():
    # 2 · 9 / 20 = 90 % and 2 · 7 / 16 = 87.5 %.
    texts = ["abcdefghij", "abcdefghix", "klmnopqr", "klmnopqx"]
    assert similar_spelling(texts, min_similarity=90) == [(0, 1, 90.0)]
    assert similar_spelling(texts, min_similarity=87.5) == [(0, 1, 90.0), (2, 3, 87.5)]
    assert similar_spelling(texts, min_similarity=90.1) == []


def test_unsupported_language_is_refused():
    with pytest.raises(ValueError, match="unsupported language"):
        suggested_pairs({1: "a", 2: "b"}, "fi")


def test_empty_and_single_inputs_have_no_pairs():
    assert suggested_pairs({}, "sv") == []
    assert suggested_pairs({1: "park"}, "da") == []


def _brute_force(texts, cutoff):
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float64)
    return [
        (i, j, float(scores[i][j]))
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if scores[i][j]
    ]


@pytest.mark.parametrize("cutoff", [50, 70.5, 80, 88, 95, 100])
def test_similar_spelling_finds_exactly_the_pairs_comparing_all_would(cutoff):
    # Small alphabets make many near pairs, so every length and shift rule is exercised.
    rng = random.Random(cutoff)
    for _ in range(60):
        alphabet = rng.choice(["ab", "abc", "abcdeåä"])
        texts = sorted(
            {
                "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 26)))
                for _ in range(rng.randrange(2, 40))
            }
        )
        assert similar_spelling(texts, min_similarity=cutoff) == _brute_force(texts, cutoff)


def test_similar_spelling_on_compounds_and_typos_matches_comparing_all():
    rng = random.Random(7)
    words = ["cykel", "väg", "park", "bibliotek", "skola", "gård", "buss", "hållplats", "bad"]
    texts = set()
    while len(texts) < 400:
        text = "".join(rng.sample(words, rng.randrange(1, 4)))
        if rng.random() < 0.4:  # a typo: one letter dropped
            at = rng.randrange(len(text))
            text = text[:at] + text[at + 1 :]
        texts.add(text)
    texts = sorted(texts)
    assert similar_spelling(texts) == _brute_force(texts, 88)
