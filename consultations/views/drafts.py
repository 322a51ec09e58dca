"""The resident's draft: saved as they type (htmx) or with the "Save draft" button (a plain
form post, without JavaScript), restored when they come back, discarded on request.

The token lives in a cookie scoped to the consultation's pages: HttpOnly, SameSite=Lax,
Secure outside development, gone when the consultation closes or after DRAFT_KEEP_DAYS.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from visionportal import ratelimits

from .. import access, drafts, selectors
from ..forms import ResponseForm, question_field_name

DRAFT_CONTROLS = "consultations/_draft_controls.html"
STATUS_TEMPLATE = "consultations/status.html"

# Autosave fires 1.5 s after the resident stops typing, so an honest page sends a few saves
# a minute. Per client (a hashed IP address, in the cache only: never in the database) the
# limits leave room for a school class or a library behind one address.
SAVES_PER_MINUTE_PER_DRAFT = 30
SAVES_PER_MINUTE_PER_CLIENT = 600
NEW_DRAFTS_PER_HOUR_PER_CLIENT = 120


def _url_args(consultation):
    process = consultation.process
    return [process.municipality.slug, process.slug, consultation.pk]


def cookie_name(consultation) -> str:
    return f"vp_draft_{consultation.pk}"


def _cookie_path(consultation) -> str:
    return reverse("consultations:form", args=_url_args(consultation))


def token_from_cookie(request, consultation):
    return drafts.parse_token(request.COOKIES.get(cookie_name(consultation)))


def _set_cookie(response, consultation, token):
    # A browser-session cookie: a reload or a lost connection loses nothing, but on a
    # shared computer (a library, an exhibition) the next person does not get the previous
    # one's unsent answers once the browser is closed. The draft row itself expires on the
    # server (drafts.draft_expires_at).
    response.set_cookie(
        cookie_name(consultation),
        str(token),
        path=_cookie_path(consultation),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget(request, response, consultation) -> None:
    """Delete the request's draft and its cookie (after the response has been sent)."""
    token = token_from_cookie(request, consultation)
    if token is None:
        return
    drafts.draft_discard(consultation=consultation, token=token)
    response.delete_cookie(
        cookie_name(consultation), path=_cookie_path(consultation), samesite="Lax"
    )


def restored_draft(request, consultation):
    """The draft to restore on the form, if the resident's cookie names one."""
    return drafts.draft_for(
        consultation=consultation, token=token_from_cookie(request, consultation)
    )


def notice_context(request, consultation, draft) -> dict:
    """What the form page says about the draft: restored, just saved, or just discarded."""
    requested = request.GET.get("draft", "")
    if draft is not None:
        notice = "saved" if requested == "saved" else "restored"
    else:
        notice = "discarded" if requested == "discarded" else ""
    return {
        "draft": draft,
        "draft_notice": notice,
        "draft_expires_at": drafts.draft_expires_at(consultation=consultation),
    }


def form_initial(draft, form: ResponseForm) -> dict:
    return drafts.draft_initial(
        draft=draft,
        question_fields={q.pk: question_field_name(q) for q in form.questions},
        profile_fields=_profile_fields(form),
    )


def _profile_fields(form: ResponseForm) -> dict:
    """The form's optional "about you" fields: everything but the answers and the key."""
    questions = {question_field_name(q) for q in form.questions}
    return {
        name: field
        for name, field in form.fields.items()
        if name not in questions and name != "idempotency_key"
    }


def _client_key(request) -> str:
    return ratelimits.client_key(request, purpose="consultations.draft-client")


def _over_limit(scope: str, key: str, *, limit: int, window: int) -> bool:
    # Fails open: with the cache down a resident's draft is still saved. The limit only
    # keeps the endpoint from being used as storage, and each draft stays capped.
    return ratelimits.over_limit(f"vp:draft-rate:{scope}", key, limit=limit, window=window)


def _rate_limited(request, token) -> bool:
    """Before a save: all saves of the client, and the saves of the cookie's draft."""
    if _over_limit("client", _client_key(request), limit=SAVES_PER_MINUTE_PER_CLIENT, window=60):
        return True
    return token is not None and _over_limit(
        "draft", str(token), limit=SAVES_PER_MINUTE_PER_DRAFT, window=60
    )


def _too_many_new_drafts(request) -> bool:
    """After a save that created a draft row: charged whatever the cookie claimed, so a
    made-up token does not escape the limit on new drafts."""
    return _over_limit(
        "new", _client_key(request), limit=NEW_DRAFTS_PER_HOUR_PER_CLIENT, window=3600
    )


def _status(request, consultation, state, *, status=200, saved=None, questions=()):
    """The draft status line (htmx) or, without JavaScript, a page that says the same."""
    too_long = saved.too_long if saved else ()
    context = {
        "consultation": consultation,
        "process": consultation.process,
        "municipality": consultation.process.municipality,
        "draft_state": state,
        "saved": saved,
        "saved_at": timezone.localtime(),
        # Numbered as the resident sees them (1, 2, 3), not by database id.
        "too_long_numbers": [n for n, q in enumerate(questions, 1) if q.pk in too_long],
    }
    if request.htmx:
        return render(request, f"{DRAFT_CONTROLS}#draft-status", context, status=status)
    if state == "not_open":
        context["status"] = consultation.status()
        return render(request, STATUS_TEMPLATE, context, status=status)
    context["status"] = "draft_invalid" if state == "invalid" else "draft_not_saved"
    return render(request, STATUS_TEMPLATE, context, status=status)


@require_POST
def draft_save(request, municipality_slug, process_slug, pk):
    # Autosave is as hot as the form: the same briefly cached, read-only consultation.
    consultation = access.public_consultation_for_form(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    if not consultation.is_open():
        return _status(request, consultation, "not_open", status=409 if request.htmx else 200)
    token = token_from_cookie(request, consultation)
    if _rate_limited(request, token):
        return _status(request, consultation, "rate_limited", status=429)
    form = ResponseForm(
        request.POST,
        consultation=consultation,
        questions=selectors.consultation_questions(consultation),
    )
    try:
        # The submit's own cleaning, field by field: the draft stores nothing it would refuse.
        answers, profile = form.draft_values()
    except ValidationError:
        return _status(request, consultation, "invalid", status=400)
    try:
        saved, saved_token = drafts.draft_save(
            consultation=consultation,
            token=token,
            answers=answers,
            profile=profile,
            idempotency_key=request.POST.get("idempotency_key"),
            questions=form.questions,
        )
    except ValidationError as error:
        if error.code == "not_open":  # it closed a moment ago
            return _status(request, consultation, "not_open", status=409 if request.htmx else 200)
        return _status(request, consultation, "too_large", status=400)
    if saved.draft is not None and saved_token != token and _too_many_new_drafts(request):
        drafts.draft_discard(consultation=consultation, token=saved_token)
        return _status(request, consultation, "rate_limited", status=429)
    token = saved_token
    if request.htmx:
        response = _status(request, consultation, "saved", saved=saved, questions=form.questions)
    else:
        # Post/Redirect/Get: the form comes back with the draft restored.
        url = reverse("consultations:form", args=_url_args(consultation))
        response = redirect(f"{url}?draft=saved#draft-notice")
    if saved.draft is not None:
        _set_cookie(response, consultation, token)
    return response


@require_POST
def draft_discard(request, municipality_slug, process_slug, pk):
    consultation = access.public_consultation(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    url = reverse("consultations:form", args=_url_args(consultation))
    response = redirect(f"{url}?draft=discarded" if consultation.is_open() else url)
    forget(request, response, consultation)
    return response
