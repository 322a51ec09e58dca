"""Stored merge suggestions: the recompute (idempotent, bounded, dismissals kept), the
debounced task sent after commits without ever breaking the caller, and the page (stale
pairs left out, paged, constant queries, dismiss and recompute for editors only)."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keywords import tasks
from keywords.curation import selectors, suggestions
from keywords.curation import services as curation
from keywords.extraction import services as extraction
from keywords.models import (
    Keyword,
    KeywordStatus,
    MergeSuggestion,
    MergeSuggestionDismissal,
    MergeSuggestionState,
)
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    EDITOR_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)

from .factories import keyword as make
from .factories import respond


def url(name, consultation, slug="norrkoping"):
    return reverse(f"keywords:{name}", args=[slug, consultation.pk])


def kw(consultation, base_form, respondents=0, **fields):
    label = fields.pop("label", base_form)
    return make(consultation, label, base_form=base_form, respondents=respondents, **fields)


def stored(consultation):
    return {
        (s.keyword_a.base_form, s.keyword_b.base_form, s.reason, s.respondents)
        for s in MergeSuggestion.objects.filter(consultation=consultation).select_related(
            "keyword_a", "keyword_b"
        )
    }


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def bikes(consultation):
    return {
        "cykelväg": kw(consultation, "cykelväg", 40),
        "cykelvägar": kw(consultation, "cykelvägar", 5),
        "idrottshall": kw(consultation, "idrottshall", 12),
        "idrotshall": kw(consultation, "idrotshall", 1),
        "skola": kw(consultation, "skola", 30),
    }


# --- the recompute ------------------------------------------------------------------


def test_recompute_stores_each_pair_once_with_the_smaller_keywords_respondents(consultation, bikes):
    assert suggestions.merge_suggestions_recompute(consultation_id=consultation.pk) == 2
    assert stored(consultation) == {
        ("cykelväg", "cykelvägar", "stem", 5),
        ("idrottshall", "idrotshall", "similar", 1),
    }
    state = MergeSuggestionState.objects.get(consultation=consultation)
    assert state.computed_at is not None
    assert (state.keywords_compared, state.queued_at, state.started_at) == (5, None, None)


def test_recompute_twice_changes_nothing_the_second_time(consultation, bikes):
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    first = list(MergeSuggestion.objects.order_by("pk").values())
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    assert list(MergeSuggestion.objects.order_by("pk").values()) == first


def test_recompute_drops_pairs_that_no_longer_hold_and_adds_new_ones(consultation, bikes):
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    curation.keyword_merge(keywords=[bikes["cykelvägar"]], into=bikes["cykelväg"], by=None)
    kw(consultation, "skolor", 3)
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    assert stored(consultation) == {
        ("idrottshall", "idrotshall", "similar", 1),
        ("skola", "skolor", "stem", 3),
    }


def test_a_failed_recompute_keeps_the_stored_pairs_and_no_longer_says_it_runs(
    consultation, bikes, monkeypatch
):
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    before = stored(consultation)

    def fail(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(suggestions, "suggested_pairs", fail)
    with pytest.raises(RuntimeError):
        suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    assert stored(consultation) == before
    assert MergeSuggestionState.objects.get().started_at is None


def test_the_pool_is_the_most_mentioned_keywords_plus_every_kept_one(
    consultation, monkeypatch, staff
):
    monkeypatch.setattr(suggestions, "POOL_SIZE", 2)
    kw(consultation, "park", 50)
    kw(consultation, "parker", 40)
    kw(consultation, "skola", 30)
    kw(consultation, "skolan", 1)  # outside the pool
    kw(consultation, "bibliotek", 20, status=KeywordStatus.KEPT)
    kw(consultation, "biblioteket", 0, status=KeywordStatus.KEPT)
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    assert stored(consultation) == {
        ("park", "parker", "stem", 40),
        ("bibliotek", "biblioteket", "stem", 0),
    }
    assert MergeSuggestionState.objects.get().keywords_compared == 4


def test_only_the_pairs_of_the_largest_keywords_are_stored_beyond_the_cap(
    consultation, bikes, monkeypatch
):
    monkeypatch.setattr(suggestions, "MAX_PAIRS", 1)
    assert suggestions.merge_suggestions_recompute(consultation_id=consultation.pk) == 1
    assert stored(consultation) == {("cykelväg", "cykelvägar", "stem", 5)}


def test_a_dismissed_pair_stays_dismissed_and_is_on_record(consultation, bikes, staff):
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    suggestions.merge_suggestion_dismiss(
        consultation=consultation,
        keywords=(bikes["idrotshall"], bikes["idrottshall"]),  # either order
        by=staff,
    )
    assert ("idrottshall", "idrotshall", "similar", 1) not in stored(consultation)
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    assert stored(consultation) == {("cykelväg", "cykelvägar", "stem", 5)}
    dismissal = MergeSuggestionDismissal.objects.get()
    assert dismissal.dismissed_by == staff
    assert dismissal.dismissed_at is not None
    assert (dismissal.keyword_a, dismissal.keyword_b) == (bikes["idrottshall"], bikes["idrotshall"])
    # Dismissing again keeps the first record.
    suggestions.merge_suggestion_dismiss(
        consultation=consultation, keywords=(bikes["idrottshall"], bikes["idrotshall"]), by=None
    )
    assert MergeSuggestionDismissal.objects.get().dismissed_by == staff


# --- queueing -----------------------------------------------------------------------


@pytest.fixture
def sent(monkeypatch):
    """The recompute tasks sent (not run), as (consultation id, countdown)."""
    calls = []

    def apply_async(args, countdown=None):
        calls.append((args[0], countdown))

    monkeypatch.setattr(tasks.recompute_merge_suggestions, "apply_async", apply_async)
    monkeypatch.setattr(suggestions, "_broker_down_until", 0.0)
    return calls


def test_at_most_one_recompute_is_queued_per_consultation(
    consultation, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            suggestions.merge_suggestions_refresh(consultation_id=consultation.pk)
    assert sent == [(consultation.pk, suggestions.QUEUE_DELAY)]
    # The task releases the claim as it starts: a change made meanwhile queues the next.
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    with django_capture_on_commit_callbacks(execute=True):
        suggestions.merge_suggestions_refresh(consultation_id=consultation.pk)
    assert len(sent) == 2


def test_a_lost_claim_expires(consultation, sent, monkeypatch):
    assert suggestions._send(consultation.pk) == suggestions.QUEUED
    assert suggestions._send(consultation.pk) == suggestions.ALREADY_QUEUED
    monkeypatch.setattr(suggestions, "CLAIM_EXPIRES", -1.0)
    assert suggestions._send(consultation.pk) == suggestions.QUEUED
    assert len(sent) == 2


def test_a_merge_split_or_undo_queues_a_recompute_after_its_commit(
    consultation, bikes, sent, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        curation.keyword_rename(keyword=bikes["skola"], label="Skolan", by=staff)
    assert not callbacks  # a rename changes no pair: nothing to recompute
    for action in (
        lambda: curation.keyword_merge(
            keywords=[bikes["cykelvägar"]], into=bikes["cykelväg"], by=staff
        ),
        lambda: curation.keyword_split(keyword=bikes["cykelvägar"], by=staff),
    ):
        MergeSuggestionState.objects.update(queued_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            action()
    assert sent == [(consultation.pk, suggestions.QUEUE_DELAY)] * 2


def test_a_merge_stands_when_the_broker_is_down(
    consultation, bikes, staff, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.recompute_merge_suggestions, "apply_async", refuse)
    monkeypatch.setattr(suggestions, "_broker_down_until", 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        curation.keyword_merge(keywords=[bikes["cykelvägar"]], into=bikes["cykelväg"], by=staff)
    assert Keyword.objects.get(pk=bikes["cykelvägar"].pk).merged_into == bikes["cykelväg"]
    # The claim is released for a later try, and sends pause for a while.
    assert MergeSuggestionState.objects.get().queued_at is None
    assert suggestions._send(consultation.pk) == suggestions.NOT_SENT


def test_a_sweep_recomputes_the_suggestions_of_the_consultations_it_extracted(
    consultation, django_capture_on_commit_callbacks
):
    respond(consultation, keep="Cykelvägar", miss="Fler cykelvägar och idrottshallar")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.extract_pending() == 1
    state = MergeSuggestionState.objects.get(consultation=consultation)
    assert state.computed_at is not None
    assert state.keywords_compared == Keyword.objects.filter(consultation=consultation).count()


def test_a_rebuild_recomputes_the_suggestions_when_it_is_done(
    consultation, django_capture_on_commit_callbacks
):
    respond(consultation, keep="Parkerna")
    run = extraction.extraction_run_start(consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.rebuild(run.pk)
    assert MergeSuggestionState.objects.get(consultation=consultation).computed_at is not None


# --- the page -----------------------------------------------------------------------


def test_pairs_merged_or_struck_since_the_recompute_are_not_shown(
    english, staff, consultation, bikes
):
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    english.force_login(staff)
    page = english.get(url("suggestions", consultation)).text
    assert "Merge “cykelvägar” into “cykelväg”" in page
    assert "Merge “idrotshall” into “idrottshall”" in page
    curation.keyword_merge(keywords=[bikes["cykelvägar"]], into=bikes["cykelväg"], by=staff)
    curation.keyword_strike(keyword=bikes["idrotshall"], reason="Stavfel", by=staff)
    page = english.get(url("suggestions", consultation)).text
    assert "cykelvägar" not in page
    assert "idrotshall" not in page
    assert "No suggestions" in page


def test_the_target_is_the_keyword_with_more_respondents_now(english, staff, consultation, bikes):
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    Keyword.objects.filter(pk=bikes["cykelvägar"].pk).update(respondents=100)
    english.force_login(staff)
    assert (
        "Merge “cykelväg” into “cykelvägar”" in english.get(url("suggestions", consultation)).text
    )


def test_the_page_is_paged_pairs_of_large_keywords_first(
    english, staff, consultation, bikes, monkeypatch
):
    monkeypatch.setattr(selectors, "SUGGESTIONS_PER_PAGE", 1)
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    english.force_login(staff)
    first = english.get(url("suggestions", consultation)).text
    second = english.get(url("suggestions", consultation), {"page": 2}).text
    assert "“cykelvägar”" in first and "idrotshall" not in first
    assert "“idrotshall”" in second and "cykelvägar" not in second
    assert "Page 2 of 2" in second
    assert english.get(url("suggestions", consultation), {"page": "x"}).status_code == 200


def test_the_page_says_when_it_was_computed_and_whether_a_recompute_is_queued(
    english, staff, consultation, bikes
):
    english.force_login(staff)
    assert "Not computed yet." in english.get(url("suggestions", consultation)).text
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    page = english.get(url("suggestions", consultation)).text
    assert "comparing the 5 keywords with most respondents" in page
    MergeSuggestionState.objects.update(queued_at=MergeSuggestionState.objects.get().computed_at)
    assert "A recompute is queued" in english.get(url("suggestions", consultation)).text


def test_the_page_takes_as_many_queries_for_many_keywords_as_for_few(client, staff, consultation):
    client.force_login(staff)
    page = url("suggestions", consultation)

    rng = random.Random(5)

    def grow(n):
        # Unrelated random words, each with a near-duplicate: n pairs.
        words = {"".join(rng.choice("abcdefghijklmnop") for _ in range(12)) for _ in range(n)}
        Keyword.objects.bulk_create(
            Keyword(consultation=consultation, base_form=base_form, label=base_form,
                    respondents=len(base_form))
            for word in words
            for base_form in (word, word + "x")
        )  # fmt: skip
        suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        assert response.status_code == 200
        return len(captured)

    grow(5)
    client.get(page)  # warms per-process caches
    few = queries()
    grow(500)
    assert MergeSuggestion.objects.count() > 500
    assert queries() == few


def test_dismiss_on_the_page_removes_the_pair_and_says_so(english, staff, consultation, bikes):
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    english.force_login(staff)
    response = english.post(
        url("suggestion_dismiss", consultation),
        {"keyword_a": bikes["idrotshall"].pk, "keyword_b": bikes["idrottshall"].pk, "page": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("suggestions", consultation)
    page = english.get(response["Location"]).text
    assert "“idrotshall” and “idrottshall” will not be suggested again." in page
    assert "Merge “idrotshall”" not in page
    assert MergeSuggestionDismissal.objects.get().dismissed_by == staff


def test_dismissed_pairs_are_listed_with_who_and_when(english, staff, consultation, bikes):
    suggestions.merge_suggestion_dismiss(
        consultation=consultation, keywords=(bikes["skola"], bikes["cykelväg"]), by=staff
    )
    english.force_login(staff)
    page = english.get(url("suggestions_dismissed", consultation)).text
    assert '<span dir="auto">“cykelväg”</span>, <span dir="auto">“skola”</span>' in page
    assert "staff@norrkoping.test" in page
    assert "<time datetime=" in page


@pytest.mark.parametrize(
    "data",
    [{}, {"keyword_a": "x", "keyword_b": "1"}, {"keyword_a": "²", "keyword_b": "1"}],
)
def test_a_malformed_dismiss_is_refused_with_a_message(english, staff, consultation, data):
    english.force_login(staff)
    response = english.post(url("suggestion_dismiss", consultation), data, follow=True)
    assert response.status_code == 200
    assert "Choose the two keywords of a suggestion." in response.text
    assert not MergeSuggestionDismissal.objects.exists()


def test_a_keyword_of_another_consultation_cannot_be_dismissed(
    english, staff, process, consultation, bikes
):
    from tests.consultations.factories import closed_consultation

    other = kw(closed_consultation(process), "cykelväg")
    english.force_login(staff)
    response = english.post(
        url("suggestion_dismiss", consultation),
        {"keyword_a": bikes["cykelvägar"].pk, "keyword_b": other.pk},
    )
    assert response.status_code == 404
    assert not MergeSuggestionDismissal.objects.exists()


def test_recompute_now_runs_the_task_and_says_so(english, staff, consultation, bikes):
    english.force_login(staff)
    response = english.post(url("suggestions_recompute", consultation), follow=True)
    assert "Recomputing the suggestions." in response.text
    # Eager in tests: the task ran at once.
    assert "Merge “cykelvägar” into “cykelväg”" in response.text


def test_recompute_now_says_when_one_is_queued_or_the_queue_is_down(
    english, staff, consultation, sent, monkeypatch
):
    english.force_login(staff)
    english.post(url("suggestions_recompute", consultation))
    assert sent == [(consultation.pk, 0)]
    page = english.post(url("suggestions_recompute", consultation), follow=True).text
    assert "A recompute is already queued." in page
    monkeypatch.setattr(suggestions, "_broker_down_until", float("inf"))
    page = english.post(url("suggestions_recompute", consultation), follow=True).text
    assert "The recompute could not be started now." in page


@pytest.mark.parametrize("role", ROLES)
def test_dismiss_and_recompute_are_for_editors_of_that_municipality(
    client, request, consultation, bikes, sent, role
):
    client = _client_for(client, request, role)
    cases = [
        (
            url("suggestion_dismiss", consultation),
            {"keyword_a": bikes["cykelväg"].pk, "keyword_b": bikes["cykelvägar"].pk},
        ),
        (url("suggestions_recompute", consultation), {}),
    ]
    for page, data in cases:
        assert client.get(page).status_code in (405, 302, 403, 404)  # never a change
        response = client.post(page, data)
        try:
            _assert_outcome(response, EDITOR_POST[role])
        except AssertionError as error:
            raise AssertionError(f"{role} POST {page}: {response.status_code}") from error
    allowed = EDITOR_POST[role] == 302
    _assert_outcome(client.get(url("suggestions_dismissed", consultation)), EDITOR_VIEW[role])
    assert MergeSuggestionDismissal.objects.exists() == allowed
    assert len(sent) == (1 if allowed else 0)


def test_another_municipalitys_staff_get_not_found(client, other_staff, consultation, bikes):
    client.force_login(other_staff)
    for name in (
        "suggestions",
        "suggestions_dismissed",
        "suggestion_dismiss",
        "suggestions_recompute",
    ):
        page = url(name, consultation, slug="ishoj")
        response = (
            client.get(page)
            if name in ("suggestions", "suggestions_dismissed")
            else client.post(page, {"keyword_a": 1, "keyword_b": 2})
        )
        assert response.status_code == 404, page
    assert not MergeSuggestionDismissal.objects.exists()


def test_hostile_labels_are_inert_on_the_page(english, staff, consultation):
    xss = '<script>alert("x")</script>'
    kw(consultation, "skola", 5, label=f"{xss}skola")
    kw(consultation, "skolan", 2, label=f"{xss}skolan")
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    english.force_login(staff)
    page = english.get(url("suggestions", consultation)).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_a_phrase_is_suggested_into_its_last_word_even_with_more_respondents(
    consultation, english, staff
):
    """Issue 14: "fler bostad" / "bostad" and "levande stadskärna" / "stadskärna"."""
    kw(consultation, "bostad", 4)
    kw(consultation, "fler bostad", 9)
    kw(consultation, "stadskärna", 6)
    kw(consultation, "levande stadskärna", 2)
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    page = selectors.merge_suggestions(consultation)
    assert [(s.merge.base_form, s.keep.base_form, s.reason) for s in page.object_list] == [
        ("fler bostad", "bostad", "phrase"),
        ("levande stadskärna", "stadskärna", "phrase"),
    ]
    english.force_login(staff)
    text = english.get(url("suggestions", consultation)).text
    assert "A phrase of the same word" in text
    assert "Merge “fler bostad” into “bostad”" in text
