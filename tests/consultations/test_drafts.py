"""The resident's draft: autosave (htmx) and "Save draft" (plain post), restore, discard,
deletion on submit, bounds, rate limits, cleanup, and who may use it where."""

import datetime
import json
import re
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations import drafts
from consultations.models import Response, ResponseDraft
from consultations.tasks import clear_expired_drafts
from consultations.views import drafts as draft_views
from visionportal.models import VisionProcess

from .factories import closed_consultation, open_consultation, upcoming_consultation

HTMX = {"HTTP_HX_REQUEST": "true"}


def _urls(consultation):
    args = [consultation.process.municipality.slug, consultation.process.slug, consultation.pk]
    return {
        name: reverse(f"consultations:{name}", args=args)
        for name in ("form", "submit", "receipt", "draft_save", "draft_discard")
    }


def _data(consultation, *texts, key=None, **profile):
    data = {"idempotency_key": str(key or uuid.uuid4()), **profile}
    for question, text in zip(consultation.questions.all(), texts, strict=False):
        data[f"question_{question.pk}"] = text
    return data


def _cookie(client, consultation):
    return client.cookies.get(draft_views.cookie_name(consultation))


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The rate-limit counters live in the (process-wide) cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def consultation(process):
    return open_consultation(process)


# --- Saving -----------------------------------------------------------------------------


def test_autosave_stores_the_draft_and_answers_with_a_status_fragment(client, consultation):
    saved = client.post(
        _urls(consultation)["draft_save"], _data(consultation, "Parkerna", "", "Ett bad"), **HTMX
    )
    assert saved.status_code == 200
    html = saved.content.decode()
    assert "<html" not in html
    assert 'data-draft-state="saved"' in html
    assert "Draft saved" in html
    draft = ResponseDraft.objects.get()
    questions = list(consultation.questions.all())
    assert draft.content["answers"] == {
        str(questions[0].pk): "Parkerna",
        str(questions[2].pk): "Ett bad",
    }
    assert draft.token == uuid.UUID(_cookie(client, consultation).value)
    # Anonymous: no address or browser details kept with the draft.
    assert "127.0.0.1" not in json.dumps(draft.content)
    assert Response.objects.count() == 0


def test_draft_cookie_is_private_to_the_consultation_and_ends_with_the_browser(
    client, consultation
):
    """A session cookie: on a shared computer, closing the browser leaves the next person
    nothing of what was typed."""
    client.post(_urls(consultation)["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    cookie = _cookie(client, consultation)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) == settings.SESSION_COOKIE_SECURE
    assert cookie["path"] == _urls(consultation)["form"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_a_draft_expires_when_the_consultation_closes_if_that_is_sooner(process):
    closes_at = timezone.now() + datetime.timedelta(hours=2)
    consultation = open_consultation(process, closes_at=closes_at)
    assert drafts.draft_expires_at(consultation=consultation) == closes_at
    later = open_consultation(process)
    keep = datetime.timedelta(days=drafts.DRAFT_KEEP_DAYS)
    assert drafts.draft_expires_at(consultation=later) <= timezone.now() + keep


def test_cookie_is_secure_outside_development(client, consultation, settings):
    settings.SESSION_COOKIE_SECURE = True
    client.post(_urls(consultation)["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    assert _cookie(client, consultation)["secure"] is True


def test_later_saves_update_the_same_draft(client, consultation):
    url = _urls(consultation)["draft_save"]
    client.post(url, _data(consultation, "Park"), **HTMX)
    token = _cookie(client, consultation).value
    client.post(url, _data(consultation, "Parkerna vid ån"), **HTMX)
    draft = ResponseDraft.objects.get()
    assert str(draft.token) == token == _cookie(client, consultation).value
    assert list(draft.content["answers"].values()) == ["Parkerna vid ån"]


def test_a_token_we_did_not_issue_is_replaced_by_a_fresh_one(client, consultation):
    planted = uuid.uuid4()
    client.cookies[draft_views.cookie_name(consultation)] = str(planted)
    client.post(_urls(consultation)["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    draft = ResponseDraft.objects.get()
    assert draft.token != planted
    assert _cookie(client, consultation).value == str(draft.token)


def test_profile_answers_are_saved_and_restored(client, consultation):
    data = _data(consultation, "Parkerna", age_band="65-79", target_groups=["older", "working"])
    client.post(_urls(consultation)["draft_save"], data, **HTMX)
    draft = ResponseDraft.objects.get()
    assert draft.content["profile"]["age_band"] == "65-79"
    assert draft.content["profile"]["target_groups"] == ["older", "working"]
    html = client.get(_urls(consultation)["form"]).content.decode()
    assert re.search(r'<option value="65-79"\s+selected>', html)
    assert re.search(r'value="older"[^>]*checked', html)


def test_emptying_every_field_removes_the_draft(client, consultation):
    url = _urls(consultation)["draft_save"]
    client.post(url, _data(consultation, "Parkerna"), **HTMX)
    client.post(url, _data(consultation, "  ", ""), **HTMX)
    assert ResponseDraft.objects.count() == 0


def test_autosave_is_a_handful_of_queries(client, consultation, django_assert_max_num_queries):
    url = _urls(consultation)["draft_save"]
    client.post(url, _data(consultation, "Park"), **HTMX)
    # Consultation, questions, the draft's UPDATE, and the already-sent check.
    with django_assert_max_num_queries(4):
        client.post(url, _data(consultation, "Parkerna"), **HTMX)


def test_draft_endpoint_refuses_get(client, consultation):
    assert client.get(_urls(consultation)["draft_save"]).status_code == 405
    assert client.get(_urls(consultation)["draft_discard"]).status_code == 405


def test_draft_endpoint_is_csrf_protected(consultation):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_urls(consultation)["draft_save"], _data(consultation, "Parkerna"))
    assert response.status_code == 403
    assert ResponseDraft.objects.count() == 0


# --- Bounds (service) -------------------------------------------------------------------


def test_unknown_question_ids_are_ignored(consultation):
    question = consultation.questions.first()
    saved, token = drafts.draft_save(
        consultation=consultation,
        token=None,
        answers={question.pk: "Parkerna", 999_999: "Elsewhere", "abc": "x", None: "y"},
    )
    assert saved.draft.content["answers"] == {str(question.pk): "Parkerna"}
    assert token == saved.draft.token


def test_other_consultations_questions_are_ignored(consultation, process):
    other = open_consultation(process)
    foreign = other.questions.first()
    saved, _token = drafts.draft_save(
        consultation=consultation, token=None, answers={foreign.pk: "Fel enkät"}
    )
    assert saved.draft is None
    assert ResponseDraft.objects.count() == 0


def test_an_over_long_answer_is_kept_but_flagged(client, consultation):
    second = consultation.questions.all()[1]
    long_text = "x" * (consultation.max_answer_length + 5)
    saved, _token = drafts.draft_save(
        consultation=consultation, token=None, answers={second.pk: long_text}
    )
    assert saved.draft.content["answers"][str(second.pk)] == long_text
    assert saved.too_long == (second.pk,)
    # The status names the answer as the resident numbers it, not by database id.
    page = client.post(
        _urls(consultation)["draft_save"], _data(consultation, "ok", long_text), **HTMX
    )
    assert "Answer 2 is too long" in page.content.decode()


def test_the_whole_draft_is_capped(client, consultation):
    first = consultation.questions.first()
    with pytest.raises(ValidationError):
        drafts.draft_save(
            consultation=consultation,
            token=None,
            answers={first.pk: "x" * (drafts.DRAFT_MAX_CHARS + 1)},
        )
    assert ResponseDraft.objects.count() == 0
    url = _urls(consultation)["draft_save"]
    client.post(url, _data(consultation, "Parkerna"), **HTMX)
    refused = client.post(url, _data(consultation, "x" * (drafts.DRAFT_MAX_CHARS + 1)), **HTMX)
    assert refused.status_code == 400
    assert "too long to be saved" in refused.content.decode()
    # The earlier draft is kept as it was.
    assert list(ResponseDraft.objects.get().content["answers"].values()) == ["Parkerna"]


def test_profile_values_are_bounded(consultation):
    profile = {f"field_{i}": "v" for i in range(50)}
    profile["long"] = "y" * 10_000
    profile["k" * 500] = "too long a key"
    profile["many"] = ["a" * 100] * 500
    profile["number"] = 5
    saved, _token = drafts.draft_save(
        consultation=consultation,
        token=None,
        answers={consultation.questions.first().pk: "x"},
        profile={"long": profile.pop("long"), "many": profile.pop("many"), **profile},
    )
    stored = saved.draft.content["profile"]
    assert len(stored) <= drafts.PROFILE_MAX_FIELDS
    assert len(stored["long"]) == drafts.PROFILE_MAX_VALUE_LENGTH
    assert len(stored["many"]) == drafts.PROFILE_MAX_CHOICES
    assert all(len(item) == drafts.PROFILE_MAX_CHOICE_LENGTH for item in stored["many"])
    assert "number" not in stored and "k" * 500 not in stored


def test_a_closed_consultation_keeps_no_draft(process):
    with pytest.raises(ValidationError, match="not open"):
        drafts.draft_save(consultation=closed_consultation(process), token=None, answers={1: "x"})


def test_draft_initial_never_sets_fields_it_does_not_own(consultation):
    question = consultation.questions.first()
    draft = ResponseDraft(
        consultation=consultation,
        token=uuid.uuid4(),
        content={
            "answers": {str(question.pk): "Parkerna", "999": "x"},
            "profile": {"idempotency_key": "planted", "age_band": "16-24"},
        },
    )
    initial = drafts.draft_initial(
        draft=draft, question_fields={question.pk: "q"}, profile_fields=["age_band"]
    )
    assert initial == {"q": "Parkerna", "age_band": "16-24"}


def test_a_malformed_draft_row_restores_nothing_instead_of_failing(client, consultation):
    token = uuid.uuid4()
    ResponseDraft.objects.create(consultation=consultation, token=token, content=["odd"])
    client.cookies[draft_views.cookie_name(consultation)] = str(token)
    assert client.get(_urls(consultation)["form"]).status_code == 200


# --- Restoring and discarding -----------------------------------------------------------


def test_the_form_restores_the_draft_and_says_so(client, consultation):
    client.post(_urls(consultation)["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    html = client.get(_urls(consultation)["form"]).content.decode()
    assert "We restored what you wrote earlier" in html
    assert "Parkerna</textarea>" in html
    assert _urls(consultation)["draft_discard"] in html


def test_the_form_without_a_draft_cookie_is_the_plain_form(client, consultation):
    html = client.get(_urls(consultation)["form"]).content.decode()
    assert "We restored" not in html
    assert "Save draft" in html  # the button that works without JavaScript
    assert 'hx-post="' + _urls(consultation)["draft_save"] in html


@pytest.mark.parametrize("value", ["", "garbage", "0" * 36, str(uuid.uuid4())])
def test_a_missing_malformed_or_unknown_cookie_restores_nothing(client, consultation, value):
    client.cookies[draft_views.cookie_name(consultation)] = value
    page = client.get(_urls(consultation)["form"])
    assert page.status_code == 200
    assert "We restored" not in page.content.decode()


def test_markup_in_a_draft_is_restored_as_inert_text(client, consultation):
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    client.post(
        _urls(consultation)["draft_save"],
        _data(consultation, payload, area=payload, age_band=payload),
        **HTMX,
    )
    html = client.get(_urls(consultation)["form"]).content.decode()
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


def test_without_javascript_save_draft_comes_back_to_the_form_restored(client, consultation):
    urls = _urls(consultation)
    saved = client.post(urls["draft_save"], _data(consultation, "Parkerna", save_draft="1"))
    assert saved.status_code == 302
    assert saved["Location"] == urls["form"] + "?draft=saved#draft-notice"
    html = client.get(saved["Location"]).content.decode()
    assert "Your draft is saved" in html
    assert "Parkerna</textarea>" in html


def test_discarding_deletes_the_draft_and_the_cookie(client, consultation):
    urls = _urls(consultation)
    client.post(urls["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    discarded = client.post(urls["draft_discard"])
    assert discarded.status_code == 302
    assert discarded["Location"] == urls["form"] + "?draft=discarded"
    assert ResponseDraft.objects.count() == 0
    assert _cookie(client, consultation).value == ""
    html = client.get(discarded["Location"]).content.decode()
    assert "Your draft has been deleted" in html
    assert "Parkerna</textarea>" not in html


def test_discarding_without_a_draft_is_harmless(client, consultation):
    assert client.post(_urls(consultation)["draft_discard"]).status_code == 302


def test_an_expired_draft_is_not_restored(client, consultation):
    client.post(_urls(consultation)["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    ResponseDraft.objects.update(
        updated_at=timezone.now() - datetime.timedelta(days=drafts.DRAFT_KEEP_DAYS + 1)
    )
    assert "We restored" not in client.get(_urls(consultation)["form"]).content.decode()


# --- Submitting ---------------------------------------------------------------------------


def test_sending_the_answers_deletes_the_draft_and_its_cookie(client, consultation):
    urls = _urls(consultation)
    client.post(urls["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    sent = client.post(urls["submit"], _data(consultation, "Parkerna"))
    assert sent["Location"] == urls["receipt"]
    assert ResponseDraft.objects.count() == 0
    assert _cookie(client, consultation).value == ""
    assert "We restored" not in client.get(urls["form"]).content.decode()


def test_a_save_arriving_after_the_submit_keeps_no_draft(client, consultation):
    urls = _urls(consultation)
    key = uuid.uuid4()
    client.post(urls["draft_save"], _data(consultation, "Park", key=key), **HTMX)
    client.post(urls["submit"], _data(consultation, "Parkerna", key=key))
    # A save that was still in flight (it carries the old cookie and the same form key).
    late = Client()
    late.cookies["django_language"] = "en"
    response = late.post(urls["draft_save"], _data(consultation, "Parkerna", key=key), **HTMX)
    assert response.status_code == 200
    assert "Your answers have been sent" in response.content.decode()
    assert ResponseDraft.objects.count() == 0


def test_double_submit_with_a_draft_stores_one_response(client, consultation):
    urls = _urls(consultation)
    data = _data(consultation, "Parkerna", "Köerna")
    client.post(urls["draft_save"], data, **HTMX)
    first = client.post(urls["submit"], data)
    second = client.post(urls["submit"], data)
    assert first["Location"] == second["Location"] == urls["receipt"]
    assert Response.objects.count() == 1
    assert ResponseDraft.objects.count() == 0


def test_a_refused_submit_keeps_the_draft(client, consultation):
    urls = _urls(consultation)
    client.post(urls["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    page = client.post(urls["submit"], _data(consultation, "x" * 2001))
    assert page.status_code == 200
    assert ResponseDraft.objects.count() == 1


# --- Cleanup ------------------------------------------------------------------------------


def test_cleanup_task_deletes_old_drafts_and_those_of_closed_consultations(process):
    fresh = open_consultation(process)
    closed = closed_consultation(process)
    now = timezone.now()
    keep = ResponseDraft.objects.create(consultation=fresh, token=uuid.uuid4(), content={})
    ResponseDraft.objects.create(
        consultation=fresh,
        token=uuid.uuid4(),
        content={},
        updated_at=now - datetime.timedelta(days=drafts.DRAFT_KEEP_DAYS + 1),
    )
    ResponseDraft.objects.create(consultation=closed, token=uuid.uuid4(), content={})
    assert clear_expired_drafts.delay().get() == 2
    assert list(ResponseDraft.objects.all()) == [keep]
    assert clear_expired_drafts() == 0  # idempotent


def test_cleanup_runs_on_the_beat_schedule():
    from visionportal.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "consultations.clear_expired_drafts" in tasks
    assert "consultations.clear_expired_drafts" in app.tasks


# --- Rate limits ----------------------------------------------------------------------------


def test_autosave_is_rate_limited_per_draft(client, consultation, monkeypatch):
    monkeypatch.setattr(draft_views, "SAVES_PER_MINUTE_PER_DRAFT", 2)
    url = _urls(consultation)["draft_save"]
    statuses = [
        client.post(url, _data(consultation, f"Park {i}"), **HTMX).status_code for i in range(4)
    ]
    # The first save creates the draft (counted as a new one); then two saves are allowed.
    assert statuses == [200, 200, 200, 429]
    limited = client.post(url, _data(consultation, "Park 9"), **HTMX)
    assert 'data-draft-state="rate_limited"' in limited.content.decode()
    assert list(ResponseDraft.objects.get().content["answers"].values()) == ["Park 2"]


def test_new_drafts_are_rate_limited_per_client(consultation, monkeypatch):
    monkeypatch.setattr(draft_views, "NEW_DRAFTS_PER_HOUR_PER_CLIENT", 3)
    url = _urls(consultation)["draft_save"]
    statuses = [
        Client().post(url, _data(consultation, "Park"), **HTMX).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert ResponseDraft.objects.count() == 3


def test_a_made_up_draft_cookie_does_not_escape_the_limit_on_new_drafts(consultation, monkeypatch):
    monkeypatch.setattr(draft_views, "NEW_DRAFTS_PER_HOUR_PER_CLIENT", 3)
    url = _urls(consultation)["draft_save"]
    statuses = []
    for _ in range(5):
        visitor = Client()
        visitor.cookies[draft_views.cookie_name(consultation)] = str(uuid.uuid4())
        statuses.append(visitor.post(url, _data(consultation, "Park"), **HTMX).status_code)
    assert statuses == [200, 200, 200, 429, 429]
    assert ResponseDraft.objects.count() == 3


def test_residents_behind_the_proxy_are_limited_each_on_their_own(
    consultation, monkeypatch, settings
):
    """Behind the TLS proxy every request comes from its address: with TRUSTED_PROXY_COUNT
    the resident's own address (from X-Forwarded-For) is what is limited."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(draft_views, "NEW_DRAFTS_PER_HOUR_PER_CLIENT", 1)
    url = _urls(consultation)["draft_save"]
    statuses = [
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .post(url, _data(consultation, "Park"), **HTMX)
        .status_code
        for n in range(1, 4)
    ]
    assert statuses == [200, 200, 200]
    again = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert again.post(url, _data(consultation, "Park"), **HTMX).status_code == 429
    # A request that did not pass the proxy (no X-Forwarded-For) is limited, never a 500.
    direct = Client(REMOTE_ADDR="10.0.0.2").post(url, _data(consultation, "Park"), **HTMX)
    assert direct.status_code in (200, 429)


def test_a_draft_whose_form_was_sent_meanwhile_is_not_restored(client, consultation):
    """The first autosave and Send can cross: the autosave's cookie arrives after Send left
    without it. Coming back, the resident must not get their sent answers as a draft."""
    key = uuid.uuid4()
    client.post(_urls(consultation)["draft_save"], _data(consultation, "Parkerna", key=key), **HTMX)
    assert ResponseDraft.objects.count() == 1
    Client().post(_urls(consultation)["submit"], _data(consultation, "Parkerna", key=key))
    assert Response.objects.filter(idempotency_key=key).exists()

    page = client.get(_urls(consultation)["form"]).content.decode()
    assert "Parkerna" not in page
    assert 'id="draft-notice"' not in page
    assert not ResponseDraft.objects.exists()


def test_line_breaks_count_once_in_a_draft_as_in_the_sent_answer(client, consultation):
    text = "\r\n".join(["x" * 99] * 20)  # 1,999 as the browser counts, 2,018 as sent
    saved, _token = drafts.draft_save(
        consultation=consultation,
        token=None,
        answers={consultation.questions.first().pk: text},
    )
    assert saved.too_long == ()


def test_rate_limited_without_javascript_is_a_clear_page(client, consultation, monkeypatch):
    monkeypatch.setattr(draft_views, "SAVES_PER_MINUTE_PER_CLIENT", 0)
    page = client.post(_urls(consultation)["draft_save"], _data(consultation, "Park"))
    assert page.status_code == 429
    assert "could not be saved just now" in page.content.decode()


def test_rate_limit_counters_hold_no_ip_address(client, consultation):
    client.post(_urls(consultation)["draft_save"], _data(consultation, "Park"), **HTMX)
    keys = list(cache._cache.keys()) if hasattr(cache, "_cache") else []
    assert keys and not any("127.0.0.1" in key for key in keys)


# --- Where the draft endpoint answers ---------------------------------------------------------


@pytest.mark.parametrize("make", [closed_consultation, upcoming_consultation])
def test_closed_or_upcoming_consultation_shows_a_clear_page(client, process, make):
    consultation = make(process)
    urls = _urls(consultation)
    page = client.post(urls["draft_save"], _data(consultation, "Parkerna"))
    assert page.status_code == 200
    assert "Save draft" not in page.content.decode()
    fragment = client.post(urls["draft_save"], _data(consultation, "Parkerna"), **HTMX)
    assert fragment.status_code == 409
    assert 'data-draft-state="not_open"' in fragment.content.decode()
    assert client.post(urls["draft_discard"]).status_code == 302
    assert ResponseDraft.objects.count() == 0


def test_unpublished_process_has_no_draft_endpoint(client, draft_process):
    consultation = open_consultation(draft_process)
    urls = _urls(consultation)
    assert client.post(urls["draft_save"], _data(consultation, "x")).status_code == 404
    assert client.post(urls["draft_save"], _data(consultation, "x"), **HTMX).status_code == 404
    assert client.post(urls["draft_discard"]).status_code == 404


def test_unpublished_municipality_has_no_draft_endpoint(client, consultation):
    municipality = consultation.process.municipality
    municipality.is_public = False
    municipality.save()
    assert client.post(_urls(consultation)["draft_save"], {}).status_code == 404


def test_consultation_under_another_municipality_or_process_is_404(client, consultation, ishoj):
    VisionProcess.objects.create(
        municipality=ishoj, title="Vision", slug=consultation.process.slug, is_public=True
    )
    for args in (
        ["ishoj", consultation.process.slug, consultation.pk],
        ["norrkoping", "another-process", consultation.pk],
        ["norrkoping", consultation.process.slug, consultation.pk + 1000],
    ):
        url = reverse("consultations:draft_save", args=args)
        assert client.post(url, _data(consultation, "x")).status_code == 404
    assert ResponseDraft.objects.count() == 0


@pytest.mark.parametrize(
    "who", [None, "staff", "councillor", "moderator", "other_staff", "outsider"]
)
def test_every_role_uses_the_draft_like_a_resident(client, consultation, who, request):
    if who:
        client.force_login(request.getfixturevalue(who))
    urls = _urls(consultation)
    assert (
        client.post(urls["draft_save"], _data(consultation, "Parkerna"), **HTMX).status_code == 200
    )
    assert "Parkerna</textarea>" in client.get(urls["form"]).content.decode()
    # A draft belongs to its token, not to an account: another browser sees nothing.
    other = Client()
    other.cookies["django_language"] = "en"
    assert "Parkerna" not in other.get(urls["form"]).content.decode()


# --- Cleaning shared with the submit (issue 8) --------------------------------------------


def test_autosave_with_a_nul_byte_is_refused_clearly_and_stores_nothing(client, consultation):
    # PostgreSQL's jsonb cannot hold \u0000: the draft cleans its input as the submit does.
    saved = client.post(
        _urls(consultation)["draft_save"], _data(consultation, "a\x00b", "Parkerna"), **HTMX
    )
    assert saved.status_code == 400
    assert 'data-draft-state="invalid"' in saved.text
    assert "cannot be stored" in saved.text
    assert not ResponseDraft.objects.exists()
    assert _cookie(client, consultation) is None


def test_save_draft_with_a_nul_byte_without_javascript_is_a_clear_page(client, consultation):
    page = client.post(_urls(consultation)["draft_save"], _data(consultation, "a\x00b"))
    assert page.status_code == 400
    assert "cannot be stored" in page.text
    assert not ResponseDraft.objects.exists()


def test_the_submit_refuses_the_same_nul_byte_the_draft_refuses(client, consultation):
    page = client.post(_urls(consultation)["submit"], _data(consultation, "a\x00b"))
    assert page.status_code == 200
    assert "Null characters are not allowed" in page.text
    assert not Response.objects.exists()


def test_a_nul_byte_in_a_profile_answer_is_dropped_from_the_draft(client, consultation):
    consultation.ask_age_band = True
    consultation.save()
    saved = client.post(
        _urls(consultation)["draft_save"],
        _data(consultation, "Parkerna", age_band="25-44\x00"),
        **HTMX,
    )
    assert saved.status_code == 200
    assert ResponseDraft.objects.get().content["profile"] == {}


def test_an_answer_of_only_invisible_characters_is_not_kept_in_a_draft(client, consultation):
    saved = client.post(
        _urls(consultation)["draft_save"], _data(consultation, "\u00a0\u200b", "\u200b"), **HTMX
    )
    assert saved.status_code == 200
    assert not ResponseDraft.objects.exists()
