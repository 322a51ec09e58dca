"""Reading keywords: the staff's keyword table with distinct-respondent counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Coalesce, RowNumber

from consultations.models import Answer, Consultation, QuestionKind

from .models import ExtractionRun, Keyword, KeywordMention, KeywordStatus

ORDERS = ("respondents", "label")
COUNTED_KINDS = (QuestionKind.KEEP, QuestionKind.LEAVE, QuestionKind.MISS)
EXAMPLES_PER_KEYWORD = 2
EXCERPT_LENGTH = 160


@dataclass
class KeywordRow:
    keyword: Keyword
    respondents: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    merged: list[Keyword] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    @property
    def is_struck(self) -> bool:
        return self.keyword.status == KeywordStatus.STRUCK

    @property
    def kind_counts(self) -> list[tuple[str, int]]:
        return [(kind, self.by_kind.get(kind, 0)) for kind in COUNTED_KINDS]


def _root(keyword_id: int, merged_into: dict[int, int | None]) -> int:
    return merged_into.get(keyword_id) or keyword_id


def _visible() -> tuple[Q, ...]:
    """Answers a moderator hid keep their mentions (unhiding needs no re-extraction) but
    count nowhere and are never quoted. Guarded while consultations' moderation lands."""
    fields = {f.name for f in Answer._meta.get_fields()}
    return (Q(answer__hidden_at__isnull=True),) if "hidden_at" in fields else ()


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def keyword_table(
    consultation: Consultation,
    *,
    question_kind: str | None = None,
    channel: str | None = None,
    age_band: str | None = None,
    order: str = "respondents",
) -> list[KeywordRow]:
    """One row per keyword that is not merged away, with distinct respondents.

    A respondent (a Response) counts once per keyword however many of their answers, or
    merged keywords, mention it. Merged keywords count toward their target. Filters
    narrow the answers counted; keywords with no respondents left are still listed when
    no filter is set (staff-added ones, say), and dropped otherwise.
    """
    keywords = list(Keyword.objects.filter(consultation=consultation))
    merged_into = {k.pk: k.merged_into_id for k in keywords}
    by_pk = {k.pk: k for k in keywords}

    mentions = KeywordMention.objects.filter(*_visible(), keyword__consultation=consultation)
    if question_kind:
        mentions = mentions.filter(answer__question__kind=question_kind)
    if channel:
        mentions = mentions.filter(answer__response__channel=channel)
    if age_band:
        mentions = mentions.filter(answer__response__age_band=age_band)
    filtered = bool(question_kind or channel or age_band)

    # One grouped query: merged keywords count toward their target (the workbench keeps
    # merges one level deep), and a respondent counts once per row however many of their
    # answers or merged keywords mention it.
    counts = list(
        mentions.annotate(root=Coalesce("keyword__merged_into_id", "keyword_id"))
        .values("root")
        .annotate(
            total=Count("answer__response_id", distinct=True),
            **{
                kind: Count(
                    "answer__response_id",
                    distinct=True,
                    filter=Q(answer__question__kind=kind),
                )
                for kind in COUNTED_KINDS
            },
        )
    )
    respondents = {c["root"]: c["total"] for c in counts}
    by_kind = {c["root"]: {kind: c[kind] for kind in COUNTED_KINDS} for c in counts}

    rows: dict[int, KeywordRow] = {}
    for keyword in keywords:
        if keyword.merged_into_id:
            continue
        if filtered and not respondents.get(keyword.pk):
            continue
        rows[keyword.pk] = KeywordRow(
            keyword=keyword,
            respondents=respondents.get(keyword.pk, 0),
            by_kind=by_kind.get(keyword.pk, {}),
        )
    for keyword in keywords:
        if keyword.merged_into_id:
            root = _root(keyword.pk, merged_into)
            if root in rows:
                rows[root].merged.append(by_pk[keyword.pk])

    # Example quotes: the first answers behind each keyword, a window function keeping the
    # query's size bounded by the number of keywords, not of answers.
    examples = (
        mentions.annotate(
            n=Window(RowNumber(), partition_by=[F("keyword_id")], order_by=F("answer_id").asc())
        )
        .filter(n__lte=EXAMPLES_PER_KEYWORD)
        .order_by("answer_id", "pk")
    )
    for keyword_id, text in examples.values_list("keyword_id", "answer__text"):
        row = rows.get(_root(keyword_id, merged_into))
        if row is None or len(row.examples) >= EXAMPLES_PER_KEYWORD:
            continue
        excerpt = _excerpt(text)
        if excerpt not in row.examples:
            row.examples.append(excerpt)

    result = list(rows.values())
    if order == "label":
        result.sort(key=lambda r: (r.keyword.label.casefold(), r.keyword.pk))
    else:
        result.sort(key=lambda r: (-r.respondents, r.keyword.label.casefold(), r.keyword.pk))
    return result


def latest_run(consultation: Consultation) -> ExtractionRun | None:
    return ExtractionRun.objects.filter(consultation=consultation).first()
