"""Statistics of the sorting game: pure functions over counts, no ORM, no randomness that is
not seeded. The methods and their exact oracles are in ../shared/STATISTICS.md.

Everything works on aggregated counts (per item, per item and group, per item and deck
position), never on single votes: the database does the counting, so ranking a million
votes costs what ranking their totals costs.

Special functions (the incomplete beta and gamma functions, the normal tail) are computed
here with the standard continued fractions and series, to the precision the oracles need,
so the project needs no scientific library for a few dozen numbers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Z95 = 1.959964
# The weak prior of the posterior ranking: Beta(5, 5), centred on "no opinion".
BETA_PRIOR = 5.0
SKIP_FLAG_SHARE = 0.4
MIN_CELL = 10


# --- special functions ---------------------------------------------------------------------


def _continued_fraction_beta(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularised incomplete beta (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 1000):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """P(X ≤ x) for X ~ Beta(a, b): the regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The fraction converges fast on one side of the mean; use the symmetry on the other.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction_beta(a, b, x) / a
    return 1.0 - front * _continued_fraction_beta(b, a, 1.0 - x) / b


def beta_quantile(q: float, a: float, b: float) -> float:
    """The x with beta_cdf(x, a, b) = q: Halley steps on the cdf (its derivative is the
    density, whose own derivative needs no further cdf) inside a bracket that bisection
    narrows whenever a step leaves it, from the Cornish–Fisher start (normal quantile
    corrected for skewness). Each cdf evaluation costs a continued fraction that is slow
    at thousands of answers, and a round ranks hundreds of items: Halley's error after a
    step is known to leading order (a constant from the density's slopes times the cube
    of the Newton step), so a step whose error is below 1e-13 is the answer without
    evaluating the cdf again; from that start one evaluation usually suffices."""
    low, high = 0.0, 1.0
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    mean = a / (a + b)
    spread = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0)))
    skew = 2.0 * (b - a) * math.sqrt(a + b + 1.0) / ((a + b + 2.0) * math.sqrt(a * b))
    z = _normal_quantile(q)
    x = min(max(mean + spread * (z + (z * z - 1.0) * skew / 6.0), 1e-9), 1.0 - 1e-9)
    for _ in range(200):
        error = beta_cdf(x, a, b) - q
        if error < 0:
            low = x
        else:
            high = x
        if high - low < 1e-13 or abs(error) < 1e-14:
            break
        density = math.exp(log_norm + (a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x))
        if density <= 0:
            x = (low + high) / 2.0
            continue
        newton = error / density  # about x minus the root
        # The density's relative slope d'/d and its derivative.
        slope = (a - 1.0) / x - (b - 1.0) / (1.0 - x)
        bend = -(a - 1.0) / (x * x) - (b - 1.0) / ((1.0 - x) * (1.0 - x))
        if abs(newton * slope) < 0.5:
            step = x - newton / (1.0 - newton * slope / 2.0)
            # Halley's error after the step: about |bend/6 - slope²/12| times newton³.
            left = abs(bend / 6.0 - slope * slope / 12.0) * abs(newton) ** 3
        else:
            step, left = x - newton, math.inf
        if low < step < high:
            if left < 1e-13 or abs(newton) < 1e-13:
                return step
            x = step
        else:
            x = (low + high) / 2.0
    return x


def _normal_quantile(q: float) -> float:
    """The standard normal quantile by Acklam's rational approximation (relative error
    below 1.2e-9): a starting point only."""
    if q <= 0.0:
        return -10.0
    if q >= 1.0:
        return 10.0
    a = (
        -39.69683028665376,
        220.9460984245205,
        -275.9285104469687,
        138.3577518672690,
        -30.66479806614716,
        2.506628277459239,
    )
    b = (
        -54.47609879822406,
        161.5858368580409,
        -155.6989798598866,
        66.80131188771972,
        -13.28068155288572,
    )
    c = (
        -0.007784894002430293,
        -0.3223964580411365,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    )
    d = (0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416)
    if q < 0.02425 or q > 1.0 - 0.02425:
        t = math.sqrt(-2.0 * math.log(q if q < 0.5 else 1.0 - q))
        x = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / (
            (((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0
        )
        return x if q < 0.5 else -x
    r = q - 0.5
    t = r * r
    return (
        (((((a[0] * t + a[1]) * t + a[2]) * t + a[3]) * t + a[4]) * t + a[5])
        * r
        / (((((b[0] * t + b[1]) * t + b[2]) * t + b[3]) * t + b[4]) * t + 1.0)
    )


def _gamma_upper_regularised(s: float, x: float) -> float:
    """Q(s, x) = Γ(s, x) / Γ(s)."""
    if x <= 0.0:
        return 1.0
    log_front = -x + s * math.log(x) - math.lgamma(s)
    if x < s + 1.0:
        # Series for P(s, x), then Q = 1 − P.
        term = total = 1.0 / s
        n = s
        for _ in range(1000):
            n += 1.0
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return 1.0 - total * math.exp(log_front)
    tiny = 1e-300
    b = x + 1.0 - s
    c, d = 1.0 / tiny, 1.0 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - s)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return math.exp(log_front) * h


def chi_square_sf(statistic: float, degrees_of_freedom: int) -> float:
    """P(χ² ≥ statistic) for the given degrees of freedom."""
    return _gamma_upper_regularised(degrees_of_freedom / 2.0, statistic / 2.0)


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


# --- one item --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


def wilson(wants: float, n: float, z: float = Z95) -> Interval:
    """The share of wants among n (wants + not-wants) with its Wilson score interval; n may
    be an effective sample size (weighted results)."""
    if n <= 0:
        return Interval(0.0, 0.0, 1.0)
    p = wants / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def beta_posterior(wants: int, not_wants: int, prior: float = BETA_PRIOR) -> Interval:
    """The posterior mean of the share under a Beta(prior, prior) prior, with its central
    95 % interval."""
    a, b = wants + prior, not_wants + prior
    return Interval(a / (a + b), beta_quantile(0.025, a, b), beta_quantile(0.975, a, b))


@dataclass(frozen=True)
class ItemCounts:
    item: object
    wants: int
    not_wants: int
    skips: int = 0

    @property
    def n(self) -> int:
        return self.wants + self.not_wants

    @property
    def skip_share(self) -> float:
        shown = self.n + self.skips
        return self.skips / shown if shown else 0.0


@dataclass(frozen=True)
class RankedItem:
    item: object
    rank: int
    counts: ItemCounts
    share: Interval
    posterior: Interval
    p_top: float
    often_skipped: bool


def rank_items(
    counts: Sequence[ItemCounts], *, top: int = 10, draws: int = 4000, seed: int = 2035
) -> list[RankedItem]:
    """Items ranked by the Wilson lower bound of their share (ties: more answers first,
    then the given order), with the Beta(5,5) posterior and P(in the top `top`) from
    seeded posterior draws (the same input always gives the same output)."""
    shares = [wilson(c.wants, c.n) for c in counts]
    order = sorted(range(len(counts)), key=lambda i: (-shares[i].low, -counts[i].n, i))
    in_top = [0] * len(counts)
    generator = random.Random(seed)  # noqa: S311 (statistical draws, not secrets)
    posteriors = [(c.wants + BETA_PRIOR, c.not_wants + BETA_PRIOR) for c in counts]
    contenders = _contenders(posteriors, top)
    # (sampler, its two parameters) per contender, called in the contenders' order: the
    # seeded stream gives every draw the same values whatever the loop looks like.
    samplers = [_sampler(generator, *posteriors[i]) for i in contenders]
    for _ in range(draws if counts else 0):
        drawn = [sample(p, q) for sample, p, q in samplers]
        for n in sorted(range(len(drawn)), key=drawn.__getitem__, reverse=True)[:top]:
            in_top[contenders[n]] += 1
    return [
        RankedItem(
            item=counts[i].item,
            rank=rank,
            counts=counts[i],
            share=shares[i],
            posterior=beta_posterior(counts[i].wants, counts[i].not_wants),
            p_top=in_top[i] / draws if draws else 0.0,
            often_skipped=counts[i].skip_share > SKIP_FLAG_SHARE,
        )
        for rank, i in enumerate(order, start=1)
    ]


# From this many pseudo-answers on each side, a Beta posterior is drawn as the normal with
# its mean and variance: the two differ by less than 0.01 in any quantile there (skewness
# below 0.2), far less than the draws' own noise in P(top 10), and a normal draw costs a
# third of a Beta draw (two gamma draws), which matters at 200 keywords × 1,000s of draws.
NORMAL_DRAWS_FROM = 30.0


def _sampler(generator: random.Random, a: float, b: float):
    """How to draw from Beta(a, b): the generator's method and its two arguments."""
    if min(a, b) < NORMAL_DRAWS_FROM:
        return generator.betavariate, a, b
    mean = a / (a + b)
    spread = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0)))
    return generator.gauss, mean, spread


def _contenders(posteriors: Sequence[tuple[float, float]], top: int) -> list[int]:
    """The items that can reach the top `top` in a posterior draw: those whose mean plus
    eight standard deviations reaches the `top`-th largest mean minus eight. The others
    would enter the top with a probability far below one in a million per draw, so only
    the contenders are drawn (a list of 200 items has a few dozen)."""
    if len(posteriors) <= top:
        return list(range(len(posteriors)))
    means, spreads = [], []
    for a, b in posteriors:
        means.append(a / (a + b))
        spreads.append(math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0))))
    floor = sorted((m - 8.0 * s for m, s in zip(means, spreads, strict=True)), reverse=True)[
        top - 1
    ]
    return [i for i, (m, s) in enumerate(zip(means, spreads, strict=True)) if m + 8.0 * s >= floor]


# --- order effects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendTest:
    z: float
    p_value: float


def cochran_armitage(by_position: Mapping[int, tuple[int, int]]) -> TrendTest:
    """Cochran–Armitage test for a trend of the want share over deck positions.

    `by_position` maps a position (its score) to (wants, not_wants) at that position."""
    positions = sorted(by_position)
    wants = [by_position[t][0] for t in positions]
    totals = [by_position[t][0] + by_position[t][1] for t in positions]
    n, r = sum(totals), sum(wants)
    if n == 0 or r in (0, n):
        return TrendTest(0.0, 1.0)
    p = r / n
    statistic = sum(t * (w - m * p) for t, w, m in zip(positions, wants, totals, strict=True))
    mean_t = sum(t * m for t, m in zip(positions, totals, strict=True)) / n
    variance = (
        p * (1 - p) * sum(m * (t - mean_t) ** 2 for t, m in zip(positions, totals, strict=True))
    )
    if variance <= 0:
        return TrendTest(0.0, 1.0)
    z = statistic / math.sqrt(variance)
    return TrendTest(z, normal_two_sided_p(z))


@dataclass(frozen=True)
class PositionModel:
    """logit P(want) = α_item + β·position, fitted by maximum likelihood."""

    beta: float  # change in the log-odds of "want" per deck position
    standard_error: float  # of β, from the inverse of the observed information
    alphas: dict  # item -> α (the item's log-odds at position 0); fitted items only
    # Items left out: no answers, or only wants or only not-wants (α would be ±∞).
    unfitted: tuple
    iterations: int

    @property
    def odds_ratio(self) -> float:
        return math.exp(self.beta)

    def beta_interval(self, z: float = Z95) -> tuple[float, float]:
        return self.beta - z * self.standard_error, self.beta + z * self.standard_error


def fit_position_logit(
    cells: Mapping[object, Mapping[int, tuple[int, int]]],
    *,
    tolerance: float = 1e-10,
    max_iterations: int = 100,
) -> PositionModel | None:
    """Fit logit P(want) = α_item + β·position (STATISTICS.md, order effects) by
    Newton–Raphson on the binomial log-likelihood; `cells[item][position]` is (wants,
    not_wants) shown at that position. The information matrix is an arrow (each α meets
    only itself and β), so each step solves it through β's Schur complement in time
    linear in the cells, whatever the number of items. Items whose answers are all one
    way have no finite α and are left out (they say nothing about β). None when nothing
    is left to fit or the positions do not vary."""
    data = {}
    unfitted = []
    for item, by_position in cells.items():
        rows = [(t, w, w + n) for t, (w, n) in sorted(by_position.items()) if w + n]
        wants = sum(w for _, w, _ in rows)
        answers = sum(m for _, _, m in rows)
        if answers == 0 or wants in (0, answers):
            unfitted.append(item)
        else:
            data[item] = rows
    if not data or len({t for rows in data.values() for t, _, _ in rows}) < 2:
        return None
    alpha = {}
    for item, rows in data.items():
        wants = sum(w for _, w, _ in rows)
        answers = sum(m for _, _, m in rows)
        alpha[item] = math.log((wants + 0.5) / (answers - wants + 0.5))
    beta = 0.0
    schur = 0.0
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        score_beta, info_beta = 0.0, 0.0
        per_item = {}
        for item, rows in data.items():
            score, info, cross = 0.0, 0.0, 0.0
            for t, w, m in rows:
                p = 1.0 / (1.0 + math.exp(-(alpha[item] + beta * t)))
                residual = w - m * p
                weight = m * p * (1.0 - p)
                score += residual
                info += weight
                cross += t * weight
                score_beta += t * residual
                info_beta += t * t * weight
            per_item[item] = (score, info, cross)
        schur = info_beta - sum(c * c / d for _, d, c in per_item.values())
        if schur <= 0:
            return None
        step_beta = (score_beta - sum(c * g / d for g, d, c in per_item.values())) / schur
        largest = abs(step_beta)
        beta += step_beta
        for item, (g, d, c) in per_item.items():
            step = (g - c * step_beta) / d
            largest = max(largest, abs(step))
            alpha[item] += step
        if largest < tolerance:
            break
    return PositionModel(
        beta=beta,
        standard_error=math.sqrt(1.0 / schur),
        alphas=alpha,
        unfitted=tuple(unfitted),
        iterations=iterations,
    )


# --- weighting to the population ------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One group's answers to an item: n wants + not-wants, of which y wants."""

    population_share: float
    n: int
    wants: int


@dataclass(frozen=True)
class WeightedShare:
    unweighted: float
    share: Interval
    variance: float
    standard_error: float
    person_weights: tuple[float, ...]
    effective_n: float


def merge_small_cells(cells: Sequence[Cell], minimum: int = MIN_CELL) -> list[Cell]:
    """Merge each cell with fewer than `minimum` answers into its neighbour (the next one,
    or the previous for the last), so no share rests on a handful of answers; cells are in
    a meaningful order (e.g. age bands)."""
    merged = list(cells)
    i = 0
    while len(merged) > 1 and i < len(merged):
        if merged[i].n >= minimum:
            i += 1
            continue
        j = i + 1 if i + 1 < len(merged) else i - 1
        a, b = merged[i], merged[j]
        merged[min(i, j)] = Cell(
            a.population_share + b.population_share, a.n + b.n, a.wants + b.wants
        )
        del merged[max(i, j)]
        i = 0
    return merged


def kish_effective_n(weights: Sequence[float], counts: Sequence[int]) -> float:
    """(Σw)² / Σw² over persons, where `counts[g]` persons carry weight `weights[g]`."""
    total = sum(w * n for w, n in zip(weights, counts, strict=True))
    squares = sum(w * w * n for w, n in zip(weights, counts, strict=True))
    return total * total / squares if squares else 0.0


def post_stratify(cells: Sequence[Cell], z: float = Z95) -> WeightedShare:
    """The population-weighted share Σ P_g·p_g and its variance Σ P_g²·p_g(1−p_g)/n_g; cells
    with fewer than MIN_CELL answers are merged into a neighbour first."""
    cells = [c for c in merge_small_cells(cells) if c.n > 0]
    n = sum(c.n for c in cells)
    if not n:
        return WeightedShare(0.0, Interval(0.0, 0.0, 1.0), 0.0, 0.0, (), 0.0)
    shares = sum(c.population_share for c in cells)
    share = sum(c.population_share / shares * c.wants / c.n for c in cells)
    variance = sum(
        (c.population_share / shares) ** 2 * (c.wants / c.n) * (1 - c.wants / c.n) / c.n
        for c in cells
    )
    error = math.sqrt(variance)
    weights = tuple(c.population_share / shares / (c.n / n) for c in cells)
    return WeightedShare(
        unweighted=sum(c.wants for c in cells) / n,
        share=Interval(share, max(0.0, share - z * error), min(1.0, share + z * error)),
        variance=variance,
        standard_error=error,
        person_weights=weights,
        effective_n=kish_effective_n(weights, [c.n for c in cells]),
    )


def rake(
    sample: Sequence[Sequence[float]],
    row_margins: Sequence[float],
    column_margins: Sequence[float],
    *,
    tolerance: float = 1e-12,
    max_iterations: int = 1000,
) -> list[list[float]]:
    """Iterative proportional fitting: cell weights w (same shape as `sample`, rows × columns
    of counts) such that the weighted counts' row and column shares match the target
    margins (each summing to 1). Empty cells get weight 0."""
    n = sum(sum(row) for row in sample)
    rows, columns = len(sample), len(sample[0]) if sample else 0
    weights = [[1.0 if sample[i][j] else 0.0 for j in range(columns)] for i in range(rows)]
    for _ in range(max_iterations):
        change = 0.0
        for i in range(rows):
            weighted = sum(sample[i][j] * weights[i][j] for j in range(columns))
            if weighted:
                factor = row_margins[i] * n / weighted
                change = max(change, abs(factor - 1.0))
                weights[i] = [w * factor for w in weights[i]]
        for j in range(columns):
            weighted = sum(sample[i][j] * weights[i][j] for i in range(rows))
            if weighted:
                factor = column_margins[j] * n / weighted
                change = max(change, abs(factor - 1.0))
                for i in range(rows):
                    weights[i][j] *= factor
        if change < tolerance:
            break
    return weights


# --- consensus and divisive items -----------------------------------------------------------


def chi_square_independence(groups: Sequence[tuple[int, int]]) -> float:
    """p-value of Pearson's χ² test that the want share is the same in every group, from
    (wants, not_wants) per group; groups without answers are left out."""
    groups = [(w, n) for w, n in groups if w + n]
    if len(groups) < 2:
        return 1.0
    total_wants = sum(w for w, _ in groups)
    total = sum(w + n for w, n in groups)
    total_not = total - total_wants
    if total_wants == 0 or total_not == 0:
        return 1.0
    statistic = 0.0
    for wants, not_wants in groups:
        size = wants + not_wants
        for observed, column in ((wants, total_wants), (not_wants, total_not)):
            expected = size * column / total
            statistic += (observed - expected) ** 2 / expected
    return chi_square_sf(statistic, len(groups) - 1)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Adjusted p-values (false discovery rate), in the input's order."""
    m = len(p_values)
    order = sorted(range(m), key=p_values.__getitem__)
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = running
    return adjusted


CONSENSUS_WANT = "consensus_want"
CONSENSUS_NOT_WANT = "consensus_not_want"
DIVISIVE = "divisive"
MIXED = "mixed"
DIVISIVE_RANGE = 0.25
ALPHA = 0.05


def classify_agreement(items: Sequence[Sequence[tuple[int, int]]]) -> list[str]:
    """For each item, given (wants, not_wants) per group: consensus-want when every group's
    Wilson lower bound is above 0.5, consensus-not-want when every upper bound is below
    0.5, divisive when the group shares span at least 0.25 and the χ² test is significant
    after Benjamini–Hochberg across the items, else mixed."""
    p_values = benjamini_hochberg([chi_square_independence(groups) for groups in items])
    labels = []
    for groups, adjusted in zip(items, p_values, strict=True):
        intervals = [wilson(w, w + n) for w, n in groups if w + n]
        if intervals and all(i.low > 0.5 for i in intervals):
            labels.append(CONSENSUS_WANT)
        elif intervals and all(i.high < 0.5 for i in intervals):
            labels.append(CONSENSUS_NOT_WANT)
        elif (
            intervals
            and max(i.estimate for i in intervals) - min(i.estimate for i in intervals)
            >= DIVISIVE_RANGE
            and adjusted < ALPHA
        ):
            labels.append(DIVISIVE)
        else:
            labels.append(MIXED)
    return labels


# --- the pairwise variant ------------------------------------------------------------------


def bradley_terry(
    wins: Mapping[tuple[object, object], int],
    items: Sequence[object],
    *,
    prior_games: float = 1.0,
    iterations: int = 10_000,
    tolerance: float = 1e-12,
) -> dict[object, float]:
    """Strengths (summing to 1) by the MM iteration p_i ← W_i / Σ_j n_ij / (p_i + p_j).

    `wins[(a, b)]` is how often a beat b. With `prior_games`, every item also has that
    many virtual wins and losses against a phantom item, so an item that never lost (or
    never won) still gets a finite strength; 0 gives the plain maximum likelihood."""
    phantom = object()
    names = [*items, phantom] if prior_games else list(items)
    won = {i: 0.0 for i in names}
    games: dict[tuple[object, object], float] = {}
    for (a, b), count in wins.items():
        won[a] += count
        games[(a, b)] = games.get((a, b), 0.0) + count
        games[(b, a)] = games.get((b, a), 0.0) + count
    if prior_games:
        for i in items:
            won[i] += prior_games
            won[phantom] += prior_games
            games[(i, phantom)] = games[(phantom, i)] = 2.0 * prior_games
    strength = {i: 1.0 / len(names) for i in names}
    for _ in range(iterations):
        updated = {}
        for i in names:
            denominator = sum(
                games.get((i, j), 0.0) / (strength[i] + strength[j]) for j in names if j is not i
            )
            updated[i] = won[i] / denominator if denominator else 0.0
        total = sum(updated.values())
        updated = {i: s / total for i, s in updated.items()}
        change = max(abs(updated[i] - strength[i]) for i in names)
        strength = updated
        if change < tolerance:
            break
    total = sum(strength[i] for i in items)
    return {i: strength[i] / total for i in items}


def wiki_survey_scores(strengths: Mapping[object, float]) -> dict[object, float]:
    """100 × the mean chance that an item beats a random other item."""
    scores = {}
    for i, p_i in strengths.items():
        others = [p_i / (p_i + p_j) for j, p_j in strengths.items() if j != i]
        scores[i] = 100.0 * sum(others) / len(others) if others else 50.0
    return scores
