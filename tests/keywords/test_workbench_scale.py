"""The curation workbench at size: every page reads a bounded page of rows in a fixed
number of queries however many keywords and mentions there are, the HTML stays small,
paging keeps the ticked keywords and the filters, a form's `next` only ever leads back to
the workbench, and search uses the trigram index on PostgreSQL."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Answer, Response, ResponseTargetGroup
from keywords.curation import selectors
from keywords.curation import services as curation
from keywords.models import Keyword, KeywordMention, KeywordStatus
from keywords.tallies import consultation_tallies_rebuild
from tests.conftest import require_service
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    ROLES,
    _assert_outcome,
    _client_for,
)

from .factories import keyword as make


def url(name, consultation, *args):
    return reverse(f"keywords:{name}", args=["norrkoping", consultation.pk, *args])


def grow(consultation, keywords, *, mentions_per_keyword=1, channel="online"):
    """`keywords` more keywords ("ord0", "ord1", ...), each mentioned by its own
    respondents (the first keyword by `mentions_per_keyword` of them), stored in bulk and
    counted once as a rebuild does."""
    start = Keyword.objects.filter(consultation=consultation).count()
    made = Keyword.objects.bulk_create(
        Keyword(consultation=consultation, label=f"ord{start + i}", base_form=f"ord{start + i}")
        for i in range(keywords)
    )
    question = consultation.questions.get(kind="keep")
    wanted = [(k, 1) for k in made]
    wanted[0] = (made[0], mentions_per_keyword)
    responses = Response.objects.bulk_create(
        Response(consultation=consultation, idempotency_key=uuid.uuid4(), channel=channel)
        for _k, n in wanted
        for _ in range(n)
    )
    ResponseTargetGroup.objects.bulk_create(
        ResponseTargetGroup(response=r, group="older") for r in responses[::2]
    )
    answers = Answer.objects.bulk_create(
        Answer(response=r, question=question, text=f"Svar {i} om sakerna") for i, r in
        enumerate(responses)
    )  # fmt: skip
    answer_iter = iter(answers)
    KeywordMention.objects.bulk_create(
        KeywordMention(keyword=k, answer=next(answer_iter), surface_form=k.label)
        for k, n in wanted
        for _ in range(n)
    )
    consultation_tallies_rebuild(consultation_id=consultation.pk)
    return made


def measured(client, method, page, data=None, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(page, data or {}, **kwargs)
    assert response.status_code in (200, 302), (page, response.status_code)
    return len(captured), len(response.content)


WORKBENCH_VIEWS = [
    {},
    {"order": "label"},
    {"question_kind": "keep"},
    {"channel": "online"},
    {"target_group": "older", "age_band": ""},
    {"status": "candidate", "search": "ord1"},
    {"page": 2},
]


def test_the_workbench_takes_as_many_queries_for_1000_keywords_as_for_10(
    client, staff, consultation
):
    client.force_login(staff)
    client.get(url("list", consultation))  # warms per-process caches
    grow(consultation, 10)
    client.get(url("list", consultation))  # per-process caches expire
    few = [measured(client, "get", url("list", consultation), q) for q in WORKBENCH_VIEWS]
    made = grow(consultation, 990)
    client.get(url("list", consultation))
    many = [measured(client, "get", url("list", consultation), q) for q in WORKBENCH_VIEWS]
    assert [q for q, _size in many] == [q for q, _size in few]
    # A hundred keywords ticked on other pages: shown, and the page stays small.
    ticked = {"keywords": [f"{k.pk}:1" for k in made[-selectors.MERGE_SELECTION_MAX :]]}
    many.append(measured(client, "get", url("list", consultation), ticked))
    for (_q, size), view in zip(many, [*WORKBENCH_VIEWS, "ticked"], strict=True):
        # 50 rows at most: a page's HTML does not grow with the keywords.
        assert size < 500_000, view


def test_the_answers_page_and_a_row_action_take_as_many_queries_for_1000_mentions_as_for_10(
    client, staff, consultation
):
    client.force_login(staff)
    client.get(url("list", consultation))  # warms per-process caches

    def measure(mentions):
        # A keyword with a keyword merged into it, each mentioned `mentions` times.
        root = grow(consultation, 1, mentions_per_keyword=mentions)[0]
        part = grow(consultation, 1, mentions_per_keyword=mentions)[0]
        curation.keyword_merge(keywords=[part], into=root, by=staff)
        client.get(url("answers", consultation, root.pk))  # per-process caches expire
        answers = measured(client, "get", url("answers", consultation, root.pk))
        strike = measured(
            client,
            "post",
            url("strike", consultation, root.pk),
            {"version": 1, "reason": "Bort"},
            headers={"HX-Request": "true"},
        )
        return answers, strike

    (few_answers, _size), (few_strike, _s) = measure(10)
    (many_answers, size), (many_strike, _s) = measure(1000)
    assert (many_answers, many_strike) == (few_answers, few_strike)
    assert size < 100_000


def test_paging_keeps_the_ticked_keywords_and_the_filters(client, staff, consultation, monkeypatch):
    monkeypatch.setattr(selectors, "ROWS_PER_PAGE", 2)
    made = grow(consultation, 5)
    first, last = made[0], made[-1]
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    here = url("list", consultation) + "?status=candidate&order=label"
    page = client.get(here).text
    assert f'id="merge-{first.pk}"' in page
    # "Next" posts the merge form (with this page's ticks) to the pager's endpoint.
    assert f'formaction="{url("select", consultation)}"' in page
    response = client.post(
        url("select", consultation),
        {"keywords": [f"{first.pk}:1"], "page": "3", "next": here, "reason": ""},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(url("list", consultation) + "?")
    assert "status=candidate" in location and "order=label" in location
    assert "page=3" in location and f"keywords={first.pk}%3A1" in location
    page = client.get(location).text
    # Page 3 of a label-ordered table shows the last keyword; the ticked first one is shown
    # checked under the ticks from other pages, inside the merge form.
    assert f'id="merge-{last.pk}"' in page
    assert (
        f'<input type="checkbox" id="merge-{first.pk}" name="keywords" value="{first.pk}:1" '
        'form="merge-form" checked>' in page
    )
    assert "Ticked on other pages or filters" in page
    # Sorting and the no-JavaScript filter form carry the ticks along too.
    assert f'<input type="hidden" name="keywords" value="{first.pk}:1">' in page
    # Merging them into the last one keeps the filters and page and clears the ticks.
    response = client.post(
        url("merge", consultation),
        {"keywords": [f"{first.pk}:1"], "into": last.pk, "next": location},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        url("list", consultation) + f"?status=candidate&order=label&page=3#keyword-{last.pk}"
    )
    assert Keyword.objects.get(pk=first.pk).merged_into_id == last.pk


@pytest.mark.parametrize("role", ROLES)
def test_the_pager_is_for_editors_of_that_municipality(client, request, consultation, role):
    park = make(consultation, "park")
    client = _client_for(client, request, role)
    response = client.post(url("select", consultation), {"keywords": f"{park.pk}:1", "page": 2})
    _assert_outcome(response, EDITOR_POST[role])
    if EDITOR_POST[role] == 302:
        assert response["Location"].startswith(url("list", consultation) + "?")


def test_the_pager_of_another_municipality_is_not_found_and_is_post_only(
    client, staff, other_staff, consultation
):
    other = reverse("keywords:select", args=["ishoj", consultation.pk])
    client.force_login(other_staff)
    assert client.post(other, {"page": 2}).status_code == 404
    client.force_login(staff)
    assert client.get(url("select", consultation)).status_code == 405


def test_a_no_js_action_returns_to_the_page_filters_and_row_it_came_from(
    client, staff, consultation
):
    park = make(consultation, "park")
    client.force_login(staff)
    here = url("list", consultation) + "?search=par&page=1&order=label"
    response = client.post(
        url("strike", consultation, park.pk), {"version": 1, "reason": "Bort", "next": here}
    )
    assert response["Location"] == here + f"#keyword-{park.pk}"
    page = client.get(here).text
    assert f'<input type="hidden" name="next" value="{here.replace("&", "&amp;")}">' in page


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/norrkoping/",
        "https://evil.example{list}",
        "///evil.example{list}",
        "/\\evil.example{list}",
        "/norrkoping/consultations/{pk}/",
        "{other}",
        "{list}../../",
        "javascript:alert(1)",
    ],
)
def test_next_refuses_other_hosts_and_pages_that_are_not_this_workbench(
    client, staff, consultation, process, target
):
    from tests.consultations.factories import closed_consultation

    park = make(consultation, "park")
    other = closed_consultation(process)
    target = target.format(
        list=url("list", consultation), pk=consultation.pk, other=url("list", other)
    )
    client.force_login(staff)
    response = client.post(
        url("strike", consultation, park.pk), {"version": 1, "reason": "Bort", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == url("list", consultation) + f"#keyword-{park.pk}"
    assert Keyword.objects.get(pk=park.pk).status == KeywordStatus.STRUCK


def test_every_row_url_is_the_view_it_names(client, staff, consultation):
    import re

    from django.urls import resolve

    park = make(consultation, "park")
    struck = make(consultation, "bilkö")
    kept = make(consultation, "cykelväg")
    part = make(consultation, "parker")
    curation.keyword_strike(keyword=struck, reason="r", by=staff)
    curation.keyword_keep(keyword=kept, by=staff)
    curation.keyword_merge(keywords=[part], into=park, by=staff)
    client.force_login(staff)
    page = client.get(url("list", consultation)).text
    found = set(re.findall(r'(?:action|hx-post|href)="([^"?#]*/keywords/[^"?#]*)"', page))
    expected = {url(name, consultation, k.pk) for name, k in (
        ("answers", park), ("rename", park), ("keep", park), ("strike", park),
        ("split", part), ("restore", struck), ("unkeep", kept),
    )}  # fmt: skip
    assert expected <= found
    for target in found:
        assert resolve(target).url_name, target


def test_search_as_you_type_swaps_only_the_table(client, staff, consultation):
    make(consultation, "parkering")
    make(consultation, "bibliotek")
    client.force_login(staff)
    page = client.get(url("list", consultation)).text
    assert 'hx-trigger="input changed delay:300ms, search"' in page
    assert 'hx-target="#keyword-table"' in page
    response = client.get(
        url("list", consultation),
        {"search": "ARK"},
        headers={"HX-Request": "true", "HX-Target": "keyword-table"},
    )
    text = response.text.strip()
    assert text.startswith('<div id="keyword-table">')
    assert "<html" not in text
    assert ">parkering</span>" in text and "bibliotek" not in text
    assert "HX-Request" in response["Vary"]
    # Back to a searched page: htmx asks for the whole page to restore it.
    restored = client.get(
        url("list", consultation),
        {"search": "ARK"},
        headers={
            "HX-Request": "true",
            "HX-Target": "keyword-table",
            "HX-History-Restore-Request": "true",
        },
    )
    assert "<html" in restored.text
    # The same search without JavaScript is a plain GET of the whole page.
    page = client.get(url("list", consultation), {"search": "ARK"}).text
    assert "<html" in page and ">parkering</span>" in page and "bibliotek" not in page


def test_search_finds_a_row_by_a_keyword_merged_into_it(client, staff, consultation):
    park = make(consultation, "park")
    gron = make(consultation, "grönområde")
    curation.keyword_merge(keywords=[gron], into=park, by=staff)
    rows = selectors.keyword_table(consultation, search="OMRÅ".lower()).object_list
    assert [r.keyword.pk for r in rows] == [park.pk]


def test_a_row_lists_a_bounded_number_of_merged_keywords(client, staff, consultation, monkeypatch):
    monkeypatch.setattr(selectors, "MERGED_SHOWN", 2)
    park = make(consultation, "park")
    merged = [make(consultation, f"park{i}") for i in range(5)]
    curation.keyword_merge(keywords=merged, into=park, by=staff)
    row = selectors.keyword_table(consultation).object_list[0]
    assert [k.label for k in row.merged] == ["park0", "park1"]
    assert row.merged_more == 3
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    assert "and 3 more" in client.get(url("list", consultation)).text


def test_the_merge_review_offers_only_the_ticked_keywords(client, staff, consultation):
    made = grow(consultation, 6)
    client.force_login(staff)
    ticks = [f"{made[0].pk}:1", f"{made[-1].pk}:1"]
    selected = client.post(url("select", consultation), {"keywords": ticks, "review": "1"})
    page = client.get(selected["Location"]).text
    assert page.count('type="radio" name="into"') == 2
    assert f'value="{made[0].pk}"' in page and f'value="{made[-1].pk}"' in page
    assert f'value="{made[1].pk}"' not in page


def test_the_merge_review_needs_two_ticked_keywords_and_sends_back_only_to_the_workbench(
    client, staff, consultation
):
    made = grow(consultation, 2)
    client.force_login(staff)
    response = client.get(
        url("merge_review", consultation),
        {"keywords": [f"{made[0].pk}:1"], "next": "https://evil.example/"},
    )
    assert response["Location"] == url("list", consultation)


def test_search_uses_the_trigram_index_on_postgresql(consultation):
    require_service(connection.vendor == "postgresql", "the trigram index is PostgreSQL's")
    Keyword.objects.bulk_create(
        Keyword(consultation=consultation, label=f"ord {i}", base_form=f"ord {i}")
        for i in range(3000)
    )
    make(consultation, "parkering")
    with connection.cursor() as cursor:
        # New rows wait in the GIN index's pending list, which the planner rightly
        # prices high; move them into the index proper, as autovacuum would.
        cursor.execute("SELECT gin_clean_pending_list('keyword_label_trigram'::regclass)")
        cursor.execute(f"ANALYZE {Keyword._meta.db_table}")
        # Every keyword is of this consultation: only the label can narrow the search.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = selectors._search_roots(consultation, "rkeri").explain()
    assert "keyword_label_trigram" in plan, plan


@pytest.mark.parametrize(
    "filters",
    [
        {"channel": "online"},
        {"target_group": "older"},
        {"channel": "online", "order": "label"},
        {"age_band": "", "status": "candidate"},
        {"channel": "online", "question_kind": "keep"},
    ],
)
def test_filtered_pages_follow_one_order_through_ties(consultation, filters):
    grow(consultation, 1, mentions_per_keyword=3)
    grow(consultation, 7)  # ties: seven keywords with one respondent each
    Keyword.objects.filter(label="ord5").update(label="Aaa")  # label order is not id order
    consultation_tallies_rebuild(consultation_id=consultation.pk)
    whole = selectors.keyword_table(consultation, **filters, per_page=100)
    expected = [(r.keyword.label, r.respondents) for r in whole.object_list]
    assert len(expected) >= 4
    if filters.get("order") == "label":
        assert expected == sorted(expected, key=lambda r: r[0].casefold())
    else:
        assert expected == sorted(expected, key=lambda r: (-r[1], r[0].casefold()))
    paged = []
    for number in range(1, 6):
        page = selectors.keyword_table(consultation, **filters, page=number, per_page=2)
        assert page.paginator.count == len(expected)
        paged += [(r.keyword.label, r.respondents) for r in page.object_list]
        if not page.has_next():
            break
    assert paged == expected
    last = selectors.keyword_table(consultation, **filters, page=99, per_page=2)
    assert last.number == last.paginator.num_pages


def test_a_status_filter_joins_the_summed_cells_by_hash_and_leaves_the_planner_as_it_was(
    consultation,
):
    """The statistics of a keyword's status lag behind curation (the kept ones are
    estimated at one row), which made the planner loop over the summed cells once per
    kept keyword; the statement runs with nested loops off, and only that statement."""
    require_service(connection.vendor == "postgresql", "planner settings are PostgreSQL's")
    made = grow(consultation, 400)
    consultation_tallies_rebuild(consultation_id=consultation.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Keyword._meta.db_table}")  # no keyword kept yet
    Keyword.objects.filter(pk__in=[k.pk for k in made[:30]]).update(status=KeywordStatus.KEPT)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.keyword_table(
            consultation, status=KeywordStatus.KEPT, channel="online", per_page=100
        )
    assert {row.keyword.pk for row in page.object_list} == {k.pk for k in made[:30]}
    statements = [q["sql"] for q in queries]
    summed = next(i for i, sql in enumerate(statements) if "SUM(t." in sql)
    assert statements[summed - 1] == "SET LOCAL enable_nestloop = off"
    assert statements[summed + 1] == "RESET enable_nestloop"
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_nestloop")
        assert cursor.fetchone()[0] == "on"
