""" "You said, we did": what residents read once a keyword list is published (issue 14).

Everything here is bounded: the published list has at most ROUND_KEYWORDS_MAX items, the
councillors' accepted proposals are capped, and participation is one grouped count over
the consultation's responses (the (consultation, submitted_at, id) index).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from consultations.models import Channel, Consultation, QuestionKind, Response
from consultations.reading import questions_as_read
from keywords.models import KeywordList, KeywordListItem, ProposalKind
from visionportal.selectors import process_overview

# Keywords shown per question; the whole list follows below them.
TOP_PER_QUESTION = 10
# A round rarely has more; the page says when some are left out.
PROPOSALS_MAX = 200
# Columns of Keyword that count respondents per question kind (keywords.tallies).
_KIND_COLUMN = {
    QuestionKind.KEEP: "respondents_keep",
    QuestionKind.LEAVE: "respondents_leave",
    QuestionKind.MISS: "respondents_miss",
}


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    label: str
    responses: int
    people: int


@dataclass(frozen=True)
class QuestionKeywords:
    question: object
    label: str
    items: list[tuple[str, int]]


@dataclass(frozen=True)
class Results:
    consultation: Consultation
    keyword_list: KeywordList
    responses: int
    people: int
    channels: list[ChannelCount]
    per_question: list[QuestionKeywords]
    questions_language: str
    questions_lead: str
    items: list[KeywordListItem]
    struck: list
    added: list
    proposals_left_out: int
    next_phases: list
    next_milestone: object | None


def latest_list(consultation: Consultation) -> KeywordList | None:
    return KeywordList.objects.filter(consultation=consultation).order_by("-version").first()


def participation(consultation: Consultation) -> list[ChannelCount]:
    """Responses and people per channel (a focus group's response counts its participants)."""
    rows = (
        Response.objects.filter(consultation=consultation)
        .values("channel")
        .annotate(responses=Count("id"), people=Sum(Coalesce("participants", 1)))
        .order_by()
    )
    labels = dict(Channel.choices)
    counts = [
        ChannelCount(
            row["channel"],
            labels.get(row["channel"], row["channel"]),
            row["responses"],
            row["people"],
        )
        for row in rows
    ]
    return sorted(counts, key=lambda c: (-c.people, c.channel))


def consultation_results(consultation: Consultation, *, ui_language: str) -> Results | None:
    """The published results of a consultation, or None while no list is published."""
    keyword_list = latest_list(consultation)
    if keyword_list is None:
        return None
    channels = participation(consultation)

    read = questions_as_read(
        consultation, list(consultation.questions.all()), ui_language=ui_language
    )
    per_question = []
    for question, label in read.questions:
        column = _KIND_COLUMN.get(question.kind)
        if column is None:
            # Custom questions have no per-question counts; the whole list below covers them.
            continue
        rows = (
            KeywordListItem.objects.filter(
                keyword_list=keyword_list, **{f"keyword__{column}__gt": 0}
            )
            .order_by(f"-keyword__{column}", "position")
            .values_list("label", f"keyword__{column}")[:TOP_PER_QUESTION]
        )
        per_question.append(QuestionKeywords(question, label, list(rows)))

    proposals = list(
        keyword_list.accepted_proposals.select_related("keyword").order_by(
            "kind", "keyword__label", "label", "created_at"
        )[: PROPOSALS_MAX + 1]
    )
    left_out = 0
    if len(proposals) > PROPOSALS_MAX:
        left_out = keyword_list.accepted_proposals.count() - PROPOSALS_MAX
        proposals = proposals[:PROPOSALS_MAX]

    overview = process_overview(consultation.process)
    return Results(
        consultation=consultation,
        keyword_list=keyword_list,
        responses=sum(c.responses for c in channels),
        people=sum(c.people for c in channels),
        channels=channels,
        per_question=per_question,
        questions_language=read.language,
        questions_lead=read.lead,
        items=list(keyword_list.items.order_by("position")),
        struck=[p for p in proposals if p.kind == ProposalKind.STRIKE],
        added=[p for p in proposals if p.kind == ProposalKind.ADD],
        proposals_left_out=left_out,
        next_phases=[p.phase for p in overview.phases if p.status == "upcoming"],
        next_milestone=next((m.milestone for m in overview.milestones if m.status == "next"), None),
    )
