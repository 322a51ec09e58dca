"""The decision pack: what the PDF says (pdftotext), that it is tagged with its language
(pypdf), that nothing outside the app's static files is fetched, that hostile answers
appear literally, numbering and inputs, and who may download it."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from keywords.models import KeywordList
from keywords.vision.contents import SECTIONS
from keywords.vision.packs import pack_generate, pack_request
from tests.conftest import IN_CI
from tests.keywords.vision_factories import PAYLOADS, answered_consultation
from tests.visionportal.test_access_matrix import ROLES, _assert_outcome, _client_for
from visionportal import pdf as render
from visionportal.models import (
    DecisionBody,
    DecisionOutcome,
    DecisionPack,
    PackStatus,
)
from visionportal.proposals.services import decision_record, proposal_save

pytestmark = pytest.mark.django_db

# Skipped locally without poppler-utils; under CI=true a missing pdftotext fails the run.
requires_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not IN_CI,
    reason="pdftotext (poppler-utils) is not installed",
)


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text in reading order, or (layout) with each table row on its own line."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def stored_pdf(pack) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(pack.file_name, "rb") as file:
        return file.read()


@pytest.fixture
def pack_process(process, staff):
    answered_consultation(process)
    proposal_save(
        process=process,
        title="Norrköping 2035",
        text="<p>En stad vid <em>Strömmen</em>.</p><ul><li>Campus</li></ul>",
        by=staff,
        expected_version=0,
    )
    return process


@pytest.fixture
def generated(pack_process, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(
            process=pack_process,
            by=staff,
            language="sv",
            gaps_note="<script>gap()</script> Vi besökte Navestad.",
        )
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE, pack.error
    return pack


@requires_pdftotext
def test_the_pack_has_every_section_in_the_process_language_with_its_numbers(generated):
    text = pdf_text(stored_pdf(generated))
    for title in (
        "Sammanfattning",
        "Hur invånarna tillfrågades",
        "Vilka som svarade, jämfört med befolkningen",
        "Nyckelord per fråga",
        "De förtroendevaldas strykningar och tillägg",
        "Visionsförslaget",
        "Tidslinjen fram till beslutet",
        "Bilaga: alla nyckelord",
        "Innehåll",
    ):
        assert title in text, title
    assert "Norrköping 2035" in text
    assert "5 svarstillfällen med 10 svar." in text
    assert "Strömmen" in text
    assert f"2 / {generated.pages}" in text  # page numbers in the footer (none on the cover)
    assert "Beslutsunderlag, version 1" in text  # running footer
    assert "Vi besökte Navestad." in text


@requires_pdftotext
def test_hostile_answers_appear_literally(generated):
    text = pdf_text(stored_pdf(generated))
    flat = " ".join(text.split())
    for payload in PAYLOADS[:3]:
        assert " ".join(payload.split()) in flat, payload
    assert "<script>gap()</script>" in flat
    # Arabic comes out in logical order, possibly wrapped in bidi marks.
    assert "مرحبا" in text and "الحديقة" in text
    assert "070-123 45 67" not in text  # quotes are masked


def test_the_pack_is_tagged_with_its_language_title_and_table_headers(generated):
    reader = PdfReader(io.BytesIO(stored_pdf(generated)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title.startswith("Beslutsunderlag: Vision 2035")
    kinds, alts = set(), []

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 60:
            return
        if hasattr(node, "get") and node.get("/S"):
            kinds.add(node["/S"])
            if node["/S"] == "/Figure":
                alts.append(str(node.get("/Alt", "")))
        children = node.get("/K") if hasattr(node, "get") else None
        if children is None:
            return
        children = children if isinstance(children, list) else [children]
        for child in children:
            child = child.get_object()
            if hasattr(child, "get"):
                walk(child, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    # The charts (inline SVG) carry their title as alternative text.
    assert alts and all(alts), alts


def test_fonts_are_embedded_from_the_repository(generated):
    reader = PdfReader(io.BytesIO(stored_pdf(generated)))
    fonts = set()
    for page in reader.pages[:2]:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("VP" in name for name in fonts), fonts


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.test/x.png",
        "http://127.0.0.1:1/x.css",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "vp-static:../visionportal/settings.py",
        "vp-static:js/visionportal.js",
    ],
)
def test_the_fetcher_refuses_everything_but_the_apps_fonts_and_stylesheet(url):
    fetcher = render.StaticOnlyFetcher()
    html = (
        f'<html lang="en"><head><title>t</title><link rel="stylesheet" href="{url}"></head>'
        f'<body><h1>t</h1><img src="{url}" alt="x"><p style="background: url({url})">x</p>'
        "</body></html>"
    )
    pdf, pages = render.render_pdf(html, fetcher=fetcher)
    assert pages == 1 and pdf.startswith(b"%PDF")
    assert fetcher.served == []
    assert url in fetcher.refused


def test_the_fetcher_serves_the_shipped_fonts():
    fetcher = render.StaticOnlyFetcher()
    response = fetcher.fetch("vp-static:fonts/DejaVuSans.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"
    assert fetcher.served == ["fonts/DejaVuSans.ttf"]


def test_packs_are_numbered_and_record_their_inputs(pack_process, staff):
    consultation = pack_process.consultations.get()
    KeywordList.objects.create(consultation=consultation, version=1)
    KeywordList.objects.create(consultation=consultation, version=2)
    first = pack_request(process=pack_process, by=staff, language="sv", gaps_note=" not ")
    second = pack_request(process=pack_process, by=staff, language="en")
    assert (first.number, second.number) == (1, 2)
    assert first.inputs == {
        "keyword_lists": {str(consultation.pk): 2},
        "proposal_version": 1,
        "gaps_note": "not",
    }


def test_generation_is_idempotent_and_tells_the_councillors(
    councillor, moderator, pack_process, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(process=pack_process, by=staff, language="sv")
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE, pack.error
    assert [m.to for m in mail.outbox] == [["councillor@norrkoping.test"]]
    assert "Vision 2035" in mail.outbox[0].subject
    again = pack_generate(pack_id=pack.pk)
    assert again.file_name == pack.file_name
    assert again.finished_at == pack.finished_at
    assert len(mail.outbox) == 1


def test_a_pack_made_again_from_the_same_inputs_has_the_same_text(generated, staff):
    # A later draft does not change what pack 1 was made from.
    proposal_save(
        process=generated.process, title="Annan", text="Annan.", by=staff, expected_version=1
    )
    copy = DecisionPack.objects.create(
        process=generated.process, number=2, language="sv", inputs=generated.inputs
    )
    copy = pack_generate(pack_id=copy.pk)
    copied = re.sub(r"([Vv]ersion) 2", r"\1 1", pdf_text(stored_pdf(copy)))
    assert copied == pdf_text(stored_pdf(generated))


def test_a_failed_render_is_recorded_and_shown(pack_process, staff, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("pango is missing")

    monkeypatch.setattr(render, "render_pdf", broken)
    pack = pack_request(process=pack_process, by=staff, language="sv")
    pack = pack_generate(pack_id=pack.pk)
    assert pack.status == PackStatus.FAILED
    assert "pango is missing" in pack.error


def test_the_timeline_section_shows_the_decisions(pack_process, staff):
    decision_record(
        process=pack_process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.ADOPTED,
        case_number="KS 2015/0363",
        paragraph="215",
        by=staff,
    )
    pack = pack_generate(pack_id=pack_request(process=pack_process, by=staff, language="en").pk)
    text = pdf_text(stored_pdf(pack))
    assert "Kommunfullmäktige 2015-12-14, § 215, KS 2015/0363" in text
    assert "Summary" in text  # English pack


def test_sections_are_a_list_a_new_section_can_join():
    anchors = [section.anchor for section in SECTIONS]
    assert anchors == [
        "summary",
        "how-asked",
        "who-answered",
        "keywords",
        "ranking",
        "ranking-groups",
        "councillors",
        "workshops",
        "proposal",
        "timeline",
        "appendix",
    ]


DOWNLOAD = {
    "anonymous": "login",
    "outsider": 404,
    "other_staff": 404,
    "councillor": 200,
    "moderator": 403,
    "staff_without_mfa": "mfa",
    "staff": 200,
    "admin_user": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_and_councillors_of_the_municipality_download_packs(
    client, request, generated, role
):
    client = _client_for(client, request, role)
    url = reverse(
        "vision:pack_download", args=["norrkoping", generated.process.pk, generated.number]
    )
    response = client.get(url)
    _assert_outcome(response, DOWNLOAD[role])
    if response.status_code == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Cache-Control"] == "private, no-store"
    progress = reverse("vision:pack", args=["norrkoping", generated.process.pk, 1])
    _assert_outcome(client.get(progress), DOWNLOAD[role])


GENERATE = {**DOWNLOAD, "councillor": 403, "staff": 302, "admin_user": 302}


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_of_the_municipality_generate_packs(client, request, pack_process, role):
    client = _client_for(client, request, role)
    url = reverse("vision:pack_generate", args=["norrkoping", pack_process.pk])
    response = client.post(url, {"language": "sv", "gaps_note": ""})
    _assert_outcome(response, GENERATE[role])
    assert DecisionPack.objects.exists() is (GENERATE[role] == 302)


def test_the_progress_fragment_polls_until_done(client, staff, pack_process):
    client.force_login(staff)
    pack = DecisionPack.objects.create(process=pack_process, number=1, language="sv")
    url = reverse("vision:pack", args=["norrkoping", pack_process.pk, 1])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="document-progress"')
    assert 'hx-trigger="every 1s"' in fragment
    pack.status, pack.progress = PackStatus.DONE, 100
    pack.save()
    assert "hx-trigger" not in client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_a_download_of_an_unfinished_pack_is_404(client, staff, pack_process):
    client.force_login(staff)
    DecisionPack.objects.create(process=pack_process, number=1, language="sv")
    url = reverse("vision:pack_download", args=["norrkoping", pack_process.pk, 1])
    assert client.get(url).status_code == 404


def test_councillors_find_ready_packs_on_their_workspace_page(client, councillor, generated):
    client.force_login(councillor)
    body = client.get(reverse("workspace:municipality", args=["norrkoping"])).content.decode()
    assert reverse("vision:pack_download", args=["norrkoping", generated.process.pk, 1]) in body


# --- the ranking per group --------------------------------------------------------------------

GROUP_XSS = '<b onmouseover="x()">Grön</b>'


@pytest.fixture
def grouped_pack(pack_process, staff, django_capture_on_commit_callbacks):
    """24 online players: ten aged 25–44 in Inre staden want both keywords; eleven aged
    65–79 in Hageby want only "Trygghet"; three aged 65–79 in Navestad want neither. Nobody
    wants the hostile label. Navestad (3 players) is under the threshold of 5, and Inre
    staden (the next smallest; no tie, so the choice does not depend on the order rows come
    from the database) is hidden with it, or the total would give it away: only Hageby is
    shown by area."""
    from keywords.sorting import aggregation
    from tests.keywords.sorting_factories import bare_round, published_list
    from tests.keywords.sorting_results_data import play

    round = bare_round(
        published_list(pack_process, ["Trygghet", "Kollektivtrafik", GROUP_XSS]),
        title="Sortera Norrköping",
    )
    for age, area, transit in (
        [("25-44", "Inre staden", 1)] * 10 + [("65-79", "Hageby", -1)] * 11
        + [("65-79", "Navestad", -1)] * 3
    ):  # fmt: skip
        play(
            round,
            {
                "Trygghet": -1 if area == "Navestad" else 1,
                "Kollektivtrafik": transit,
                GROUP_XSS: -1,
            },
            age_band=age,
            area=area,
        )
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = aggregation.result_snapshot_request(round=round)
    snapshot.refresh_from_db()
    assert snapshot.status == "done", snapshot.error
    with django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(process=pack_process, by=staff, language="en")
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE, pack.error
    return pack


@requires_pdftotext
def test_the_pack_shows_the_ranking_per_group_with_small_groups_suppressed(grouped_pack):
    # One line per table row (and per row's second line: the interval and its n).
    lines = pdf_text(stored_pdf(grouped_pack), layout=True).splitlines()
    text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
    start = text.index("Groups with fewer than 5 players are not shown")
    section = text[start : text.index("The councillors' strikes and additions", start)]
    # By age band, Wilson intervals by hand (z = 1.96): 10/10 has a lower bound of 72.2 %
    # and 0/10 an upper bound of 27.8 %; 11/14 is 78.6 % (52.4–92.4), 0/14 has an upper
    # bound of 21.5 %.
    ages = section[section.index("\nAge band\n") : section.index("\nArea\n")]
    assert "Rank Keyword 25–44 (10 players) 65–79 (14 players)" in ages
    assert "1 Trygghet 100.0 % 78.6 %\n72.2–100.0; n=10 52.4–92.4; n=14" in ages
    assert "2 Kollektivtrafik 100.0 % 0.0 %\n72.2–100.0; n=10 0.0–21.5; n=14" in ages
    assert f"3 {GROUP_XSS} 0.0 % 0.0 %\n0.0–27.8; n=10 0.0–21.5; n=14" in ages
    # By area: Navestad is under the threshold and Inre staden is hidden with it.
    areas = section[section.index("\nArea\n") : section.index("\nChannel\n")]
    assert "2 groups are not shown." in areas
    # 11/11 has a lower bound of 74.1 %, 0/11 an upper bound of 25.9 %.
    assert "Rank Keyword Hageby (11 players)" in areas
    assert "Navestad" not in section and "Inre staden" not in section
    assert "1 Trygghet 100.0 %\n74.1–100.0; n=11" in areas
    assert "2 Kollektivtrafik 0.0 %\n0.0–25.9; n=11" in areas
    channels = section[section.index("\nChannel\n") :]
    # 21/24 is 87.5 % (69.0–95.7).
    assert "Rank Keyword Online (24 players)" in channels
    assert "1 Trygghet 87.5 %\n69.0–95.7; n=24" in channels


def test_the_per_group_section_reads_the_results_pages_selector(grouped_pack):
    from keywords.sorting.selectors import group_table, results_context

    data = grouped_pack.result_snapshot.data
    page = results_context(grouped_pack.result_snapshot, by="area", chart_id="c")
    table = group_table(data, "area")
    assert [g["code"] for g in table["groups_shown"]] == ["Hageby"]
    assert page["groups_shown"] == table["groups_shown"]
    assert page["group_rows"] == table["group_rows"]
    assert table["groups_hidden"] == 2


@requires_pdftotext
def test_a_pack_without_a_round_has_no_per_group_section(generated):
    assert "How groups of residents prioritised" not in pdf_text(stored_pdf(generated))
    assert "Hur grupper av invånare prioriterade" not in pdf_text(stored_pdf(generated))
