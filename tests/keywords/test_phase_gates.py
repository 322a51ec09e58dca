"""The process's phases gate the councillors' round and curation (visionportal.phases):
a round opens only during a phase for it; curation is allowed from the start of a phase for
it onwards (so also between phases and while a round is open), and refused before."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.services import consultation_create_default
from keywords.councillors import services as councillors
from keywords.curation import services as curation
from keywords.curation import undo
from keywords.models import CouncillorRound, KeywordAction, KeywordStatus
from tests.conftest import running_phase
from tests.consultations.factories import open_consultation
from visionportal.models import Phase, PhaseKind, VisionProcess

from .factories import keyword

d = datetime.date


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def _url(name, consultation, *args):
    return reverse(f"keywords:{name}", args=["norrkoping", consultation.pk, *args])


@pytest.fixture
def in_sorting(process):
    """Seed 000's timeline with residents sorting now, and no councillors' phase running."""
    running_phase(process, PhaseKind.SORTING, name="Bedöma nyckelord")
    consultation = open_consultation(process)
    keyword(consultation, "Parker")
    return consultation


@pytest.fixture
def curation_ahead(norrkoping):
    """A process whose consultation phase (the first that allows curation) starts later."""
    process = VisionProcess.objects.create(municipality=norrkoping, title="V", slug="v")
    today = timezone.localdate()
    Phase.objects.create(
        process=process,
        kind=PhaseKind.CONSULTATION,
        name="Fråga invånarna",
        starts_on=today + datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=40),
    )
    # Asked ahead of the phase (made directly: open_consultation would add a running one).
    consultation = consultation_create_default(
        process=process,
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=40),
        language="sv",
    )
    return consultation, keyword(consultation, "Parker")


def test_staff_cannot_open_a_round_outside_a_councillors_phase(client, staff, in_sorting):
    client.force_login(staff)
    response = client.post(_url("round_open", in_sorting), {"title": "Runda 1"})
    assert response.status_code == 400
    assert "A councillors&#x27; round can be opened only during a phase for it." in response.text
    assert "Add a phase of the kind “Councillors strike and add”" in response.text
    assert not CouncillorRound.objects.exists()


def test_the_refusal_names_the_coming_councillors_phase(staff, in_sorting):
    today = timezone.localdate()
    Phase.objects.create(
        process=in_sorting.process,
        kind=PhaseKind.COUNCILLOR_ROUND,
        name="Politikerna stryker",
        starts_on=today + datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=20),
    )
    with pytest.raises(councillors.RoundError, match="during the phase “Politikerna stryker”"):
        councillors.round_open(consultation=in_sorting, by=staff)


def test_staff_open_a_round_during_a_councillors_phase(client, staff, in_sorting):
    running_phase(in_sorting.process, PhaseKind.COUNCILLOR_ROUND)
    client.force_login(staff)
    response = client.post(_url("round_open", in_sorting), {"title": "Runda 1"})
    assert response.status_code == 302
    assert CouncillorRound.objects.get().is_open


def test_a_round_opened_during_its_phase_may_be_recorded_afterwards(staff, process):
    Phase.objects.create(
        process=process,
        kind=PhaseKind.COUNCILLOR_ROUND,
        name="Juli 2015",
        starts_on=d(2015, 7, 1),
        ends_on=d(2015, 7, 31),
    )
    consultation = open_consultation(process)
    keyword(consultation, "Parker")
    tz = timezone.get_current_timezone()
    round = councillors.round_open(
        consultation=consultation, by=staff, opened_at=datetime.datetime(2015, 7, 1, 9, tzinfo=tz)
    )
    assert round.opened_at.year == 2015 and councillors.accepts_proposals(round)
    with pytest.raises(councillors.RoundError):
        councillors.round_open(
            consultation=consultation,
            by=staff,
            opened_at=datetime.datetime(2015, 8, 1, 9, tzinfo=tz),
        )


def test_curation_goes_on_between_phases_and_after_its_phase(client, staff, in_sorting):
    # The consultation phase (April–June 2015) allowed curation; it still does.
    parker = in_sorting.keywords.get()
    client.force_login(staff)
    response = client.post(_url("rename", in_sorting, parker.pk), {"version": 1, "label": "Parken"})
    assert response.status_code == 302
    parker.refresh_from_db()
    assert parker.label == "Parken"


def test_curation_before_its_phase_starts_is_refused_saying_when(client, staff, curation_ahead):
    consultation, parker = curation_ahead
    client.force_login(staff)
    response = client.post(_url("strike", consultation, parker.pk), {"version": 1, "reason": "x"})
    assert response.status_code == 400
    assert "Keywords cannot be curated in this process yet." in response.text
    assert "during the phase “Fråga invånarna”" in response.text
    parker.refresh_from_db()
    assert parker.status == KeywordStatus.CANDIDATE
    assert not KeywordAction.objects.exists()


def test_every_curation_action_asks_the_phases(staff, curation_ahead):
    consultation, parker = curation_ahead
    other = keyword(consultation, "Parkerna")
    actions = [
        lambda: curation.keyword_rename(keyword=parker, label="P", by=staff),
        lambda: curation.keyword_strike(keyword=parker, reason="x", by=staff),
        lambda: curation.keyword_keep(keyword=parker, by=staff),
        lambda: curation.keyword_merge(keywords=[other], into=parker, by=staff),
        lambda: curation.keyword_add(consultation=consultation, label="Hamnen", by=staff),
    ]
    for action in actions:
        with pytest.raises(curation.CurationError, match="cannot be curated in this process yet"):
            action()
    assert not KeywordAction.objects.exists()


def test_undo_and_split_ask_the_phases_too(staff, curation_ahead):
    consultation, parker = curation_ahead
    other = keyword(consultation, "Parkerna")
    phase = consultation.process.phases.get()
    today = timezone.localdate()
    Phase.objects.filter(pk=phase.pk).update(starts_on=today, ends_on=today)
    merge = curation.keyword_merge(keywords=[other], into=parker, by=staff)
    Phase.objects.filter(pk=phase.pk).update(
        starts_on=today + datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=2)
    )
    with pytest.raises(curation.CurationError, match="cannot be curated"):
        undo.action_undo(action=merge, by=staff)
    with pytest.raises(curation.CurationError, match="cannot be curated"):
        curation.keyword_split(keyword=other, by=staff)
    other.refresh_from_db()
    assert other.status == KeywordStatus.MERGED


def test_curation_goes_on_while_a_round_is_open(staff, consultation):
    parker = keyword(consultation, "Parker")
    keyword(consultation, "Hamnen")
    councillors.round_open(consultation=consultation, by=staff)
    curation.keyword_strike(keyword=parker, reason="Dubblett", by=staff)
    parker.refresh_from_db()
    assert parker.status == KeywordStatus.STRUCK
