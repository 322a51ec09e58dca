"""Pairs of keywords that may mean the same, for staff to merge or dismiss. Pure: no ORM.

Three rules (../shared/KEYWORDS-NOTES.md, section 10, and issue 14), never applied
silently:

- **stem**: every word has the same Snowball stem ("cykelväg" / "cykelvägar"). Blocked by
  the stem itself, so this is one pass over the keywords. A stem shared by very many
  keywords pairs its first `stem_group_limit` among themselves and every later one with
  the first only, so one common stem cannot produce a quadratic number of pairs.
- **similar**: the spelling is nearly the same, as rapidfuzz's ``fuzz.ratio`` (normalised
  Indel similarity, 0–100) measures it, at least `min_similarity`. Comparing every pair
  is quadratic (10,000 keywords: 8 s), so candidates are found with the pigeonhole
  principle of PassJoin (Li et al., VLDB 2011), adapted to Indel distance: if b can be
  turned into a with at most τ insertions and deletions, then cutting b into τ + 1 pieces
  leaves at least one piece untouched, and it appears in a as a substring near where it
  was in b. Only strings sharing such a piece are compared, and the comparison is the
  same ``fuzz.ratio``, so the result is exactly what comparing every pair would give
  (tests/keywords/test_suggestion_pairs.py checks this against brute force).
- **phrase**: a phrase of two or three words ends in a word that is a keyword of its own
  ("fler bostad" / "bostad", "levande stadskärna" / "stadskärna"), compared by stem. One
  dictionary lookup per phrase, so linear. What a person sees at once, and neither rule
  above finds: the stems differ, and the spelling is only ~70% alike.

The keywords come in priority order (most respondents first); a pair is returned with
its keys in that order, so ``pair.first`` is the likelier merge target.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

STEM = "stem"
SIMILAR = "similar"
PHRASE = "phrase"
MIN_SIMILARITY = 88.0
STEM_GROUP_LIMIT = 20

# Languages as Snowball names them (Bokmål is "norwegian").
_SNOWBALL_NAME = {
    "sv": "swedish",
    "da": "danish",
    "nb": "norwegian",
    "en": "english",
    "ar": "arabic",
}
STEM_LANGUAGES = frozenset(_SNOWBALL_NAME)


@dataclass(frozen=True, slots=True)
class SuggestedPair:
    first: Hashable  # earlier in the input (more respondents): the likelier merge target
    second: Hashable
    reason: str  # STEM or SIMILAR
    score: float  # 100 for a shared stem, else the similarity


def stem_key(text: str, language: str) -> str:
    """The Snowball stem of every word, joined by single spaces."""
    return " ".join(_stemmer(language).stemWords(text.split()))


def _stemmer(language: str):
    import Stemmer

    if language not in _SNOWBALL_NAME:
        raise ValueError(f"unsupported language: {language!r}")
    return Stemmer.Stemmer(_SNOWBALL_NAME[language])


def suggested_pairs(
    keywords: Mapping[Hashable, str],
    language: str,
    *,
    min_similarity: float = MIN_SIMILARITY,
    stem_group_limit: int = STEM_GROUP_LIMIT,
) -> list[SuggestedPair]:
    """Pairs among `keywords` (key -> text, in priority order) with a shared stem, a
    similar spelling, or one a phrase ending in the other; a pair found by more than one
    rule counts as the first of these. Sorted by the keys' positions in the input."""
    keys = list(keywords)
    texts = [keywords[k] for k in keys]
    found: dict[tuple[int, int], SuggestedPair] = {}
    for i, j in _same_stem(texts, language, stem_group_limit):
        found[(i, j)] = SuggestedPair(keys[i], keys[j], STEM, 100.0)
    for i, j, score in similar_spelling(texts, min_similarity=min_similarity):
        if (i, j) not in found:
            found[(i, j)] = SuggestedPair(keys[i], keys[j], SIMILAR, score)
    for i, j in _phrase_heads(texts, language):
        if (i, j) not in found:
            found[(i, j)] = SuggestedPair(keys[i], keys[j], PHRASE, 100.0)
    return [found[ij] for ij in sorted(found)]


def _phrase_heads(texts: list[str], language: str) -> list[tuple[int, int]]:
    """(i, j), i < j, where one text is a phrase of 2–3 words whose last word has the
    stem of the other, a single word (the first such word in priority order)."""
    stemmer = _stemmer(language)
    single: dict[str, int] = {}
    phrases: list[tuple[int, str]] = []
    for i, text in enumerate(texts):
        words = text.split()
        if len(words) == 1:
            single.setdefault(stemmer.stemWord(words[0]), i)
        elif len(words) <= 3:
            phrases.append((i, stemmer.stemWord(words[-1])))
    pairs = []
    for i, head in phrases:
        j = single.get(head)
        if j is not None:
            pairs.append((min(i, j), max(i, j)))
    return pairs


def _same_stem(texts: list[str], language: str, limit: int) -> list[tuple[int, int]]:
    stemmer = _stemmer(language)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        groups[" ".join(stemmer.stemWords(text.split()))].append(i)
    pairs = []
    for members in groups.values():
        head, tail = members[:limit], members[limit:]
        pairs.extend((a, b) for n, a in enumerate(head) for b in head[n + 1 :])
        pairs.extend((head[0], b) for b in tail)
    return pairs


def _max_distance(length_a: int, length_b: int, min_similarity: float) -> int:
    """The most Indel edits two strings of these lengths may be apart and still score
    `min_similarity` (ratio = 100 · (1 − distance / (len a + len b)))."""
    # A hair of slack against rounding: candidates may be too many, never too few.
    return math.floor((100.0 - min_similarity) * (length_a + length_b) / 100.0 + 1e-9)


def _pieces(length: int, count: int) -> list[tuple[int, int]]:
    """(start, length) of `count` nearly equal pieces covering `length` characters."""
    short, extra = divmod(length, count)
    pieces, start = [], 0
    for n in range(count):
        size = short + (1 if n >= count - extra else 0)
        pieces.append((start, size))
        start += size
    return pieces


def similar_spelling(
    texts: list[str], *, min_similarity: float = MIN_SIMILARITY
) -> list[tuple[int, int, float]]:
    """(i, j, score) with i < j for every two texts whose ``fuzz.ratio`` is at least
    `min_similarity`; the same pairs as comparing all of them, without doing so."""
    from rapidfuzz import fuzz

    if not 0 < min_similarity <= 100:
        raise ValueError("min_similarity must be in (0, 100]")
    share = min_similarity / 100.0
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        by_length[len(text)].append(i)

    # The index: for every length lb and every distance τ a probe of length la <= lb can
    # allow, the τ + 1 pieces of each string of length lb, by piece number then text.
    index: dict[tuple[int, int, int], dict[str, list[int]]] = {}
    for lb, members in by_length.items():
        shortest = math.ceil(lb * share / (2.0 - share) - 1e-9)
        taus = {_max_distance(la, lb, min_similarity) for la in range(max(shortest, 0), lb + 1)}
        for tau in taus:
            if tau + 1 > lb:
                continue  # no piece can be kept: compared directly below
            for n, (start, size) in enumerate(_pieces(lb, tau + 1)):
                pieces = index.setdefault((lb, tau, n), defaultdict(list))
                for j in members:
                    pieces[texts[j][start : start + size]].append(j)

    found: dict[tuple[int, int], float] = {}
    lengths = sorted(by_length)
    for la in lengths:
        longest = math.floor(la * (2.0 - share) / share + 1e-9)
        for lb in lengths:
            if lb < la or lb > longest:
                continue
            tau = _max_distance(la, lb, min_similarity)
            if lb - la > tau:
                continue
            probes = []
            if tau + 1 <= lb:
                # A kept piece moves by (insertions − deletions) before it, which is
                # within [−(τ − Δ)/2, (τ + Δ)/2] when the total is Δ = la − lb and at
                # most τ.
                delta = la - lb
                low, high = -((tau - delta) // 2), (tau + delta) // 2
                probes = [
                    (at, size, index[(lb, tau, n)])
                    for n, (start, size) in enumerate(_pieces(lb, tau + 1))
                    for at in range(max(start + low, 0), min(start + high, la - size) + 1)
                ]
            for i in by_length[la]:
                a = texts[i]
                if tau + 1 > lb:
                    candidates = set(by_length[lb])
                else:
                    candidates = set()
                    for at, size, pieces in probes:
                        hits = pieces.get(a[at : at + size])
                        if hits:
                            candidates.update(hits)
                for j in candidates:
                    if j == i:
                        continue
                    pair = (i, j) if i < j else (j, i)
                    if pair in found:
                        continue
                    score = fuzz.ratio(a, texts[j], score_cutoff=min_similarity)
                    if score:
                        found[pair] = float(score)
    return [(i, j, score) for (i, j), score in sorted(found.items())]
