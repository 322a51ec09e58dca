"""The public results of a sorting round in a real browser: accessible in every UI
language (axe, zero violations), the chart's text alternative, hostile keyword labels
inert, and the group view chosen with the keyboard."""

import pytest
from django.urls import reverse

from keywords.sorting import aggregation
from keywords.sorting.models import DeviceClass, SortChannel
from tests.keywords.sorting_factories import bare_round, published_list
from tests.keywords.sorting_results_data import kiosk, meeting, play
from visionportal.models import PopulationMargin

from .conftest import LANGUAGES, axe_violations

XSS = '<img src=x onerror="window.hacked=1">'
LABELS = ["Trygghet", "Kollektivtrafik", "Strömmen", "حديقة", XSS]


@pytest.fixture
def results_url(transactional_db, process, norrkoping):
    round = bare_round(published_list(process, LABELS))
    for group, population in (("16-24", 300), ("25-44", 500), ("65-79", 200)):
        PopulationMargin.objects.create(
            municipality=norrkoping, dimension="age_band", group=group, population=population
        )
    device = kiosk(round)
    for i in range(36):
        age = ("16-24", "25-44", "65-79")[i % 3]
        play(
            round,
            {
                "Trygghet": 1 if i % 4 else -1,
                "Kollektivtrafik": 1 if age == "16-24" else -1,
                "Strömmen": (1, 0, -1)[i % 3 - 1],
                "حديقة": 1,
                XSS: -1 if i % 5 else 0,
            },
            channel=SortChannel.KIOSK if i % 2 else SortChannel.ONLINE,
            device=device if i % 2 else None,
            device_class=DeviceClass.TABLET if i % 2 else DeviceClass.PHONE,
            age_band=age,
        )
    meeting(round, 12, {"Trygghet": (9, 2, 1), "Strömmen": (4, 7, 1)})
    snapshot = aggregation.result_snapshot_request(round=round)
    aggregation.result_snapshot_compute(snapshot_id=snapshot.pk)
    return reverse("keywords:sorting_results_public", args=["norrkoping", process.slug, round.pk])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_results_have_no_axe_violations(new_context, results_url, language):
    page = new_context(language=language).new_page()
    problems = []
    for query in ("", "?by=age_band", "?by=device_class"):
        response = page.goto(results_url + query)
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == language
        problems += [f"{query}: {p}" for p in axe_violations(page)]
    assert not problems, "\n".join(problems)


def test_chart_table_and_hostile_labels(page, results_url):
    page.goto(results_url)
    chart = page.locator("svg.dot-plot")
    assert chart.get_attribute("role") == "img"
    assert "95 %" in page.locator("svg.dot-plot title").text_content()
    # The table alternative lists every keyword, the hostile one as plain text.
    rows = page.locator("table").first.locator("tbody th").all_text_contents()
    assert sorted(row.split(" often skipped")[0].strip() for row in rows) == sorted(LABELS)
    assert page.evaluate("() => window.hacked === undefined")
    assert page.locator("img").count() == 0


def test_the_group_view_is_chosen_with_the_keyboard(page, results_url):
    page.goto(results_url)
    page.locator("#by").focus()
    page.keyboard.press("End")  # the last dimension: target groups
    page.locator("#by").select_option("age_band")
    page.locator("#by").press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**?by=age_band")
    headers = page.locator("#groups-heading ~ .table-wrap thead th").all_inner_texts()
    assert any("25–44" in h for h in headers) and any("65–79" in h for h in headers)
