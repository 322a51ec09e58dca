"""A municipality's administrators manage who has which role there."""

from allauth.account.forms import ResetPasswordForm
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..access import member_required, membership_for_member
from ..forms import MemberAddForm, MemberChangeForm
from ..models import Membership, Role

ADMIN_ONLY = frozenset({Role.ADMIN})


def _members_url(request):
    return reverse("workspace:members", args=[request.municipality.slug])


def _send_invitation(request, email):
    """A new account has no password; allauth's reset mail lets the person set one."""
    form = ResetPasswordForm(data={"email": email})
    if form.is_valid():
        form.save(request)


@member_required(ADMIN_ONLY)
def members(request):
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership, created_user = services.member_add(
                municipality=request.municipality, **form.cleaned_data
            )
        except services.MembershipError as error:
            form.add_error("email", str(error))
        else:
            if created_user:
                _send_invitation(request, membership.user.email)
                messages.success(
                    request,
                    _("%(email)s was added and has been emailed a link to set a password.")
                    % {"email": membership.user.email},
                )
            else:
                messages.success(
                    request, _("%(email)s was added.") % {"email": membership.user.email}
                )
            return redirect(_members_url(request))
    memberships = (
        Membership.objects.filter(municipality=request.municipality)
        .select_related("user")
        .order_by("role", "user__email")
    )
    rows = [
        (m, MemberChangeForm(initial={"role": m.role, "party": m.party}, prefix=f"m{m.pk}"))
        for m in memberships
    ]
    return render(request, "visionportal/workspace/members.html", {"form": form, "rows": rows})


@require_POST
@member_required(ADMIN_ONLY)
def member_change(request, membership_pk):
    membership = membership_for_member(request, membership_pk)
    form = MemberChangeForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
    else:
        try:
            services.member_change(membership=membership, **form.cleaned_data)
        except services.MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your changes were saved."))
    return redirect(_members_url(request))


@require_POST
@member_required(ADMIN_ONLY)
def member_remove(request, membership_pk):
    membership = membership_for_member(request, membership_pk)
    try:
        services.member_remove(membership=membership)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The member was removed."))
    return redirect(_members_url(request))
