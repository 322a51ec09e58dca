"""The consultations part of the demo: Ishøj asks its residents now (open, in Danish);
Norrköping's 2015 round (seed 000, April–June) is closed. Re-running updates, never duplicates."""

import datetime
import uuid

from django.utils import timezone

from visionportal.models import VisionProcess

from .models import Channel, Consultation
from .services import consultation_create_default, response_submit

# Norrköping's districts and towns, as the 2015 round could have listed them.
NORRKOPING_AREAS = (
    "Inre staden\nHageby\nNavestad\nEneby\nVilbergen\nKlingsberg\nLindö\n"
    "Skärblacka\nKrokek\nÅby\nKimstad\nLandsbygden"
)
# (channel, age band, area, target groups, preferred language, keep): respondents who said
# which groups they belong to, so the dashboard has target groups to show.
PROFILED_ANSWERS = [
    (Channel.ONLINE, "16-24", "Hageby", ["student", "young"], "sv", "Campus Norrköping"),
    (Channel.ONLINE, "25-44", "Navestad", ["new_in_country", "family_with_children"], "ar",
     "Biblioteket och språkcaféet"),
    (Channel.ONLINE, "25-44", "Inre staden", ["business_owner", "working"], "sv",
     "Handeln längs Drottninggatan"),
    (Channel.INTERVIEW, "45-64", "Skärblacka", ["working"], "fi", "Naturen runt Glan"),
    (Channel.INTERVIEW, "65-79", "Krokek", ["older", "disability"], "sv",
     "Närheten till Kolmården"),
    (Channel.EXHIBITION, "", "Eneby", ["visitor"], "en", "Djurparken och Strömmen"),
]  # fmt: skip


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
    consultation = _replace_default(
        norrkoping,
        opens_at=datetime.datetime(2015, 4, 1, tzinfo=tz),
        closes_at=datetime.datetime(2015, 6, 30, 23, 59, tzinfo=tz),
        language="sv",
    )
    consultation.areas = NORRKOPING_AREAS
    consultation.ask_preferred_language = True
    consultation.save(update_fields=["areas", "ask_preferred_language"])
    keep = consultation.questions.order_by("position").first()
    for number, (channel, age, area, groups, language, text) in enumerate(PROFILED_ANSWERS):
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:norrkoping:profile:{number}"),
            answers={keep.pk: text},
            channel=channel,
            age_band=age,
            area=area,
            target_groups=groups,
            preferred_language=language,
            allow_after_closing=True,
        )
