"""Staff set up a process: create, edit, add parts, concurrent edits, bad input."""

import datetime

import pytest
from django.urls import reverse

from visionportal.models import Milestone, Phase, Track, VisionProcess


@pytest.fixture
def staff_client(client, staff):
    # English messages for the assertions; the municipality's default (sv) is tested elsewhere.
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    return client


def test_staff_create_a_process_with_a_slug_made_from_the_title(staff_client, norrkoping):
    response = staff_client.post(
        reverse("workspace:process_create", args=["norrkoping"]),
        {"title": "Vision 2040 för Norrköping", "target_year": 2040, "summary": "Hej"},
    )
    process = VisionProcess.objects.get(municipality=norrkoping)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "workspace:process_edit", args=["norrkoping", process.pk]
    )
    assert process.slug == "vision-2040-for-norrkoping"
    assert process.is_public is False


def test_two_processes_with_the_same_title_get_distinct_slugs(staff_client, norrkoping):
    url = reverse("workspace:process_create", args=["norrkoping"])
    staff_client.post(url, {"title": "Vision"})
    staff_client.post(url, {"title": "Vision"})
    slugs = sorted(VisionProcess.objects.values_list("slug", flat=True))
    assert slugs == ["vision", "vision-2"]


def test_a_taken_slug_is_refused_with_a_clear_message(staff_client, process):
    response = staff_client.post(
        reverse("workspace:process_create", args=["norrkoping"]),
        {"title": "Another", "slug": process.slug},
    )
    assert response.status_code == 200
    assert "already uses this web address name" in response.text
    assert VisionProcess.objects.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"title": "Vision", "target_year": "1850"}, "target year"),
        ({"title": "Vision", "target_year": "abc"}, "Enter a whole number."),
        ({"title": "Vision", "summary": "y" * 5001}, "at most 5000 characters"),
        ({"title": "Vis\x00ion"}, "Null characters are not allowed."),
    ],
)
def test_bad_process_input_is_refused_and_nothing_is_saved(staff_client, norrkoping, data, message):
    response = staff_client.post(reverse("workspace:process_create", args=["norrkoping"]), data)
    assert response.status_code == 200
    assert message.lower() in response.text.lower()
    assert 'role="alert"' in response.text
    assert not VisionProcess.objects.exists()


def test_editing_a_process_bumps_its_version(staff_client, process):
    url = reverse("workspace:process_edit", args=["norrkoping", process.pk])
    response = staff_client.post(
        url,
        {
            "title": "Vision 2035 – Norrköping",
            "slug": process.slug,
            "version": process.version,
            "is_public": "on",
            "target_year": 2035,
        },
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.title == "Vision 2035 – Norrköping"
    assert process.version == 2


def test_a_stale_edit_is_refused_and_keeps_what_the_editor_typed(staff_client, process):
    url = reverse("workspace:process_edit", args=["norrkoping", process.pk])
    first = {"title": "First editor's title", "slug": process.slug, "version": 1}
    second = {"title": "Second editor's title", "slug": process.slug, "version": 1}
    assert staff_client.post(url, first).status_code == 302
    response = staff_client.post(url, second)
    assert response.status_code == 200
    assert "Someone else saved this while you were editing" in response.text
    assert "Second editor&#x27;s title" in response.text
    process.refresh_from_db()
    assert process.title == "First editor's title"


def test_staff_add_a_phase_and_see_it_in_order(staff_client, process):
    url = reverse("workspace:part_create", args=["norrkoping", process.pk, "phase"])
    response = staff_client.post(
        url,
        {
            "kind": "planning",
            "name": "Genomförandeplan",
            "starts_on": "2015-03-01",
            "ends_on": "2015-03-31",
            "position": 0,
        },
    )
    assert response.status_code == 302
    names = list(process.phases.values_list("name", flat=True))
    assert names == ["Genomförandeplan", "Fråga kommuninvånarna", "Bedöma nyckelord"]


def test_a_phase_ending_before_it_starts_is_refused_with_the_input_kept(staff_client, process):
    url = reverse("workspace:part_create", args=["norrkoping", process.pk, "phase"])
    response = staff_client.post(
        url,
        {
            "kind": "decision",
            "name": "Beslut",
            "starts_on": "2015-12-14",
            "ends_on": "2015-12-01",
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "A phase cannot end before it starts." in response.text
    assert 'value="Beslut"' in response.text
    assert 'value="2015-12-14"' in response.text
    assert not Phase.objects.filter(name="Beslut").exists()


def test_htmx_form_errors_come_back_as_the_form_fragment(staff_client, process):
    url = reverse("workspace:part_create", args=["norrkoping", process.pk, "track"])
    response = staff_client.post(url, {"name": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<form")
    assert "<html" not in response.text
    assert "This field is required." in response.text


def test_htmx_save_redirects_the_client_to_the_process(staff_client, process):
    url = reverse("workspace:part_create", args=["norrkoping", process.pk, "track"])
    response = staff_client.post(
        url, {"name": "Indadvendt spor", "position": 2}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse(
        "workspace:process_edit", args=["norrkoping", process.pk]
    )
    assert Track.objects.filter(name="Indadvendt spor").exists()


def test_htmx_delete_answers_with_the_refreshed_list(staff_client, process):
    phases = list(process.phases.all())
    url = reverse("workspace:part_delete", args=["norrkoping", process.pk, "phase", phases[0].pk])
    response = staff_client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<ul class="part-list" id="phase-list">')
    assert phases[0].name not in response.text
    assert phases[1].name in response.text
    last = reverse("workspace:part_delete", args=["norrkoping", process.pk, "phase", phases[1].pk])
    assert "None yet." in staff_client.post(last, HTTP_HX_REQUEST="true").text
    assert not Phase.objects.filter(process=process).exists()


def test_delete_needs_post(staff_client, process):
    phase = process.phases.first()
    url = reverse("workspace:part_delete", args=["norrkoping", process.pk, "phase", phase.pk])
    assert staff_client.get(url).status_code == 405
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_a_milestone_cannot_use_a_track_of_another_process(staff_client, process, norrkoping):
    other = VisionProcess.objects.create(municipality=norrkoping, title="Other", slug="other")
    foreign_track = Track.objects.create(process=other, name="Foreign")
    url = reverse("workspace:part_create", args=["norrkoping", process.pk, "milestone"])
    response = staff_client.post(
        url, {"title": "KS Info", "date": "2015-11-16", "track": foreign_track.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Milestone.objects.filter(title="KS Info").exists()


def test_a_stale_phase_edit_is_refused(staff_client, process):
    phase = process.phases.first()
    url = reverse("workspace:part_edit", args=["norrkoping", process.pk, "phase", phase.pk])
    data = {
        "kind": phase.kind,
        "name": "Renamed",
        "starts_on": "2015-04-01",
        "ends_on": "2015-06-30",
        "position": 0,
        "version": phase.version,
    }
    assert staff_client.post(url, data).status_code == 302
    data["name"] = "Renamed again from a stale form"
    response = staff_client.post(url, data)
    assert "Someone else saved this" in response.text
    phase.refresh_from_db()
    assert phase.name == "Renamed"


def test_script_in_titles_is_shown_as_text_everywhere(staff_client, client, process):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    process.title = payload
    process.summary = payload
    process.save()
    Phase.objects.create(
        process=process,
        kind="other",
        name=payload,
        starts_on=datetime.date(2015, 1, 1),
        ends_on=datetime.date(2015, 1, 2),
    )
    pages = [
        staff_client.get(reverse("workspace:process_edit", args=["norrkoping", process.pk])),
        staff_client.get(reverse("workspace:municipality", args=["norrkoping"])),
        client.get(reverse("public:process", args=["norrkoping", process.slug])),
        client.get(reverse("public:municipality", args=["norrkoping"])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert "&lt;script&gt;alert" in page.text


def test_process_edit_page_links_to_each_consultations_staff_pages(staff_client, process):
    from django.utils import timezone

    from consultations.services import consultation_create_default

    now = timezone.now()
    consultation = consultation_create_default(
        process=process,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=30),
        language="sv",
    )
    page = staff_client.get(reverse("workspace:process_edit", args=["norrkoping", process.pk]))
    for name in [
        "consultations_staff:responses",
        "keywords:list",
        "consultations_staff:representation",
    ]:
        url = reverse(name, args=["norrkoping", consultation.pk])
        assert url in page.text
        assert staff_client.get(url).status_code == 200
    municipality_page = staff_client.get(reverse("workspace:municipality", args=["norrkoping"]))
    assert reverse("workspace:population", args=["norrkoping"]) in municipality_page.text
