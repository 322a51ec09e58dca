"""The follow-up report: what the PDF says (pdftotext), that it is tagged with its language
and its charts' alternative text (pypdf), "what changed" between two frozen periods, the
frozen inputs of a report of the current state, numbering, idempotence, and who may
generate, follow and download it."""

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from indicators import reports, services
from indicators.kolada import DataPoint
from indicators.models import FollowUpReport
from tests.conftest import IN_CI
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    MEMBER_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)
from visionportal.models import PackStatus

pytestmark = pytest.mark.django_db

# Skipped locally without poppler-utils; under CI=true a missing pdftotext fails the run.
requires_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not IN_CI,
    reason="pdftotext (poppler-utils) is not installed",
)

HOSTILE = '<script>alert("x")</script> Fler lärare & <img src="https://evil.test/x.png">'


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def stored_pdf(report) -> bytes:
    with default_storage.open(report.file_name, "rb") as file:
        return file.read()


@pytest.fixture
def second_period(tree, staff):
    """After "Årsredovisning 2023" (the tree's period): Kolada revises 2022 and publishes
    2023, staff override the own measure's status with a reason and comment on the key
    figure; then "Delår 2024" is frozen."""
    services.values_store(
        [
            DataPoint("N15428", "0581", 2022, Decimal("81.7"), Decimal("83.0"), Decimal("80.0")),
            DataPoint("N15428", "0581", 2023, Decimal("83"), None, None),
        ]
    )
    services.status_override(
        indicator=tree["own"], status="off_track", reason="Ny mätmetod från 2024", by=staff
    )
    indicator = tree["indicator"]
    services.indicator_update(
        indicator=indicator, expected_version=indicator.version, comment=HOSTILE
    )
    return services.follow_up_freeze(
        process=tree["process"], kind="half_year", title="Delår 2024", by=staff
    )


def _generate(process, staff, capture, *, language="en", period=None):
    with capture(execute=True):
        report = reports.report_request(process=process, by=staff, language=language, period=period)
    report.refresh_from_db()
    assert report.status == PackStatus.DONE, report.error
    return report


@pytest.fixture
def generated(tree, second_period, staff, django_capture_on_commit_callbacks):
    return _generate(
        tree["process"], staff, django_capture_on_commit_callbacks, period=second_period
    )


@requires_pdftotext
def test_the_report_has_every_area_goal_indicator_and_what_changed(generated, tree):
    text = pdf_text(stored_pdf(generated))
    for expected in (
        "Vision 2035",
        "Follow-up report, version 1",  # running footer
        "Delår 2024",
        "Contents",
        "Overview and what changed",
        "Att växa upp",
        "Att leva",
        "1. Den bästa skolan",
        "2. God folkhälsa",
        "Elever i åk 9 som är behöriga till yrkesprogram",
        "Evenemang",
        "Compared with “Årsredovisning 2023”",
        # The Kolada key figure: its revised and new values, and its new status.
        "2022: revised from 81.50 to 81.70.",
        "2023: new value 83.",
        "Status changed from Mixed to On track.",
        # The own measure: overridden with its reason.
        "Status changed from No data to Off track.",
        "Status set by staff. Reason: Ny mätmetod från 2024",
        "The latest values",
    ):
        assert expected in text, expected
    assert re.search(rf"\b2 ?/ ?{generated.pages}\b", text)  # page numbers in the footer


@requires_pdftotext
def test_hostile_comments_appear_literally_and_nothing_is_fetched(generated):
    text = pdf_text(stored_pdf(generated))
    assert " ".join(HOSTILE.split()) in text


def test_the_report_is_tagged_with_its_language_headings_tables_and_chart_alt(
    tree, second_period, staff, django_capture_on_commit_callbacks
):
    report = _generate(
        tree["process"],
        staff,
        django_capture_on_commit_callbacks,
        language="sv",
        period=second_period,
    )
    reader = PdfReader(io.BytesIO(stored_pdf(report)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title.startswith("Uppföljningsrapport: Vision 2035")
    kinds, alts = set(), []

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 60 or not hasattr(node, "get"):
            return
        if node.get("/S"):
            kinds.add(node["/S"])
            if node["/S"] == "/Figure":
                alts.append(str(node.get("/Alt", "")))
        children = node.get("/K")
        if children is None:
            return
        for child in children if isinstance(children, list) else [children]:
            walk(child, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/H4", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    assert alts and all("Diagram" in alt for alt in alts), alts
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages[:3]
        for font in page["/Resources"]["/Font"].values()
    }
    assert all("VP" in name for name in fonts), fonts  # only the shipped fonts


def test_the_charts_are_vector_drawings_not_images(generated):
    reader = PdfReader(io.BytesIO(stored_pdf(generated)))
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())


def test_a_report_of_the_current_state_keeps_what_it_was_made_from(
    tree, staff, django_capture_on_commit_callbacks
):
    process = tree["process"]
    with django_capture_on_commit_callbacks(execute=False):
        report = reports.report_request(process=process, by=staff, language="en")
    # Kolada revises a value after the request, before the worker renders it.
    services.values_store(
        [DataPoint("N15428", "0581", 2022, Decimal("99.9"), Decimal("83.0"), Decimal("80.0"))]
    )
    assert report.period is None
    assert report.inputs["previous_title"] == "Årsredovisning 2023"
    entries = {e.title: e for e in reports.report_entries(report)}
    kolada = entries[tree["indicator"].title]
    assert kolada.values == [[2021, "80.1", "82", "78.3"], [2022, "81.5", "83", "80"]]
    html = reports.report_html(report)
    assert "99.9" not in html and "Nothing has changed since" in html


def test_reports_are_numbered_and_record_their_inputs(tree, second_period, staff):
    first = reports.report_request(process=tree["process"], by=staff, language="sv")
    second = reports.report_request(
        process=tree["process"], by=staff, language="en", period=second_period
    )
    third = reports.report_request(
        process=tree["process"], by=staff, language="en", period=tree["period"]
    )
    assert (first.number, second.number, third.number) == (1, 2, 3)
    assert second.inputs == {
        "period": second_period.pk,
        "period_title": "Delår 2024",
        "previous_period": tree["period"].pk,
        "previous_title": "Årsredovisning 2023",
    }
    assert third.inputs["previous_period"] is None  # nothing was frozen before it
    assert first.inputs["previous_title"] == "Delår 2024"
    assert [e["level"] for e in first.inputs["entries"]] == [
        "area",
        "goal",
        "indicator",
        "indicator",
        "area",
        "goal",
    ]


def test_generating_twice_changes_nothing(generated):
    name, finished = generated.file_name, generated.finished_at
    again = reports.report_generate(report_id=generated.pk)
    assert (again.file_name, again.finished_at, again.status) == (name, finished, "done")


def test_a_failed_render_is_recorded_and_shown(tree, staff, client, monkeypatch, settings):
    from visionportal import pdf as render

    def broken(*args, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(render, "render_pdf", broken)
    report = reports.report_request(process=tree["process"], by=staff, language="en")
    report = reports.report_generate(report_id=report.pk)
    assert report.status == PackStatus.FAILED and "no fonts" in report.error
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("indicators:report", args=["norrkoping", tree["process"].pk, report.number])
    assert "could not be generated" in client.get(url).content.decode()
    download = reverse(
        "indicators:report_download", args=["norrkoping", tree["process"].pk, report.number]
    )
    assert client.get(download).status_code == 404


def test_the_progress_fragment_polls_until_done(tree, staff, client):
    report = reports.report_request(process=tree["process"], by=staff, language="en")
    client.force_login(staff)
    url = reverse("indicators:report", args=["norrkoping", tree["process"].pk, report.number])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="document-progress"')
    assert 'hx-trigger="every 1s"' in fragment and "<html" not in fragment
    FollowUpReport.objects.filter(pk=report.pk).update(status="done", progress=100)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "/pdf/" in fragment


def _urls(process, report, name, *extra):
    return reverse(f"indicators:{name}", args=["norrkoping", process.pk, *extra])


@pytest.mark.parametrize("role", ROLES)
def test_reports_are_for_members_and_generated_by_editors(
    client, request, tree, role, staff, django_capture_on_commit_callbacks
):
    process = tree["process"]
    done = _generate(process, staff, django_capture_on_commit_callbacks)
    client = _client_for(client, request, role)
    for name, extra in (
        ("reports", ()),
        ("report", (done.number,)),
        ("report_download", (done.number,)),
    ):
        url = _urls(process, done, name, *extra)
        response = client.get(url)
        try:
            _assert_outcome(response, MEMBER_VIEW[role])
        except AssertionError as error:
            raise AssertionError(f"{role} GET {url}: {response.status_code}") from error
        if MEMBER_VIEW[role] == 200 and name == "report_download":
            assert response["Content-Type"] == "application/pdf"
            assert response["Cache-Control"] == "private, no-store"
    before = FollowUpReport.objects.count()
    url = _urls(process, done, "report_generate")
    response = client.post(url, {"language": "sv", "period": tree["period"].pk})
    _assert_outcome(response, EDITOR_POST[role])
    created = FollowUpReport.objects.count() - before
    assert created == (1 if EDITOR_POST[role] == 302 else 0)
    if created:
        assert FollowUpReport.objects.latest("number").period == tree["period"]


def test_a_period_of_another_process_cannot_be_reported(client, tree, staff, other_staff):
    from indicators.models import FollowUpPeriod

    client.force_login(staff)
    url = reverse("indicators:report_generate", args=["norrkoping", tree["process"].pk])
    alien = FollowUpPeriod.objects.create(
        process=tree["process"].__class__.objects.create(
            municipality=other_staff.memberships.get().municipality, title="Annan", slug="annan"
        ),
        kind="annual",
        title="Främmande",
    )
    assert client.post(url, {"language": "sv", "period": alien.pk}).status_code == 404
    assert client.post(url, {"language": "xx"}).status_code == 400
    assert not FollowUpReport.objects.exists()


def test_the_staff_pages_show_what_changed_since_the_last_period(
    client, tree, second_period, staff, settings
):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    p = tree["process"]
    period_page = client.get(
        reverse("indicators:period", args=["norrkoping", p.pk, second_period.pk])
    ).content.decode()
    assert "Compared with “Årsredovisning 2023”" in period_page
    assert "2022: revised from 81.50 to 81.70." in period_page
    assert "Status changed from No data to Off track." in period_page
    first_page = client.get(
        reverse("indicators:period", args=["norrkoping", p.pk, tree["period"].pk])
    ).content.decode()
    assert "There is no earlier frozen follow-up to compare with." in first_page
    # The tree compares the state now with the latest period: nothing moved since.
    tree_page = client.get(reverse("indicators:tree", args=["norrkoping", p.pk])).content.decode()
    assert "Nothing has changed since “Delår 2024”." in tree_page
