"""Consultations in each state, for the tests of this app."""

import datetime

from django.utils import timezone

from consultations.services import consultation_create_default
from tests.conftest import running_phase
from visionportal.models import PhaseKind
from visionportal.phases import Capability, process_allows

# Some of Norrköping's districts, for consultations that list their own areas.
NORRKOPING_AREAS = "Innerstaden\nHageby\nSkärblacka\nEneby\nKrokek"


def open_consultation(process, *, language="sv", **fields):
    """A consultation residents can answer now: open by its own dates, and, when its
    process is run by phases and none of them takes answers today, with a running
    "asking residents" phase added (visionportal.phases)."""
    if process.phases.exists() and not process_allows(process, Capability.ANSWER):
        running_phase(process, PhaseKind.CONSULTATION)
    now = timezone.now()
    consultation = consultation_create_default(
        process=process,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        language=language,
    )
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.save()
    return consultation


def closed_consultation(process, *, language="sv"):
    tz = timezone.get_current_timezone()
    return consultation_create_default(
        process=process,
        opens_at=datetime.datetime(2015, 4, 1, tzinfo=tz),
        closes_at=datetime.datetime(2015, 6, 30, 23, 59, tzinfo=tz),
        language=language,
    )


def upcoming_consultation(process, *, language="sv"):
    now = timezone.now()
    return consultation_create_default(
        process=process,
        opens_at=now + datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=40),
        language=language,
    )
