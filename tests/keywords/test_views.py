"""Staff keyword pages: role × municipality matrix, the table's filters and escaping,
rebuild with progress, and the htmx fragment."""

import pytest
from django.urls import reverse

from keywords.extraction import services
from keywords.models import ExtractionRun, RunStatus
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    EDITOR_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)

from .factories import answer_ids, respond


@pytest.fixture
def run(consultation):
    return ExtractionRun.objects.create(consultation=consultation, kind="rebuild")


def _urls(consultation, run):
    args = ["norrkoping", consultation.pk]
    return [
        reverse("keywords:list", args=args),
        reverse("keywords:run", args=[*args, run.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_keyword_pages_are_for_editors_of_that_municipality(
    client, request, consultation, run, role
):
    client = _client_for(client, request, role)
    for url in _urls(consultation, run):
        response = client.get(url)
        try:
            _assert_outcome(response, EDITOR_VIEW[role])
        except AssertionError as error:
            raise AssertionError(f"{role} GET {url}: {response.status_code}") from error


@pytest.mark.parametrize("role", ROLES)
def test_starting_a_rebuild_is_for_editors_of_that_municipality(
    client, request, consultation, role, django_capture_on_commit_callbacks
):
    client = _client_for(client, request, role)
    url = reverse("keywords:rebuild", args=["norrkoping", consultation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    _assert_outcome(response, EDITOR_POST[role])
    assert ExtractionRun.objects.exists() is (EDITOR_POST[role] == 302)


def test_another_municipalitys_consultation_is_not_found_through_your_own(
    client, other_staff, consultation, run
):
    client.force_login(other_staff)
    args = ["ishoj", consultation.pk]
    assert client.get(reverse("keywords:list", args=args)).status_code == 404
    assert client.get(reverse("keywords:run", args=[*args, run.pk])).status_code == 404
    assert client.post(reverse("keywords:rebuild", args=args)).status_code == 404
    assert not ExtractionRun.objects.exclude(pk=run.pk).exists()


def test_a_run_of_another_consultation_is_not_found_under_this_one(
    client, staff, process, consultation, run
):
    from tests.consultations.factories import closed_consultation

    other = closed_consultation(process)
    client.force_login(staff)
    url = reverse("keywords:run", args=["norrkoping", other.pk, run.pk])
    assert client.get(url).status_code == 404


def test_rebuilding_is_post_only(client, staff, consultation):
    client.force_login(staff)
    url = reverse("keywords:rebuild", args=["norrkoping", consultation.pk])
    assert client.get(url).status_code == 405


def test_a_rebuild_runs_on_commit_and_redirects_to_its_progress(
    client, staff, consultation, django_capture_on_commit_callbacks
):
    respond(consultation, keep="Parkerna", miss="Cykelvägar")
    client.force_login(staff)
    url = reverse("keywords:rebuild", args=["norrkoping", consultation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    run = ExtractionRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "keywords:run", args=["norrkoping", consultation.pk, run.pk]
    )
    assert run.status == RunStatus.DONE
    page = client.get(response["Location"])
    assert '<progress id="run-progress-bar" max="2" value="2">' in page.text
    assert "hx-trigger" not in page.text  # finished: no more polling


def test_a_running_rebuild_polls_itself_and_has_a_refresh_link(client, staff, consultation, run):
    ExtractionRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, total=10, processed=4)
    client.force_login(staff)
    url = reverse("keywords:run", args=["norrkoping", consultation.pk, run.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'hx-get="{url}" hx-trigger="every 1s"' in page.text
    assert f'<a href="{url}">' in page.text
    assert '<progress id="run-progress-bar" max="10" value="4">' in page.text
    assert "<html" in page.text


def test_htmx_gets_only_the_progress_fragment(client, staff, consultation, run):
    client.force_login(staff)
    url = reverse("keywords:run", args=["norrkoping", consultation.pk, run.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="run-progress"')
    assert "<html" not in response.text
    assert "<h1" not in response.text
    assert "HX-Request" in response["Vary"]


def test_the_table_shows_counts_and_escapes_answers(client, staff, consultation):
    respond(consultation, keep='<script>alert("x")</script><b>Parkerna</b> & träden')
    respond(consultation, keep="Parken")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    client.force_login(staff)
    page = client.get(reverse("keywords:list", args=["norrkoping", consultation.pk]))
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<b>Parkerna" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Parkerna" in page.text
    assert ">park</span>" in page.text


def test_the_table_filters_and_sorts_with_a_plain_get_form(client, staff, consultation):
    respond(consultation, keep="Parkerna", leave="Bilköerna")
    respond(consultation, leave="Bilköerna", channel="workshop")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    client.force_login(staff)
    url = reverse("keywords:list", args=["norrkoping", consultation.pk])
    page = client.get(url, {"question_kind": "keep", "order": "label"})
    assert ">park</span>" in page.text
    assert ">bilkö</span>" not in page.text
    page = client.get(url, {"channel": "workshop"})
    assert ">bilkö</span>" in page.text
    assert ">park</span>" not in page.text
    # An unknown value is ignored, not an error page.
    page = client.get(url, {"order": "drop table", "channel": "carrier-pigeon"})
    assert page.status_code == 200
    assert ">park</span>" in page.text
    assert 'method="get"' in page.text


def test_the_table_page_takes_as_many_queries_for_many_answers_as_for_few(
    client, staff, consultation
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    url = reverse("keywords:list", args=["norrkoping", consultation.pk])
    client.get(url)  # warms per-process caches (the municipality's language)

    def queries():
        services.answer_keywords_extract(answer_ids=answer_ids(consultation))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    respond(consultation, keep="Parkerna")
    few = queries()
    for _ in range(20):
        respond(consultation, keep="Parkerna och kollektivtrafiken", leave="Bilköerna")
    assert queries() == few
