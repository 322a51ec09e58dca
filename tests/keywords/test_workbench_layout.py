"""The keyword workbench's layout (issue 14): counts as bars scaled to the page's largest
count, with the number as text; a row re-rendered by htmx keeps the page's scale; the filter
bar's disclosure is open and counted while a filter is in use."""

import re

import pytest

from keywords.templatetags.workbench import bar_width, count_bar

from .factories import keyword as make
from .test_curation_views import url


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    ("count", "scale", "width"),
    [(0, 0, 0), (3, 0, 0), (0, 8, 0), (8, 8, 100), (4, 8, 50), (1, 1000, 1), (9, 8, 100)],
)
def test_a_bar_is_the_count_against_the_page_largest(count, scale, width):
    assert bar_width(count, scale) == width


def test_the_count_is_text_and_the_bar_is_hidden_from_screen_readers():
    html = count_bar(1234, 2468)
    assert '<span class="count-bar__n">1,234</span>' in html
    assert 'aria-hidden="true"' in html and 'focusable="false"' in html
    assert '<rect width="50" height="1">' in html


def _widths(text, pk):
    row = re.search(rf'<tr id="keyword-{pk}".*?</tr>', text, re.S)[0]
    return [int(w) for w in re.findall(r'<rect width="(\d+)"', row)]


@pytest.fixture
def counted(consultation):
    big = make(consultation, "park", respondents=8, respondents_keep=8)
    small = make(consultation, "cykel", respondents=4, respondents_keep=2, respondents_miss=2)
    return big, small


def test_the_page_scales_every_bar_to_its_largest_count(english, staff, consultation, counted):
    big, small = counted
    english.force_login(staff)
    text = english.get(url("list", consultation)).text
    # Respondents, then what to keep, leave behind and what is missing.
    assert _widths(text, big.pk) == [100, 100, 0, 0]
    assert _widths(text, small.pk) == [50, 25, 0, 25]
    assert """<tbody hx-vals='{"bar_scale": "8"}'>""" in text


@pytest.mark.parametrize(("posted", "width"), [("8", 50), ("", 100), ("x9", 100), ("2", 100)])
def test_a_row_swapped_by_htmx_keeps_the_page_scale(
    english, staff, consultation, counted, posted, width
):
    # A missing, forged or too small scale falls back to the row's own largest count.
    _big, small = counted
    english.force_login(staff)
    response = english.post(
        url("keep", consultation, small.pk),
        {"version": 1, "bar_scale": posted},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert _widths(response.text, small.pk)[0] == width


def test_the_filter_disclosure_is_open_and_counted_only_while_filters_are_in_use(
    english, staff, consultation, counted
):
    english.force_login(staff)
    plain = english.get(url("list", consultation)).text
    assert '<details class="filter-bar__more">' in plain
    assert '<summary id="filter-summary">Filters and order</summary>' in plain
    filtered = english.get(url("list", consultation) + "?status=candidate&order=label").text
    assert '<details class="filter-bar__more" open>' in filtered
    assert "Filters and order (2 in use)" in filtered
    # A search alone stays in the bar: nothing folded is in use.
    searched = english.get(url("list", consultation) + "?search=park").text
    assert '<details class="filter-bar__more">' in searched


def test_htmx_filtering_updates_the_filter_count_out_of_band(english, staff, consultation, counted):
    english.force_login(staff)
    response = english.get(
        url("list", consultation) + "?status=candidate",
        headers={"HX-Request": "true", "HX-Target": "keyword-table"},
    )
    text = response.text
    assert "<html" not in text and '<div id="keyword-table">' in text
    assert '<summary id="filter-summary" hx-swap-oob="true">Filters and order (1 in use)' in text
