"""After the vote: implementation status per winning project, the celebration post with
its photos, the evaluation survey; each shown to residents only in its phase, and the
role × municipality matrix of the new staff pages."""

import datetime
import io
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from consultations.budget import services
from consultations.budget.models import (
    Ballot,
    BallotChoice,
    Celebration,
    CelebrationPhoto,
    ProjectProgress,
)
from consultations.models import Question, QuestionKind
from tests.conftest import running_phase
from tests.consultations.factories import open_consultation
from tests.visionportal.test_logo import image_bytes, jpeg_with_gps
from visionportal.models import Phase, PhaseKind

from .factories import make_budget, on_ballot
from .test_proposals import EDITOR, EDITOR_POST, ROLES, _check, _client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _phase(process, kind, start, length=30):
    today = timezone.localdate()
    return Phase.objects.create(
        process=process,
        kind=kind,
        name=str(PhaseKind(kind).label),
        starts_on=today + datetime.timedelta(days=start),
        ends_on=today + datetime.timedelta(days=start + length),
    )


@pytest.fixture
def budget(process):
    """Voting is over and counted; building runs now, celebrating and evaluating follow."""
    _phase(process, PhaseKind.BUDGET_VOTE, -40, 10)
    running_phase(process, PhaseKind.BUDGET_BUILD)
    _phase(process, PhaseKind.BUDGET_CELEBRATE, 40, 10)
    _phase(process, PhaseKind.BUDGET_EVALUATE, 60, 10)
    budget = make_budget(process)
    district = budget.districts.first()
    won = on_ballot(budget, district, "Legeplads", 100_000)
    lost = on_ballot(budget, district, "Skaterbane", 200_000)
    for chosen, times in (([won], 5), ([lost], 2)):
        for _i in range(times):
            ballot = Ballot.objects.create(district=district)
            BallotChoice.objects.bulk_create(
                [BallotChoice(ballot=ballot, proposal=p) for p in chosen]
            )
    services.budget_results_compute(budget=budget)
    budget.won, budget.lost = won, lost
    return budget


def _move_to(process, kind):
    """Let the phase of `kind` run from yesterday."""
    today = timezone.localdate()
    Phase.objects.filter(process=process, kind=kind).update(
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=9)
    )


def _args(budget):
    return [budget.process.municipality.slug, budget.process.slug]


def _staff_args(budget, *rest):
    return [budget.process.municipality.slug, budget.pk, *rest]


def _progress(client, budget, proposal, **extra):
    prefix = f"p{proposal.pk}-"
    data = {"version": 0, "status": "in_progress", "status_on": "2027-05-01", "note": "Gravning"}
    data.update(extra)
    return client.post(
        reverse("consultations_staff:budget:progress", args=_staff_args(budget, proposal.pk)),
        {prefix + k: v for k, v in data.items()},
    )


def test_staff_set_a_winners_status_and_residents_see_it(client, staff, budget):
    client.force_login(staff)
    after = client.get(reverse("consultations_staff:budget:after", args=_staff_args(budget)))
    assert "Legeplads" in after.content.decode()
    assert "Skaterbane" not in after.content.decode()
    assert _progress(client, budget, budget.won).status_code == 302
    progress = ProjectProgress.objects.get()
    assert (progress.status, progress.note, progress.version) == ("in_progress", "Gravning", 1)
    # A second editor working from the same page is refused, not silently overwriting.
    stale = _progress(client, budget, budget.won, status="built", note="Færdig")
    assert stale.status_code == 400
    assert "A colleague changed this" in stale.content.decode()
    _progress(client, budget, budget.won, version=1, status="built", note="<b>Færdig</b>")
    client.logout()
    client.cookies["django_language"] = "en"  # logout clears the test client's cookies
    results = client.get(reverse("consultations:budget:results", args=_args(budget)))
    body = results.content.decode()
    assert "Built" in body and "&lt;b&gt;Færdig&lt;/b&gt;" in body
    detail = client.get(
        reverse("consultations:budget:proposal", args=[*_args(budget), budget.won.pk])
    )
    assert "Building the project" in detail.content.decode()


def test_a_project_the_vote_did_not_fund_gets_no_status(client, staff, budget):
    client.force_login(staff)
    response = _progress(client, budget, budget.lost)
    assert response.status_code == 400
    assert "Only a project the vote funded" in response.content.decode()
    assert not ProjectProgress.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"status": "demolished"}, "Select a valid choice"),
        ({"status_on": "next week"}, "Write the date as YYYY-MM-DD"),
        ({"note": "x" * 501}, "at most 500 characters"),
    ],
)
def test_bad_status_input_gets_a_clear_error(client, staff, budget, extra, message):
    client.force_login(staff)
    response = _progress(client, budget, budget.won, **extra)
    assert response.status_code == 400
    assert message in response.content.decode()


def _celebrate(client, budget, **extra):
    data = {"version": 0, "title": "Legepladsen er åben", "text": "Tak til alle!", **extra}
    return client.post(
        reverse("consultations_staff:budget:celebration", args=_staff_args(budget)), data
    )


def _upload(data):
    return SimpleUploadedFile("p.jpg", data, content_type="image/jpeg")


def test_the_celebration_post_is_public_once_published_in_the_celebration_phase(
    client, staff, budget
):
    client.force_login(staff)
    response = _celebrate(
        client, budget, published="on", photo_1=_upload(jpeg_with_gps()), alt_1="Børn på gyngen"
    )
    assert response.status_code == 302
    photo = CelebrationPhoto.objects.get()
    with default_storage.open(photo.file, "rb") as f:
        assert not Image.open(io.BytesIO(f.read())).getexif()
    client.logout()
    client.cookies["django_language"] = "en"  # logout clears the test client's cookies
    page_url = reverse("consultations:budget:celebration", args=_args(budget))
    photo_url = reverse(
        "consultations:budget:celebration_photo", args=[*_args(budget), photo.pk, photo.digest]
    )
    # Building still runs: nothing yet, and the refusal says when.
    early = client.get(page_url)
    assert "Legepladsen er åben" not in early.content.decode()
    assert client.get(photo_url).status_code == 404
    _move_to(budget.process, PhaseKind.BUDGET_CELEBRATE)
    page = client.get(page_url).content.decode()
    assert "Legepladsen er åben" in page and 'alt="Børn på gyngen"' in page
    assert client.get(photo_url).status_code == 200
    overview = client.get(reverse("consultations:budget:overview", args=_args(budget)))
    assert page_url in overview.content.decode()
    # Unpublished again: gone, photos too.
    Celebration.objects.update(published=False)
    assert client.get(page_url).status_code == 404
    assert client.get(photo_url).status_code == 404


def test_celebration_photos_need_alt_text_and_can_be_removed(client, staff, budget):
    client.force_login(staff)
    refused = _celebrate(client, budget, photo_1=_upload(image_bytes("JPEG")), alt_1=" ")
    assert refused.status_code == 400
    assert "Describe what the image shows" in refused.content.decode()
    assert not Celebration.objects.exists()
    _celebrate(client, budget, photo_1=_upload(image_bytes("JPEG")), alt_1="Snoren klippes")
    photo = CelebrationPhoto.objects.get()
    stale = _celebrate(client, budget, title="Anden titel")
    assert "A colleague changed this" in stale.content.decode()
    _celebrate(client, budget, version=1, remove_photos=[photo.pk])
    assert not CelebrationPhoto.objects.exists()
    assert Celebration.objects.get().version == 2


def _survey(process, *, custom=True):
    consultation = open_consultation(process)
    Question.objects.create(
        consultation=consultation,
        kind=QuestionKind.CUSTOM if custom else QuestionKind.MISS,
        text="Hvor involveret følte du dig?",
        position=9,
    )
    if not custom:
        consultation.questions.filter(kind=QuestionKind.CUSTOM).delete()
    return consultation


def test_the_evaluation_survey_is_offered_during_the_evaluation_phase(
    client, staff, budget, process, draft_process
):
    client.force_login(staff)
    url = reverse("consultations_staff:budget:evaluation", args=_staff_args(budget))
    plain = _survey(process, custom=False)
    response = client.post(url, {"consultation": plain.pk})
    assert "needs a consultation with custom questions" in response.content.decode()
    foreign = _survey(draft_process)
    response = client.post(url, {"consultation": foreign.pk})
    assert response.status_code == 400
    survey = _survey(process)
    assert client.post(url, {"consultation": survey.pk}).status_code == 302
    budget.refresh_from_db()
    assert budget.evaluation == survey
    client.logout()
    client.cookies["django_language"] = "en"  # logout clears the test client's cookies
    survey_url = reverse("consultations:form", args=[*_args(budget), survey.pk])
    overview_url = reverse("consultations:budget:overview", args=_args(budget))
    assert survey_url not in client.get(overview_url).content.decode()
    _move_to(budget.process, PhaseKind.BUDGET_EVALUATE)
    overview = client.get(overview_url).content.decode()
    assert survey_url in overview and "Answer the evaluation survey" in overview


@pytest.mark.parametrize("role", ROLES)
def test_the_new_staff_pages_enforce_role_and_municipality(client, request, budget, role):
    photo_owner = Celebration.objects.create(budget=budget, title="Fest", text="Tak")
    photo = CelebrationPhoto.objects.create(
        celebration=photo_owner,
        **services._image_values(
            budget.pk,
            services.image_prepare(image_bytes("JPEG"), "Fest", field="f", alt_field="a"),
            0,
        ),
    )
    client = _client_for(client, request, role)
    gets = [
        reverse("consultations_staff:budget:after", args=_staff_args(budget)),
        reverse("consultations_staff:budget:celebration", args=_staff_args(budget)),
        reverse("consultations_staff:budget:celebration_photo", args=_staff_args(budget, photo.pk)),
    ]
    for url in gets:
        _check(client.get(url), EDITOR[role], f"{role} GET {url}")
    _check(_progress(client, budget, budget.won), EDITOR_POST[role], f"{role} progress")
    assert ProjectProgress.objects.exists() is (EDITOR_POST[role] == 302)
    evaluation = reverse("consultations_staff:budget:evaluation", args=_staff_args(budget))
    _check(client.post(evaluation, {"consultation": ""}), EDITOR_POST[role], f"{role} evaluation")
    response = _celebrate(client, budget, version=photo_owner.version, title=f"Fest {uuid.uuid4()}")
    _check(response, EDITOR_POST[role], f"{role} celebration")
