"""What is open now, for the home, municipality and process pages (visionportal's templates
show it without visionportal's code depending on consultations)."""

from django import template

from consultations import selectors

register = template.Library()


@register.inclusion_tag("consultations/_open_now.html")
def open_now(municipality=None, heading_level=2):
    return {
        "open_consultations": selectors.open_now(municipality=municipality),
        "municipality_page": municipality is not None,
        "heading_level": heading_level,
    }
