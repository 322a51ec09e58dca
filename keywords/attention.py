"""What needs a staff member's attention in a municipality, for the workspace home
(issue 14): open consultations with their answer counts, answers that came in this week
(to read and, if need be, hide), councillors' rounds to close, and closed rounds whose
keyword list nobody has published.

Bounded: each list takes at most ATTENTION_MAX rows, and every count is one SQL aggregate
(the answers over the response index by consultation and time), never rows built in
Python. Lives in keywords because it reads consultations and keywords; the visionportal
home reaches it through a template tag, so no import points against the app order.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.models import Consultation, Response
from keywords.models import CouncillorRound, KeywordList
from visionportal.models import Municipality

ATTENTION_MAX = 10
RECENT = datetime.timedelta(days=7)


@dataclass
class Attention:
    consultations: list[Consultation]  # open now, with .answers_total and .answers_recent
    rounds_to_close: list[CouncillorRound]  # open, with .overdue
    lists_to_publish: list[CouncillorRound]  # closed, nothing published from them

    @property
    def is_empty(self) -> bool:
        return not (self.consultations or self.rounds_to_close or self.lists_to_publish)


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("consultation_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def attention_for(municipality: Municipality, *, now=None) -> Attention:
    now = now or timezone.now()
    responses = Response.objects.filter(consultation=OuterRef("pk"))
    consultations = list(
        Consultation.objects.open(now)
        .filter(process__municipality=municipality)
        .select_related("process")
        .annotate(
            answers_total=_count(responses),
            answers_recent=_count(responses.filter(submitted_at__gte=now - RECENT)),
        )
        .order_by("closes_at", "pk")[:ATTENTION_MAX]
    )
    rounds = CouncillorRound.objects.filter(
        consultation__process__municipality=municipality
    ).select_related("consultation")
    today = timezone.localdate(now)
    to_close = list(rounds.filter(closed_at__isnull=True).order_by("opened_at")[:ATTENTION_MAX])
    for round in to_close:
        round.overdue = round.closes_on is not None and round.closes_on < today
    published = KeywordList.objects.filter(source_round=OuterRef("pk"))
    # The latest closed round of each consultation is what publishing would take
    # (councillors.services.pending_round); an older unpublished one is superseded.
    later = CouncillorRound.objects.filter(
        consultation=OuterRef("consultation"), closed_at__gt=OuterRef("closed_at")
    )
    to_publish = list(
        rounds.filter(Q(closed_at__isnull=False), ~Exists(published), ~Exists(later)).order_by(
            "-closed_at"
        )[:ATTENTION_MAX]
    )
    return Attention(consultations, to_close, to_publish)
