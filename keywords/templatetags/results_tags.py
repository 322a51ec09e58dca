"""The "you said, we did" summary on the public process page, for visionportal's template."""

from django import template

from keywords.results import selectors

register = template.Library()


@register.simple_tag
def results_summary(consultation):
    """None while no keyword list is published; else the list and how many took part."""
    keyword_list = selectors.latest_list(consultation)
    if keyword_list is None:
        return None
    channels = selectors.participation(consultation)
    return {
        "keyword_list": keyword_list,
        "people": sum(c.people for c in channels),
        "channels": channels,
        "top": list(keyword_list.items.order_by("-respondents", "position")[:5]),
    }
