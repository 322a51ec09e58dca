"""Staff pages of the sorting game: a process's rounds, a round's settings and live counts,
opening and closing. Staff and admins only (EDITOR_ROLES) through member_required: another
municipality's process or round is 404, another role 403. Every change is a POST that
redirects; the live counts refresh by htmx (the ``counts`` partial) and by reloading."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from keywords.access import sorting_round_for_member
from keywords.models import KeywordList
from visionportal.access import EDITOR_ROLES, member_required, process_for_member
from visionportal.services import StaleVersion

from . import selectors, services
from .forms import RoundSettingsForm


def _render_rounds(request, process, form, status=200):
    return render(
        request,
        "keywords/sorting/rounds.html",
        {
            "process": process,
            "rounds": selectors.rounds_of(process),
            "form": form,
        },
        status=status,
    )


def _new_form(process, data=None):
    lists = selectors.published_lists_of(process)
    if not lists:
        return None
    return RoundSettingsForm(
        data,
        keyword_lists=lists,
        initial={"deck_size": min(20, lists[0].item_count), "online_open": True},
    )


@require_http_methods(["GET"])
@member_required(EDITOR_ROLES)
def sorting_rounds(request, pk):
    process = process_for_member(request, pk)
    return _render_rounds(request, process, _new_form(process))


@require_POST
@member_required(EDITOR_ROLES)
def sorting_round_new(request, pk):
    process = process_for_member(request, pk)
    form = _new_form(process, request.POST)
    if form is None:
        messages.error(request, _("Publish a keyword list before you create a sorting round."))
        return redirect("keywords:sorting_rounds", request.municipality.slug, pk)
    if form.is_valid():
        keyword_list = KeywordList.objects.filter(
            pk=form.cleaned_data["keyword_list"], consultation__process=process
        ).first()
        try:
            if keyword_list is None:
                raise services.SortingError(_("That keyword list belongs to another process."))
            round = services.sorting_round_create(
                process=process, keyword_list=keyword_list, by=request.user, **form.settings()
            )
        except services.SortingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The round was created. Open it when you are ready."))
            return redirect("keywords:sorting_round", request.municipality.slug, pk, round.pk)
    return _render_rounds(request, process, form, status=400)


def _render_round(request, process, round, form, status=200):
    context = {
        "process": process,
        "round": round,
        "status": round.status(),
        "counts": selectors.round_live_counts(round),
    }
    if request.htmx and request.GET.get("partial") == "counts":
        response = render(request, "keywords/sorting/round.html#counts", context)
    else:
        context["form"] = form
        response = render(request, "keywords/sorting/round.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@member_required(EDITOR_ROLES)
def sorting_round(request, pk, round_pk):
    process = process_for_member(request, pk)
    round = sorting_round_for_member(request, round_pk, process)
    if request.method == "GET":
        return _render_round(request, process, round, RoundSettingsForm(instance=round))
    form = RoundSettingsForm(request.POST, instance=round)
    if form.is_valid():
        try:
            services.sorting_round_update(
                round=round,
                expected_version=form.cleaned_data["version"],
                **form.settings(),
            )
        except StaleVersion as error:
            form.add_error(None, error.message)
        except services.SortingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The round's settings were saved."))
            return redirect("keywords:sorting_round", request.municipality.slug, pk, round_pk)
    round.refresh_from_db()
    return _render_round(request, process, round, form, status=400)


@require_POST
@member_required(EDITOR_ROLES)
def sorting_round_open(request, pk, round_pk):
    process = process_for_member(request, pk)
    round = sorting_round_for_member(request, round_pk, process)
    try:
        services.sorting_round_open(round=round, by=request.user)
    except services.SortingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The round is open."))
    return redirect("keywords:sorting_round", request.municipality.slug, pk, round_pk)


@require_POST
@member_required(EDITOR_ROLES)
def sorting_round_close(request, pk, round_pk):
    process = process_for_member(request, pk)
    round = sorting_round_for_member(request, round_pk, process)
    try:
        services.sorting_round_close(round=round, by=request.user)
    except services.SortingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The round is closed: it takes no more answers."))
    return redirect("keywords:sorting_round", request.municipality.slug, pk, round_pk)
