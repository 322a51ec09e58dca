"""The workshops part of the demo: Jevnaker's future workshops for the 2017 municipal plan
(seed 002): three evenings (needs, needs and measures, solutions) about the care of the
future, 80 participants, photos of everyday care as prompts (left to staff to upload: the
demo ships no photos), and the solutions the seed says were prioritised. Re-running
updates, never duplicates."""

import datetime
import uuid

from django.utils import timezone

from visionportal.demo import demo_member
from visionportal.models import Country, Municipality, Role, VisionProcess

from ..models import Consultation
from ..services import consultation_create_default
from . import services
from .models import BoardItem, Workshop, WorkshopSeries, WorkshopStage

STAFF_EMAIL = "staff@jevnaker.demo"

EVENINGS = [
    (WorkshopStage.NEEDS, "Kveld 1: Behov", datetime.date(2017, 3, 7), 30),
    (WorkshopStage.MEASURES, "Kveld 2: Behov og tiltak", datetime.date(2017, 3, 21), 27),
    (WorkshopStage.SOLUTIONS, "Kveld 3: Løsninger", datetime.date(2017, 4, 4), 23),
]
# (need, [(measure, [(solution, dots)])]) from seed 002's text.
BOARD = [
    (
        "Å ikke bo alene når man blir eldre",
        [("Bo sammen og hjelpe hverandre", [("Boligfellesskap", 14)])],
    ),
    (
        "Nye innbyggere kjenner ikke kommunen",
        [("Lære de lokale kodene", [("Informasjonskart for bedre inkludering", 11)])],
    ),
    (
        "Mer hjelp i dagliglivet",
        [("Frivillige og innbyggere sammen med kommunen", [("Bruk av frivillighet", 8)])],
    ),
    (
        "Ungdom som mistrives i eget liv",
        [("Møteplasser for unge", [("Prosjekt for ungdom som mistrives", 7)])],
    ),
]


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, "demo:jevnaker:" + ":".join(map(str, parts)))


def _staff(jevnaker):
    return demo_member(STAFF_EMAIL, jevnaker, Role.STAFF)


def extend_demo(municipalities):
    tz = timezone.get_current_timezone()
    jevnaker, _ = Municipality.objects.update_or_create(
        slug="jevnaker",
        defaults={
            "name": "Jevnaker",
            "country": Country.NORWAY,
            "default_language": "nb",
            "website": "https://www.jevnaker.kommune.no/",
        },
    )
    municipalities["jevnaker"] = jevnaker
    staff = _staff(jevnaker)
    process, _ = VisionProcess.objects.update_or_create(
        municipality=jevnaker,
        slug="kommuneplan-2017",
        defaults={
            "title": "Kommuneplan 2017: framtidas omsorg",
            "is_public": True,
            "summary": (
                "Innbyggerne viser oss hva vi skal jobbe videre med: tre framtidsverksteder "
                "om hvilke behov kommunen skal løse."
            ),
        },
    )
    # Rewritten whole: the demo's series and the consultation its board feeds.
    WorkshopSeries.objects.filter(process=process).delete()
    Consultation.objects.filter(process=process).delete()
    consultation = consultation_create_default(
        process=process,
        opens_at=datetime.datetime(2017, 3, 1, tzinfo=tz),
        closes_at=datetime.datetime(2017, 4, 30, 23, 59, tzinfo=tz),
        language="nb",
    )
    series = services.series_create(
        process=process,
        title="Framtidsverksted: framtidas omsorg",
        description=(
            "Tre kvelder: hva er innbyggernes behov, hvilke tiltak kan løse dem, og hvilke "
            "løsninger skal vi jobbe videre med? Fotografier av situasjoner i omsorgen er "
            "utgangspunkt for samtalene."
        ),
        consultation=consultation,
        dots_per_voter=3,
    )
    workshops = []
    for number, (stage, title, day, attended) in enumerate(EVENINGS):
        starts = datetime.datetime.combine(day, datetime.time(18), tz)
        # Created open and in the future, so the sign-ups go through the service; then
        # moved to the seed's dates.
        workshop = services.workshop_create(
            series=series,
            stage=stage,
            title=title,
            starts_at=timezone.now() + datetime.timedelta(days=1),
            ends_at=timezone.now() + datetime.timedelta(days=1, hours=3),
            place="Jevnaker rådhus, kommunestyresalen",
            capacity=40,
        )
        for seat in range(attended):
            sign_up, _ = services.workshop_sign_up(
                workshop=workshop, idempotency_key=_key(number, seat)
            )
            services.sign_up_check_in(sign_up=sign_up, attended=True)
        Workshop.objects.filter(pk=workshop.pk).update(
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), sign_up_open=False
        )
        workshop.refresh_from_db()
        workshops.append(workshop)
    solutions_evening = workshops[2]
    for n, (need_text, measures) in enumerate(BOARD):
        need = services.board_add(
            workshop=solutions_evening,
            idempotency_key=_key("need", n),
            kind="need",
            text=need_text,
            table=f"Bord {n + 1}",
            by=staff,
        )
        for m, (measure_text, solutions) in enumerate(measures):
            measure = services.board_add(
                workshop=solutions_evening,
                idempotency_key=_key("measure", n, m),
                kind="measure",
                text=measure_text,
                parent_pk=need.pk,
                table=f"Bord {n + 1}",
                by=staff,
            )
            for s, (solution_text, dots) in enumerate(solutions):
                solution = services.board_add(
                    workshop=solutions_evening,
                    idempotency_key=_key("solution", n, m, s),
                    kind="solution",
                    text=solution_text,
                    parent_pk=measure.pk,
                    table=f"Bord {n + 1}",
                    by=staff,
                )
                for dot in range(dots):
                    services.dot_give(
                        workshop=solutions_evening,
                        idempotency_key=_key("dot", n, m, s, dot),
                        item_pk=solution.pk,
                        voter=f"P{(dot * 7 + n) % 23 + 1}",
                        by=staff,
                    )
    # Seed 002: housing communities and the information map were prioritised.
    for item in BoardItem.objects.filter(workshop=solutions_evening, dots__gte=11):
        services.board_mark(
            workshop=solutions_evening,
            idempotency_key=_key("mark", item.text),
            item_pk=item.pk,
            marked=True,
            by=staff,
        )
    services.board_to_answers(workshop=solutions_evening, by=staff)
