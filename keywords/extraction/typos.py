"""Typo repair across a batch: a rare unknown word joins a frequent known one."""

from __future__ import annotations

from collections import Counter

from keywords.extraction.candidates import Analysis
from keywords.extraction.lexicon import get_lexicon


def typo_repairs(analyses: list[Analysis], home_language: str) -> dict[str, str]:
    """Rare unknown words mapped to a known word ≥ 3× as frequent, 1–2 edits away."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    counts: Counter[str] = Counter()
    for a in analyses:
        counts.update({t.lemma for t in a.tokens if t.content})
    if len(counts) < 2:
        return {}
    lexicon = get_lexicon(home_language)
    known_by_initial: dict[str, list[str]] = {}
    for word in counts:
        if lexicon.known(word):
            known_by_initial.setdefault(word[0], []).append(word)
    repairs: dict[str, str] = {}
    for word, count in counts.items():
        if len(word) < 5 or lexicon.known(word):
            continue
        choices = known_by_initial.get(word[0])
        if not choices:
            continue
        max_edits = 1 if len(word) < 8 else 2
        best = None
        for choice, distance, _ in process.extract_iter(
            word, choices, scorer=Levenshtein.distance, score_cutoff=max_edits
        ):
            if counts[choice] >= 3 * count and (best is None or distance < best[1]):
                best = (choice, distance)
        if best is not None:
            repairs[word] = best[0]
    return repairs


def apply_repairs(analysis: Analysis, repairs: dict[str, str]) -> None:
    for t in analysis.tokens:
        if t.content and t.lemma in repairs:
            t.lemma = repairs[t.lemma]
