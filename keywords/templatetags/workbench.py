"""The keyword workbench's count bars (templates/keywords/keyword_list.html)."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

register = template.Library()


def bar_width(count: int, scale: int) -> int:
    """The bar's length in percent of the cell: the count against the page's largest."""
    if scale <= 0 or count <= 0:
        return 0
    # A count above zero always shows a sliver, so it never reads as none.
    return max(1, min(100, round(100 * count / scale)))


@register.simple_tag
def count_bar(count, scale):
    """The number as text and a bar beside it. The bar is an SVG (the CSP allows no inline
    style) hidden from assistive technology: the number says the same."""
    return format_html(
        '<span class="count-bar"><span class="count-bar__n">{}</span>'
        '<svg class="count-bar__bar" viewBox="0 0 100 1" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false"><rect width="{}" height="1"></rect></svg></span>',
        number_format(count, force_grouping=True),
        bar_width(count, scale),
    )
