"""The sorting results pages and exports: role × municipality matrix for every view, the
public page only for public rounds, computing on demand with a progress page, small
groups suppressed, and hostile keyword labels inert in the SVG, the HTML and the CSV."""

import csv
import io
import json

import pytest
from django.urls import reverse

from keywords.sorting import aggregation
from keywords.sorting.models import DeviceClass, SortChannel
from keywords.sorting.result_models import SnapshotStatus, SortResultSnapshot
from tests.keywords.sorting_factories import bare_round, published_list
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    EDITOR_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)

from .sorting_results_data import meeting, play

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","klicka")'
LABELS = ["Trygghet", "Kollektivtrafik", XSS, FORMULA]


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def round(process):
    return bare_round(published_list(process, LABELS))


@pytest.fixture
def snapshot(round, django_capture_on_commit_callbacks):
    for i in range(12):
        play(
            round,
            {"Trygghet": 1, "Kollektivtrafik": -1 if i % 3 else 1, XSS: 1, FORMULA: 0},
            device_class=DeviceClass.PHONE,
            age_band="25-44" if i < 7 else "65-79",
        )
    # Two players on tablets: a small group, hidden (with the group that would reveal it).
    for _ in range(2):
        play(round, {"Trygghet": -1}, channel=SortChannel.ONLINE, device_class=DeviceClass.TABLET)
    meeting(round, 8, {"Trygghet": (6, 2, 0)})
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = aggregation.result_snapshot_request(round=round)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE
    return snapshot


def staff_url(name, round, *args):
    return reverse(f"keywords:{name}", args=["norrkoping", round.process.pk, round.pk, *args])


def public_url(round, name="sorting_results_public", *args):
    return reverse(f"keywords:{name}", args=["norrkoping", round.process.slug, round.pk, *args])


def _check(client, method, url, expected, role):
    response = getattr(client, method)(url)
    try:
        _assert_outcome(response, expected[role])
    except AssertionError as error:
        raise AssertionError(f"{role} {method.upper()} {url}: {response.status_code}") from error
    return response


@pytest.mark.parametrize("role", ROLES)
def test_staff_results_pages_are_for_editors_of_that_municipality(client, request, snapshot, role):
    round = snapshot.round
    client = _client_for(client, request, role)
    for url in (
        staff_url("sorting_results", round),
        staff_url("sorting_results", round) + "?by=age_band",
        staff_url("sorting_results_run", round, snapshot.pk),
        staff_url("sorting_results_export", round, "csv"),
        staff_url("sorting_results_export", round, "json"),
    ):
        _check(client, "get", url, EDITOR_VIEW, role)


@pytest.mark.parametrize("role", ROLES)
def test_computing_results_is_for_editors(
    client, request, round, role, django_capture_on_commit_callbacks
):
    client = _client_for(client, request, role)
    with django_capture_on_commit_callbacks(execute=True):
        _check(client, "post", staff_url("sorting_results_compute", round), EDITOR_POST, role)
    assert SortResultSnapshot.objects.filter(round=round).exists() is (EDITOR_POST[role] == 302)


@pytest.mark.parametrize("role", ROLES)
def test_the_public_results_are_for_everyone(client, request, snapshot, role):
    client = _client_for(client, request, role)
    for url in (
        public_url(snapshot.round),
        public_url(snapshot.round, "sorting_results_public_export", "csv"),
        public_url(snapshot.round, "sorting_results_public_export", "json"),
    ):
        assert client.get(url).status_code == 200, (role, url)


def test_results_pages_refuse_get_for_compute_and_post_for_pages(staff, client, round):
    client.force_login(staff)
    assert client.get(staff_url("sorting_results_compute", round)).status_code == 405
    assert client.post(staff_url("sorting_results", round)).status_code == 405
    assert client.post(public_url(round)).status_code == 405


def test_no_public_results_for_a_draft_round_or_a_private_process(client, process, snapshot):
    draft = bare_round(published_list(process, ["Parker"], version=2), opened=False)
    assert client.get(public_url(draft)).status_code == 404
    process.is_public = False
    process.save()
    assert client.get(public_url(snapshot.round)).status_code == 404
    assert (
        client.get(public_url(snapshot.round, "sorting_results_public_export", "csv")).status_code
        == 404
    )


def test_another_municipality_slug_or_process_does_not_reach_the_round(client, snapshot, ishoj):
    round = snapshot.round
    url = reverse("keywords:sorting_results_public", args=["ishoj", round.process.slug, round.pk])
    assert client.get(url).status_code == 404
    url = reverse("keywords:sorting_results_public", args=["norrkoping", "annan", round.pk])
    assert client.get(url).status_code == 404


def test_an_unknown_export_format_is_not_found(client, snapshot):
    assert (
        client.get(public_url(snapshot.round, "sorting_results_public_export", "xlsx")).status_code
        == 404
    )


def test_public_page_without_results_says_so(client, round):
    response = client.get(public_url(round))
    assert response.status_code == 200
    assert b"There are no results yet" in response.content


def test_computing_shows_progress_then_links_the_results(
    client, staff, round, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(staff_url("sorting_results_compute", round))
    snapshot = SortResultSnapshot.objects.get(round=round)
    assert response["Location"] == staff_url("sorting_results_run", round, snapshot.pk)
    page = client.get(response["Location"])
    assert b'<progress id="results-progress-bar" max="5" value="5">' in page.content
    assert b"See the results" in page.content
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b"results-progress" in fragment.content


def test_a_double_submit_joins_the_queued_aggregation(client, staff, round):
    client.force_login(staff)
    first = client.post(staff_url("sorting_results_compute", round))
    second = client.post(staff_url("sorting_results_compute", round))
    assert first["Location"] == second["Location"]
    assert SortResultSnapshot.objects.filter(round=round).count() == 1


def test_hostile_labels_are_inert_in_the_chart_the_tables_and_the_csv(client, snapshot):
    page = client.get(public_url(snapshot.round)).content.decode()
    assert XSS not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page or "&lt;script&gt;" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<script" not in svg and "<img" not in svg
    body = b"".join(
        client.get(
            public_url(snapshot.round, "sorting_results_public_export", "csv")
        ).streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    labels = {row[3] for row in rows[1:]}
    assert "'" + FORMULA in labels and FORMULA not in labels
    assert XSS in labels  # plain text in a CSV cell, not a formula
    exported = json.loads(
        b"".join(
            client.get(
                public_url(snapshot.round, "sorting_results_public_export", "json")
            ).streaming_content
        )
    )
    assert {i["label"] for i in exported["items"]} == set(LABELS)


def test_small_groups_are_not_shown_on_the_page_or_in_exports(client, snapshot):
    page = client.get(public_url(snapshot.round) + "?by=device_class").content.decode()
    # 12 phones and 2 tablets: the tablets are hidden, and so the phones (else 14 − 12).
    assert "No group is large enough to be shown." in page
    page = client.get(public_url(snapshot.round) + "?by=age_band").content.decode()
    assert "25–44" in page and "65–79" in page  # 7 and 5 players
    body = b"".join(
        client.get(
            public_url(snapshot.round, "sorting_results_public_export", "csv")
        ).streaming_content
    ).decode("utf-8-sig")
    dimensions = {(row[0], row[1]) for row in csv.reader(io.StringIO(body))}
    assert ("device_class", "tablet") not in dimensions and (
        "device_class",
        "phone",
    ) not in dimensions
    assert ("age_band", "65-79") in dimensions
    exported = json.loads(
        b"".join(
            client.get(
                public_url(snapshot.round, "sorting_results_public_export", "json")
            ).streaming_content
        )
    )
    tablet = next(g for g in exported["groups"]["device_class"] if g["code"] == "tablet")
    assert tablet == {"code": "tablet", "players": None, "suppressed": True}


def test_the_page_reads_the_snapshot_without_counting_votes(
    client, snapshot, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(public_url(snapshot.round))
    assert response.status_code == 200
    assert "Trygghet" in response.content.decode()
