"""The logistic order model (STATISTICS.md, order effects: when the Cochran–Armitage trend
is significant, fit logit P(want) = α_keyword + β·position and rank by α): exact values
where the maximum-likelihood fit is known in closed form, its place in the results, and
the staff page that shows it."""

import math

import pytest
from django.urls import reverse

from keywords.sorting import ranking, results
from keywords.sorting.result_models import SnapshotStatus, SortResultSnapshot
from keywords.sorting.selectors import ORDER_MODEL_SHOWN, order_model_context
from tests.keywords.sorting_factories import bare_round, published_list

# Observed shares that a logistic model reproduces exactly, so they are its maximum-
# likelihood fit (the score equations Σ(y − n·p) = 0 per keyword and Σ t·(y − n·p) = 0
# hold at once): A 2/4 at position 1 and 3/4 at 2, B 1/4 and 2/4. logit(1/2) = 0 and
# logit(3/4) = ln 3 give β = ln 3, α_A = −ln 3, α_B = −2 ln 3. The information of β after
# the α's (its Schur complement) is 8.75 − (2.5² + 2.75²) / 1.75 = 6/7, so SE = √(7/6).
EXACT = {"A": {1: (2, 2), 2: (3, 1)}, "B": {1: (1, 3), 2: (2, 2)}}


def close(a, b, tol=1e-9):
    return math.isclose(a, b, rel_tol=0, abs_tol=tol)


def test_the_fit_reproduces_shares_a_logistic_model_explains_exactly():
    model = ranking.fit_position_logit({**EXACT, "C": {1: (4, 0), 2: (1, 0)}, "D": {}})
    assert close(model.beta, math.log(3))
    assert close(model.alphas["A"], -math.log(3))
    assert close(model.alphas["B"], -2 * math.log(3))
    assert close(model.standard_error, math.sqrt(7 / 6))
    assert close(model.odds_ratio, 3.0)
    low, high = model.beta_interval()
    assert close(low, math.log(3) - ranking.Z95 * math.sqrt(7 / 6))
    assert close(high, math.log(3) + ranking.Z95 * math.sqrt(7 / 6))
    # Only wants (C) or no answers (D): no finite α, left out of the fit.
    assert set(model.alphas) == {"A", "B"} and model.unfitted == ("C", "D")


def test_scaling_the_counts_keeps_the_estimates_and_shrinks_the_error():
    scaled = {k: {t: (25 * w, 25 * n) for t, (w, n) in v.items()} for k, v in EXACT.items()}
    model = ranking.fit_position_logit(scaled)
    assert close(model.beta, math.log(3)) and close(model.alphas["B"], -2 * math.log(3))
    assert close(model.standard_error, math.sqrt(7 / 6) / 5)


def test_no_position_effect_gives_beta_zero_and_alpha_the_logit_of_the_share():
    model = ranking.fit_position_logit({"A": {1: (3, 1), 2: (6, 2)}, "B": {1: (1, 1), 3: (2, 2)}})
    assert close(model.beta, 0.0)
    assert close(model.alphas["A"], math.log(3)) and close(model.alphas["B"], 0.0)


def test_nothing_to_fit_without_two_positions_or_without_mixed_answers():
    assert ranking.fit_position_logit({"A": {1: (3, 1)}, "B": {1: (1, 2)}}) is None
    assert ranking.fit_position_logit({"A": {1: (3, 0), 2: (2, 0)}}) is None
    assert ranking.fit_position_logit({}) is None


def _counts(by_position):
    """Round counts of online phone players from (wants, not_wants) per item and position."""
    counts = results.RoundCounts(items=[(1, "A"), (2, "B"), (3, "C")])
    for item, cells in by_position.items():
        for position, (wants, nots) in cells.items():
            for choice, n in ((1, wants), (-1, nots)):
                if not n:
                    continue
                counts.by_position[(item, choice, position)] = n
                key = (item, choice, "online", "phone")
                counts.by_channel_device[key] = counts.by_channel_device.get(key, 0) + n
    counts.players[("online", "phone", "", "")] = 200
    return counts


def test_a_significant_trend_adds_the_model_and_the_rank_by_alpha():
    # EXACT × 25, with keyword 3 only ever wanted: a strong trend over positions.
    data = results.compute_results(
        _counts(
            {
                1: {1: (50, 50), 2: (75, 25)},
                2: {1: (25, 75), 2: (50, 50)},
                3: {1: (10, 0), 2: (10, 0)},
            }
        ),
        min_group_size=1,
    )
    effect = data["order_effect"]
    assert effect["significant"]
    model = effect["model"]
    assert model["beta"] == round(math.log(3), 5)
    assert model["se"] == round(math.sqrt(7 / 6) / 5, 5)
    assert model["odds_ratio"] == 3.0
    assert (model["fitted"], model["unfitted"]) == (2, 1)
    adjusted = {item["id"]: item["position_adjusted"] for item in data["items"]}
    assert adjusted == {
        1: {"alpha": round(-math.log(3), 5), "rank": 1},
        2: {"alpha": round(-2 * math.log(3), 5), "rank": 2},
        3: {"alpha": None, "rank": None},
    }


def test_without_a_significant_trend_there_is_no_model():
    data = results.compute_results(
        _counts({1: {1: (30, 10), 2: (30, 10)}, 2: {1: (10, 10), 2: (10, 10)}}), min_group_size=1
    )
    assert not data["order_effect"]["significant"]
    assert data["order_effect"]["model"] is None
    assert all("position_adjusted" not in item for item in data["items"])
    assert order_model_context(data) is None


@pytest.mark.django_db
def test_the_staff_page_shows_the_model_and_the_first_keywords_by_alpha(client, staff, process):
    labels = [f"nyckelord {i:02d}" for i in range(ORDER_MODEL_SHOWN + 5)]
    round = bare_round(published_list(process, labels))
    ids = list(round.keyword_list.items.order_by("position").values_list("pk", flat=True))
    counts = results.RoundCounts(items=list(zip(ids, labels, strict=True)))
    for k, item in enumerate(ids):
        for position, (wants, nots) in ((1, (10 + k, 30)), (2, (30 + k, 10))):
            for choice, n in ((1, wants), (-1, nots)):
                counts.by_position[(item, choice, position)] = n
                key = (item, choice, "online", "phone")
                counts.by_channel_device[key] = counts.by_channel_device.get(key, 0) + n
    counts.players[("online", "phone", "", "")] = 500
    data = results.compute_results(counts)
    assert data["order_effect"]["model"]
    SortResultSnapshot.objects.create(
        round=round, status=SnapshotStatus.DONE, finished_at=round.created_at, data=data
    )
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("keywords:sorting_results", args=["norrkoping", process.pk, round.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ranking corrected for the position in the deck" in page
    context = order_model_context(data)
    assert len(context["rows"]) == ORDER_MODEL_SHOWN and context["more"] == 5
    # The most wanted keyword (the last) leads the rank by α.
    assert context["rows"][0]["label"] == labels[-1]
    assert "5 more keywords are ranked by α in the JSON export." in page
    # The public page never shows it.
    round.process.is_public = True
    round.process.save(update_fields=["is_public"])
    public = client.get(
        reverse("keywords:sorting_results_public", args=["norrkoping", process.slug, round.pk])
    )
    assert public.status_code == 200
    assert "Ranking" in public.content.decode()
    assert "Ranking corrected" not in public.content.decode()
