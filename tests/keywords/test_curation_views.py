"""The curation workbench's pages: role × municipality matrix for every view, plain forms
with POST/redirect/GET, htmx row swaps, stale versions refused with the typed input kept,
masked answers, history with undo, suggestions, and hostile text inert everywhere."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Answer, ResponseTargetGroup
from keywords.curation import services as curation
from keywords.curation import suggestions
from keywords.extraction import services
from keywords.models import Keyword, KeywordAction, KeywordStatus
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    EDITOR_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)

from .factories import answer_ids, respond
from .factories import keyword as make

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
XSS_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def url(name, consultation, *args, slug="norrkoping"):
    return reverse(f"keywords:{name}", args=[slug, consultation.pk, *args])


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def park(consultation):
    return make(consultation, "park")


@pytest.fixture
def parker(consultation):
    return make(consultation, "parker")


# --- role × municipality ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_curation_pages_are_for_editors_of_that_municipality(
    client, request, consultation, park, parker, staff, role
):
    action = curation.keyword_rename(keyword=park, label="Parken", by=staff)
    client = _client_for(client, request, role)
    for page in (
        url("list", consultation),
        url("answers", consultation, park.pk),
        url("history", consultation),
        url("suggestions", consultation),
        url("merge_review", consultation) + f"?keywords={park.pk}:2&keywords={parker.pk}:1",
    ):
        response = client.get(page)
        try:
            _assert_outcome(response, EDITOR_VIEW[role])
        except AssertionError as error:
            raise AssertionError(f"{role} GET {page}: {response.status_code}") from error
    assert KeywordAction.objects.get() == action


def _post_cases(consultation, staff):
    k = {name: make(consultation, name) for name in "abcdefghij"}
    curation.keyword_strike(keyword=k["c"], reason="r", by=staff)
    curation.keyword_keep(keyword=k["e"], by=staff)
    curation.keyword_merge(keywords=[k["f"]], into=k["g"], by=staff)
    undoable = curation.keyword_rename(keyword=k["j"], label="J", by=staff)
    return [
        (url("rename", consultation, k["a"].pk), {"version": 1, "label": "Nytt"}),
        (url("strike", consultation, k["b"].pk), {"version": 1, "reason": "Bort"}),
        (url("restore", consultation, k["c"].pk), {"version": 2}),
        (url("keep", consultation, k["d"].pk), {"version": 1}),
        (url("unkeep", consultation, k["e"].pk), {"version": 2}),
        (url("split", consultation, k["f"].pk), {"version": 2}),
        (url("merge", consultation), {"keywords": f"{k['h'].pk}:1", "into": k["i"].pk}),
        (url("add", consultation), {"label": "Badplats"}),
        (url("undo", consultation, undoable.pk), {}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_curation_changes_are_for_editors_of_that_municipality(
    client, request, consultation, staff, role
):
    cases = _post_cases(consultation, staff)
    before = KeywordAction.objects.count()
    client = _client_for(client, request, role)
    for page, data in cases:
        response = client.post(page, data)
        try:
            _assert_outcome(response, EDITOR_POST[role])
        except AssertionError as error:
            raise AssertionError(f"{role} POST {page}: {response.status_code}") from error
    made = KeywordAction.objects.count() - before
    assert made == (len(cases) if EDITOR_POST[role] == 302 else 0)


def test_every_change_is_post_only(client, staff, consultation):
    client.force_login(staff)
    for page, _data in _post_cases(consultation, staff):
        assert client.get(page).status_code == 405, page


def test_another_municipalitys_keywords_are_not_found_through_your_own(
    client, other_staff, consultation, park, staff
):
    action = curation.keyword_rename(keyword=park, label="Parken", by=staff)
    client.force_login(other_staff)
    for page in (
        url("list", consultation, slug="ishoj"),
        url("answers", consultation, park.pk, slug="ishoj"),
        url("history", consultation, slug="ishoj"),
        url("suggestions", consultation, slug="ishoj"),
    ):
        assert client.get(page).status_code == 404, page
    for page in (
        url("rename", consultation, park.pk, slug="ishoj"),
        url("undo", consultation, action.pk, slug="ishoj"),
        url("add", consultation, slug="ishoj"),
    ):
        assert client.post(page, {"version": 2, "label": "x"}).status_code == 404, page
    assert fresh_label(park) == "Parken"


def test_a_keyword_of_another_consultation_is_not_found_under_this_one(
    client, staff, process, consultation
):
    from tests.consultations.factories import closed_consultation

    other = make(closed_consultation(process), "park")
    client.force_login(staff)
    assert client.get(url("answers", consultation, other.pk)).status_code == 404
    response = client.post(url("rename", consultation, other.pk), {"version": 1, "label": "x"})
    assert response.status_code == 404
    assert fresh_label(other) == "park"


def fresh_label(keyword):
    return Keyword.objects.get(pk=keyword.pk).label


# --- plain forms (no JavaScript) ----------------------------------------------------


def test_rename_without_javascript_redirects_back_with_a_message(
    english, staff, consultation, park
):
    english.force_login(staff)
    response = english.post(
        url("rename", consultation, park.pk) + "?status=candidate",
        {"version": 1, "label": "Parker och grönska"},
    )
    assert response.status_code == 302
    assert (
        response["Location"] == url("list", consultation) + f"?status=candidate#keyword-{park.pk}"
    )
    page = english.get(response["Location"])
    assert "Renamed to “Parker och grönska”." in page.text
    assert fresh_label(park) == "Parker och grönska"


def test_a_stale_version_is_refused_with_the_typed_label_kept(
    english, staff, admin_user, consultation, park
):
    curation.keyword_rename(keyword=park, label="Parken", version=1, by=admin_user)
    english.force_login(staff)
    response = english.post(
        url("rename", consultation, park.pk), {"version": 1, "label": "Min text"}
    )
    assert response.status_code == 409
    assert "Someone else changed “Parken” while you were working on it." in response.text
    assert 'value="Min text"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert '<details class="row-actions" open>' in response.text
    # The refreshed row carries the new version, so a second try goes through.
    assert 'name="version" value="2"' in response.text
    assert fresh_label(park) == "Parken"


def test_strike_without_a_reason_is_refused_on_the_page(english, staff, consultation, park):
    english.force_login(staff)
    response = english.post(url("strike", consultation, park.pk), {"version": 1, "reason": " "})
    assert response.status_code == 400
    assert "Give a reason." in response.text
    assert Keyword.objects.get(pk=park.pk).status == KeywordStatus.CANDIDATE


def test_a_missing_version_asks_to_reload(english, staff, consultation, park):
    english.force_login(staff)
    response = english.post(url("keep", consultation, park.pk), {})
    assert response.status_code == 400
    assert "The form is out of date. Reload the page and try again." in response.text


def test_merge_form_merges_the_ticked_keywords(english, staff, consultation, park, parker):
    gron = make(consultation, "grönområde")
    english.force_login(staff)
    response = english.post(
        url("merge", consultation),
        {"keywords": [f"{parker.pk}:1", f"{gron.pk}:1"], "into": park.pk, "reason": "Samma"},
    )
    assert response.status_code == 302
    page = english.get(response["Location"])
    assert "Merged into “park”." in page.text
    assert set(Keyword.objects.filter(merged_into=park)) == {parker, gron}
    assert KeywordAction.objects.get().reason == "Samma"


def test_a_stale_merge_keeps_the_ticks_and_says_why(english, staff, consultation, park, parker):
    curation.keyword_rename(keyword=parker, label="Parkerna", by=staff)
    english.force_login(staff)
    response = english.post(
        url("merge", consultation), {"keywords": [f"{parker.pk}:1"], "into": park.pk}
    )
    assert response.status_code == 409
    assert "Someone else changed “Parkerna”" in response.text
    assert f'value="{parker.pk}:2" form="merge-form" checked' in response.text
    assert Keyword.objects.get(pk=parker.pk).status == KeywordStatus.CANDIDATE


def test_merge_without_a_choice_is_refused(english, staff, consultation, park):
    english.force_login(staff)
    response = english.post(url("merge", consultation), {"into": park.pk})
    assert response.status_code == 400
    assert "Choose the keywords to merge." in response.text


def test_add_by_hand_and_a_duplicate_keeps_the_typed_label(english, staff, consultation):
    make(consultation, "kollektivtrafik")
    english.force_login(staff)
    response = english.post(url("add", consultation), {"label": "Kollektivtrafiken"})
    assert response.status_code == 400
    assert "The keyword already exists as “kollektivtrafik”." in response.text
    assert 'value="Kollektivtrafiken"' in response.text
    response = english.post(url("add", consultation), {"label": "Badplatser", "reason": "Saknas"})
    assert response.status_code == 302
    added = Keyword.objects.get(label="Badplatser")
    assert added.created_by_staff
    assert response["Location"].endswith(f"#keyword-{added.pk}")


def test_split_without_javascript(english, staff, consultation, park, parker):
    curation.keyword_merge(keywords=[parker], into=park, by=staff)
    english.force_login(staff)
    page = english.get(url("list", consultation))
    assert url("split", consultation, parker.pk) in page.text
    response = english.post(url("split", consultation, parker.pk), {"version": 2})
    assert response.status_code == 302
    assert "“parker” is a keyword of its own again." in english.get(response["Location"]).text
    assert Keyword.objects.get(pk=parker.pk).merged_into is None


# --- htmx ---------------------------------------------------------------------------


def test_htmx_row_action_swaps_the_row_and_announces_it(english, staff, consultation, park):
    english.force_login(staff)
    response = english.post(
        url("strike", consultation, park.pk),
        {"version": 1, "reason": "Inte ett ämne"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = response.text.strip()
    assert text.startswith(f'<tr id="keyword-{park.pk}" class="keyword--struck">')
    assert "<html" not in text
    assert '<template><div id="curation-status" role="status" hx-swap-oob="innerHTML">' in text
    assert "Struck “park”." in text
    # The restore button takes the strike button's id, so focus stays where it was.
    assert f'id="keyword-{park.pk}-strike" class="button button--small">Restore' in text
    assert '<details class="row-actions" open>' in text


def test_htmx_stale_edit_shows_the_error_in_the_row(english, staff, admin_user, consultation, park):
    curation.keyword_keep(keyword=park, by=admin_user)
    english.force_login(staff)
    response = english.post(
        url("rename", consultation, park.pk),
        {"version": 1, "label": "Mitt förslag"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # htmx swaps 2xx only
    assert response.text.strip().startswith(f'<tr id="keyword-{park.pk}"')
    assert 'class="form-errors" role="alert"' in response.text
    assert 'value="Mitt förslag"' in response.text
    assert "hx-swap-oob" not in response.text


def test_every_htmx_form_is_a_real_form(english, staff, consultation, park):
    english.force_login(staff)
    page = english.get(url("list", consultation)).text
    import re

    for form in re.findall(r"<form[^>]*hx-post[^>]*>", page, flags=re.S):
        assert 'method="post"' in form
        action = re.search(r'action="([^"]+)"', form).group(1)
        assert re.search(r'hx-post="([^"]+)"', form).group(1) == action


# --- answers page, history, suggestions ---------------------------------------------


def test_answers_page_lists_visible_masked_answers_with_question_and_channel(
    english, staff, consultation
):
    respond(consultation, keep="Parkerna! Ring mig på 070-123 45 67", channel="workshop")
    respond(consultation, miss="Fler parker, mejla anna@example.se")
    hidden = respond(consultation, keep="Parken är hemlig")
    respond(consultation, keep="Grönområden")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    Answer.objects.filter(response=hidden).update(
        hidden_at=timezone.now(), hidden_reason="Personuppgifter"
    )
    park = Keyword.objects.get(base_form="park")
    curation.keyword_merge(
        keywords=[Keyword.objects.get(base_form="grönområde")], into=park, by=staff
    )
    english.force_login(staff)
    page = english.get(url("answers", consultation, park.pk)).text
    assert "070-123 45 67" not in page
    assert "anna@example.se" not in page
    assert "[phone]" in page
    assert "[email]" in page
    assert "hemlig" not in page
    assert "Grönområden" in page  # a merged keyword's answers are included
    assert "3 answers mention this keyword." in page
    assert "Workshop" in page
    assert "What is missing" in page


def test_answers_page_is_paginated(english, staff, consultation, monkeypatch):
    from keywords.curation import selectors

    monkeypatch.setattr(selectors, "ANSWERS_PER_PAGE", 2)
    for _ in range(5):
        respond(consultation, keep="Parkerna")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    park = Keyword.objects.get(base_form="park")
    english.force_login(staff)
    page = english.get(url("answers", consultation, park.pk), {"page": 3}).text
    assert "Page 3 of 3" in page
    assert 'rel="prev" href="?page=2"' in page
    assert english.get(url("answers", consultation, park.pk), {"page": "x"}).status_code == 200


def test_table_examples_are_masked(english, staff, consultation):
    respond(consultation, keep="Parkerna, ring 070-123 45 67")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    english.force_login(staff)
    page = english.get(url("list", consultation)).text
    assert "070-123" not in page
    assert "[phone]" in page


def test_table_filters_by_target_group_status_and_search(english, staff, consultation):
    young = respond(consultation, keep="Parkerna")
    respond(consultation, keep="Bibliotek")
    ResponseTargetGroup.objects.create(response=young, group="young")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    curation.keyword_strike(
        keyword=Keyword.objects.get(base_form="bibliotek"), reason="r", by=staff
    )
    english.force_login(staff)
    list_url = url("list", consultation)
    by_group = english.get(list_url, {"target_group": "young"}).text
    assert ">park</span>" in by_group and "bibliotek</s>" not in by_group
    struck = english.get(list_url, {"status": "struck"}).text
    assert "<s>bibliotek</s>" in struck and ">park</span>" not in struck
    found = english.get(list_url, {"search": "PAR"}).text
    assert ">park</span>" in found and "bibliotek" not in found


def test_history_shows_who_when_why_and_undo_works(english, staff, admin_user, consultation, park):
    rename = curation.keyword_rename(keyword=park, label="Parken", reason="Tydligare", by=staff)
    english.force_login(admin_user)
    page = english.get(url("history", consultation)).text
    assert "staff@norrkoping.test" in page
    assert "Tydligare" in page
    assert "“Parken”" in page
    assert url("undo", consultation, rename.pk) in page
    response = english.post(url("undo", consultation, rename.pk))
    assert response.status_code == 302
    assert response["Location"] == url("history", consultation)
    page = english.get(response["Location"]).text
    assert "Undone: Renamed." in page
    assert fresh_label(park) == "park"
    assert url("undo", consultation, rename.pk) not in page  # undone once only


def test_a_blocked_undo_says_which_later_change_is_in_the_way(
    english, staff, admin_user, consultation, park
):
    rename = curation.keyword_rename(keyword=park, label="Parken", by=staff)
    curation.keyword_strike(keyword=park, reason="Bort", by=admin_user)
    english.force_login(staff)
    page = english.post(url("undo", consultation, rename.pk), follow=True).text
    assert "later changes touched the same keywords" in page
    assert "Struck “Parken” by admin@norrkoping.test" in page
    assert fresh_label(park) == "Parken"


def test_suggestions_offer_a_one_click_merge(english, staff, consultation):
    respond(consultation, keep="Cykelvägar och cykelväg")
    respond(consultation, keep="Cykelvägen")
    make(consultation, "cykelvägar")  # as a hand-made near-duplicate
    make(consultation, "busshållplats")
    english.force_login(staff)
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    page = english.get(url("suggestions", consultation)).text
    target = Keyword.objects.get(base_form="cykelväg")
    duplicate = Keyword.objects.get(base_form="cykelvägar")
    assert "Merge “cykelvägar” into “cykelväg”" in page
    response = english.post(
        url("merge", consultation),
        {"keywords": f"{duplicate.pk}:1", "into": target.pk, "return_to": "suggestions"},
    )
    assert response["Location"] == url("suggestions", consultation)
    assert Keyword.objects.get(pk=duplicate.pk).merged_into == target
    page = english.get(response["Location"]).text
    assert "Merged into “cykelväg”." in page
    assert "Merge “cykelvägar” into" not in page


# --- hostile text -------------------------------------------------------------------


def test_hostile_labels_reasons_and_answers_are_inert_in_every_view(english, staff, consultation):
    respond(consultation, keep=f"Parkerna {XSS}")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    park = Keyword.objects.get(base_form="park")
    added = curation.keyword_add(consultation=consultation, label=XSS, reason=XSS, by=staff)
    hostile = added.keywords.get()
    curation.keyword_merge(keywords=[hostile], into=park, reason=XSS, by=staff)
    curation.keyword_split(keyword=hostile, reason=XSS, by=staff)
    english.force_login(staff)
    pages = [
        english.get(url("list", consultation)),
        english.get(url("answers", consultation, park.pk)),
        english.get(url("answers", consultation, hostile.pk)),
        english.get(url("history", consultation)),
        english.get(url("suggestions", consultation)),
        english.post(
            url("strike", consultation, hostile.pk),
            {"version": hostile.version + 2, "reason": XSS},
            headers={"HX-Request": "true"},
        ),
        english.post(url("rename", consultation, park.pk), {"version": 99, "label": XSS}),
    ]
    for response in pages:
        assert response.status_code in (200, 409), response
        assert "<script>alert" not in response.text, response.request
        assert "<img src=x" not in response.text, response.request
    assert XSS_ESCAPED in pages[0].text
    assert XSS_ESCAPED in pages[3].text


def test_history_and_answers_pages_take_as_many_queries_for_many_rows_as_for_few(
    client, staff, consultation
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    park = make(consultation, "park")
    pages = [url("history", consultation), url("answers", consultation, park.pk)]
    for page in pages:
        client.get(page)  # warms per-process caches

    def queries():
        counts = []
        for page in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(page).status_code == 200
            counts.append(len(captured))
        return counts

    def grow(n):
        for i in range(n):
            other = make(consultation, f"park{Keyword.objects.count()}")
            curation.keyword_merge(keywords=[other], into=park, reason=f"r{i}", by=staff)
            respond(consultation, keep="Parkerna")
        services.answer_keywords_extract(answer_ids=answer_ids(consultation))

    grow(2)
    few = queries()
    grow(20)
    assert queries() == few


def test_a_tampered_merge_choice_is_refused_not_an_error_page(english, staff, consultation, park):
    english.force_login(staff)
    for keywords in (["1x:2"], ["abc"], [f"{park.pk}:1:2"], ["999999:1"]):
        response = english.post(url("merge", consultation), {"keywords": keywords, "into": park.pk})
        assert response.status_code == 400, keywords
    assert not KeywordAction.objects.exists()


def test_the_history_column_is_headed_with_the_noun_not_the_verb(client, staff, consultation, park):
    """Issue 14: "Change" was translated as the language switcher's button ("Byt")."""
    curation.keyword_rename(keyword=park, label="Parken", by=staff)
    client.force_login(staff)
    client.cookies["django_language"] = "sv"
    page = client.get(url("history", consultation)).text
    assert '<th scope="col">Ändring</th>' in page
