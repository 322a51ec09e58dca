"""Curation and the councillors' round meet: what one does must not silently undo, drop or
break what the other relies on."""

import pytest
from django.urls import reverse

from keywords.councillors import round_list
from keywords.councillors import services as councillors
from keywords.councillors.services import RoundError
from keywords.curation import services as curation
from keywords.curation.selectors import keyword_table
from keywords.curation.services import CurationError, UndoRefused
from keywords.curation.undo import action_undo
from keywords.models import ActionKind, Keyword, KeywordStatus

from .factories import keyword as make


def _status(keyword):
    return Keyword.objects.get(pk=keyword.pk).status


def test_undoing_the_addition_of_a_keyword_a_councillor_struck_is_refused(
    consultation, staff, councillor
):
    added = curation.keyword_add(consultation=consultation, label="Badplatser", by=staff)
    keyword = added.keywords.get()
    round = councillors.round_open(consultation=consultation, by=staff, title="Runda 1")
    councillors.proposal_strike(
        round=round, councillor=councillor, keyword=keyword, reason="Finns redan"
    )
    with pytest.raises(UndoRefused, match="on record in a councillors' round"):
        action_undo(action=added, by=staff)
    assert Keyword.objects.filter(pk=keyword.pk).exists()


def test_a_restored_keyword_is_kept_for_sorting_again_if_it_was_when_struck(consultation, staff):
    park = make(consultation, "park")
    curation.keyword_keep(keyword=park, by=staff)
    curation.keyword_strike(keyword=park, reason="Av misstag", by=staff)
    curation.keyword_restore(keyword=park, by=staff)
    assert _status(park) == KeywordStatus.KEPT

    bus = make(consultation, "buss")
    curation.keyword_strike(keyword=bus, reason="Dubblett", by=staff)
    curation.keyword_restore(keyword=bus, by=staff)
    assert _status(bus) == KeywordStatus.CANDIDATE


def test_merging_a_kept_keyword_keeps_its_target_on_the_list_and_undo_reverts_both(
    consultation, staff
):
    kept = make(consultation, "grönområde")
    target = make(consultation, "park")
    other = make(consultation, "buss")
    curation.keyword_keep(keyword=kept, by=staff)
    merge = curation.keyword_merge(keywords=[kept], into=target, by=staff)

    assert _status(target) == KeywordStatus.KEPT
    # Still "only kept ones" on the councillors' list: the target, not every keyword.
    listed = [k.pk for k in round_list.curated_keywords(consultation)]
    assert listed == [target.pk]

    action_undo(action=merge, by=staff)
    assert (_status(kept), _status(target), _status(other)) == (
        KeywordStatus.KEPT,
        KeywordStatus.CANDIDATE,
        KeywordStatus.CANDIDATE,
    )
    assert merge.undone_by.kind == ActionKind.UNDO


def test_publishing_two_keywords_residents_would_read_as_one_is_refused_naming_them(
    consultation, staff
):
    make(consultation, "Buss", base_form="kollektivtrafik")
    make(consultation, "buss")  # extraction made it later, from a new answer
    with pytest.raises(RoundError, match="“buss”") as refused:
        councillors.keyword_list_publish(consultation=consultation, by=staff)
    assert "Merge or rename them" in str(refused.value)
    assert not consultation.keyword_lists.exists()


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_characters_never_make_a_label_look_new(consultation, staff, invisible):
    park = make(consultation, "park")
    other = make(consultation, "grönområde")
    with pytest.raises(CurationError):
        curation.keyword_rename(keyword=other, label=f"park{invisible}", by=staff)
    with pytest.raises(CurationError, match="Write a label"):
        curation.keyword_add(consultation=consultation, label=invisible * 2, by=staff)
    assert [r.keyword.label for r in keyword_table(consultation, order="label")] == [
        "grönområde",
        park.label,
    ]


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 40])
def test_odd_digits_in_posted_ids_are_refused_not_a_500(client, staff, consultation, value):
    park = make(consultation, "park")
    client.force_login(staff)
    base = ["norrkoping", consultation.pk]
    merged = client.post(
        reverse("keywords:merge", args=base),
        {"keywords": [f"{value}:1"], "into": park.pk, "into_version": park.version},
    )
    assert merged.status_code in (302, 400, 409)
    published = client.post(reverse("keywords:list_publish", args=base), {"round": value})
    assert published.status_code in (302, 400, 404)
