"""The staff answers list's search (?q=): substring, case-insensitive, paged with the other
filters kept, within the role and municipality rules, and shown inert."""

import pytest
from django.db import connection

from consultations import services

from .factories import open_consultation
from .staff_helpers import XSS, staff_url, submit


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    consultation = open_consultation(process)
    submit(consultation, "Grönområdena vid Strömmen", "Bilköerna", channel="interview")
    submit(consultation, "Biblioteket har öppet sent", channel="online")
    submit(consultation, "De grønne områder ved havnen", channel="workshop")  # Danish
    submit(consultation, "", "", "Mer GRÖNSKA i stan", channel="online")
    return consultation


def _search(client, user, consultation, **params):
    client.force_login(user)
    return client.get(staff_url("responses", consultation), params)


def test_search_finds_answers_by_substring_case_insensitively(client, moderator, consultation):
    page = _search(client, moderator, consultation, q="grön")
    assert page.status_code == 200
    assert "Grönområdena" in page.text and "GRÖNSKA" in page.text
    assert "Biblioteket" not in page.text and "grønne" not in page.text
    assert "2 responses have an answer containing" in page.text
    # Partial words, Danish/Norwegian letters, upper case against lower case.
    page = _search(client, moderator, consultation, q="GRØNNE OMR")
    assert "grønne områder" in page.text and "Grönområdena" not in page.text
    page = _search(client, moderator, consultation, q="iblio")
    assert "Biblioteket" in page.text
    assert "1 response has an answer containing" in page.text


def test_search_matches_any_question_and_shows_the_whole_response(client, moderator, consultation):
    page = _search(client, moderator, consultation, q="bilkö")
    assert "Bilköerna" in page.text and "Grönområdena" in page.text


def test_search_keeps_the_channel_filter(client, staff, consultation):
    page = _search(client, staff, consultation, q="grön", channel="online")
    assert "GRÖNSKA" in page.text and "Grönområdena" not in page.text
    assert 'value="grön"' in page.text
    assert '<option value="online" selected>' in page.text


def test_search_finding_nothing_says_so(client, moderator, consultation):
    page = _search(client, moderator, consultation, q="zzyzx")
    assert "0 responses have an answer containing" in page.text
    assert "No answers match." in page.text


def test_search_treats_like_wildcards_literally(client, moderator, consultation):
    assert "0 responses have" in _search(client, moderator, consultation, q="%%%").text
    assert "0 responses have" in _search(client, moderator, consultation, q="Gr_n").text


def test_search_finds_hidden_answers_as_the_list_shows_them(client, moderator, process):
    consultation = open_consultation(process)
    response = submit(consultation, "Dölj mig, ring Kalle")
    services.answer_hide(answer=response.answers.get(), by=None, reason="Namn")
    page = _search(client, moderator, consultation, q="kalle")
    assert "1 response has an answer containing" in page.text
    assert "Show again" in page.text


def test_search_pagination_keeps_the_query(client, staff, process):
    consultation = open_consultation(process)
    for index in range(55):
        submit(consultation, f"Parken nummer {index}", channel="interview")
    submit(consultation, "Något annat")
    page = _search(client, staff, consultation, q="parken", channel="interview")
    assert "55 responses have an answer containing" in page.text
    assert "Page 1 of 2" in page.text
    assert "q=parken&amp;channel=interview&amp;page=2" in page.text
    page2 = _search(client, staff, consultation, q="parken", channel="interview", page="2")
    assert page2.text.count("Parken nummer") == 5


def test_search_shows_markup_and_right_to_left_queries_inert(client, moderator, consultation):
    page = _search(client, moderator, consultation, q=XSS)
    assert page.status_code == 200
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    rtl = "\u202eالحدائق"
    page = _search(client, moderator, consultation, q=rtl)
    assert page.status_code == 200
    assert f'<span class="user-text" dir="auto">{rtl}</span>' in page.text
    assert f'value="{rtl}"' in page.text


def test_search_for_personal_data_is_refused(client, moderator, process):
    consultation = open_consultation(process)
    submit(consultation, "Mejla anna@example.se eller ring 070-123 45 67")
    for query in ("anna@example.se", "anna@", "070-123 45 67"):
        page = _search(client, moderator, consultation, q=query)
        assert page.status_code == 200
        assert "Search cannot look for email addresses" in page.text
        assert "Mejla" not in page.text


def test_search_with_a_nul_character_or_too_long_is_bounded(client, moderator, consultation):
    assert _search(client, moderator, consultation, q="grön\x00").status_code == 200
    page = _search(client, moderator, consultation, q="grön" + "x" * 1000)
    assert page.status_code == 200
    assert page.context["search"] == "grön" + "x" * 196


@pytest.mark.parametrize(
    ("role", "expected"),
    [("other_staff", 404), ("councillor", 403), ("moderator", 200), ("staff", 200)],
)
def test_search_follows_the_lists_role_and_municipality_rules(
    client, request, consultation, role, expected
):
    page = _search(client, request.getfixturevalue(role), consultation, q="grön")
    assert page.status_code == expected
    assert ("Grönområdena" in page.text) is (expected == 200)


def test_another_municipalitys_staff_cannot_search_through_their_own(
    client, other_staff, consultation
):
    client.force_login(other_staff)
    url = staff_url("responses", consultation, slug="ishoj")
    assert client.get(url, {"q": "grön"}).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_search_can_use_the_trigram_index_on_postgresql(process):
    from consultations import selectors

    consultation = open_consultation(process)
    submit(consultation, "Grönområdena")
    # On a tiny table any plan is cheap: forbid the sequential scan to see that the index
    # matches the search's expression at all.
    # Without the default ordering by id, which an index scan on the primary key could serve.
    query = selectors._answers_containing("grön").order_by().values("response_id").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "answer_text_trgm" in plan


@pytest.mark.parametrize("query", ["å", "ån", " ö "])
def test_search_shorter_than_three_characters_is_refused(client, moderator, consultation, query):
    page = _search(client, moderator, consultation, q=query)
    assert page.status_code == 200
    assert "Type at least 3 characters to search." in page.text
    assert "Grönområdena" not in page.text
