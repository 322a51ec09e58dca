"""The optional "about you" questions: which areas and languages a resident can choose, and
how a consultation's configuration turns into choices. Pure: no database access.

Stored values: an area is stored as the name in the consultation's list (so it matches the
population figures' area names), or as one of DEFAULT_AREAS' codes when the consultation
has no list of its own; "undisclosed" means "prefer not to say", as for the age band.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import TargetGroup

UNDISCLOSED = "undisclosed"
OTHER_LANGUAGE = "other"
MAX_AREA_LENGTH = 120  # Response.area
MAX_AREAS = 100

# Seed 000's split of where people live, for consultations without their own districts.
DEFAULT_AREAS = (
    ("main_urban_area", _("The main town")),
    ("other_town", _("Another town or village")),
    ("countryside", _("The countryside")),
)

# Languages a resident may prefer, named in their own language (so a reader finds theirs
# whatever the page's language): the Nordic languages, the national minority languages and
# the languages most spoken by people new in Sweden, Denmark and Norway. Each option is
# marked with its language (WCAG 3.1.2); the scripts' direction comes from dir="auto".
PREFERRED_LANGUAGES = (
    ("sv", "Svenska"),
    ("da", "Dansk"),
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("fi", "Suomi"),
    ("se", "Davvisámegiella"),
    ("fit", "Meänkieli"),
    ("is", "Íslenska"),
    ("en", "English"),
    ("ar", "العربية"),
    ("so", "Soomaali"),
    ("fa", "فارسی"),
    ("prs", "دری"),
    ("ps", "پښتو"),
    ("ti", "ትግርኛ"),
    ("am", "አማርኛ"),
    ("ku", "Kurdî"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("pl", "Polski"),
    ("lt", "Lietuvių"),
    ("ro", "Română"),
    ("bs", "Bosanski / Hrvatski / Српски"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("th", "ไทย"),
    ("zh", "中文"),
    ("rom", "Romani čhib"),
)
PREFERRED_LANGUAGE_CODES = frozenset(code for code, _name in PREFERRED_LANGUAGES) | {OTHER_LANGUAGE}
_LANGUAGE_NAMES = dict(PREFERRED_LANGUAGES)


def preferred_language_name(code: str) -> str:
    if code == OTHER_LANGUAGE:
        return str(_("Another language"))
    return _LANGUAGE_NAMES.get(code, code)


def parse_areas(text: str) -> list[str]:
    """The areas of a consultation's list: one per line, stripped, blank lines and repeats
    (ignoring case) dropped, in the order given."""
    areas, seen = [], set()
    for line in (text or "").splitlines():
        # Response.area holds at most MAX_AREA_LENGTH; the staff form refuses longer names.
        area = " ".join(line.split())[:MAX_AREA_LENGTH]
        if area and area.casefold() not in seen:
            seen.add(area.casefold())
            areas.append(area)
    return areas


def area_choices(consultation) -> list[tuple[str, str]]:
    """(stored value, label) of the areas a respondent can choose, without "prefer not to
    say"."""
    own = parse_areas(consultation.areas)
    if own:
        return [(area, area) for area in own]
    return list(DEFAULT_AREAS)


def area_label(value: str) -> str:
    """How a stored area is shown: the default areas' labels are translated."""
    if value == UNDISCLOSED:
        return str(_("Prefer not to say"))
    return str(dict(DEFAULT_AREAS).get(value, value))


def area_value(consultation, text: str) -> str | None:
    """The stored value for an area as given (a list name or a default code or label in any
    case, or "prefer not to say"); "" for nothing; None when it is not one of the choices."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    key = text.casefold()
    if key in (UNDISCLOSED, str(_("Prefer not to say")).casefold()):
        return UNDISCLOSED
    for value, label in area_choices(consultation):
        if key in (value.casefold(), str(label).casefold()):
            return value
    return None


def target_group_value(text: str) -> str | None:
    """A target group's code from its code or its label in any of the UI's languages (a
    Swedish spreadsheet says "Företagare" whatever language the importer reads), ignoring
    case; None when unknown."""
    key = " ".join((text or "").split()).casefold()
    if key in TargetGroup.values:
        return key
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in TargetGroup.choices:
                if key == str(label).casefold():
                    return value
    return None
