"""The councillors' round works on a bounded list fixed when it opens (its snapshot):
which keywords go (kept ones, or a respondent threshold), the bound, immutability, and the
councillor's page paged, searched and filtered over the snapshot."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from keywords.councillors import round_list, selectors, services
from keywords.councillors.services import RoundError
from keywords.curation import services as curation
from keywords.models import CouncillorRound, Keyword, KeywordStatus, RoundKeyword

from .factories import accept_all, councillor_of, keyword

pytestmark = pytest.mark.django_db


def counted(consultation, label, respondents, **fields):
    """A keyword with its respondent counts as the tallies would have kept them."""
    kw = keyword(consultation, label, **fields)
    Keyword.objects.filter(pk=kw.pk).update(respondents=respondents, respondents_keep=respondents)
    kw.refresh_from_db()
    return kw


@pytest.fixture
def keywords(consultation):
    return {
        "park": counted(consultation, "Parker", 30),
        "bus": counted(consultation, "Kollektivtrafik", 20),
        "river": counted(consultation, "Strömmen", 5),
        "bath": counted(consultation, "Badplatser", 1),
    }


def snapshot(round):
    return list(
        RoundKeyword.objects.filter(round=round)
        .order_by("position")
        .values_list("position", "label", "respondents")
    )


# --- which keywords go ------------------------------------------------------------------


def test_a_threshold_chooses_the_keywords_with_enough_respondents(consultation, keywords, staff):
    keyword(consultation, "Struken", status=KeywordStatus.STRUCK, base_form="s")
    Keyword.objects.filter(label="Struken").update(respondents=99)
    round = services.round_open(consultation=consultation, by=staff, min_respondents=5)
    assert snapshot(round) == [(1, "Parker", 30), (2, "Kollektivtrafik", 20), (3, "Strömmen", 5)]


def test_kept_keywords_make_the_list_whatever_the_threshold(consultation, keywords, staff):
    for kw in (keywords["bath"], keywords["bus"]):
        curation.keyword_keep(keyword=kw, by=staff)
    round = services.round_open(consultation=consultation, by=staff, min_respondents=25)
    assert snapshot(round) == [(1, "Kollektivtrafik", 20), (2, "Badplatser", 1)]


def test_staff_see_the_count_a_threshold_gives_and_a_suggestion_within_the_bound(
    consultation, keywords, monkeypatch
):
    choice = round_list.round_choice(consultation, min_respondents=20)
    assert (choice.kept, choice.count, choice.refusal) == (False, 2, "")
    assert round_list.suggested_min_respondents(consultation) == 0
    monkeypatch.setattr(round_list, "ROUND_KEYWORDS_MAX", 2)
    # The third keyword has 5 respondents: at least 6 keeps the round within 2.
    assert round_list.suggested_min_respondents(consultation) == 6
    assert round_list.round_choice(consultation, min_respondents=6).count == 2


def test_a_round_above_the_bound_is_refused_with_what_to_do(
    consultation, keywords, staff, monkeypatch
):
    monkeypatch.setattr(round_list, "ROUND_KEYWORDS_MAX", 2)
    with pytest.raises(RoundError) as refused:
        services.round_open(consultation=consultation, by=staff)
    assert str(refused.value) == (
        "4 keywords would go to the councillors. A round takes at most 2 keywords, so that "
        "each councillor can read and judge every one. Keep the keywords for the round "
        "(“keep for sorting” in the keyword table) or raise the minimum number of respondents."
    )
    assert not CouncillorRound.objects.exists() and not RoundKeyword.objects.exists()
    assert services.round_open(consultation=consultation, by=staff, min_respondents=20)


def test_too_many_kept_keywords_are_refused_asking_to_keep_fewer(
    consultation, keywords, staff, monkeypatch
):
    monkeypatch.setattr(round_list, "ROUND_KEYWORDS_MAX", 2)
    for kw in keywords.values():
        curation.keyword_keep(keyword=kw, by=staff)
    with pytest.raises(RoundError, match="Keep fewer keywords for sorting"):
        services.round_open(consultation=consultation, by=staff, min_respondents=25)


def test_a_threshold_nothing_reaches_is_refused(consultation, keywords, staff):
    with pytest.raises(RoundError, match="No keyword has at least 31 respondents"):
        services.round_open(consultation=consultation, by=staff, min_respondents=31)


# --- fixed when it opens ---------------------------------------------------------------


def test_the_list_is_fixed_when_the_round_opens(consultation, keywords, staff, councillor):
    round = services.round_open(consultation=consultation, by=staff, min_respondents=5)
    before = snapshot(round)
    curation.keyword_rename(keyword=keywords["park"], label="Parkerna", by=staff)
    curation.keyword_strike(keyword=keywords["bus"], reason="Dubblett", by=staff)
    curation.keyword_merge(keywords=[keywords["bath"]], into=keywords["river"], by=staff)
    Keyword.objects.filter(pk=keywords["river"].pk).update(respondents=500)
    counted(consultation, "Ny från extraktionen", 100)
    assert snapshot(round) == before
    listed = selectors.round_keywords_for(round, councillor)
    assert [(r.label, r.respondents) for r in listed] == [(b[1], b[2]) for b in before]
    # A keyword staff struck after opening is still the councillors' to strike.
    assert services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["bus"], reason="x"
    )[1]


def test_the_snapshot_cannot_be_changed_in_the_database(consultation, keywords, staff):
    round = services.round_open(consultation=consultation, by=staff)
    before = snapshot(round)
    with pytest.raises(DatabaseError), transaction.atomic():
        RoundKeyword.objects.filter(round=round).update(label="Ändrad")
    item = RoundKeyword.objects.filter(round=round).first()
    item.respondents = 0
    with pytest.raises(DatabaseError), transaction.atomic():
        item.save()
    assert snapshot(round) == before


def test_a_rebuild_keeps_a_keyword_on_a_rounds_list(consultation, keywords, staff):
    """Extraction prunes keywords no answer mentions; not one a round's list names."""
    from keywords.extraction.services import keywords_prune

    round = services.round_open(consultation=consultation, by=staff)
    keywords_prune(consultation=consultation)
    assert len(snapshot(round)) == 4
    assert Keyword.objects.filter(consultation=consultation).count() == 4


def test_publishing_a_round_takes_the_list_the_councillors_saw(
    consultation, keywords, staff, councillor
):
    round = services.round_open(consultation=consultation, by=staff, min_respondents=5)
    services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["river"], reason="x"
    )
    curation.keyword_rename(keyword=keywords["park"], label="Parkerna", by=staff)
    counted(consultation, "Kom senare", 50)
    services.round_close(round=round, by=staff)
    published = services.keyword_list_publish(
        consultation=consultation, round=round, accept=accept_all(round), by=staff
    )
    assert [(i.label, i.respondents) for i in published.items.all()] == [
        ("Parker", 30),
        ("Kollektivtrafik", 20),
    ]


def test_an_addition_equal_to_a_keyword_on_the_rounds_list_is_refused(
    consultation, keywords, staff, councillor
):
    round = services.round_open(consultation=consultation, by=staff, min_respondents=5)
    with pytest.raises(RoundError, match="“Strömmen” is already on the list"):
        services.proposal_add(round=round, councillor=councillor, label="strömmen", reason="x")
    # Below the threshold, so not on the round's list: adding it is what additions are for.
    assert services.proposal_add(
        round=round, councillor=councillor, label="badplatser", reason="x"
    )[1]


# --- the councillor's page: paged, searched, filtered in SQL -------------------------------


@pytest.fixture
def long_round(consultation, staff):
    Keyword.objects.bulk_create(
        Keyword(
            consultation=consultation,
            label=f"Ord {i:03d}",
            base_form=f"ord {i:03d}",
            respondents=200 - i,
            respondents_miss=i % 2,
        )
        for i in range(120)
    )
    return services.round_open(consultation=consultation, by=staff)


def test_the_councillors_list_comes_in_pages_of_50(long_round, councillor):
    page = selectors.round_keywords_page(long_round, councillor, page=3)
    assert page.paginator.count == 120
    assert [r.label for r in page][:2] == ["Ord 100", "Ord 101"] and len(page) == 20
    assert len(selectors.round_keywords_page(long_round, councillor, page="junk")) == 50


def test_the_councillors_list_is_searched_and_filtered(long_round, councillor, consultation):
    listed = {r.label: r for r in RoundKeyword.objects.filter(round=long_round)}
    services.proposal_strike(
        round=long_round, councillor=councillor, keyword=listed["Ord 007"].keyword, reason="x"
    )

    def labels(**filters):
        return [r.label for r in selectors.round_keywords(long_round, councillor, **filters)]

    assert labels(search="ord 00") == [f"Ord 00{i}" for i in range(10)]
    assert labels(struck=selectors.STRUCK_BY_ME) == ["Ord 007"]
    assert len(labels(struck=selectors.NOT_STRUCK_BY_ME)) == 119
    assert labels(search="ord 00", question_kind="miss") == ["Ord 001", "Ord 003", "Ord 005",
                                                           "Ord 007", "Ord 009"]  # fmt: skip
    # Another councillor's strike is not "mine".
    other = councillor_of(consultation.process.municipality, "b@norrkoping.test")
    assert [
        r.label for r in selectors.round_keywords(long_round, other, struck=selectors.STRUCK_BY_ME)
    ] == []


def test_a_councillor_pages_and_searches_without_javascript(client, long_round, councillor):
    client.force_login(councillor)
    client.cookies["django_language"] = "en"
    url = reverse("keywords:councillor_round", args=["norrkoping", long_round.pk])
    page = client.get(url, {"page": 2}).text
    assert "Ord 050" in page and "Ord 049" not in page and "Page 2 of 3" in page
    assert 'href="?page=3"' in page
    page = client.get(url, {"q": "Ord 11", "struck": "not-mine"}).text
    assert "10 keywords" in page and "Ord 110" in page and "Ord 050" not in page
    assert "Show the whole list" in page
    # Junk filters are ignored, never a 500.
    assert client.get(url, {"struck": "x", "kind": "y", "page": "-1"}).status_code == 200


def test_a_strike_returns_to_the_page_search_and_filter_it_came_from(
    client, long_round, councillor
):
    item = RoundKeyword.objects.get(round=long_round, label="Ord 110")
    client.force_login(councillor)
    client.cookies["django_language"] = "en"
    url = reverse("keywords:councillor_strike", args=["norrkoping", long_round.pk, item.keyword_id])
    response = client.post(f"{url}?q=Ord+11&page=1&next=//evil.example", {"reason": "Dyrt"})
    round_url = reverse("keywords:councillor_round", args=["norrkoping", long_round.pk])
    assert response["Location"] == f"{round_url}?q=Ord+11&page=1"
    page = client.get(response["Location"]).text
    assert "You proposed striking “Ord 110”." in page
    assert f'action="{url}?q=Ord+11&amp;page=1"' not in page  # struck: no form any more


# --- the staff page: the count before opening, without JavaScript and with htmx -------------


def staff_page(consultation):
    return reverse("keywords:round_staff", args=["norrkoping", consultation.pk])


def test_staff_count_the_keywords_a_threshold_gives_before_opening(
    client, staff, consultation, keywords
):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(staff_page(consultation), {"min_respondents": 20}).text
    assert "With at least 20 respondents, 2 keywords go to the councillors." in page
    # The threshold counted is the one the open form sends.
    assert 'name="min_respondents" value="20" form="open-form"' in page
    fragment = client.get(
        staff_page(consultation),
        {"min_respondents": 5, "partial": "choice"},
        headers={"HX-Request": "true"},
    )
    assert "With at least 5 respondents, 3 keywords go to the councillors." in fragment.text
    assert "<html" not in fragment.text and "Open the round" not in fragment.text
    assert "HX-Request" in fragment["Vary"]
    response = client.post(
        reverse("keywords:round_open", args=["norrkoping", consultation.pk]),
        {"title": "Runda 1", "min_respondents": "20"},
    )
    assert response.status_code == 302
    assert snapshot(CouncillorRound.objects.get()) == [
        (1, "Parker", 30),
        (2, "Kollektivtrafik", 20),
    ]


@pytest.mark.parametrize("value", ["-1", "ett", "1e9999"])
def test_a_bad_threshold_is_refused_with_a_message(client, staff, consultation, keywords, value):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    assert client.get(staff_page(consultation), {"min_respondents": value}).status_code == 200
    response = client.post(
        reverse("keywords:round_open", args=["norrkoping", consultation.pk]),
        {"title": "Runda 1", "min_respondents": value},
    )
    assert response.status_code == 400
    assert "The minimum number of respondents must be a whole number, 0 or more." in response.text
    assert not CouncillorRound.objects.exists()


def test_opening_above_the_bound_is_refused_on_the_page_with_the_explanation(
    client, staff, consultation, keywords, monkeypatch
):
    monkeypatch.setattr(round_list, "ROUND_KEYWORDS_MAX", 2)
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(staff_page(consultation), {"min_respondents": 0}).text
    assert "4 keywords would go to the councillors. A round takes at most 2 keywords" in page
    response = client.post(
        reverse("keywords:round_open", args=["norrkoping", consultation.pk]),
        {"title": "Runda 1", "min_respondents": "0"},
    )
    assert response.status_code == 400
    assert "raise the minimum number of respondents" in response.text
    assert 'value="Runda 1"' in response.text
    assert not CouncillorRound.objects.exists()
    # Without a threshold in the address, the page suggests one within the bound.
    page = client.get(staff_page(consultation)).text
    assert "With at least 6 respondents, 2 keywords go to the councillors." in page


def test_a_round_opened_before_snapshots_gets_the_curated_list_and_its_struck_keywords(
    consultation, keywords, staff, councillor
):
    """The migration's data step, on a round with no snapshot (as every round had)."""
    import importlib

    from django.apps import apps

    from keywords.models import CouncillorProposal

    migration = importlib.import_module("keywords.migrations.0007_round_keyword_snapshot")
    struck = counted(consultation, "Struken av personalen", 9, status=KeywordStatus.STRUCK)
    counted(consultation, "Också struken", 8, status=KeywordStatus.STRUCK)
    round = CouncillorRound.objects.create(consultation=consultation, opened_by=staff)
    CouncillorProposal.objects.create(
        round=round, councillor=councillor, kind="strike", keyword=struck, reason="x"
    )
    migration.snapshot_existing_rounds(apps, None)
    assert snapshot(round) == [
        (1, "Parker", 30),
        (2, "Kollektivtrafik", 20),
        (3, "Struken av personalen", 9),
        (4, "Strömmen", 5),
        (5, "Badplatser", 1),
    ]


def test_the_result_is_grouped_and_paged_in_the_database(consultation, keywords, staff, councillor):
    other = councillor_of(consultation.process.municipality, "b@norrkoping.test", party="B")
    round = services.round_open(consultation=consultation, by=staff)
    for who in (councillor, other):
        services.proposal_strike(round=round, councillor=who, keyword=keywords["bus"], reason="x")
        services.proposal_add(round=round, councillor=who, label=" HAMNEN ", reason="y")
    services.proposal_strike(round=round, councillor=other, keyword=keywords["park"], reason="z")
    services.proposal_add(round=round, councillor=other, label="Cykel", reason="w")

    first = selectors.round_result(round, per_page=1)
    assert (first.strikes.paginator.count, first.additions.paginator.count) == (2, 2)
    assert [(g.label, g.count, g.parties) for g in first.strikes] == [
        ("Kollektivtrafik", 2, [("B", 1), ("", 1)])
    ]
    assert [(g.key, g.label, g.count) for g in first.additions] == [("hamnen", "HAMNEN", 2)]
    second = selectors.round_result(round, page=2, additions_page=2, per_page=1)
    assert [g.label for g in second.strikes] == ["Parker"]
    assert [g.label for g in second.additions] == ["Cykel"]
    assert first.to_accept == [] and first.additions_to_accept == []  # open: nothing to accept

    services.round_close(round=round, by=staff)
    closed = selectors.round_result(round, per_page=1)
    assert [(i.label, i.strikes) for i in closed.to_accept] == [
        ("Kollektivtrafik", 2),
        ("Parker", 1),
    ]
    assert [(a.key, a.count) for a in closed.additions_to_accept] == [("hamnen", 2), ("cykel", 1)]
