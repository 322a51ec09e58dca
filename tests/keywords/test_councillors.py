"""The councillors' round and published keyword lists: services and selectors, exactly."""

import datetime

import pytest
from django.utils import timezone

from keywords.councillors import round_list, selectors, services
from keywords.councillors.services import Acceptance, RoundError
from keywords.models import (
    CouncillorProposal,
    ItemOrigin,
    KeywordList,
    KeywordMention,
    KeywordStatus,
)
from keywords.tallies import keyword_tallies_recount
from visionportal.phases import Capability, process_allows

from .factories import accept_all, councillor_of, keyword, respond

pytestmark = pytest.mark.django_db


def mentioned_by(kw, respondents):
    """`respondents` distinct residents mention the keyword (counted, as extraction does)."""
    for _ in range(respondents):
        response = respond(kw.consultation, keep=kw.label)
        KeywordMention.objects.create(
            keyword=kw, answer=response.answers.first(), surface_form=kw.label
        )
    # Mentions stored directly: recount as the extraction services would.
    keyword_tallies_recount(consultation_id=kw.consultation_id, keyword_ids=[kw.pk])
    kw.refresh_from_db()
    return kw


@pytest.fixture
def keywords(consultation):
    return {
        "park": mentioned_by(keyword(consultation, "Parker"), 3),
        "bus": mentioned_by(keyword(consultation, "Kollektivtrafik"), 2),
        "river": mentioned_by(keyword(consultation, "Strömmen"), 1),
    }


@pytest.fixture
def party_councillor(norrkoping):
    return councillor_of(norrkoping, "ledamot@norrkoping.test", party="Exempelpartiet")


@pytest.fixture
def round(consultation, keywords, staff):
    return services.round_open(consultation=consultation, by=staff, title="Runda 1")


def labels(keywords):
    return [k.label for k in keywords]


# --- the curated list -------------------------------------------------------------------


def test_the_round_list_is_every_keyword_neither_struck_nor_merged(consultation, keywords):
    struck = keyword(consultation, "Struken", status=KeywordStatus.STRUCK)
    keyword(consultation, "Parkerna", status=KeywordStatus.MERGED, merged_into=keywords["park"])
    rows = round_list.curated_keywords(consultation)
    assert labels(rows) == ["Parker", "Kollektivtrafik", "Strömmen"]
    assert struck.pk not in [k.pk for k in rows]


def test_once_any_keyword_is_kept_for_sorting_only_kept_ones_are_listed(consultation, keywords):
    keywords["bus"].status = KeywordStatus.KEPT
    keywords["bus"].save()
    keyword(consultation, "Struken", status=KeywordStatus.STRUCK)
    assert labels(round_list.curated_keywords(consultation)) == ["Kollektivtrafik"]


# --- opening and closing ----------------------------------------------------------------


def test_opening_a_round_records_who_and_the_settings(consultation, keywords, staff):
    closes_on = timezone.localdate() + datetime.timedelta(days=7)
    round = services.round_open(
        consultation=consultation,
        by=staff,
        title="  Runda\u00a0 1 ",
        instructions="Stryk det som inte hör hemma.\nMotivera kort.",
        others_visible_while_open=True,
        closes_on=closes_on,
    )
    round.refresh_from_db()
    assert (round.title, round.opened_by, round.closes_on) == ("Runda 1", staff, closes_on)
    assert round.instructions == "Stryk det som inte hör hemma.\nMotivera kort."
    assert round.others_visible_while_open is True
    assert round.is_open


def test_only_one_round_is_open_per_consultation(round, consultation, staff):
    with pytest.raises(RoundError, match="already open"):
        services.round_open(consultation=consultation, by=staff)
    services.round_close(round=round, by=staff)
    assert services.round_open(consultation=consultation, by=staff).is_open


def test_a_round_needs_keywords_and_a_last_day_not_in_the_past(consultation, staff):
    with pytest.raises(RoundError, match="no keywords"):
        services.round_open(consultation=consultation, by=staff)
    keyword(consultation, "Parker")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(RoundError, match="past"):
        services.round_open(consultation=consultation, by=staff, closes_on=yesterday)
    with pytest.raises(RoundError, match="too long"):
        services.round_open(consultation=consultation, by=staff, title="x" * 201)


def test_closing_twice_keeps_the_first_close(round, staff, admin_user):
    services.round_close(round=round, by=staff)
    first = round.closed_at
    services.round_close(round=round, by=admin_user)
    round.refresh_from_db()
    assert (round.closed_at, round.closed_by) == (first, staff)


# --- strikes --------------------------------------------------------------------------


def test_a_strike_is_on_record_with_the_party_at_the_time(round, keywords, party_councillor):
    proposal, created = services.proposal_strike(
        round=round, councillor=party_councillor, keyword=keywords["park"], reason=" För dyrt "
    )
    assert created
    assert (proposal.kind, proposal.keyword, proposal.reason, proposal.party) == (
        "strike",
        keywords["park"],
        "För dyrt",
        "Exempelpartiet",
    )
    party_councillor.memberships.update(party="Ett annat parti")
    proposal.refresh_from_db()
    assert proposal.party == "Exempelpartiet"


def test_a_second_identical_strike_is_a_no_op(round, keywords, councillor):
    first, created = services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="Ett"
    )
    again, created_again = services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="Ett annat skäl"
    )
    assert created and not created_again
    assert again.pk == first.pk and again.reason == "Ett"
    assert CouncillorProposal.objects.count() == 1


def test_after_withdrawing_a_councillor_may_strike_again_with_a_new_reason(
    round, keywords, councillor
):
    first, _ = services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="Ett"
    )
    services.proposal_withdraw(proposal=first, by=councillor)
    second, created = services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="Två"
    )
    assert created and second.pk != first.pk
    assert [p.reason for p in selectors.own_proposals(round, councillor)] == ["Två"]


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u202e", "...!?"])
def test_a_strike_needs_a_reason(round, keywords, councillor, reason):
    with pytest.raises(RoundError, match="reason"):
        services.proposal_strike(
            round=round, councillor=councillor, keyword=keywords["park"], reason=reason
        )
    assert not CouncillorProposal.objects.exists()


def test_a_huge_reason_is_refused_not_cut(round, keywords, councillor):
    with pytest.raises(RoundError, match="500"):
        services.proposal_strike(
            round=round, councillor=councillor, keyword=keywords["park"], reason="å" * 501
        )
    proposal, _ = services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="å" * 500
    )
    assert len(proposal.reason) == 500


def test_only_listed_keywords_of_the_round_can_be_struck(
    round, consultation, process, councillor, keywords
):
    from tests.consultations.factories import closed_consultation

    struck = keyword(consultation, "Redan struken", status=KeywordStatus.STRUCK)
    elsewhere = keyword(closed_consultation(process), "Annanstans")
    for kw in (struck, elsewhere):
        with pytest.raises(RoundError, match="not on the round"):
            services.proposal_strike(round=round, councillor=councillor, keyword=kw, reason="x")


@pytest.mark.parametrize("who", ["staff", "admin_user", "moderator", "other_councillor"])
def test_only_the_municipalitys_councillors_propose(request, round, keywords, ishoj, who):
    if who == "other_councillor":
        user = councillor_of(ishoj, "raadsmedlem@ishoj.test")
    else:
        user = request.getfixturevalue(who)
    with pytest.raises(RoundError, match="councillors"):
        services.proposal_strike(round=round, councillor=user, keyword=keywords["park"], reason="x")
    with pytest.raises(RoundError, match="councillors"):
        services.proposal_add(round=round, councillor=user, label="Ny", reason="x")
    assert not CouncillorProposal.objects.exists()


def test_a_closed_round_refuses_proposals_and_withdrawals(round, keywords, councillor, staff):
    proposal, _ = services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="x"
    )
    services.round_close(round=round, by=staff)
    with pytest.raises(RoundError, match="closed"):
        services.proposal_strike(
            round=round, councillor=councillor, keyword=keywords["bus"], reason="x"
        )
    with pytest.raises(RoundError, match="closed"):
        services.proposal_add(round=round, councillor=councillor, label="Ny", reason="x")
    with pytest.raises(RoundError, match="closed"):
        services.proposal_withdraw(proposal=proposal, by=councillor)
    assert CouncillorProposal.objects.get().withdrawn_at is None


def test_proposals_end_with_the_last_day_even_before_staff_close(round, keywords, councillor):
    round.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    round.save()
    assert not services.accepts_proposals(round)
    with pytest.raises(RoundError, match="closed"):
        services.proposal_strike(
            round=round, councillor=councillor, keyword=keywords["park"], reason="x"
        )
    round.closes_on = timezone.localdate()
    round.save()
    assert services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="x"
    )[1]


# --- additions -----------------------------------------------------------------------------


def test_an_added_label_is_cleaned_but_markup_is_kept_as_text(round, councillor):
    proposal, created = services.proposal_add(
        round=round,
        councillor=councillor,
        label="  <script>alert(1)</script>\u200b  Cykel\u202ebanor \n",
        reason="<b>fet</b>",
    )
    assert created
    assert proposal.label == "<script>alert(1)</script> Cykelbanor"
    assert proposal.reason == "<b>fet</b>"


@pytest.mark.parametrize(
    "label", ["حدائق عامة", "Grönområden 🌳", "🌳", "e\u0301ko", "Familie\u200dhus"]
)
def test_right_to_left_emoji_and_joiners_are_kept(round, councillor, label):
    import unicodedata

    proposal, _ = services.proposal_add(round=round, councillor=councillor, label=label, reason="x")
    assert proposal.label == unicodedata.normalize("NFC", label)


@pytest.mark.parametrize("label", ["", "  ", "!!!", "\u200b"])
def test_an_addition_needs_a_label(round, councillor, label):
    with pytest.raises(RoundError, match="Write the keyword"):
        services.proposal_add(round=round, councillor=councillor, label=label, reason="x")


def test_a_huge_label_is_refused(round, councillor):
    with pytest.raises(RoundError, match="120"):
        services.proposal_add(round=round, councillor=councillor, label="a" * 121, reason="x")


@pytest.mark.parametrize("label", ["parker", "PARKER", " Parker ", "kollektivtrafik"])
def test_adding_a_keyword_already_on_the_list_is_refused_with_its_name(round, councillor, label):
    with pytest.raises(RoundError, match="already on the list"):
        services.proposal_add(round=round, councillor=councillor, label=label, reason="x")


def test_adding_back_a_struck_keyword_is_what_additions_are_for(round, consultation, councillor):
    keyword(consultation, "Kulturliv", status=KeywordStatus.STRUCK)
    assert services.proposal_add(
        round=round, councillor=councillor, label="kulturliv", reason="Saknas"
    )[1]


def test_a_second_identical_addition_is_a_no_op(round, councillor):
    first, _ = services.proposal_add(round=round, councillor=councillor, label="Cykel", reason="a")
    again, created = services.proposal_add(
        round=round, councillor=councillor, label=" CYKEL ", reason="b"
    )
    assert not created and again.pk == first.pk
    assert CouncillorProposal.objects.count() == 1


# --- withdrawing ------------------------------------------------------------------------------


def test_withdrawing_is_for_the_proposer_and_idempotent(round, councillor, party_councillor):
    proposal, _ = services.proposal_add(
        round=round, councillor=councillor, label="Cykel", reason="a"
    )
    with pytest.raises(RoundError, match="own"):
        services.proposal_withdraw(proposal=proposal, by=party_councillor)
    services.proposal_withdraw(proposal=proposal, by=councillor)
    first = CouncillorProposal.objects.get().withdrawn_at
    services.proposal_withdraw(proposal=proposal, by=councillor)
    assert CouncillorProposal.objects.get().withdrawn_at == first is not None
    assert selectors.own_proposals(round, councillor) == []


# --- visibility ------------------------------------------------------------------------------


@pytest.fixture
def two_councillors_proposed(round, keywords, councillor, party_councillor):
    services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="a"
    )
    services.proposal_strike(
        round=round, councillor=party_councillor, keyword=keywords["park"], reason="b"
    )
    services.proposal_add(round=round, councillor=party_councillor, label="Cykel", reason="c")
    return round


def test_while_open_a_councillor_sees_only_their_own(
    two_councillors_proposed, councillor, party_councillor
):
    round = two_councillors_proposed
    assert [p.reason for p in selectors.own_proposals(round, councillor)] == ["a"]
    assert selectors.others_proposals(round, councillor) == []
    park = selectors.round_keywords_for(round, councillor)[0]
    assert (park.my_strike.reason, park.others_strikes) == ("a", [])


def test_with_the_option_on_councillors_see_each_other_while_open(
    two_councillors_proposed, councillor
):
    round = two_councillors_proposed
    round.others_visible_while_open = True
    round.save()
    assert [p.reason for p in selectors.others_proposals(round, councillor)] == ["b", "c"]
    park = selectors.round_keywords_for(round, councillor)[0]
    assert [p.party for p in park.others_strikes] == ["Exempelpartiet"]


def test_after_close_every_councillor_sees_everyone(
    two_councillors_proposed, councillor, party_councillor, staff
):
    round = two_councillors_proposed
    services.round_close(round=round, by=staff)
    assert [p.reason for p in selectors.others_proposals(round, councillor)] == ["b", "c"]
    assert [p.reason for p in selectors.others_proposals(round, party_councillor)] == ["a"]


def test_withdrawn_proposals_are_shown_to_nobody_but_staff(
    two_councillors_proposed, councillor, party_councillor, staff
):
    round = two_councillors_proposed
    proposal = CouncillorProposal.objects.get(label="Cykel")
    services.proposal_withdraw(proposal=proposal, by=party_councillor)
    services.round_close(round=round, by=staff)
    assert [p.reason for p in selectors.others_proposals(round, councillor)] == ["b"]
    assert [p.reason for p in selectors.round_result(round).withdrawn] == ["c"]


# --- the consolidated result ------------------------------------------------------------------


def test_the_result_groups_strikes_by_keyword_and_additions_by_label(
    two_councillors_proposed, keywords, councillor, norrkoping
):
    round = two_councillors_proposed
    third = councillor_of(norrkoping, "tredje@norrkoping.test", party="Tredje partiet")
    services.proposal_add(round=round, councillor=third, label=" cykel ", reason="d")
    services.proposal_add(round=round, councillor=councillor, label="Hamnen", reason="e")
    services.proposal_strike(round=round, councillor=third, keyword=keywords["river"], reason="f")
    result = selectors.round_result(round)
    assert [(g.label, g.count, g.respondents) for g in result.strikes] == [
        ("Parker", 2, 3),
        ("Strömmen", 1, 1),
    ]
    assert [(p.councillor, p.party, p.reason) for p in result.strikes[0].proposals] == [
        (councillor, "", "a"),
        (councillor.__class__.objects.get(email="ledamot@norrkoping.test"), "Exempelpartiet", "b"),
    ]
    assert [(g.key, g.label, g.count) for g in result.additions] == [
        ("cykel", "Cykel", 2),
        ("hamnen", "Hamnen", 1),
    ]
    assert result.councillors == 3
    assert not result.is_empty


def test_a_keyword_staff_strike_after_opening_stays_on_the_rounds_list(
    round, consultation, keywords, councillor, staff
):
    """Curation goes on during a round; the councillors keep judging the list they got."""
    keywords["bus"].status = KeywordStatus.STRUCK
    keywords["bus"].label = "Bussar"
    keywords["bus"].save()
    services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["bus"], reason="a"
    )
    (group,) = selectors.round_result(round).strikes
    assert (group.keyword_id, group.label, group.count) == (
        keywords["bus"].pk,
        "Kollektivtrafik",
        1,
    )
    services.round_close(round=round, by=staff)
    keyword_list = services.keyword_list_publish(
        consultation=consultation, round=round, accept=Acceptance(), by=staff
    )
    assert [i.label for i in keyword_list.items.all()] == ["Parker", "Kollektivtrafik", "Strömmen"]


# --- publishing -----------------------------------------------------------------------------


def items(keyword_list):
    return [(i.position, i.label, i.origin, i.respondents) for i in keyword_list.items.all()]


def test_a_round_must_be_closed_before_its_result_is_published(round, consultation, staff):
    with pytest.raises(RoundError, match="Close the round"):
        services.keyword_list_publish(consultation=consultation, round=round, by=staff)
    assert not KeywordList.objects.exists()


def test_publishing_applies_only_the_accepted_proposals(
    two_councillors_proposed, consultation, keywords, councillor, staff
):
    round = two_councillors_proposed
    services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["bus"], reason="x"
    )
    services.proposal_add(round=round, councillor=councillor, label="Hamnen", reason="y")
    services.round_close(round=round, by=staff)
    keyword_list = services.keyword_list_publish(
        consultation=consultation,
        round=round,
        accept=Acceptance.of(strikes=[keywords["park"].pk], additions=["CYKEL"]),
        by=staff,
        note="Efter KS",
    )
    assert (keyword_list.version, keyword_list.source_round, keyword_list.note) == (
        1,
        round,
        "Efter KS",
    )
    assert items(keyword_list) == [
        (1, "Kollektivtrafik", ItemOrigin.CURATED, 2),
        (2, "Strömmen", ItemOrigin.CURATED, 1),
        (3, "Cykel", ItemOrigin.COUNCILLOR, 0),
    ]
    accepted = {(p.kind, p.reason) for p in keyword_list.accepted_proposals.all()}
    assert accepted == {("strike", "a"), ("strike", "b"), ("add", "c")}


def test_accepting_every_active_proposal_publishes_their_strikes_and_additions(
    two_councillors_proposed, consultation, staff
):
    round = two_councillors_proposed
    services.round_close(round=round, by=staff)
    keyword_list = services.keyword_list_publish(
        consultation=consultation, round=round, accept=accept_all(round), by=staff
    )
    assert [i.label for i in keyword_list.items.all()] == ["Kollektivtrafik", "Strömmen", "Cykel"]


def test_without_a_round_the_curated_list_is_published_with_staff_origins(
    consultation, keywords, staff
):
    keyword(consultation, "Hamnen", created_by_staff=True)
    keyword_list = services.keyword_list_publish(consultation=consultation, by=staff)
    assert items(keyword_list) == [
        (1, "Parker", "curated", 3),
        (2, "Kollektivtrafik", "curated", 2),
        (3, "Strömmen", "curated", 1),
        (4, "Hamnen", "staff", 0),
    ]
    assert keyword_list.source_round is None


def test_without_a_round_a_list_beyond_the_bound_is_refused_with_what_to_do(
    consultation, keywords, staff, monkeypatch
):
    monkeypatch.setattr(round_list, "ROUND_KEYWORDS_MAX", 2)
    with pytest.raises(RoundError, match="has 3 keywords; a published list takes at most 2"):
        services.keyword_list_publish(consultation=consultation, by=staff)
    assert not KeywordList.objects.filter(consultation=consultation).exists()
    keywords["park"].status = KeywordStatus.KEPT
    keywords["park"].save(update_fields=["status"])
    published = services.keyword_list_publish(consultation=consultation, by=staff)
    assert [item.label for item in published.items.all()] == ["Parker"]


def test_a_published_list_is_frozen_when_keywords_change(
    two_councillors_proposed, consultation, keywords, staff
):
    round = two_councillors_proposed
    services.round_close(round=round, by=staff)
    v1 = services.keyword_list_publish(
        consultation=consultation, round=round, accept=accept_all(round), by=staff
    )
    before = items(v1)
    keywords["bus"].label = "Bussar och tåg"
    keywords["bus"].save()
    mentioned_by(keywords["river"], 5)
    assert items(KeywordList.objects.get(pk=v1.pk)) == before
    assert selectors.published_keyword_list(consultation).pk == v1.pk


def test_publishing_again_makes_a_new_version_that_carries_the_round_forward(
    two_councillors_proposed, consultation, keywords, staff
):
    round = two_councillors_proposed
    services.round_close(round=round, by=staff)
    v1 = services.keyword_list_publish(
        consultation=consultation, round=round, accept=accept_all(round), by=staff
    )
    keywords["bus"].label = "Bussar och tåg"
    keywords["bus"].save()
    keyword(consultation, "Hamnen", created_by_staff=True)
    v2 = services.keyword_list_publish(consultation=consultation, by=staff, note="Nytt namn")
    assert (v2.version, v2.source_round) == (2, round)
    assert items(v2) == [
        (1, "Bussar och tåg", "curated", 2),
        (2, "Strömmen", "curated", 1),
        (3, "Hamnen", "staff", 0),
        (4, "Cykel", "councillor", 0),
    ]
    assert set(v2.accepted_proposals.all()) == set(v1.accepted_proposals.all())
    assert selectors.published_keyword_list(consultation).pk == v2.pk
    assert [kl.version for kl in selectors.keyword_list_versions(consultation)] == [2, 1]

    diff = selectors.keyword_list_diff(v2, selectors.previous_version(v2))
    assert [i.label for i in diff.added] == ["Hamnen"]
    assert diff.removed == []
    assert [(r.before, r.after) for r in diff.renamed] == [("Kollektivtrafik", "Bussar och tåg")]
    assert diff.unchanged == 2


def test_the_diff_shows_removed_keywords_and_the_first_version_has_no_previous(
    consultation, keywords, staff
):
    v1 = services.keyword_list_publish(consultation=consultation, by=staff)
    assert selectors.previous_version(v1) is None
    assert [i.label for i in selectors.keyword_list_diff(v1, None).added] == [
        "Parker",
        "Kollektivtrafik",
        "Strömmen",
    ]
    keywords["river"].status = KeywordStatus.STRUCK
    keywords["river"].save()
    v2 = services.keyword_list_publish(consultation=consultation, by=staff)
    diff = selectors.keyword_list_diff(v2, v1)
    assert ([i.label for i in diff.removed], diff.added, diff.renamed) == (["Strömmen"], [], [])
    assert not diff.is_empty
    v3 = services.keyword_list_publish(consultation=consultation, by=staff)
    assert selectors.keyword_list_diff(v3, v2).is_empty


def test_an_accepted_addition_that_staff_added_meanwhile_is_listed_once(
    round, consultation, councillor, staff
):
    """Staff's keyword came after the round opened, so it is not on the round's list:
    the accepted addition is, once, as the councillors'."""
    services.proposal_add(round=round, councillor=councillor, label="Hamnen", reason="x")
    services.round_close(round=round, by=staff)
    keyword(consultation, "hamnen", created_by_staff=True)
    keyword_list = services.keyword_list_publish(
        consultation=consultation, round=round, accept=accept_all(round), by=staff
    )
    assert [(i.label, i.origin) for i in keyword_list.items.all()][-1] == ("Hamnen", "councillor")
    assert keyword_list.items.count() == 4


def test_a_round_of_another_consultation_cannot_be_published_here(round, process, staff):
    from tests.consultations.factories import closed_consultation

    services.round_close(round=round, by=staff)
    with pytest.raises(RoundError, match="another consultation"):
        services.keyword_list_publish(
            consultation=closed_consultation(process), round=round, by=staff
        )


def test_a_huge_note_is_refused(consultation, keywords, staff):
    with pytest.raises(RoundError, match="500"):
        services.keyword_list_publish(consultation=consultation, by=staff, note="n" * 501)


def test_a_later_round_keeps_the_earlier_rounds_decisions(
    round, consultation, keywords, councillor, staff
):
    services.proposal_strike(
        round=round, councillor=councillor, keyword=keywords["park"], reason="a"
    )
    services.proposal_add(round=round, councillor=councillor, label="Hamnen", reason="b")
    services.round_close(round=round, by=staff)
    services.keyword_list_publish(
        consultation=consultation, round=round, accept=accept_all(round), by=staff
    )
    second = services.round_open(consultation=consultation, by=staff, title="Runda 2")
    services.proposal_strike(
        round=second, councillor=councillor, keyword=keywords["bus"], reason="c"
    )
    services.proposal_add(round=second, councillor=councillor, label="Cykel", reason="d")
    services.round_close(round=second, by=staff)
    v2 = services.keyword_list_publish(
        consultation=consultation,
        round=second,
        accept=Acceptance.of(strikes=[keywords["bus"].pk]),
        by=staff,
    )
    assert [i.label for i in v2.items.all()] == ["Strömmen", "Hamnen"]
    assert v2.source_round == second
    # Publishing the first round again decides only its own proposals afresh.
    v3 = services.keyword_list_publish(
        consultation=consultation, round=round, accept=Acceptance(), by=staff
    )
    assert [i.label for i in v3.items.all()] == ["Parker", "Strömmen"]


def test_a_keyword_on_record_stays_but_the_whole_consultation_can_be_deleted(
    two_councillors_proposed, consultation, keywords, staff
):
    from django.db.models import RestrictedError

    from keywords.models import CouncillorRound

    round = two_councillors_proposed
    services.round_close(round=round, by=staff)
    services.keyword_list_publish(
        consultation=consultation, round=round, accept=accept_all(round), by=staff
    )
    with pytest.raises(RestrictedError):
        keywords["park"].delete()
    consultation.delete()
    assert not CouncillorRound.objects.exists()
    assert not KeywordList.objects.exists()
    assert not CouncillorProposal.objects.exists()


def test_the_demo_has_a_published_list_and_an_open_round_twice_over():
    from visionportal.demo import load_demo

    load_demo()
    load_demo()  # rewrites, never duplicates (and deletes rounds on record cleanly)
    from keywords.models import CouncillorRound

    (round,) = CouncillorRound.objects.all()
    assert round.is_open and round.title == "Förtroendevaldas runda 1"
    # Opened during the 2015 timeline's councillors' phase, still taking proposals today.
    process = round.consultation.process
    assert process_allows(process, Capability.COUNCILLOR_ROUND, at=round.opened_at)
    assert not process_allows(process, Capability.COUNCILLOR_ROUND)
    assert services.accepts_proposals(round)
    assert {(p.kind, p.party) for p in round.proposals.all()} == {
        ("strike", "Demopartiet"),
        ("add", "Demopartiet"),
    }
    (keyword_list,) = KeywordList.objects.all()
    labels = [i.label for i in keyword_list.items.all()]
    assert "nedskräpning" in labels and keyword_list.source_round is None


@pytest.mark.django_db(transaction=True)
def test_simultaneous_double_submits_store_one_proposal_each(round, keywords, councillor):
    """Two tabs, a double click: on PostgreSQL the round lock makes them find each other."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race needs PostgreSQL")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit(action):
        try:
            barrier.wait()
            results.append(action()[1])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    actions = [
        lambda: services.proposal_strike(
            round=round, councillor=councillor, keyword=keywords["park"], reason="Dyrt"
        ),
        lambda: services.proposal_add(
            round=round, councillor=councillor, label="Cykel", reason="Saknas"
        ),
    ] * 2
    threads = [threading.Thread(target=submit, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, False, True, True]
    assert CouncillorProposal.objects.filter(kind="strike").count() == 1
    assert CouncillorProposal.objects.filter(kind="add").count() == 1


def test_a_rebuild_keeps_a_keyword_a_councillor_struck_after_its_last_mention_goes(
    consultation, staff, councillor
):
    """The answer behind a keyword can be edited away; a strike on record still names it."""
    from keywords.extraction.services import keywords_rebuild
    from keywords.models import ExtractionRun

    response = respond(consultation, keep="Parkerna")
    keywords_rebuild(run=ExtractionRun.objects.create(consultation=consultation, kind="rebuild"))
    river = consultation.keywords.get()
    round = services.round_open(consultation=consultation, by=staff, title="Runda 1")
    services.proposal_strike(round=round, councillor=councillor, keyword=river, reason="Oklart")
    answer = response.answers.get()
    answer.text = "Något helt annat"
    answer.save()

    run = keywords_rebuild(
        run=ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    )
    assert run.status == "done"
    river.refresh_from_db()
    assert not river.mentions.exists()
    assert CouncillorProposal.objects.get().keyword == river


# --- one publish path (issue 14) ------------------------------------------------------------


def _second_round_with_park_struck_and_an_addition(
    round, consultation, keywords, councillor, staff
):
    """Version 1 published from the first round; a second round, closed but not yet
    published, in which a councillor struck "Parker" and added "Hållbar tillväxt"."""
    services.round_close(round=round, by=staff)
    services.keyword_list_publish(
        consultation=consultation, round=round, accept=accept_all(round), by=staff
    )
    second = services.round_open(consultation=consultation, by=staff, title="Runda 2")
    services.proposal_strike(
        round=second, councillor=councillor, keyword=keywords["park"], reason="Finns redan"
    )
    services.proposal_add(
        round=second, councillor=councillor, label="Hållbar tillväxt", reason="Saknas"
    )
    services.round_close(round=second, by=staff)
    return second


def test_publishing_without_naming_the_closed_round_still_applies_its_proposals(
    round, consultation, keywords, councillor, staff
):
    """The rounds overview names no round: it used to publish the curated list with the
    first round's decisions, keeping the struck "Parker" and dropping the addition."""
    second = _second_round_with_park_struck_and_an_addition(
        round, consultation, keywords, councillor, staff
    )
    v2 = services.keyword_list_publish(consultation=consultation, by=staff)
    assert [i.label for i in v2.items.all()] == [
        "Kollektivtrafik",
        "Strömmen",
        "Hållbar tillväxt",
    ]
    assert v2.source_round == second


def test_both_entry_points_publish_the_same_list(round, consultation, keywords, councillor, staff):
    second = _second_round_with_park_struck_and_an_addition(
        round, consultation, keywords, councillor, staff
    )
    from_overview = services.keyword_list_plan(consultation=consultation)
    from_round = services.keyword_list_plan(
        consultation=consultation, round=second, accept=accept_all(second)
    )
    assert from_overview.round == from_round.round == second
    assert [i.label for i in from_overview.items] == [i.label for i in from_round.items]
    assert from_overview.struck == from_round.struck == ["Parker"]
    assert from_overview.added == from_round.added == ["Hållbar tillväxt"]
    assert from_overview.version == 2


def test_the_previewed_version_is_the_one_published_or_it_is_refused(
    round, consultation, keywords, councillor, staff
):
    _second_round_with_park_struck_and_an_addition(round, consultation, keywords, councillor, staff)
    plan = services.keyword_list_plan(consultation=consultation)
    services.keyword_list_publish(consultation=consultation, by=staff)  # someone else, first
    with pytest.raises(RoundError, match="published while you"):
        services.keyword_list_publish(
            consultation=consultation, by=staff, expected_version=plan.version
        )
    assert KeywordList.objects.filter(consultation=consultation).count() == 2


def test_once_the_latest_round_is_published_the_overview_carries_its_decisions(
    round, consultation, keywords, councillor, staff
):
    _second_round_with_park_struck_and_an_addition(round, consultation, keywords, councillor, staff)
    services.keyword_list_publish(consultation=consultation, by=staff)
    keywords["bus"].label = "Bussar"
    keywords["bus"].save()
    plan = services.keyword_list_plan(consultation=consultation)
    assert [i.label for i in plan.items] == ["Bussar", "Strömmen", "Hållbar tillväxt"]
    assert plan.struck == ["Parker"] and plan.added == ["Hållbar tillväxt"]
