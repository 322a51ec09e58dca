"""What residents see: municipalities, a process with phases, tracks and timeline, in their
language."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from visionportal.models import Municipality, Phase, VisionProcess
from visionportal.selectors import process_overview

d = datetime.date


def test_home_lists_public_municipalities_only(client, norrkoping, ishoj):
    Municipality.objects.create(
        name="Hidden kommun", slug="hidden", country="SE", default_language="sv", is_public=False
    )
    response = client.get(reverse("public:home"))
    assert "Norrköping" in response.text
    assert "Ishøj" in response.text
    assert "Hidden kommun" not in response.text
    assert client.get(reverse("public:municipality", args=["hidden"])).status_code == 404


def test_municipality_page_lists_published_processes_only(client, process, draft_process):
    response = client.get(reverse("public:municipality", args=["norrkoping"]))
    assert "Vision 2035" in response.text
    assert "Vision 2050" not in response.text


def test_process_page_shows_phases_in_order_tracks_and_timeline(client, process):
    response = client.get(reverse("public:process", args=["norrkoping", "vision-2035"]))
    text = response.text
    assert text.index("Fråga kommuninvånarna") < text.index("Bedöma nyckelord")
    assert "Politiskt spår" in text
    assert text.index("KS Beslut") < text.index("Beslut i kommunfullmäktige")
    assert '<time datetime="2015-12-14">' in text


def test_the_running_phase_is_marked_we_are_here(client, process):
    today = timezone.localdate()
    Phase.objects.create(
        process=process,
        kind="realisation",
        name="Genomförande",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=3),
    )
    client.cookies["django_language"] = "en"
    response = client.get(reverse("public:process", args=["norrkoping", "vision-2035"]))
    assert response.text.count('aria-current="step"') == 1
    assert "We are here" in response.text


def test_municipality_default_language_is_used_first(client, process):
    response = client.get(reverse("public:process", args=["norrkoping", "vision-2035"]))
    assert '<html lang="sv" dir="ltr">' in response.text
    assert response["Content-Language"] == "sv"
    assert "Tidslinje" in response.text


def test_the_visitors_choice_beats_the_municipality_default(client, process):
    client.cookies["django_language"] = "nb"
    response = client.get(reverse("public:process", args=["norrkoping", "vision-2035"]))
    assert '<html lang="nb" dir="ltr">' in response.text


def test_language_switcher_sets_the_language_without_javascript(client, process):
    url = reverse("public:process", args=["norrkoping", "vision-2035"])
    response = client.post(reverse("set_language"), {"language": "da", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).text.startswith('<!DOCTYPE html>\n\n<html lang="da"')


@pytest.mark.parametrize("language", ["sv", "da", "nb", "en"])
def test_every_public_page_speaks_each_language(client, process, language):
    client.cookies["django_language"] = language
    for url in [
        reverse("public:home"),
        reverse("public:municipality", args=["norrkoping"]),
        reverse("public:process", args=["norrkoping", "vision-2035"]),
        reverse("public:accessibility"),
    ]:
        response = client.get(url)
        assert f'<html lang="{language}" dir="ltr">' in response.text


def test_right_to_left_text_is_marked_for_the_browser_to_orient(client, process):
    process.summary = "نريد مدينة خضراء للجميع"
    process.save()
    response = client.get(reverse("public:process", args=["norrkoping", "vision-2035"]))
    assert 'dir="auto">نريد مدينة خضراء للجميع</p>' in response.text


def test_process_page_query_count_does_not_grow_with_parts(client, process):
    url = reverse("public:process", args=["norrkoping", "vision-2035"])
    client.get(url)  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(20):
        Phase.objects.create(
            process=process,
            kind="other",
            name=f"Fas {i}",
            starts_on=d(2016, 1, 1),
            ends_on=d(2016, 2, 1),
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
    # One query per section the page can show (phases, consultations and their results,
    # sorting rounds, the adopted vision, its follow-up), none per part.
    assert len(after) <= 12


class TestProcessOverview:
    """Exact oracles for "we are here" and the next milestone."""

    def test_statuses_on_a_day_inside_the_consultation(self, process):
        overview = process_overview(process, today=d(2015, 5, 15))
        assert [(p.phase.name, p.status) for p in overview.phases] == [
            ("Fråga kommuninvånarna", "current"),
            ("Bedöma nyckelord", "upcoming"),
        ]
        assert [(m.milestone.title, m.status) for m in overview.milestones] == [
            ("KS Beslut", "next"),
            ("Beslut i kommunfullmäktige", "upcoming"),
        ]
        assert [p.name for p in overview.current_phases] == ["Fråga kommuninvånarna"]

    def test_between_phases_nothing_is_current(self, process):
        overview = process_overview(process, today=d(2015, 7, 15))
        assert overview.current_phases == []
        assert not overview.is_finished
        assert not overview.has_not_started

    def test_phase_boundaries_are_inclusive(self, process):
        assert [p.status for p in process_overview(process, today=d(2015, 6, 30)).phases] == [
            "current",
            "upcoming",
        ]
        assert [p.status for p in process_overview(process, today=d(2015, 8, 1)).phases] == [
            "past",
            "current",
        ]

    def test_milestone_on_today_is_next(self, process):
        overview = process_overview(process, today=d(2015, 12, 14))
        assert [m.status for m in overview.milestones] == ["past", "next"]

    def test_after_the_last_phase_the_process_is_finished(self, process):
        overview = process_overview(process, today=d(2016, 1, 1))
        assert overview.is_finished
        assert all(m.status == "past" for m in overview.milestones)

    def test_overlapping_phases_are_all_current(self, norrkoping):
        process = VisionProcess.objects.create(municipality=norrkoping, title="V", slug="v")
        for name, start, end in [
            ("Fase 1", d(2024, 3, 1), d(2027, 1, 1)),
            ("Fase 2", d(2024, 5, 1), d(2030, 1, 1)),
            ("Fase 3", d(2028, 1, 1), d(2035, 1, 1)),
        ]:
            Phase.objects.create(
                process=process, kind="other", name=name, starts_on=start, ends_on=end
            )
        overview = process_overview(process, today=d(2026, 11, 23))
        assert [p.name for p in overview.current_phases] == ["Fase 1", "Fase 2"]
        # One "we are here": the running phase that began last; the other is still running.
        assert overview.here.name == "Fase 2"
        assert [p.name for p in overview.also_running] == ["Fase 1"]

    def test_overlapping_phases_show_one_we_are_here_on_the_page(self, client, ishoj):
        process = VisionProcess.objects.create(
            municipality=ishoj, title="V", slug="v", is_public=True
        )
        today = timezone.localdate()
        for name, days_ago in [("Fase 1", 300), ("Fase 2", 100), ("Fase 3", 10)]:
            Phase.objects.create(
                process=process,
                kind="other",
                name=name,
                starts_on=today - datetime.timedelta(days=days_ago),
                ends_on=today + datetime.timedelta(days=days_ago),
            )
        client.cookies["django_language"] = "en"
        text = client.get(reverse("public:process", args=["ishoj", "v"])).text
        assert text.count('aria-current="step"') == 1
        assert text.count(">We are here</span>") == 2  # the summary and the step itself
        assert text.count(">Still running</span>") == 2
        current = text.index('aria-current="step"')
        assert text.index("Fase 3", current) < text.index("</li>", current)
