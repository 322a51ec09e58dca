"""What the vision is drafted from, read for the proposal editor and the decision pack:
the keywords per question with their respondents, masked example quotes, and the keyword
counts per process that "what sets us apart" compares. Every list is bounded."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from consultations.masking import mask_personal_data
from consultations.models import Answer, Consultation, QuestionKind
from visionportal.models import VisionProcess

from ..models import Keyword, KeywordList, KeywordMention, KeywordStatus
from .distinctive import Distinctive, distinctive_terms

QUOTE_LENGTH = 220
# The three questions of seed 000, in the order they are asked, with the keyword counter
# that says how many respondents used the keyword answering each.
QUESTION_COUNTERS = {
    QuestionKind.KEEP: "respondents_keep",
    QuestionKind.LEAVE: "respondents_leave",
    QuestionKind.MISS: "respondents_miss",
}


def quote(text: str) -> str:
    """An answer as it may be quoted: personal data masked, whitespace collapsed, cut."""
    text = " ".join(mask_personal_data(text).split())
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


@dataclass
class KeywordWithQuotes:
    keyword_id: int
    label: str
    respondents: int
    quotes: list[str] = field(default_factory=list)


@dataclass
class QuestionKeywords:
    consultation: Consultation
    kind: str
    question_text: str
    keywords: list[KeywordWithQuotes]


def _live_keywords(consultation: Consultation):
    """The keywords that count: kept or still candidates, not merged away or struck."""
    return Keyword.objects.filter(
        consultation=consultation, status__in=[KeywordStatus.KEPT, KeywordStatus.CANDIDATE]
    )


def _listed_keyword_ids(keyword_list: KeywordList | None) -> list[int] | None:
    if keyword_list is None:
        return None
    return [pk for pk in keyword_list.items.values_list("keyword_id", flat=True) if pk]


def top_keywords_per_question(
    consultation: Consultation,
    *,
    keyword_list: KeywordList | None = None,
    limit: int = 10,
    quotes_per_keyword: int = 1,
) -> list[QuestionKeywords]:
    """For each of keep/leave/miss asked in `consultation`: the `limit` keywords most
    respondents used answering it (of the published `keyword_list` when given), each with
    up to `quotes_per_keyword` masked quotes from visible answers to that question.

    Two queries per question: the keywords with the first answers' ids as subqueries, then
    those answers' texts."""
    questions = {q.kind: q for q in consultation.questions.all() if q.kind in QUESTION_COUNTERS}
    listed = _listed_keyword_ids(keyword_list)
    result = []
    for kind, counter in QUESTION_COUNTERS.items():
        question = questions.get(kind)
        if question is None:
            continue
        keywords = _live_keywords(consultation).filter(**{f"{counter}__gt": 0})
        if listed is not None:
            keywords = Keyword.objects.filter(pk__in=listed, **{f"{counter}__gt": 0})
        mentions = KeywordMention.objects.filter(
            keyword=OuterRef("pk"), answer__hidden_at__isnull=True, answer__question=question
        ).order_by("answer_id")
        annotations = {
            f"quote_{n}": Subquery(mentions.values("answer_id")[n : n + 1])
            for n in range(quotes_per_keyword)
        }
        rows = list(
            keywords.annotate(**annotations)
            .order_by(f"-{counter}", "label", "pk")
            .values("pk", "label", counter, *annotations)[:limit]
        )
        answer_ids = {row[name] for row in rows for name in annotations if row[name]}
        texts = dict(Answer.objects.filter(pk__in=answer_ids).values_list("pk", "text"))
        items = []
        for row in rows:
            item = KeywordWithQuotes(row["pk"], row["label"], row[counter])
            for name in annotations:
                if row[name] and (text := quote(texts[row[name]])) not in item.quotes:
                    item.quotes.append(text)
            items.append(item)
        result.append(QuestionKeywords(consultation, kind, question.text, items))
    return result


def process_consultations(process: VisionProcess) -> list[Consultation]:
    return list(
        Consultation.objects.filter(process=process)
        .prefetch_related("questions")
        .order_by("opens_at", "pk")
    )


@dataclass(frozen=True)
class Apart:
    """The answer for "what sets us apart": `terms` when there is something to compare."""

    other_processes: int
    terms: list[Distinctive]


def _counts_by_base_form(keywords) -> dict[str, int]:
    rows = keywords.values("base_form").annotate(n=Sum("respondents")).order_by()
    return {row["base_form"]: row["n"] for row in rows if row["n"]}


def what_sets_us_apart(process: VisionProcess, *, limit: int = 20) -> Apart:
    """The keywords (by base form) whose share of respondents in this process stands out
    against every other process on the install (keywords.vision.distinctive).

    Only this process's vocabulary is read term by term (the other processes' counts for
    the same base forms in one grouped query, their total in another), so the work grows
    with this process, not with the install."""
    others = VisionProcess.objects.exclude(pk=process.pk)
    other_count = others.filter(consultations__keywords__respondents__gt=0).distinct().count()
    if not other_count:
        return Apart(0, [])
    live = Q(status__in=[KeywordStatus.KEPT, KeywordStatus.CANDIDATE])
    ours = Keyword.objects.filter(live, consultation__process=process)
    this = _counts_by_base_form(ours)
    theirs_all = Keyword.objects.filter(live).exclude(consultation__process=process)
    theirs = _counts_by_base_form(theirs_all.filter(base_form__in=list(this)))
    totals = theirs_all.aggregate(n=Sum("respondents"))
    terms = distinctive_terms(
        this,
        theirs,
        this_total=sum(this.values()),
        others_total=totals["n"] or 0,
        limit=limit,
    )
    labels: dict[str, str] = {}
    for base_form, label in (
        ours.filter(base_form__in=[t.term for t in terms])
        .order_by("base_form", "-respondents", "pk")
        .values_list("base_form", "label")
    ):
        labels.setdefault(base_form, label)  # the most used spelling comes first
    # Show each term as residents wrote it most often in this process.
    shown = [
        Distinctive(labels.get(t.term, t.term), t.this_count, t.other_count, t.delta, t.z)
        for t in terms
    ]
    return Apart(other_count, shown)


def respondent_totals(consultation: Consultation) -> dict:
    """How many responses and answers the consultation has, and per channel."""
    by_channel = dict(
        consultation.responses.values("channel")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("channel", "n")
    )
    return {
        "responses": sum(by_channel.values()),
        "answers": Answer.objects.filter(response__consultation=consultation).count(),
        "by_channel": by_channel,
    }
