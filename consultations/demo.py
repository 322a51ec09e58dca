"""The consultations part of the demo: Ishøj asks its residents now (open, in Danish);
Norrköping's 2015 round (seed 000, April–June) is closed. Re-running updates, never duplicates."""

import datetime

from django.utils import timezone

from visionportal.models import VisionProcess

from .models import Consultation
from .services import consultation_create_default


def _replace_default(process, *, opens_at, closes_at, language):
    # Demo consultations are rewritten whole; their demo responses go with them.
    Consultation.objects.filter(process=process).delete()
    return consultation_create_default(
        process=process, opens_at=opens_at, closes_at=closes_at, language=language
    )


def extend_demo(municipalities):
    tz = timezone.get_current_timezone()
    ishoj = VisionProcess.objects.get(municipality=municipalities["ishoj"], slug="vision-2035")
    today = timezone.localdate()
    _replace_default(
        ishoj,
        opens_at=datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time(), tz),
        closes_at=datetime.datetime.combine(
            today + datetime.timedelta(days=60), datetime.time(23, 59), tz
        ),
        language="da",
    )
    norrkoping = VisionProcess.objects.get(
        municipality=municipalities["norrkoping"], slug="vision-2035"
    )
    _replace_default(
        norrkoping,
        opens_at=datetime.datetime(2015, 4, 1, tzinfo=tz),
        closes_at=datetime.datetime(2015, 6, 30, 23, 59, tzinfo=tz),
        language="sv",
    )
