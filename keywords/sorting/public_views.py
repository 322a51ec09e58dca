"""The residents' sorting game, online: one card at a time.

Without JavaScript every card is a plain form whose POST redirects back to the game (303),
so a reload never resends an answer. With htmx the same forms post in the background and
the ``game`` partial of play.html swaps in, with a polite status line saying what
happened (an out-of-band swap into the live region that stays on the page).

The player is a random token in a signed cookie scoped to the round's path: no account,
no session row, nothing personal. A lost or expired cookie means a new game; the page says
so rather than failing.

A vote is the hot path: the round comes from play_cache (no query), the player's token
from the cookie, and one statement, with no health check before it (visionportal.db),
stores the answer and, for htmx, returns what the next card needs
(services.sort_vote_store); the card's label comes from play_cache too. Nothing is
written to the session. Starting, voting and undoing are rate limited per client address
(limits.py): over the limit, a 429 page (or, with htmx, the same words in the game).
"""

import functools
import uuid

from django.contrib import messages
from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import limits, play_cache, selectors, services
from .devices import device_class
from .forms import FinishForm, VoteForm
from .models import SortChannel, SortParticipant

COOKIE = "vp_sort"
# Long enough for a round that runs for weeks; the token is worthless once it closes.
COOKIE_MAX_AGE = 60 * 60 * 24 * 90


def _play_url(round) -> str:
    # A path: redirects take it as it is (django.shortcuts.redirect would first try it as
    # a view's name, a failed reverse on every vote).
    process = round.process
    return _play_path(get_script_prefix(), process.municipality.slug, process.slug, round.pk)


@functools.lru_cache(maxsize=1024)
def _play_path(script_prefix: str, municipality_slug: str, process_slug: str, round_pk: int):
    # Every vote redirects here, and reversing the path took longer than the vote's own
    # checks. The arguments are those of rounds that exist (see _round), so few.
    return reverse("keywords:sort_play", args=[municipality_slug, process_slug, round_pk])


def _salt(round) -> str:
    return f"keywords.sorting.player.{round.pk}"


def _token(request, round) -> uuid.UUID | None:
    """The player's token from their signed cookie, or None (no cookie, forged, expired)."""
    try:
        token = request.get_signed_cookie(COOKIE, salt=_salt(round), max_age=COOKIE_MAX_AGE)
        return uuid.UUID(token)
    except (KeyError, ValueError, signing.BadSignature):
        return None


def _participant(request, round) -> SortParticipant | None:
    token = _token(request, round)
    if token is None:
        return None
    return selectors.player_by_token(token, round=round, channel=SortChannel.ONLINE)


def _round(municipality_slug, process_slug, round_pk):
    return play_cache.public_round(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=round_pk
    )


def _context(
    request, round, participant, *, state=None, finish_form=None, announcement="", error=""
):
    status = round.status()
    context = {
        "round": round,
        "process": round.process,
        "municipality": round.process.municipality,
        "status": status,
        "online_open": round.online_open,
        "participant": participant,
        "results_url": selectors.public_results_url(round),
        "announcement": announcement,
        "error": error,
        "refusal": services.refusal_for_status(status) if status != "open" else "",
    }
    if participant is not None:
        participant.round = round
        state = state or selectors.game_state(
            participant, labels=play_cache.labels(round.keyword_list_id)
        )
        context["state"] = state
        if state.card is None and participant.finished_at is None:
            context["finish_form"] = finish_form or FinishForm(round=round)
    return context


def _respond(request, round, participant, **kwargs):
    """After a POST: the game partial for htmx, else back to the page (303)."""
    if request.htmx:
        context = _context(request, round, participant, **kwargs)
        response = render(request, "keywords/sorting/play.html#game", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    if kwargs.get("error"):
        messages.error(request, kwargs["error"])
    return HttpResponseRedirect(_play_url(round))


def _lost(request, round):
    """A POST without a (valid) player cookie: the game expired or cookies were cleared."""
    messages.info(
        request,
        _(
            "We could not find your game: it may have expired, or cookies were cleared. "
            "You can start a new game."
        ),
    )
    if request.htmx:
        return HttpResponseClientRedirect(_play_url(round))
    return HttpResponseRedirect(_play_url(round))


def _limited(request, round, kind: str):
    """Over a rate limit: a 429 that costs no query. With htmx, in place of the game (the
    link continues it once the minute is over); without, a page saying the same."""
    context = {
        "round": round,
        "process": round.process,
        "municipality": round.process.municipality,
        "play_url": _play_url(round),
        "kind": kind,
    }
    template = "keywords/sorting/limited.html"
    if request.htmx:
        template += "#limited"
    response = render(request, template, context, status=429)
    response["Retry-After"] = "60"
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def sort_play(request, municipality_slug, process_slug, round_pk):
    round = _round(municipality_slug, process_slug, round_pk)
    participant = _participant(request, round)
    response = render(request, "keywords/sorting/play.html", _context(request, round, participant))
    # The page shows this player's card: never from a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def sort_start(request, municipality_slug, process_slug, round_pk):
    round = _round(municipality_slug, process_slug, round_pk)
    if limits.online_limited(request, "start"):
        return _limited(request, round, "start")
    participant = _participant(request, round)
    if participant is None or participant.finished_at is not None:
        try:
            participant = services.sort_participant_start(
                round=round,
                channel=SortChannel.ONLINE,
                device_class=device_class(request.headers.get("User-Agent")),
            )
        except services.SortingError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(_play_url(round))
    # A double click on "Start" finds the game the first click started (its cookie came back).
    response = HttpResponseRedirect(_play_url(round))
    response.set_signed_cookie(
        COOKIE,
        str(participant.token),
        salt=_salt(round),
        max_age=COOKIE_MAX_AGE,
        path=_play_url(round),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


def _refused(request, round, message):
    """A vote refused with `message` (rare: the full game state is read again)."""
    participant = _participant(request, round)
    if participant is None:
        return _lost(request, round)
    participant.round = round
    return _respond(request, round, participant, error=message)


@require_POST
def sort_vote(request, municipality_slug, process_slug, round_pk):
    round = _round(municipality_slug, process_slug, round_pk)
    if limits.online_limited(request, "vote"):
        return _limited(request, round, "vote")
    token = _token(request, round)
    if token is None:
        return _lost(request, round)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, round, _("Choose one of the answers."))
    try:
        stored = services.sort_vote_store(
            round=round,
            token=token,
            channel=SortChannel.ONLINE,
            item_id=form.cleaned_data["item"],
            choice=form.cleaned_data["choice"],
            # Without htmx the game page reads the next card after the redirect.
            next_card=bool(request.htmx),
        )
    except services.SortingError as error:
        return _refused(request, round, error.message)
    if stored is None:
        return _lost(request, round)
    if not request.htmx:
        return HttpResponseRedirect(_play_url(round))
    # The next card from what the vote returned: no further query.
    participant = SortParticipant(
        pk=stored.participant_id,
        round=round,
        token=token,
        channel=SortChannel.ONLINE,
        deck=stored.deck,
    )
    state = selectors.game_state(
        participant, answered=stored.answered, labels=play_cache.labels(round.keyword_list_id)
    )
    return _respond(request, round, participant, state=state, announcement=_("Answer saved."))


@require_POST
def sort_undo(request, municipality_slug, process_slug, round_pk):
    round = _round(municipality_slug, process_slug, round_pk)
    # An undo is a write like an answer: one budget for both.
    if limits.online_limited(request, "vote"):
        return _limited(request, round, "vote")
    participant = _participant(request, round)
    if participant is None:
        return _lost(request, round)
    participant.round = round
    try:
        undone = services.sort_vote_undo(participant=participant)
    except services.SortingError as error:
        return _respond(request, round, participant, error=error.message)
    announcement = _("Last answer undone.") if undone else _("There is nothing to undo.")
    return _respond(request, round, participant, announcement=announcement)


@require_POST
def sort_finish(request, municipality_slug, process_slug, round_pk):
    round = _round(municipality_slug, process_slug, round_pk)
    participant = _participant(request, round)
    if participant is None:
        return _lost(request, round)
    participant.round = round
    form = FinishForm(request.POST, round=round)
    if not form.is_valid():
        if request.htmx:
            return _respond(request, round, participant, finish_form=form)
        response = render(
            request,
            "keywords/sorting/play.html",
            _context(request, round, participant, finish_form=form),
            status=400,
        )
        return response
    try:
        services.sort_participant_finish(participant=participant, **form.profile())
    except services.SortingError as error:
        return _respond(request, round, participant, error=error.message)
    participant.refresh_from_db(fields=["finished_at"])
    return _respond(request, round, participant, announcement=_("Thank you! Your game is done."))
