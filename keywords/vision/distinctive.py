"""Which keywords set one municipality's process apart from the others on the install:
weighted log-odds ratios with an informative Dirichlet prior (Monroe, Colaresi & Quinn
2008, "Fightin' Words", section 3.5). Pure: counts in, scores out; no database.

For a term w with count y_i in this process (n_i terms in all) and y_j in the others (n_j),
and a prior count a_w out of a_0 in all:

    delta_w = log((y_i + a_w) / (n_i + a_0 - y_i - a_w))
            - log((y_j + a_w) / (n_j + a_0 - y_j - a_w))
    var(delta_w) ~ 1 / (y_i + a_w) + 1 / (y_j + a_w)
    z_w = delta_w / sqrt(var(delta_w))

The prior is informative: a_w is a_0 times the term's share of all counts pooled, so
common terms are shrunk hard and a rare term needs real evidence to stand out, unlike raw
counts or plain ratios, which put every one-off word on top. z is the score to rank by.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Distinctive:
    term: str
    this_count: int
    other_count: int
    delta: float  # log-odds ratio, this process against the others
    z: float  # delta over its standard deviation


def informative_prior(
    pooled: Mapping[str, float], *, pooled_total: float, prior_size: float
) -> dict[str, float]:
    """a_w = prior_size * pooled[w] / pooled_total: the pooled counts' shares, scaled to a
    prior worth `prior_size` observations."""
    if pooled_total <= 0 or prior_size <= 0:
        raise ValueError("The pooled total and the prior size must be positive")
    return {term: prior_size * count / pooled_total for term, count in pooled.items()}


def weighted_log_odds(
    this: Mapping[str, int],
    others: Mapping[str, int],
    *,
    this_total: int,
    others_total: int,
    prior: Mapping[str, float],
    prior_total: float,
) -> list[Distinctive]:
    """Scores for every term in `prior` (which must give each term a positive count),
    highest z first (ties by term). Totals are over all terms, not only those scored."""
    results = []
    for term, a_w in prior.items():
        if a_w <= 0:
            raise ValueError(f"The prior count of {term!r} must be positive")
        y_i, y_j = this.get(term, 0), others.get(term, 0)
        odds_i = (y_i + a_w) / (this_total + prior_total - y_i - a_w)
        odds_j = (y_j + a_w) / (others_total + prior_total - y_j - a_w)
        delta = math.log(odds_i) - math.log(odds_j)
        variance = 1 / (y_i + a_w) + 1 / (y_j + a_w)
        results.append(Distinctive(term, y_i, y_j, delta, delta / math.sqrt(variance)))
    results.sort(key=lambda d: (-d.z, d.term))
    return results


def distinctive_terms(
    this: Mapping[str, int],
    others: Mapping[str, int],
    *,
    this_total: int,
    others_total: int,
    prior_size: float | None = None,
    limit: int = 20,
    min_z: float = 1.96,
) -> list[Distinctive]:
    """The terms of `this` that stand out against `others` (z at least `min_z`, i.e.
    beyond the 95% band), at most `limit`, most distinctive first.

    The prior comes from the pooled counts of the terms scored, scaled to `prior_size`
    (default: the pooled total, a prior as strong as the data; Monroe et al. use the
    whole corpus). Terms only in `others` cannot set this process apart and are skipped."""
    pooled = {term: this[term] + others.get(term, 0) for term in this if this[term] > 0}
    pooled_total = this_total + others_total
    if not pooled or pooled_total <= 0:
        return []
    size = pooled_total if prior_size is None else prior_size
    prior = informative_prior(pooled, pooled_total=pooled_total, prior_size=size)
    scored = weighted_log_odds(
        this,
        others,
        this_total=this_total,
        others_total=others_total,
        prior=prior,
        prior_total=size,
    )
    return [d for d in scored if d.z >= min_z][:limit]
