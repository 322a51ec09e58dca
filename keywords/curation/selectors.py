"""Reading keywords: the staff's keyword table with distinct-respondent counts, the answers
behind a keyword, the curation history and merge suggestions.

Answer text is masked (consultations.masking) before staff see it here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import Coalesce, RowNumber

from consultations.masking import mask_personal_data
from consultations.models import Answer, Consultation, QuestionKind
from keywords.models import (
    ActionKind,
    ExtractionRun,
    Keyword,
    KeywordAction,
    KeywordMention,
    KeywordStatus,
    MergeSuggestion,
    MergeSuggestionDismissal,
    MergeSuggestionState,
)

ORDERS = ("respondents", "label")
COUNTED_KINDS = (QuestionKind.KEEP, QuestionKind.LEAVE, QuestionKind.MISS)
EXAMPLES_PER_KEYWORD = 2
EXCERPT_LENGTH = 160
ANSWERS_PER_PAGE = 50
ACTIONS_PER_PAGE = 50
SUGGESTIONS_PER_PAGE = 50
# Filterable statuses: merged keywords are never rows of their own.
ROW_STATUSES = (KeywordStatus.CANDIDATE, KeywordStatus.KEPT, KeywordStatus.STRUCK)


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


def _excerpt(text: str) -> str:
    text = " ".join(mask_personal_data(text).split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def keyword_table(
    consultation: Consultation,
    *,
    question_kind: str | None = None,
    channel: str | None = None,
    age_band: str | None = None,
    target_group: str | None = None,
    status: str | None = None,
    search: str | None = None,
    order: str = "respondents",
    keyword_ids: list[int] | None = None,
) -> list[KeywordRow]:
    """One row per keyword that is not merged away, with distinct respondents.

    A respondent (a Response) counts once per keyword however many of their answers, or
    merged keywords, mention it. Merged keywords count toward their target. Filters
    narrow the answers counted; keywords with no respondents left are still listed when
    no filter is set (staff-added ones, say), and dropped otherwise. `status` and `search`
    (in the label of the row or of a keyword merged into it) choose rows, not answers.
    `keyword_ids` restricts the table to those rows (one row, after an inline edit).
    """
    keywords = Keyword.objects.filter(consultation=consultation)
    if keyword_ids is not None:
        keywords = keywords.filter(Q(pk__in=keyword_ids) | Q(merged_into_id__in=keyword_ids))
    keywords = list(keywords)
    merged_into = {k.pk: k.merged_into_id for k in keywords}
    by_pk = {k.pk: k for k in keywords}

    # Answers a moderator hid keep their mentions (unhiding needs no re-extraction) but
    # count nowhere and are never quoted.
    mentions = KeywordMention.objects.filter(
        keyword__consultation=consultation, answer__hidden_at__isnull=True
    )
    if keyword_ids is not None:
        mentions = mentions.filter(keyword__in=[k.pk for k in keywords])
    if question_kind:
        mentions = mentions.filter(answer__question__kind=question_kind)
    if channel:
        mentions = mentions.filter(answer__response__channel=channel)
    if age_band:
        mentions = mentions.filter(answer__response__age_band=age_band)
    if target_group:
        # A respondent in several groups is still one respondent: counts are distinct.
        mentions = mentions.filter(answer__response__target_groups__group=target_group)
    filtered = bool(question_kind or channel or age_band or target_group)

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
    if status:
        result = [r for r in result if r.keyword.status == status]
    if search:
        needle = search.casefold()
        result = [
            r
            for r in result
            if needle in r.keyword.label.casefold()
            or any(needle in m.label.casefold() for m in r.merged)
        ]
    if order == "label":
        result.sort(key=lambda r: (r.keyword.label.casefold(), r.keyword.pk))
    else:
        result.sort(key=lambda r: (-r.respondents, r.keyword.label.casefold(), r.keyword.pk))
    return result


def latest_run(consultation: Consultation) -> ExtractionRun | None:
    return ExtractionRun.objects.filter(consultation=consultation).first()


def keyword_row(consultation: Consultation, keyword: Keyword) -> KeywordRow | None:
    """The table row of one keyword (None once it is merged away)."""
    rows = keyword_table(consultation, keyword_ids=[keyword.pk])
    return rows[0] if rows else None


@dataclass
class AnswerItem:
    answer: Answer
    text: str  # masked


def keyword_answers(consultation: Consultation, keyword: Keyword, page: int | str = 1) -> Page:
    """Every visible answer behind a keyword (and the keywords merged into it), masked,
    oldest first, a page at a time; each item has its question and response."""
    answers = (
        Answer.objects.visible()
        .filter(
            response__consultation=consultation,
            keyword_mentions__keyword__in=Keyword.objects.filter(
                Q(pk=keyword.pk) | Q(merged_into=keyword)
            ),
        )
        .select_related("question", "response")
        .distinct()
        .order_by("pk")
    )
    result = Paginator(answers, ANSWERS_PER_PAGE).get_page(page)
    result.object_list = [AnswerItem(a, mask_personal_data(a.text)) for a in result.object_list]
    return result


@dataclass
class HistoryItem:
    action: KeywordAction
    labels: list[str]
    undone: bool

    @property
    def can_undo(self) -> bool:
        # An undone addition removed the keyword: there is nothing left to bring back.
        return not self.undone and not (
            self.action.kind == ActionKind.UNDO and self.action.undoes.kind == ActionKind.ADD
        )


def keyword_history(consultation: Consultation, page: int | str = 1) -> Page:
    """The consultation's curation actions, newest first: who, when, what, why."""
    actions = (
        KeywordAction.objects.filter(consultation=consultation)
        .select_related("actor", "undoes", "undone_by")
        .prefetch_related(Prefetch("keywords", queryset=Keyword.objects.order_by("label")))
        .order_by("-pk")
    )
    result = Paginator(actions, ACTIONS_PER_PAGE).get_page(page)
    items = []
    for action in result.object_list:
        labels = [k.label for k in action.keywords.all()]
        # Keywords the action removed (an undone addition) live on in its record only.
        for state in (*action.before.values(), *action.after.values()):
            if state["label"] not in labels:
                labels.append(state["label"])
        undone = getattr(action, "undone_by", None) is not None
        items.append(HistoryItem(action, labels, undone))
    result.object_list = items
    return result


@dataclass
class SuggestionItem:
    keep: Keyword  # the one with more respondents now: the suggested target
    merge: Keyword
    reason: str  # SuggestionReason
    score: float


def merge_suggestions(consultation: Consultation, page: int | str = 1) -> Page:
    """The stored pairs (keywords.curation.suggestions), a page at a time, pairs of two
    large keywords first. Pairs where either keyword was merged away or struck since they
    were computed are left out; the one with more respondents is the suggested target."""
    # Out of play: a hashed NOT IN over the few merged and struck keywords (an index scan)
    # lets the database walk the stored pairs in page order and stop at the page, where
    # joining every pair to check both keywords' status cost ~8,000 lookups at 60,000.
    out = Keyword.objects.filter(
        consultation=consultation, status__in=(KeywordStatus.MERGED, KeywordStatus.STRUCK)
    ).values("pk")
    pairs = (
        MergeSuggestion.objects.filter(consultation=consultation)
        .exclude(keyword_a__in=out)
        .exclude(keyword_b__in=out)
        .select_related("keyword_a", "keyword_b")
        .order_by("-respondents", "-score", "pk")
    )
    result = Paginator(pairs, SUGGESTIONS_PER_PAGE).get_page(page)
    items = []
    for pair in result.object_list:
        keep, merge = sorted(
            (pair.keyword_a, pair.keyword_b), key=lambda k: (-k.respondents, k.label, k.pk)
        )
        items.append(SuggestionItem(keep, merge, pair.reason, pair.score))
    result.object_list = items
    return result


def dismissed_suggestions(consultation: Consultation, page: int | str = 1) -> Page:
    """The pairs staff said are not the same, newest first, with who and when."""
    dismissals = (
        MergeSuggestionDismissal.objects.filter(consultation=consultation)
        .select_related("keyword_a", "keyword_b", "dismissed_by")
        .order_by("-dismissed_at", "-pk")
    )
    return Paginator(dismissals, SUGGESTIONS_PER_PAGE).get_page(page)


def merge_suggestion_state(consultation: Consultation) -> MergeSuggestionState | None:
    return MergeSuggestionState.objects.filter(consultation=consultation).first()
