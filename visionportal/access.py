"""Role and municipality boundaries, in one place.

Rules: an object of a municipality you are not a member of does not exist for you (404,
so nothing leaks); a member with the wrong role gets 403. Staff and admins must have MFA
set up before any staff page (they are sent to set it up instead).
"""

from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from .models import DecisionPack, Membership, ProposalVersion, Role, VisionProcess, VisionProposal

EDITOR_ROLES = frozenset({Role.ADMIN, Role.STAFF})
MFA_REQUIRED_ROLES = frozenset({Role.ADMIN, Role.STAFF})
ALL_ROLES = frozenset(Role)


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa(user) -> bool:
    """True when the user holds a role that demands MFA and has not set it up."""
    if not user.is_authenticated:
        return False
    demands = (
        user.is_superuser
        or Membership.objects.filter(user=user, role__in=MFA_REQUIRED_ROLES).exists()
    )
    return demands and not has_mfa(user)


def member_required(roles=ALL_ROLES):
    """Decorate a view taking `municipality_slug`: resolves `request.membership`.

    404 when the municipality does not exist or the user is no member of it; 403 when the
    user's role is not among `roles`.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, municipality_slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = (
                Membership.objects.select_related("municipality")
                .filter(user=request.user, municipality__slug=municipality_slug)
                .first()
            )
            if membership is None:
                raise Http404
            if membership.role not in roles:
                raise PermissionDenied
            if membership.role in MFA_REQUIRED_ROLES and not has_mfa(request.user):
                messages.info(
                    request,
                    _("Set up two-factor authentication before you use the staff pages."),
                )
                return redirect("mfa_activate_totp")
            request.membership = membership
            request.municipality = membership.municipality
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def process_for_member(request, pk: int) -> VisionProcess:
    """A process of the member's municipality, or 404 (also for other municipalities')."""
    return get_object_or_404(VisionProcess, pk=pk, municipality=request.municipality)


def process_part_of(process: VisionProcess, model, pk: int):
    """A phase, track or milestone (`model`) of the member's `process`, or 404."""
    return get_object_or_404(model, pk=pk, process=process)


def proposal_of(process: VisionProcess) -> VisionProposal:
    """The vision proposal of the member's `process`, or 404 while none is written."""
    return get_object_or_404(VisionProposal, process=process)


def proposal_version_of(proposal: VisionProposal, number: int) -> ProposalVersion:
    """Version `number` of `proposal`, or 404."""
    return get_object_or_404(
        ProposalVersion.objects.select_related("author"), proposal=proposal, number=number
    )


def decision_pack_of(process: VisionProcess, number: int) -> DecisionPack:
    """Decision pack `number` of the member's `process`, or 404."""
    return get_object_or_404(
        DecisionPack.objects.select_related("requested_by"), process=process, number=number
    )


def membership_for_member(request, pk: int) -> Membership:
    """A membership in the member's municipality, or 404 (also for other municipalities')."""
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, municipality=request.municipality
    )


def public_process(municipality_slug: str, process_slug: str) -> VisionProcess:
    return get_object_or_404(
        VisionProcess.objects.public().select_related("municipality"),
        municipality__slug=municipality_slug,
        slug=process_slug,
    )
