"""Merge suggestions for staff: keywords that may mean the same. Nothing merges silently."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from keywords.extraction.languages import SNOWBALL_NAME, check_language


@dataclass(frozen=True, slots=True)
class MergeSuggestion:
    """Two keywords that may mean the same; staff decide, nothing is merged silently."""

    keyword: str
    other: str
    reason: str  # "stem" (same Snowball stem) or "similar" (character similarity)
    score: float


def suggest_merges(
    keywords: Iterable[str], language: str, *, min_similarity: float = 88.0
) -> list[MergeSuggestion]:
    """Pairs of keywords staff may want to merge: same Snowball stem, or near-identical.

    Suggestions only: Snowball over-merges (spelare/spel, kvarter/kvart).
    """
    import Stemmer
    from rapidfuzz import fuzz, process

    unique = sorted(set(keywords))
    stemmer = Stemmer.Stemmer(SNOWBALL_NAME[check_language(language)])
    suggestions: dict[tuple[str, str], MergeSuggestion] = {}
    by_stem: dict[str, list[str]] = {}
    for keyword in unique:
        stem = " ".join(stemmer.stemWords(keyword.split()))
        by_stem.setdefault(stem, []).append(keyword)
    for group in by_stem.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                suggestions[(a, b)] = MergeSuggestion(a, b, "stem", 100.0)
    if len(unique) > 1:
        scores = process.cdist(unique, unique, scorer=fuzz.ratio, score_cutoff=min_similarity)
        for i, a in enumerate(unique):
            for j in range(i + 1, len(unique)):
                score = float(scores[i][j])
                if score and (a, unique[j]) not in suggestions:
                    suggestions[(a, unique[j])] = MergeSuggestion(a, unique[j], "similar", score)
    return sorted(suggestions.values(), key=lambda s: (-s.score, s.keyword, s.other))
