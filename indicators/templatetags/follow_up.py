from decimal import Decimal, InvalidOperation

from django import template
from django.db.models import Q
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from visionportal.models import VisionProcess

from .. import changes
from ..models import Status

register = template.Library()


@register.simple_tag
def has_follow_up(process) -> bool:
    """Whether the process's public vision page has anything to follow up (one query)."""
    return (
        VisionProcess.objects.filter(pk=process.pk)
        .filter(Q(strategic_areas__isnull=False) | Q(initiatives__is_public=True))
        .exists()
    )


STATUS_LABELS = dict(Status.choices)
SERIES_LABELS = {"women": _("women"), "men": _("men")}


def _value(text, *, exact: bool = False) -> str:
    """At most two decimals, as the pages' tables show values; `exact` gives every digit
    (for a revision too small to show in two)."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        return str(text)
    if exact:
        return number_format(value.normalize(), use_l10n=True)
    return floatformat(value, -2)


@register.simple_tag
def change_text(change) -> str:
    """One line of "what changed since the last follow-up" (indicators.changes.Change)."""
    if change.kind == changes.ADDED:
        return gettext("New since the last follow-up.")
    if change.kind == changes.REMOVED:
        return gettext("Removed since the last follow-up.")
    if change.kind == changes.STATUS:
        return gettext("Status changed from %(before)s to %(after)s.") % {
            "before": STATUS_LABELS.get(change.before, change.before),
            "after": STATUS_LABELS.get(change.after, change.after),
        }
    year = str(change.year)
    if change.series in SERIES_LABELS:
        year = gettext("%(year)s, %(series)s") % {
            "year": change.year,
            "series": SERIES_LABELS[change.series],
        }
    if change.kind == changes.NEW_VALUE:
        return gettext("%(year)s: new value %(after)s.") % {
            "year": year,
            "after": _value(change.after),
        }
    if change.kind == changes.REVISED:
        before, after = _value(change.before), _value(change.after)
        if before == after:
            before, after = _value(change.before, exact=True), _value(change.after, exact=True)
        return gettext("%(year)s: revised from %(before)s to %(after)s.") % {
            "year": year,
            "before": before,
            "after": after,
        }
    return gettext("%(year)s: the value %(before)s is no longer published.") % {
        "year": year,
        "before": _value(change.before),
    }
