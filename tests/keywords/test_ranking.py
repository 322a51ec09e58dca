"""The sorting game's statistics against the exact oracles of ../shared/STATISTICS.md, plus
the properties the oracles do not pin down (ties, empty input, seeded draws)."""

import math

import pytest

from keywords.sorting import ranking
from keywords.sorting.ranking import Cell, ItemCounts


def close(value, expected, places=6):
    return round(value, places) == pytest.approx(expected, abs=10 ** (-places))


ORACLE_ITEMS = {
    # name: (wants, not_wants, skips, share, wilson low, wilson high, beta mean)
    "trygghet": (412, 38, 50, 0.915556, 0.886216, 0.937860, 0.906522),
    "kollektivtrafik": (120, 80, 20, 0.600000, 0.530837, 0.665394, 0.595238),
    "segregation": (15, 185, 0, 0.075000, 0.045975, 0.120044, 0.095238),
    "konstgräs": (4, 0, 1, 1.000000, 0.510109, 1.000000, 0.642857),
}


@pytest.mark.parametrize("name", ORACLE_ITEMS)
def test_share_wilson_interval_and_beta_mean_match_the_oracle(name):
    wants, not_wants, _skips, share, low, high, beta_mean = ORACLE_ITEMS[name]
    interval = ranking.wilson(wants, wants + not_wants)
    assert close(interval.estimate, share)
    assert close(interval.low, low)
    assert close(interval.high, high)
    assert close(ranking.beta_posterior(wants, not_wants).estimate, beta_mean)


def test_beta_posterior_intervals_match_the_oracle():
    trygghet = ranking.beta_posterior(412, 38)
    assert (close(trygghet.low, 0.878328), close(trygghet.high, 0.931371)) == (True, True)
    konstgras = ranking.beta_posterior(4, 0)
    assert (close(konstgras.low, 0.385738), close(konstgras.high, 0.861421)) == (True, True)


def test_ranking_by_the_wilson_lower_bound_puts_konstgras_third_not_first():
    counts = [ItemCounts(name, *values[:3]) for name, values in ORACLE_ITEMS.items()]
    ranked = ranking.rank_items(counts, top=2)
    assert [r.item for r in ranked] == ["trygghet", "kollektivtrafik", "konstgräs", "segregation"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    by_raw_share = sorted(counts, key=lambda c: -c.wants / c.n)
    assert by_raw_share[0].item == "konstgräs"


def test_p_top_comes_from_seeded_draws_and_is_repeatable():
    counts = [ItemCounts(name, *values[:3]) for name, values in ORACLE_ITEMS.items()]
    first = ranking.rank_items(counts, top=2, draws=2000, seed=7)
    again = ranking.rank_items(counts, top=2, draws=2000, seed=7)
    assert [r.p_top for r in first] == [r.p_top for r in again]
    p_top = {r.item: r.p_top for r in first}
    assert p_top["trygghet"] > 0.99
    assert p_top["segregation"] < 0.01
    # Two places among four items: the chances add up to two.
    assert math.isclose(sum(p_top.values()), 2.0)


def test_items_skipped_by_more_than_40_percent_are_flagged():
    ranked = ranking.rank_items(
        [ItemCounts("a", 10, 10, 14), ItemCounts("b", 10, 10, 13)], draws=10
    )
    flags = {r.item: r.often_skipped for r in ranked}
    assert flags == {"a": True, "b": False}  # 14/34 = 0.41, 13/33 = 0.39


def test_an_item_nobody_answered_ranks_last_without_error():
    ranked = ranking.rank_items([ItemCounts("none", 0, 0, 3), ItemCounts("some", 1, 1)], draws=10)
    assert [r.item for r in ranked] == ["some", "none"]
    assert (ranked[1].share.low, ranked[1].share.high) == (0.0, 1.0)
    assert ranking.rank_items([]) == []


def test_post_stratification_matches_the_oracle():
    cells = [Cell(0.20, 50, 40), Cell(0.55, 100, 50), Cell(0.25, 250, 100)]
    result = ranking.post_stratify(cells)
    assert close(result.unweighted, 0.475)
    assert close(result.share.estimate, 0.535)
    assert close(result.variance, 0.00094425, places=8)
    assert close(result.standard_error, 0.030729)
    assert (close(result.share.low, 0.474773), close(result.share.high, 0.595227)) == (True, True)
    assert [round(w, 6) for w in result.person_weights] == [1.6, 2.2, 0.4]
    assert close(result.effective_n, 245.398773)


def test_cells_under_ten_answers_are_merged_into_a_neighbour_before_weighting():
    cells = [Cell(0.2, 4, 1), Cell(0.3, 20, 10), Cell(0.5, 30, 15)]
    merged = ranking.merge_small_cells(cells)
    assert merged == [Cell(0.5, 24, 11), Cell(0.5, 30, 15)]
    assert ranking.post_stratify(cells).share.estimate == pytest.approx(0.5 * 11 / 24 + 0.25)


def test_raking_converges_to_the_oracle_cell_weights():
    weights = ranking.rake([[30, 10], [20, 40]], [0.5, 0.5], [0.4, 0.6])
    assert [[round(w, 9) for w in row] for row in weights] == [[1.0, 2.0], [0.5, 1.0]]


def test_bradley_terry_matches_the_oracle_strengths_and_scores():
    wins = {
        ("A", "B"): 6,
        ("B", "A"): 4,
        ("A", "C"): 7,
        ("C", "A"): 3,
        ("B", "C"): 5,
        ("C", "B"): 5,
    }
    strengths = ranking.bradley_terry(wins, ["A", "B", "C"], prior_games=0)
    assert [round(strengths[i], 6) for i in "ABC"] == [0.481068, 0.277293, 0.241639]
    scores = ranking.wiki_survey_scores(strengths)
    assert [round(scores[i]) for i in "ABC"] == [65, 45, 40]


def test_bradley_terry_prior_keeps_an_unbeaten_item_finite():
    strengths = ranking.bradley_terry({("A", "B"): 3}, ["A", "B"])
    assert 0.5 < strengths["A"] < 1.0
    assert strengths["B"] > 0.0


def test_cochran_armitage_finds_a_trend_over_positions_and_none_in_flat_data():
    trend = ranking.cochran_armitage({1: (80, 20), 2: (65, 35), 3: (50, 50), 4: (35, 65)})
    assert trend.z < -5
    assert trend.p_value < 1e-6
    flat = ranking.cochran_armitage({1: (50, 50), 2: (50, 50), 3: (50, 50)})
    assert (flat.z, flat.p_value) == (0.0, 1.0)


def test_cochran_armitage_matches_a_hand_computed_case():
    # Positions 0 and 1, 10/10 and 15/5: T = 1·(15 − 20·25/40) = 2.5;
    # Var = (25/40)(15/40)·Σ m(t − 0.5)² = 0.234375·10 = 2.34375; z = 2.5/√2.34375.
    trend = ranking.cochran_armitage({0: (10, 10), 1: (15, 5)})
    assert trend.z == pytest.approx(2.5 / math.sqrt(2.34375))
    assert trend.p_value == pytest.approx(math.erfc(trend.z / math.sqrt(2)))


def test_chi_square_survival_matches_known_quantiles():
    assert ranking.chi_square_sf(3.841459, 1) == pytest.approx(0.05, abs=1e-6)
    assert ranking.chi_square_sf(5.991465, 2) == pytest.approx(0.05, abs=1e-6)
    assert ranking.chi_square_sf(11.344867, 3) == pytest.approx(0.01, abs=1e-6)
    assert ranking.chi_square_sf(0.0, 4) == 1.0


def test_beta_cdf_matches_closed_forms():
    # Beta(1, 1) is uniform; Beta(2, 1) has cdf x².
    assert ranking.beta_cdf(0.3, 1, 1) == pytest.approx(0.3)
    assert ranking.beta_cdf(0.3, 2, 1) == pytest.approx(0.09)
    assert ranking.beta_quantile(0.25, 2, 1) == pytest.approx(0.5)


def test_benjamini_hochberg_adjusts_in_input_order():
    adjusted = ranking.benjamini_hochberg([0.04, 0.01, 0.03, 0.20])
    # Sorted 0.01, 0.03, 0.04, 0.20 -> raw 0.04, 0.06, 0.0533, 0.20; step-up minima.
    assert adjusted == pytest.approx([0.04 * 4 / 3, 0.04, 0.04 * 4 / 3, 0.20])


def test_consensus_and_divisive_items_are_told_apart():
    items = [
        [(90, 10), (85, 15), (80, 20)],  # every group wants it
        [(5, 95), (10, 90), (8, 92)],  # every group does not
        [(90, 10), (20, 80), (55, 45)],  # groups disagree strongly
        [(52, 48), (48, 52), (50, 50)],  # nobody cares much
    ]
    assert ranking.classify_agreement(items) == [
        ranking.CONSENSUS_WANT,
        ranking.CONSENSUS_NOT_WANT,
        ranking.DIVISIVE,
        ranking.MIXED,
    ]


@pytest.mark.parametrize(
    "a, b",
    [(1.5, 1.5), (0.5, 0.5), (2, 1), (5, 105), (417, 43), (5005, 4995), (2500.5, 7500), (20, 3000)],
)
@pytest.mark.parametrize("q", [0.001, 0.025, 0.25, 0.5, 0.975, 0.999])
def test_beta_quantiles_agree_with_bisection_on_the_cdf(a, b, q):
    """The quantile's shortcut (a Halley step taken without evaluating the cdf again) must
    land where bisection does, also far in the tails where a step can be tiny and wrong."""
    low, high = 0.0, 1.0
    for _ in range(80):
        middle = (low + high) / 2
        low, high = (middle, high) if ranking.beta_cdf(middle, a, b) < q else (low, middle)
    assert ranking.beta_quantile(q, a, b) == pytest.approx((low + high) / 2, abs=1e-12)
