"""The keywords part of the demo: Norrköping's 2015 answers (seed 000) become keywords,
the curated list is published as version 1, and the councillors' round is open with a
colleague's strike and addition, for the demo councillor to try. Version 1 also has the
2015 sorting round, closed (its phase ended), for staff to look at.

Runs after the consultations part, which rewrites the demo consultations whole (their
keywords, rounds and lists go with them), so running it again never duplicates.
"""

import datetime
import uuid

from django.utils import timezone

from consultations.models import Answer, Channel, Consultation, Response
from keywords.councillors import services as councillors
from keywords.extraction.services import answer_keywords_extract
from keywords.sorting import services as sorting
from keywords.sorting.results_demo import extend_demo as sorting_results_demo
from visionportal.models import Membership, Role, User

from .models import Keyword
from .vision import demo as vision_demo

# (channel, age band, keep, leave, miss): in the words residents used in 2015.
ANSWERS = [
    (Channel.ONLINE, "25-44", "Strömmen och industrilandskapet", "Otrygga stråk på kvällen",
     "Fler cykelbanor"),
    (Channel.ONLINE, "16-24", "Parkerna och Strömmen", "Dålig kollektivtrafik till landsbygden",
     "Fler jobb för unga"),
    (Channel.INTERVIEW, "65-79", "Parkerna i centrum", "Nedskräpning", "Fler bostäder för äldre"),
    (Channel.FOCUS_GROUP, "45-64", "Industrilandskapet", "Dålig kollektivtrafik",
     "Levande stadskärna"),
    (Channel.ONLINE, "25-44", "Universitetet", "Bostadsbristen", "Fler bostäder"),
    (Channel.WORKSHOP, "16-24", "Universitetet och studentlivet", "Otrygghet",
     "Levande stadskärna"),
    (Channel.EXHIBITION, "45-64", "Parkerna", "Trafiken i centrum", "Fler cykelbanor"),
    (Channel.PARTY_SUBMISSION, "", "Industrilandskapet och Strömmen", "Arbetslösheten",
     "Fler jobb"),
]  # fmt: skip
EXTRA_COUNCILLOR = "ledamot@norrkoping.demo"


def _responses(consultation: Consultation) -> list[int]:
    questions = {q.kind: q for q in consultation.questions.all()}
    answers = []
    for channel, age_band, *texts in ANSWERS:
        response = Response.objects.create(
            consultation=consultation,
            channel=channel,
            age_band=age_band,
            idempotency_key=uuid.uuid4(),
            submitted_at=consultation.opens_at
            + (consultation.closes_at - consultation.opens_at) / 2,
        )
        for kind, text in zip(("keep", "leave", "miss"), texts, strict=True):
            answers.append(Answer(response=response, question=questions[kind], text=text))
    return [a.pk for a in Answer.objects.bulk_create(answers)]


def _other_councillor(norrkoping):
    # A second councillor without a password: their proposals make the round a real one.
    other = User.objects.filter(email=EXTRA_COUNCILLOR).first() or User(email=EXTRA_COUNCILLOR)
    other.set_unusable_password()
    other.first_name, other.last_name = "Karin", "Ledamot"
    other.save()
    Membership.objects.update_or_create(
        user=other,
        municipality=norrkoping,
        defaults={"role": Role.COUNCILLOR, "party": "Demopartiet"},
    )
    return other


def extend_demo(municipalities):
    norrkoping = municipalities["norrkoping"]
    consultation = Consultation.objects.filter(
        process__municipality=norrkoping, process__slug="vision-2035"
    ).first()
    if consultation is None:
        return
    answer_keywords_extract(answer_ids=_responses(consultation))
    staff = User.objects.get(email="staff@norrkoping.demo")
    other = _other_councillor(norrkoping)
    by_label = {k.label: k for k in Keyword.objects.filter(consultation=consultation)}

    # Version 1 is the curated list before the politicians' round; the round is open, so
    # the demo councillor can strike and add, and staff can close it and publish version 2.
    # It was opened on the first day of the 2015 timeline's councillors' phase (a round
    # opens only during one, visionportal.phases) and is still open: its last day is ahead.
    councillors.keyword_list_publish(
        consultation=consultation, by=staff, note="Den sammanställda listan före rundan."
    )
    first = councillors.round_open(
        consultation=consultation,
        by=staff,
        title="Förtroendevaldas runda 1",
        instructions="Stryk nyckelord som inte hör hemma och komplettera med det som saknas. "
        "Motivera kort; förslagen redovisas med namn och parti.",
        closes_on=timezone.localdate() + datetime.timedelta(days=30),
        opened_at=datetime.datetime(2015, 7, 1, 9, tzinfo=timezone.get_current_timezone()),
    )
    if "nedskräpning" in by_label:
        councillors.proposal_strike(
            round=first,
            councillor=other,
            keyword=by_label["nedskräpning"],
            reason="Driftfråga, inte en vision.",
        )
    councillors.proposal_add(
        round=first, councillor=other, label="Hållbar tillväxt", reason="Saknas helt."
    )
    round = _closed_sorting_round(consultation, staff)
    if round is not None:
        # Played online, on kiosks and at a workplace meeting, with its results snapshot.
        sorting_results_demo(round=round, staff=staff)

    # The vision drafted from these keywords and the council's decision on it.
    vision_demo.extend_demo(municipalities)


def _closed_sorting_round(consultation, staff):
    """Seed 000's sorting step as it ran in 2015: opened on the first day of the timeline's
    sorting phase (a round opens only during one) and closed when the phase ended."""
    tz = timezone.get_current_timezone()
    keyword_list = consultation.keyword_lists.order_by("version").first()
    items = keyword_list.items.count()
    if not items:
        return None
    opens_at = datetime.datetime(2015, 8, 1, 8, tzinfo=tz)
    round = sorting.sorting_round_create(
        process=consultation.process,
        keyword_list=keyword_list,
        by=staff,
        title="Vilka ord ska prägla Norrköping 2035?",
        intro="Sortera nyckelorden från kommuninvånarnas svar: ska de prägla Norrköping 2035 "
        "eller inte? Det tar ett par minuter.",
        opens_at=opens_at,
        closes_at=datetime.datetime(2015, 10, 31, 20, tzinfo=tz),
        deck_size=min(20, items),
        kiosk_open=True,
        workplace_open=True,
    )
    sorting.sorting_round_open(round=round, by=staff, at=opens_at)
    return round
