"""Curation services: the exact effect of each action and its undo, merges one level deep,
stale versions refused, undo refused after later changes, audit rows, hostile labels, and
curation surviving a rebuild."""

import pytest

from keywords.curation import services as curation
from keywords.curation.selectors import keyword_table
from keywords.curation.services import CurationError, StaleVersion, UndoRefused
from keywords.curation.undo import action_undo
from keywords.extraction import services
from keywords.models import (
    ActionKind,
    ExtractionRun,
    Keyword,
    KeywordAction,
    KeywordMention,
    KeywordStatus,
)

from .factories import answer_ids, respond
from .factories import keyword as make

pytestmark = pytest.mark.django_db


def fresh(keyword):
    return Keyword.objects.get(pk=keyword.pk)


def state(keyword):
    k = fresh(keyword)
    return (k.label, k.status, k.merged_into_id, k.kept_for_sorting)


@pytest.fixture
def park(consultation):
    return make(consultation, "park")


@pytest.fixture
def parker(consultation):
    return make(consultation, "parker")


@pytest.fixture
def gron(consultation):
    return make(consultation, "grönområde")


# --- each action --------------------------------------------------------------------


def test_rename_changes_the_label_bumps_the_version_and_is_audited(park, staff):
    action = curation.keyword_rename(
        keyword=park, label="  Parker  och   grönska ", reason="Tydligare", version=1, by=staff
    )
    park.refresh_from_db()
    assert park.label == "Parker och grönska"
    assert park.base_form == "park"  # answers stay grouped as before
    assert park.version == 2
    assert action.kind == ActionKind.RENAME
    assert action.actor == staff
    assert action.reason == "Tydligare"
    assert action.created_at is not None
    assert list(action.keywords.all()) == [park]
    assert action.before == {
        str(park.pk): {
            "label": "park",
            "status": "candidate",
            "merged_into": None,
        }
    }
    assert action.after[str(park.pk)]["label"] == "Parker och grönska"


def test_rename_to_another_keywords_label_is_refused(park, parker, staff):
    with pytest.raises(CurationError, match="already called “parker”"):
        curation.keyword_rename(keyword=park, label="Parker", by=staff)
    assert fresh(park).label == "park"
    assert not KeywordAction.objects.exists()


def test_strike_needs_a_reason_and_restore_brings_it_back(park, staff):
    with pytest.raises(CurationError, match="Give a reason"):
        curation.keyword_strike(keyword=park, reason="   ", by=staff)
    assert fresh(park).status == KeywordStatus.CANDIDATE
    curation.keyword_strike(keyword=park, reason="Inte ett ämne", by=staff)
    assert fresh(park).status == KeywordStatus.STRUCK
    with pytest.raises(CurationError, match="already struck"):
        curation.keyword_strike(keyword=park, reason="igen", by=staff)
    curation.keyword_restore(keyword=park, by=staff)
    assert fresh(park).status == KeywordStatus.CANDIDATE
    kinds = list(KeywordAction.objects.order_by("pk").values_list("kind", "reason"))
    assert kinds == [("strike", "Inte ett ämne"), ("restore", "")]


def test_keep_and_unkeep_for_sorting(park, staff):
    curation.keyword_keep(keyword=park, by=staff)
    assert state(park) == ("park", KeywordStatus.KEPT, None, True)
    with pytest.raises(CurationError):
        curation.keyword_keep(keyword=park, by=staff)
    curation.keyword_unkeep(keyword=park, by=staff)
    assert state(park) == ("park", KeywordStatus.CANDIDATE, None, False)
    # Striking a kept keyword takes it off the sorting list too.
    curation.keyword_keep(keyword=park, by=staff)
    curation.keyword_strike(keyword=park, reason="Dubblett", by=staff)
    assert state(park) == ("park", KeywordStatus.STRUCK, None, False)


def test_merge_several_into_one_and_split_one_out(park, parker, gron, staff):
    action = curation.keyword_merge(
        keywords=[parker, gron], into=park, reason="Samma sak", by=staff
    )
    assert state(parker) == ("parker", KeywordStatus.MERGED, park.pk, False)
    assert state(gron) == ("grönområde", KeywordStatus.MERGED, park.pk, False)
    assert fresh(park).version == 1  # the target's own fields did not change
    assert set(action.keywords.all()) == {park, parker, gron}
    assert set(action.before) == {str(parker.pk), str(gron.pk)}

    split = curation.keyword_split(keyword=gron, by=staff)
    assert split.kind == ActionKind.SPLIT
    assert state(gron) == ("grönområde", KeywordStatus.CANDIDATE, None, False)
    assert state(parker)[2] == park.pk
    assert set(split.keywords.all()) == {gron, park}
    with pytest.raises(CurationError, match="not merged"):
        curation.keyword_split(keyword=gron, by=staff)


def test_merging_a_target_re_points_its_merged_keywords_one_level_deep(
    consultation, park, parker, gron, staff
):
    curation.keyword_merge(keywords=[parker], into=park, by=staff)
    curation.keyword_merge(keywords=[park], into=gron, by=staff)
    assert fresh(park).merged_into_id == gron.pk
    assert fresh(parker).merged_into_id == gron.pk  # re-pointed, not park -> gron chain
    assert not Keyword.objects.filter(merged_into__merged_into__isnull=False).exists()
    # Undo of the second merge puts parker back under park.
    action_undo(action=KeywordAction.objects.filter(kind="merge").first(), by=staff)
    assert fresh(park).status == KeywordStatus.CANDIDATE
    assert fresh(parker).merged_into_id == park.pk


def test_merge_refuses_a_merged_or_struck_target_and_an_empty_choice(park, parker, gron, staff):
    curation.keyword_merge(keywords=[parker], into=park, by=staff)
    with pytest.raises(CurationError, match="has itself been merged"):
        curation.keyword_merge(keywords=[gron], into=parker, by=staff)
    with pytest.raises(CurationError, match="already merged"):
        curation.keyword_merge(keywords=[parker], into=gron, by=staff)
    curation.keyword_strike(keyword=gron, reason="Bort", by=staff)
    with pytest.raises(CurationError, match="is struck"):
        curation.keyword_merge(keywords=[park], into=gron, by=staff)
    with pytest.raises(CurationError, match="at least one"):
        curation.keyword_merge(keywords=[park], into=park, by=staff)


def test_merge_of_another_consultations_keyword_is_refused(process, park, staff):
    from tests.consultations.factories import closed_consultation

    other = make(closed_consultation(process), "park")
    with pytest.raises(CurationError, match="removed meanwhile"):
        curation.keyword_merge(keywords=[other], into=park, by=staff)
    assert fresh(other).status == KeywordStatus.CANDIDATE


# --- add ----------------------------------------------------------------------------


def test_add_normalises_the_label_so_an_existing_base_form_is_found(consultation, staff):
    make(consultation, "kollektivtrafik")
    with pytest.raises(CurationError, match="already exists as “kollektivtrafik”"):
        curation.keyword_add(consultation=consultation, label="Kollektivtrafiken", by=staff)
    action = curation.keyword_add(
        consultation=consultation, label="Levande stadskärna", reason="Saknas", by=staff
    )
    added = action.keywords.get()
    assert (added.label, added.base_form, added.created_by_staff) == (
        "Levande stadskärna",
        "levande stadskärna",
        True,
    )
    assert action.kind == ActionKind.ADD
    assert action.before == {}
    assert action.reason == "Saknas"


def test_add_names_a_merged_or_struck_existing_keyword(consultation, park, gron, staff):
    curation.keyword_merge(keywords=[gron], into=park, by=staff)
    with pytest.raises(CurationError, match="“grönområde”, merged into “park”"):
        curation.keyword_add(consultation=consultation, label="Grönområden", by=staff)
    curation.keyword_strike(keyword=park, reason="Bort", by=staff)
    with pytest.raises(CurationError, match="struck. Restore it instead"):
        curation.keyword_add(consultation=consultation, label="Parkerna", by=staff)


@pytest.mark.parametrize(
    ("label", "stored"),
    [
        ('<script>alert("x")</script>', '<script>alert("x")</script>'),  # text, escaped later
        ("حدائق عامة", "حدائق عامة"),
        ("Cykel 🚲", "Cykel 🚲"),
        ("\u202eevil\u202c", "evil"),
        ("två\x00rader\nhär", "två rader här"),
    ],
)
def test_hostile_labels_are_stored_as_plain_text(consultation, staff, label, stored):
    keyword = curation.keyword_add(consultation=consultation, label=label, by=staff).keywords.get()
    assert keyword.label == stored


@pytest.mark.parametrize("label", ["", "   ", "\u202e", "x" * 121])
def test_empty_and_huge_labels_are_refused(consultation, park, staff, label):
    with pytest.raises(CurationError):
        curation.keyword_add(consultation=consultation, label=label, by=staff)
    with pytest.raises(CurationError):
        curation.keyword_rename(keyword=park, label=label, by=staff)
    assert Keyword.objects.count() == 1
    assert fresh(park).label == "park"


def test_a_label_of_exactly_the_limit_is_accepted(park, staff):
    curation.keyword_rename(keyword=park, label="å" * 120, by=staff)
    assert fresh(park).label == "å" * 120


# --- optimistic locking -------------------------------------------------------------


def test_a_stale_keyword_is_the_one_stale_version_error_of_every_versioned_edit(
    park, staff, admin_user
):
    from keywords.models import Keyword
    from visionportal import services as versioning
    from visionportal.models import Versioned

    assert issubclass(Keyword, Versioned)
    curation.keyword_rename(keyword=park, label="Parken", version=1, by=admin_user)
    with pytest.raises(versioning.StaleVersion) as refused:
        curation.keyword_strike(keyword=park, reason="x", version=1, by=staff)
    assert isinstance(refused.value, CurationError)
    assert refused.value.message.startswith("Someone else changed “Parken”")


def test_a_stale_version_is_refused_and_changes_nothing(park, parker, staff, admin_user):
    curation.keyword_rename(keyword=park, label="Parken", version=1, by=admin_user)
    with pytest.raises(StaleVersion, match="Someone else changed “Parken”"):
        curation.keyword_rename(keyword=park, label="Parkerna", version=1, by=staff)
    with pytest.raises(StaleVersion):
        curation.keyword_strike(keyword=park, reason="x", version=1, by=staff)
    with pytest.raises(StaleVersion):
        curation.keyword_merge(keywords=[park], into=parker, versions={park.pk: 1}, by=staff)
    assert state(park) == ("Parken", KeywordStatus.CANDIDATE, None, False)
    assert KeywordAction.objects.count() == 1
    # With the version now read, the edit goes through.
    curation.keyword_rename(keyword=park, label="Parkerna", version=2, by=staff)
    assert fresh(park).label == "Parkerna"


# --- undo ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "act",
    [
        lambda k, o, by: curation.keyword_rename(keyword=k, label="Ny", by=by),
        lambda k, o, by: curation.keyword_strike(keyword=k, reason="r", by=by),
        lambda k, o, by: curation.keyword_keep(keyword=k, by=by),
        lambda k, o, by: curation.keyword_merge(keywords=[k], into=o, by=by),
    ],
    ids=["rename", "strike", "keep", "merge"],
)
def test_undo_restores_exactly_the_state_before(park, parker, staff, admin_user, act):
    before = state(park)
    action = act(park, parker, staff)
    undo = action_undo(action=action, reason="Misstag", by=admin_user)
    assert state(park) == before
    assert (undo.kind, undo.undoes, undo.actor, undo.reason) == (
        ActionKind.UNDO,
        action,
        admin_user,
        "Misstag",
    )
    assert undo.before == action.after
    assert undo.after == action.before
    with pytest.raises(UndoRefused, match="already been undone"):
        action_undo(action=action, by=staff)


def test_undo_of_a_split_merges_again(park, parker, staff):
    curation.keyword_merge(keywords=[parker], into=park, by=staff)
    split = curation.keyword_split(keyword=parker, by=staff)
    action_undo(action=split, by=staff)
    assert state(parker) == ("parker", KeywordStatus.MERGED, park.pk, False)


def test_undo_of_an_addition_removes_the_keyword_and_cannot_be_redone(consultation, staff):
    added = curation.keyword_add(consultation=consultation, label="Badplats", by=staff)
    pk = added.keywords.get().pk
    undo = action_undo(action=added, by=staff)
    assert not Keyword.objects.filter(pk=pk).exists()
    assert undo.before[str(pk)]["label"] == "Badplats"
    with pytest.raises(UndoRefused, match="add it again"):
        action_undo(action=undo, by=staff)


def test_undo_of_an_addition_linked_to_answers_is_refused(consultation, staff):
    added = curation.keyword_add(consultation=consultation, label="Parkerna", by=staff)
    respond(consultation, keep="Parkerna")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    assert KeywordMention.objects.filter(keyword__base_form="park").exists()
    with pytest.raises(UndoRefused, match="strike it instead"):
        action_undo(action=added, by=staff)


def test_undo_is_refused_while_a_later_action_touched_the_same_keywords(
    park, parker, staff, admin_user
):
    rename = curation.keyword_rename(keyword=park, label="Parken", by=staff)
    strike = curation.keyword_strike(keyword=park, reason="Bort", by=admin_user)
    with pytest.raises(UndoRefused) as refused:
        action_undo(action=rename, by=staff)
    assert "Struck “Bort”" not in refused.value.message
    assert "Struck “Parken” by admin@norrkoping.test" in refused.value.message
    assert fresh(park).label == "Parken"
    # Once the later change is undone, the pair cancels out and the rename can go.
    action_undo(action=strike, by=admin_user)
    action_undo(action=rename, by=staff)
    assert state(park) == ("park", KeywordStatus.CANDIDATE, None, False)


def test_undo_never_makes_a_chain_of_merges(park, parker, gron, staff):
    curation.keyword_merge(keywords=[parker], into=park, by=staff)
    split = curation.keyword_split(keyword=parker, by=staff)
    curation.keyword_merge(keywords=[park], into=gron, by=staff)
    with pytest.raises(UndoRefused, match="“park” has since been merged"):
        action_undo(action=split, by=staff)
    assert fresh(parker).status == KeywordStatus.CANDIDATE


def test_actions_on_unrelated_keywords_do_not_block_undo(park, parker, staff):
    rename = curation.keyword_rename(keyword=park, label="Parken", by=staff)
    curation.keyword_strike(keyword=parker, reason="Annat", by=staff)
    action_undo(action=rename, by=staff)
    assert fresh(park).label == "park"


# --- rebuild ------------------------------------------------------------------------


def test_curation_survives_a_rebuild(consultation, staff):
    respond(consultation, keep="Parkerna och grönområden", leave="Bilköerna")
    respond(consultation, keep="Grönområden", miss="Cykelvägar")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    by_base = {k.base_form: k for k in Keyword.objects.all()}
    park, gron = by_base["park"], by_base["grönområde"]
    curation.keyword_merge(keywords=[gron], into=park, by=staff)
    curation.keyword_rename(keyword=park, label="Parker och grönytor", by=staff)
    curation.keyword_strike(keyword=by_base["bilkö"], reason="Inte en vision", by=staff)
    curation.keyword_keep(keyword=by_base["cykelväg"], by=staff)
    added = curation.keyword_add(consultation=consultation, label="Badplatser", by=staff)
    snapshot = {k.pk: (k.label, k.status, k.merged_into_id, k.kept_for_sorting) for k in
                Keyword.objects.all()}  # fmt: skip

    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    services.keywords_rebuild(run=run)

    after = {k.pk: (k.label, k.status, k.merged_into_id, k.kept_for_sorting) for k in
             Keyword.objects.all()}  # fmt: skip
    assert after == snapshot
    assert Keyword.objects.filter(pk=added.keywords.get().pk).exists()
    rows = {r.keyword.label: r for r in keyword_table(consultation)}
    assert rows["Parker och grönytor"].respondents == 2
    assert [m.label for m in rows["Parker och grönytor"].merged] == ["grönområde"]
    # And undo still works after the rebuild.
    action_undo(action=KeywordAction.objects.filter(kind="add").get(), by=staff)
    assert not Keyword.objects.filter(label="Badplatser").exists()
