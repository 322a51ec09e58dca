"""Links to the sorting game from pages of the apps below keywords (the public process
page, the consultation's receipt), which must not import keywords: they load this tag."""

from django import template

from keywords.sorting import selectors

register = template.Library()


@register.simple_tag
def open_sorting_rounds(process):
    """The process's rounds residents can play online now (at most a few)."""
    return selectors.open_rounds(process)
