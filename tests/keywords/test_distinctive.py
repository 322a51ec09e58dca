"""The weighted log-odds with an informative Dirichlet prior against hand-computed values."""

import math

import pytest

from keywords.vision.distinctive import (
    distinctive_terms,
    informative_prior,
    weighted_log_odds,
)


def test_one_term_against_the_closed_form():
    # y_i = 10 of n_i = 100, y_j = 2 of n_j = 50, a_w = 2 of a_0 = 20:
    # odds_i = 12 / (120 - 12) = 1/9, odds_j = 4 / (70 - 4) = 2/33,
    # delta = log(1/9) - log(2/33) = log(11/6), var = 1/12 + 1/4 = 1/3.
    [result] = weighted_log_odds(
        {"älv": 10},
        {"älv": 2},
        this_total=100,
        others_total=50,
        prior={"älv": 2.0},
        prior_total=20.0,
    )
    assert result.delta == pytest.approx(math.log(11 / 6), abs=1e-12)
    assert result.z == pytest.approx(math.log(11 / 6) * math.sqrt(3), abs=1e-12)
    assert (result.this_count, result.other_count) == (10, 2)


def test_a_term_absent_elsewhere_uses_only_the_prior_there():
    # y_i = 6 of 40, y_j = 0 of 60, a_w = 4 of 100:
    # odds_i = 10 / (140 - 10) = 1/13, odds_j = 4 / (160 - 4) = 1/39,
    # delta = log(39/13) = log 3, var = 1/10 + 1/4 = 7/20.
    [result] = weighted_log_odds(
        {"hamn": 6}, {}, this_total=40, others_total=60, prior={"hamn": 4.0}, prior_total=100.0
    )
    assert result.delta == pytest.approx(math.log(3), abs=1e-12)
    assert result.z == pytest.approx(math.log(3) / math.sqrt(7 / 20), abs=1e-12)


def test_equal_rates_score_zero():
    [result] = weighted_log_odds(
        {"skola": 5}, {"skola": 10}, this_total=50, others_total=100,
        prior={"skola": 3.0}, prior_total=30.0,
    )  # fmt: skip
    # odds_i = 8 / 72 = 1/9 and odds_j = 13 / 117 = 1/9.
    assert result.delta == pytest.approx(0.0, abs=1e-12)
    assert result.z == pytest.approx(0.0, abs=1e-12)


def test_the_informative_prior_is_the_pooled_share_scaled():
    assert informative_prior({"a": 30, "b": 10}, pooled_total=200, prior_size=50) == {
        "a": 7.5,
        "b": 2.5,
    }
    with pytest.raises(ValueError):
        informative_prior({"a": 1}, pooled_total=0, prior_size=10)


def test_a_rare_one_off_does_not_outrank_a_well_supported_difference():
    # Raw ratios would put "kanal" (1 against 0) first; the prior shrinks it.
    this = {"kanal": 1, "industri": 40, "skola": 20}
    others = {"kanal": 0, "industri": 20, "skola": 80}
    results = distinctive_terms(this, others, this_total=61, others_total=100, min_z=-99)
    assert [d.term for d in results] == ["industri", "kanal", "skola"]
    assert results[0].z > 1.96 > results[1].z
    assert distinctive_terms(this, others, this_total=61, others_total=100)[0].term == "industri"
    assert [d.term for d in distinctive_terms(this, others, this_total=61, others_total=100)] == [
        "industri"
    ]


def test_nothing_to_compare_gives_nothing():
    assert distinctive_terms({}, {"a": 3}, this_total=0, others_total=3) == []
    assert distinctive_terms({"a": 3}, {}, this_total=0, others_total=0) == []
