"""The workspace home's "needs your attention" panel (keywords.attention)."""

from django import template

from keywords.attention import attention_for
from visionportal.access import EDITOR_ROLES

register = template.Library()


@register.inclusion_tag("keywords/attention.html", takes_context=True)
def attention(context, membership):
    """For editors only: other roles have nothing here to act on."""
    shown = membership.role in EDITOR_ROLES
    return {
        "request": context["request"],
        "membership": membership,
        "attention": attention_for(membership.municipality) if shown else None,
    }
