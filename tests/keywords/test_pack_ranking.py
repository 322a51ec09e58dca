# ruff: noqa: F811 (the pack fixtures are imported from test_decision_pack and requested by name)
"""The sorting game's ranking in the decision pack and beside the proposal editor: which
result snapshot a pack records (and keeps on regeneration), the section's numbers read
from the PDF for a round small enough to check by hand, its absence without a round,
hostile keyword labels printed literally, and the editor's top list."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from keywords.sorting import aggregation
from keywords.sorting.result_models import SnapshotStatus, SortResultSnapshot
from keywords.vision.contents import SECTIONS
from keywords.vision.packs import pack_generate, pack_request
from keywords.vision.ranking import ranking_snapshot
from tests.keywords.sorting_factories import bare_round, published_list
from tests.keywords.test_decision_pack import (  # noqa: F401 (fixtures)
    generated,
    pack_process,
    pdf_text,
    requires_pdftotext,
    stored_pdf,
)
from visionportal.models import DecisionPack, PackStatus

from .sorting_results_data import play

pytestmark = pytest.mark.django_db

XSS = '<script>alert("rank")</script><img src="https://evil.test/r.png">'
LABELS = ["Trygghet", "Kollektivtrafik", XSS]


def _snapshot(round, capture) -> SortResultSnapshot:
    with capture(execute=True):
        snapshot = aggregation.result_snapshot_request(round=round)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE, snapshot.error
    return snapshot


@pytest.fixture
def sorted_round(pack_process, django_capture_on_commit_callbacks):
    """20 online players, ten aged 25–44 and ten 65–79: everyone wants "Trygghet", nobody
    wants XSS, and only the younger ten want "Kollektivtrafik". By hand (Wilson, z = 1.96):
    20/20 = 100.0 % (83.9–100.0), 10/20 = 50.0 % (29.9–70.1), 0/20 = 0.0 % (0.0–16.1);
    per age band 10/10 has a lower bound of 72.2 % and 0/10 an upper bound of 27.8 %, so
    the first is a consensus for, the last against, and the middle one divisive."""
    round = bare_round(published_list(pack_process, LABELS), title="Sortera Norrköping")
    for i in range(20):
        young = i < 10
        play(
            round,
            {"Trygghet": 1, "Kollektivtrafik": 1 if young else -1, XSS: -1},
            age_band="25-44" if young else "65-79",
        )
    _snapshot(round, django_capture_on_commit_callbacks)
    return round


def _request(process, staff, language, capture) -> DecisionPack:
    with capture(execute=True):
        pack = pack_request(process=process, by=staff, language=language)
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE, pack.error
    return pack


def test_the_ranking_section_follows_the_keywords():
    anchors = [section.anchor for section in SECTIONS]
    assert anchors.index("ranking") == anchors.index("keywords") + 1


def test_the_snapshot_is_the_latest_closed_rounds_else_an_open_ones(
    pack_process, django_capture_on_commit_callbacks
):
    assert ranking_snapshot(pack_process) is None
    keyword_list = published_list(pack_process, LABELS)
    open_round = bare_round(keyword_list, title="Öppen")
    assert ranking_snapshot(pack_process) is None  # a round without results
    play(open_round, {"Trygghet": 1})
    open_snapshot = _snapshot(open_round, django_capture_on_commit_callbacks)
    assert ranking_snapshot(pack_process) == open_snapshot
    now = timezone.now()
    closed = bare_round(
        keyword_list,
        title="Stängd",
        opens_at=now - datetime.timedelta(days=20),
        closes_at=now - datetime.timedelta(days=10),
    )
    play(closed, {"Trygghet": -1})
    first = _snapshot(closed, django_capture_on_commit_callbacks)
    play(closed, {"Trygghet": 1})
    second = _snapshot(closed, django_capture_on_commit_callbacks)
    assert ranking_snapshot(pack_process) == second != first
    # A failed or unfinished aggregation is not results.
    SortResultSnapshot.objects.create(round=closed, status=SnapshotStatus.FAILED)
    assert ranking_snapshot(pack_process) == second


@requires_pdftotext
def test_the_pack_prints_the_ranking_with_its_numbers(
    sorted_round, pack_process, staff, django_capture_on_commit_callbacks
):
    pack = _request(pack_process, staff, "en", django_capture_on_commit_callbacks)
    snapshot = SortResultSnapshot.objects.get(round=sorted_round)
    assert pack.result_snapshot == snapshot
    text = pdf_text(stored_pdf(pack))
    flat = " ".join(text.split())
    assert "How residents prioritised" in flat
    assert "Sortera Norrköping" in flat
    assert "Players 20" in flat
    assert "Answers, all channels 60" in flat
    assert "Answers: Online 60" in flat
    assert "20 players gave 60 answers" in flat  # the summary
    rows = [
        "1 Trygghet 20 0 100.0 % 83.9–100.0",
        "2 Kollektivtrafik 10 10 50.0 % 29.9–70.1",
        f"3 {XSS} 0 20 0.0 % 0.0–16.1",
    ]
    positions = [flat.index(row) for row in rows]
    assert positions == sorted(positions)
    assert "played from" in flat and "There are no population figures" in flat
    agreement = flat[flat.index("Everyone wants it") :]
    # (A page may break before "Divisive": the running footer and header come between.)
    found = re.search(
        r"Everyone wants it • Trygghet Nobody wants it • (.+?) (?:Norrköping · .*? )?"
        r"Divisive • Kollektivtrafik",
        agreement,
    )
    assert found.group(1) == XSS


def test_weighted_shares_stand_beside_the_unweighted(sorted_round, pack_process, staff):
    from keywords.vision.packs import pack_html

    snapshot = SortResultSnapshot.objects.get(round=sorted_round)
    data = snapshot.data
    data["weighting"] = {"method": "post_stratify", "dimensions": ["age_band"]}
    data["items"][0]["weighted"] = {"share": 0.9, "low": 0.8, "high": 0.95, "n": 20, "n_eff": 18.5}
    weighted = SortResultSnapshot.objects.create(
        round=sorted_round,
        status=SnapshotStatus.DONE,
        finished_at=timezone.now(),
        data=data,
    )
    pack = pack_request(process=pack_process, by=staff, language="en")
    assert pack.result_snapshot == weighted
    html = " ".join(pack_html(pack).split())
    section = html[html.index('id="ranking"') :]
    assert "Weighted share" in section and "age band" in section
    assert (
        '<td class="num">100.0 %</td> <td class="num">83.9–100.0</td> '
        '<td class="num">90.0 %</td><td class="num">80.0–95.0</td>'
    ) in section
    assert '<td class="num">–</td><td class="num">–</td>' in section  # not weighted


@requires_pdftotext
def test_the_ranking_is_in_the_packs_language(
    sorted_round, pack_process, staff, django_capture_on_commit_callbacks
):
    text = pdf_text(
        stored_pdf(_request(pack_process, staff, "sv", django_capture_on_commit_callbacks))
    )
    flat = " ".join(text.split())
    assert "Hur invånarna prioriterade" in flat
    assert "100,0 %" in flat or "100.0 %" in flat


@requires_pdftotext
def test_a_pack_without_a_round_has_no_ranking(generated):
    assert generated.result_snapshot is None
    text = pdf_text(stored_pdf(generated))
    assert "Hur invånarna prioriterade" not in text
    assert "sorteringsspelet" not in text.lower()


@requires_pdftotext
def test_a_pack_made_again_uses_its_recorded_snapshot(
    sorted_round, pack_process, staff, django_capture_on_commit_callbacks
):
    pack = _request(pack_process, staff, "en", django_capture_on_commit_callbacks)
    # More votes and a newer snapshot: a new pack uses it, the old one keeps its own.
    for _ in range(5):
        play(sorted_round, {"Trygghet": -1, "Kollektivtrafik": 1, XSS: -1})
    newer = _snapshot(sorted_round, django_capture_on_commit_callbacks)
    assert ranking_snapshot(pack_process) == newer
    copy = DecisionPack.objects.create(
        process=pack_process,
        number=pack.number + 1,
        language="en",
        inputs=pack.inputs,
        result_snapshot=pack.result_snapshot,
    )
    copy = pack_generate(pack_id=copy.pk)
    copied = re.sub(r"([Vv]ersion) 2", r"\1 1", pdf_text(stored_pdf(copy)))
    assert copied == pdf_text(stored_pdf(pack))
    fresh = _request(pack_process, staff, "en", django_capture_on_commit_callbacks)
    assert fresh.result_snapshot == newer
    assert "Players 25" in " ".join(pdf_text(stored_pdf(fresh)).split())


def test_the_chart_is_vector_and_labelled(sorted_round, pack_process, staff):
    from keywords.vision.packs import pack_html

    pack = pack_request(process=pack_process, by=staff, language="en")
    html = pack_html(pack)
    chart = html[html.index('id="ranking"') :]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in chart
    assert '<title id="pack-ranking-chart-title">The 3 highest-ranked keywords' in chart
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;rank&quot;)&lt;/script&gt;" in html


def test_the_editor_shows_the_top_of_the_ranking(client, staff, sorted_round, pack_process):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("vision:proposal", args=["norrkoping", pack_process.pk])).content
    body = " ".join(body.decode().split())
    assert "How residents prioritised" in body
    top = body[body.index('class="ranking-top"') :]
    assert top.index("Trygghet") < top.index("Kollektivtrafik") < top.index("&lt;script&gt;")
    assert "100.0 % (83.9–100.0)" in top
    assert "<script>alert" not in body


def test_the_editor_shows_no_ranking_without_results(client, staff, pack_process):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("vision:proposal", args=["norrkoping", pack_process.pk])).content
    assert b"ranking-top" not in body


def test_the_ranking_chart_is_a_tagged_figure_with_alternative_text(
    sorted_round, pack_process, staff, django_capture_on_commit_callbacks
):
    import io

    from pypdf import PdfReader

    pack = _request(pack_process, staff, "en", django_capture_on_commit_callbacks)
    root = PdfReader(io.BytesIO(stored_pdf(pack))).trailer["/Root"]
    alts = []

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 60 or not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        children = node.get("/K")
        if children is None:
            return
        for child in children if isinstance(children, list) else [children]:
            walk(child, depth + 1)

    walk(root["/StructTreeRoot"])
    assert any(alt.startswith("The 3 highest-ranked keywords") for alt in alts), alts
