"""The kiosk's public pages (``k/<token>/``): a start screen, a plain form per card when
there is no JavaScript, and the JSON endpoints the kiosk script uses to fetch pre-dealt
decks and upload its queue (keywords/sorting/kiosk.py explains both).

Nothing about a player is kept between players: no session, no cookie of the game (the
play's token is in the URL of its own pages only, and a play takes no more answers once
finished or idle, so paging back reaches nothing); every page is ``no-store`` so the
browser's history keeps no copy either. With the script, an idle play is asked "are you
still there?" and then returns to the start screen. Without it there is no timer (a meta
refresh would end a slow reader's game unannounced, WCAG 2.2.1): the card page shows only
the next keyword, and the next visitor's first touch of an idle play leads to the start.
"""

from __future__ import annotations

import json
import uuid

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from keywords.models import KeywordListItem

from . import kiosk, limits
from .models import SortChannel
from .services import SortingError, refusal_for_status

TEMPLATE = "keywords/sorting/kiosk.html"
MAX_BODY = 200_000


def _device(token):
    device = kiosk.device_for_token(token)
    if device is None:
        raise Http404
    return device


def _no_store(response):
    add_never_cache_headers(response)
    return response


def _retired(request, device):
    return _no_store(
        render(request, "keywords/sorting/kiosk_retired.html", {"device": device}, status=410)
    )


def _state(device):
    """("open", "") or (status, why not) for the kiosk's round and channel."""
    round = device.round
    status = round.status()
    if status != "open":
        return status, refusal_for_status(status)
    if not round.channel_open(SortChannel.KIOSK):
        return "channel_closed", _("The kiosks are not taking answers at the moment.")
    return "open", ""


def _page(request, device, *, status=200, **context):
    state, refusal = _state(device)
    context = {
        "device": device,
        "round": device.round,
        "municipality": device.round.process.municipality,
        "process": device.round.process,
        "state": state,
        "refusal": refusal,
        "idle_seconds": kiosk.idle_seconds(),
        "idle_warning_seconds": kiosk.idle_warning_seconds(),
        "reserve": kiosk.RESERVE_DECKS,
        **context,
    }
    return _no_store(render(request, TEMPLATE, context, status=status))


@require_GET
def kiosk_home(request, token):
    device = _device(token)
    if device.retired_at is not None:
        return _retired(request, device)
    return _page(request, device, done=request.GET.get("done") == "1")


def _limited_page(request, device):
    return _page(
        request,
        device,
        status=429,
        error=_("Too many answers from this kiosk just now. Wait a minute and try again."),
    )


@require_POST
def kiosk_start(request, token):
    device = _device(token)
    if device.retired_at is not None:
        return _retired(request, device)
    if limits.kiosk_limited(request, device, "form"):
        return _limited_page(request, device)
    try:
        play = kiosk.kiosk_play_start(
            device=device, user_agent=request.headers.get("user-agent", "")
        )
    except SortingError as error:
        return _page(request, device, status=409, error=error.message)
    return HttpResponseRedirect(reverse("keywords:kiosk_card", args=[token, play.token]))


def _play(device, play_token):
    play = kiosk.kiosk_play_for(device, play_token)
    if play is None:
        raise Http404
    return play


def _start_again(token, *, done=False):
    url = reverse("keywords:kiosk_home", args=[token])
    return HttpResponseRedirect(f"{url}?done=1" if done else url)


@require_GET
def kiosk_card(request, token, play):
    device = _device(token)
    if device.retired_at is not None:
        return _retired(request, device)
    play = _play(device, play)
    if kiosk.kiosk_play_expired(play):
        return _start_again(token)
    return _card_page(request, device, play)


def _card_page(request, device, play, *, status=200, error=""):
    card = kiosk.kiosk_next_card(play)
    if card is None:
        return _start_again(device.token, done=True)
    position, item_id = card
    item = KeywordListItem.objects.only("pk", "label").get(pk=item_id)
    return _page(
        request,
        device,
        status=status,
        play=play,
        card=item,
        position=position,
        total=len(play.deck),
        answered=position - 1,
        error=error,
    )


@require_POST
def kiosk_vote(request, token, play):
    device = _device(token)
    if device.retired_at is not None:
        return _retired(request, device)
    play = _play(device, play)
    if limits.kiosk_limited(request, device, "form"):
        return _limited_page(request, device)
    try:
        item_id, choice = int(request.POST.get("item", "")), int(request.POST.get("choice", ""))
    except ValueError:
        return _card_page(request, device, play, status=400, error=_("Choose one of the answers."))
    try:
        complete = kiosk.kiosk_vote_cast(
            device=device, participant=play, item_id=item_id, choice=choice
        )
    except SortingError as error:
        if kiosk.kiosk_play_expired(play):
            return _start_again(token)
        return _card_page(request, device, play, status=409, error=error.message)
    if complete:
        return _start_again(token, done=True)
    return HttpResponseRedirect(reverse("keywords:kiosk_card", args=[token, play.token]))


@require_POST
def kiosk_undo(request, token, play):
    device = _device(token)
    if device.retired_at is not None:
        return _retired(request, device)
    play = _play(device, play)
    try:
        kiosk.kiosk_vote_undo(device=device, participant=play)
    except SortingError:
        return _start_again(token)
    return HttpResponseRedirect(reverse("keywords:kiosk_card", args=[token, play.token]))


# --- JSON endpoints for the kiosk script --------------------------------------------
# CSRF-exempt on purpose: they read no cookie and no session; the secret kiosk token in
# the path is the only credential, so a forged cross-site request gains nothing the
# forger's own request could not.


def _json_error(message, status, **extra):
    return _no_store(JsonResponse({"error": message, **extra}, status=status))


def _json_body(request):
    if len(request.body) > MAX_BODY:
        raise ValueError
    body = json.loads(request.body or b"{}")
    if not isinstance(body, dict):
        raise ValueError
    return body


@csrf_exempt
@require_POST
def kiosk_decks(request, token):
    device = _device(token)
    if device.retired_at is not None:
        return _json_error(_("This kiosk has been retired."), 410, retired=True)
    if limits.kiosk_limited(request, device, "decks"):
        return _json_error(_("Too many requests. Try again in a minute."), 429)
    try:
        want = int(_json_body(request).get("want", 1))
    except (ValueError, TypeError):
        return _json_error(_("The request was not understood."), 400)
    try:
        plays = kiosk.kiosk_decks_deal(
            device=device, count=want, user_agent=request.headers.get("user-agent", "")
        )
    except SortingError as error:
        return _json_error(error.message, 409)
    labels = dict(
        KeywordListItem.objects.filter(pk__in={i for p in plays for i in p.deck}).values_list(
            "pk", "label"
        )
    )
    return _no_store(
        JsonResponse(
            {
                "decks": [
                    {"p": str(p.token), "cards": [[i, labels[i]] for i in p.deck]} for p in plays
                ]
            }
        )
    )


@csrf_exempt
@require_POST
def kiosk_batch(request, token):
    device = _device(token)
    if device.retired_at is not None:
        return _json_error(_("This kiosk has been retired."), 410, retired=True)
    if limits.kiosk_limited(request, device, "batch"):
        return _json_error(_("Too many uploads. Try again in a minute."), 429)
    try:
        body = _json_body(request)
        key = uuid.UUID(str(body["key"]))
        finished = [uuid.UUID(str(t)) for t in body.get("finished", [])][: kiosk.BATCH_MAX_VOTES]
    except (ValueError, TypeError, KeyError, AttributeError):
        return _json_error(_("The upload was not understood."), 400)
    votes, malformed = kiosk.parse_queued_votes(body.get("votes"))
    try:
        receipt = kiosk.kiosk_batch_receive(
            device=device, idempotency_key=key, votes=votes, finished=finished, malformed=malformed
        )
    except SortingError as error:
        return _json_error(error.message, 409)
    return _no_store(
        JsonResponse(
            {
                "stored": receipt.stored,
                "rejected": receipt.rejected,
                "duplicate": receipt.duplicate,
            }
        )
    )
