from django import template
from django.db.models import Q

from visionportal.models import VisionProcess

register = template.Library()


@register.simple_tag
def has_follow_up(process) -> bool:
    """Whether the process's public vision page has anything to follow up (one query)."""
    return (
        VisionProcess.objects.filter(pk=process.pk)
        .filter(Q(strategic_areas__isnull=False) | Q(initiatives__is_public=True))
        .exists()
    )
