"""The representativeness dashboard ("Who has answered"): respondents per group against
the population figures, for staff, admins and moderators of the municipality."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from visionportal.access import EDITOR_ROLES, member_required
from visionportal.models import Role

from ..access import consultation_for_member
from ..models import Channel
from ..representation.selectors import MIN_GROUP_SIZE, representation_sections

VIEWER_ROLES = EDITOR_ROLES | {Role.MODERATOR}


@require_GET
@member_required(VIEWER_ROLES)
def representation(request, pk):
    consultation = consultation_for_member(request, pk)
    channel = request.GET.get("channel", "")
    if channel not in Channel.values:
        channel = ""
    sections = representation_sections(
        consultation, municipality=request.municipality, channel=channel
    )
    return render(
        request,
        "consultations/representation.html",
        {
            "consultation": consultation,
            "sections": sections,
            "has_population": any(section.has_population for section in sections),
            "channels": Channel.choices,
            "channel": channel,
            "min_group_size": MIN_GROUP_SIZE,
            "can_upload": request.membership.role in EDITOR_ROLES,
        },
    )
