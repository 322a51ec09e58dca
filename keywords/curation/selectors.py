"""Reading keywords: the staff's keyword table with distinct-respondent counts, the answers
behind a keyword, the curation history and merge suggestions.

Answer text is masked (consultations.masking) before staff see it here."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import Coalesce, Lower, RowNumber

from consultations.masking import mask_personal_data
from consultations.models import Answer, Channel, Consultation, QuestionKind
from keywords.models import (
    ActionKind,
    ExtractionRun,
    Keyword,
    KeywordAction,
    KeywordMention,
    KeywordStatus,
    KeywordTally,
    MergeSuggestion,
    MergeSuggestionDismissal,
    MergeSuggestionState,
    SuggestionReason,
)

ORDERS = ("respondents", "label")
COUNTED_KINDS = (QuestionKind.KEEP, QuestionKind.LEAVE, QuestionKind.MISS)
EXAMPLES_PER_KEYWORD = 2
EXCERPT_LENGTH = 160
ROWS_PER_PAGE = 50
# A root can have any number of keywords merged into it; the row lists this many.
MERGED_SHOWN = 20
# Keywords ticked for merging ride along in the query string while staff page and filter.
MERGE_SELECTION_MAX = 100
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
    merged_more: int = 0  # merged keywords beyond the MERGED_SHOWN listed
    examples: list[str] = field(default_factory=list)

    @property
    def is_struck(self) -> bool:
        return self.keyword.status == KeywordStatus.STRUCK

    @property
    def kind_counts(self) -> list[tuple[str, int]]:
        return [(kind, self.by_kind.get(kind, 0)) for kind in COUNTED_KINDS]


def _excerpt(text: str) -> str:
    text = " ".join(mask_personal_data(text).split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def root_keywords(consultation: Consultation):
    """The keywords that are rows of the table (not merged away), most respondents first."""
    return Keyword.objects.filter(consultation=consultation, merged_into__isnull=True).order_by(
        "-respondents", Lower("label"), "pk"
    )


def _search_roots(consultation: Consultation, search: str):
    """The rows whose label, or the label of a keyword merged into them, contains `search`
    (case-insensitive): one pass over the trigram index on the label, mapped to roots."""
    return (
        Keyword.objects.filter(consultation=consultation, label__icontains=search)
        .annotate(root=Coalesce("merged_into_id", "pk"))
        .order_by()
        .values("root")
    )


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
    page: int | str = 1,
    per_page: int | None = None,
) -> Page:
    """A page of the keyword table: one row per keyword that is not merged away, with its
    distinct respondents (merged keywords count toward their target, a respondent once).

    Counts come from the columns and tallies keywords.tallies keeps, so filtering,
    ordering, counting and paging happen in SQL and only the page's rows are read:
    no filter reads Keyword.respondents, a question filter its per-question column, and a
    channel, age band or target group filter sums the matching KeywordTally cells (cells
    of one target group are disjoint: the sum is the distinct count). Keywords with no
    respondents left are listed when no filter is set (staff-added ones, say), and dropped
    otherwise. `status` and `search` (in the label of the row or of a keyword merged into
    it) choose rows, not answers. The page's object_list holds KeywordRow objects.
    """
    filters = {
        "question_kind": question_kind,
        "channel": channel,
        "age_band": age_band,
        "target_group": target_group,
        "status": status,
        "search": search,
    }
    number = _page_number(page)
    per_page = per_page or ROWS_PER_PAGE
    if channel or age_band or target_group:
        found, total = _summed_cells(
            consultation,
            counted=question_kind or "respondents",
            cells={"channel": channel, "age_band": age_band, "target_group": target_group},
            status=status,
            search=search,
            order=order,
            offset=(number - 1) * per_page,
            limit=per_page,
        )
        paginator = Paginator([], per_page)
        paginator.count = total
        if not found and number > 1 and total:
            # Past the end: the last page, as Paginator.get_page gives.
            return keyword_table(
                consultation, **filters, order=order, page=paginator.num_pages, per_page=per_page
            )
        result = Page(found, number, paginator)
        keywords = Keyword.objects.in_bulk([r["keyword_id"] for r in found])
        counts = {r["keyword_id"]: r for r in found}
        found = [keywords[r["keyword_id"]] for r in found if r["keyword_id"] in keywords]
    else:
        rows = Keyword.objects.filter(consultation=consultation, merged_into__isnull=True)
        rows = rows.annotate(
            n=F(f"respondents_{question_kind}") if question_kind else F("respondents"),
            **{kind: F(f"respondents_{kind}") for kind in COUNTED_KINDS},
        )
        if question_kind:
            rows = rows.filter(n__gt=0)
        if status:
            rows = rows.filter(status=status)
        if search:
            rows = rows.filter(pk__in=_search_roots(consultation, search))
        label = Lower("label")
        rows = rows.order_by(*([label, "pk"] if order == "label" else [F("n").desc(), label, "pk"]))
        result = Paginator(rows, per_page).get_page(number)
        found = list(result.object_list)
        counts = {
            k.pk: {"n": k.n, **{kind: getattr(k, kind) for kind in COUNTED_KINDS}} for k in found
        }
    table = keyword_rows(consultation, found)
    for row in table:
        count = counts[row.keyword.pk]
        row.respondents = count["n"]
        row.by_kind = {
            kind: count[kind] if question_kind in (None, kind) else 0 for kind in COUNTED_KINDS
        }
    result.object_list = table
    return result


def _page_number(page) -> int:
    try:
        return max(int(page), 1)
    except (TypeError, ValueError):
        return 1


def _summed_cells(
    consultation, *, counted, cells, status, search, order, offset, limit
) -> tuple[list[dict], int]:
    """One page of rows whose respondents are the sums of the KeywordTally cells matching
    a channel, age band and target group, and how many rows there are in all.

    The cells are summed per keyword first, from the covering index alone, and only
    then joined to their keywords for the status, search and label order: summing after
    the join would hash every cell with its label. One statement: the total comes with
    the page (COUNT(*) OVER ()). Only table and column names of this module and the
    search subquery Django compiles are formatted in; values are parameters."""
    tally, keyword = KeywordTally._meta.db_table, Keyword._meta.db_table
    where, params = (
        ["t.consultation_id = %s", "t.target_group = %s"],
        [
            consultation.pk,
            cells["target_group"] or "",  # "" cells count every respondent once
        ],
    )
    if cells["channel"]:
        where.append("t.channel = %s")
        params.append(cells["channel"])
    elif cells["age_band"] is not None:
        # Every channel named, so the index (… channel, age band …) is read in a few
        # ranges, one per channel, rather than from the target group on.
        where.append(f"t.channel IN ({', '.join(['%s'] * len(Channel.values))})")
        params.extend(Channel.values)
    if cells["age_band"] is not None:
        where.append("t.age_band = %s")
        params.append(cells["age_band"])
    rows = ["k.merged_into_id IS NULL"]
    if status:
        rows.append("k.status = %s")
        params.append(status)
    if search:
        sql, search_params = _search_roots(consultation, search).query.sql_with_params()
        rows.append(f"k.id IN ({sql})")
        params.extend(search_params)
    by_label = "LOWER(k.label), k.id"
    ordering = by_label if order == "label" else f"c.n DESC, {by_label}"
    column = {"respondents": "respondents", **{kind: kind for kind in COUNTED_KINDS}}[counted]
    summed = f"""
        SELECT t.keyword_id, SUM(t.{column}) AS n, SUM(t.keep) AS keep,
               SUM(t.leave) AS leave, SUM(t.miss) AS miss
        FROM {tally} t
        WHERE {" AND ".join(where)}
        GROUP BY t.keyword_id
        HAVING SUM(t.{column}) > 0
    """  # noqa: S608
    if order != "label" and not (status or search):
        # Every summed row is a row of the table (only roots have cells), so the rows
        # before this page's end have at least the respondents of the row at its end:
        # only those few need their labels (looked up by id) to break ties.
        sql = f"""
            WITH c AS ({summed}),
                 cut AS (SELECT n FROM c ORDER BY n DESC LIMIT 1 OFFSET %s)
            SELECT c.keyword_id, c.n, c.keep, c.leave, c.miss,
                   (SELECT COUNT(*) FROM c) AS total
            FROM c
            WHERE c.n >= COALESCE((SELECT n FROM cut), 0)
            ORDER BY c.n DESC,
                     (SELECT LOWER(k.label) FROM {keyword} k WHERE k.id = c.keyword_id),
                     c.keyword_id
            LIMIT %s OFFSET %s
        """  # noqa: S608
        arguments = [*params, offset + limit - 1, limit, offset]
    else:
        sql = f"""
            SELECT c.keyword_id, c.n, c.keep, c.leave, c.miss, COUNT(*) OVER () AS total
            FROM ({summed}) c JOIN {keyword} k ON k.id = c.keyword_id
            WHERE {" AND ".join(rows)}
            ORDER BY {ordering}
            LIMIT %s OFFSET %s
        """  # noqa: S608
        arguments = [*params, limit, offset]
    hash_join = connection.vendor == "postgresql" and bool(status or search)
    # A transaction only for the setting: SET LOCAL needs one.
    with transaction.atomic() if hash_join else nullcontext(), connection.cursor() as cursor:
        if hash_join:
            # The statistics of a keyword's status lag behind curation (autovacuum analyses
            # after a tenth of the rows change: a few hundred kept of 80,000 never do), so
            # "kept" is estimated at one row and the planner loops over the summed cells
            # once per kept keyword: 0.47 s for 300 of them, against 0.03 s as a hash join,
            # which costs about that whatever the estimate.
            cursor.execute("SET LOCAL enable_nestloop = off")
        result = _fetch_summed(cursor, sql, arguments, summed, rows, params, offset)
        if hash_join:
            # Within a caller's transaction too (an error rolls the setting back with the
            # savepoint).
            cursor.execute("RESET enable_nestloop")
    return result


def _fetch_summed(cursor, sql, arguments, summed, rows, params, offset):
    keyword = Keyword._meta.db_table
    cursor.execute(sql, arguments)
    names = [c[0] for c in cursor.description]
    found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if found:
        return found, found[0]["total"]
    if not offset:
        return [], 0
    # Past the end of the rows: how many there are, for the last page.
    cursor.execute(
        f"SELECT COUNT(*) FROM ({summed}) c JOIN {keyword} k ON k.id = c.keyword_id"  # noqa: S608
        f" WHERE {' AND '.join(rows)}",
        params,
    )
    return [], cursor.fetchone()[0]


def keyword_rows(consultation: Consultation, keywords: list[Keyword]) -> list[KeywordRow]:
    """Table rows of these keywords (roots, in this order) with all-respondent counts from
    their own columns, the keywords merged into them (at most MERGED_SHOWN each, and how
    many more) and example quotes: a fixed number of queries, each bounded by the rows."""
    rows = {
        k.pk: KeywordRow(
            keyword=k,
            respondents=k.respondents,
            by_kind={kind: getattr(k, f"respondents_{kind}") for kind in COUNTED_KINDS},
        )
        for k in keywords
    }
    if not rows:
        return []
    merged = (
        Keyword.objects.filter(merged_into__in=list(rows))
        .annotate(
            n=Window(
                RowNumber(), partition_by=[F("merged_into_id")], order_by=[F("label"), F("pk")]
            ),
            of=Window(Count("pk"), partition_by=[F("merged_into_id")]),
        )
        .filter(n__lte=MERGED_SHOWN)
        .order_by("merged_into_id", "n")
    )
    for keyword in merged:
        row = rows[keyword.merged_into_id]
        row.merged.append(keyword)
        row.merged_more = keyword.of - MERGED_SHOWN if keyword.of > MERGED_SHOWN else 0
    _add_examples(rows)
    return list(rows.values())


def _add_examples(rows: dict[int, KeywordRow]) -> None:
    """The first visible answers behind each row's keywords, as short masked excerpts.

    Two index probes per keyword (mentions are unique per keyword and answer, so the
    constraint's index reads them in answer order) rather than a scan of every mention:
    the most mentioned keywords sit on the first page."""
    # Answers a moderator hid keep their mentions (unhiding needs no re-extraction) but
    # count nowhere and are never quoted.
    visible = KeywordMention.objects.filter(
        keyword=OuterRef("pk"), answer__hidden_at__isnull=True
    ).order_by("answer_id")
    firsts = (
        Keyword.objects.filter(Q(pk__in=list(rows)) | Q(merged_into__in=list(rows)))
        .annotate(
            root=Coalesce("merged_into_id", "pk"),
            first=Subquery(visible.values("answer_id")[:1]),
            second=Subquery(visible.values("answer_id")[1:2]),
        )
        .values_list("root", "first", "second")
    )
    candidates: dict[int, set[int]] = {}
    for root, *answer_ids in firsts:
        candidates.setdefault(root, set()).update(a for a in answer_ids if a is not None)
    wanted = set().union(*candidates.values())
    texts = dict(Answer.objects.filter(pk__in=wanted).values_list("pk", "text")) if wanted else {}
    for root, answer_ids in candidates.items():
        row = rows[root]
        for answer_id in sorted(answer_ids):
            excerpt = _excerpt(texts[answer_id])
            if excerpt not in row.examples:
                row.examples.append(excerpt)
            if len(row.examples) >= EXAMPLES_PER_KEYWORD:
                break


def latest_run(consultation: Consultation) -> ExtractionRun | None:
    return ExtractionRun.objects.filter(consultation=consultation).first()


def keyword_row(consultation: Consultation, keyword: Keyword) -> KeywordRow | None:
    """The table row of one keyword as it is now (None once it is merged away)."""
    fresh = Keyword.objects.filter(
        consultation=consultation, pk=keyword.pk, merged_into__isnull=True
    ).first()
    return keyword_rows(consultation, [fresh])[0] if fresh else None


def selected_keywords(consultation: Consultation, pks) -> list[Keyword]:
    """The keywords ticked for merging (at most MERGE_SELECTION_MAX), by label."""
    return list(
        Keyword.objects.filter(
            consultation=consultation, pk__in=list(pks)[:MERGE_SELECTION_MAX]
        ).order_by(Lower("label"), "pk")
    )


@dataclass
class AnswerItem:
    answer: Answer
    text: str  # masked


def keyword_answers(consultation: Consultation, keyword: Keyword, page: int | str = 1) -> Page:
    """Every visible answer behind a keyword (and the keywords merged into it), masked,
    oldest first, a page at a time; each item has its question and response.

    Paged over the mentions' (keyword, answer) index, which reads answer ids in order;
    only the page's answers are read. The count is every mention read from that index
    less the few whose answers a moderator hid, rather than a join of every mention with
    its answer."""
    keyword_ids = [keyword.pk, *keyword.merged_keywords.values_list("pk", flat=True)]
    mentions = KeywordMention.objects.filter(keyword_id__in=keyword_ids)
    answer_ids = mentions.filter(answer__hidden_at__isnull=True).order_by("answer_id")
    if len(keyword_ids) > 1:  # an answer can mention a keyword and one merged into it
        answer_ids = answer_ids.distinct()
        count = mentions.values("answer_id").distinct().count()
    else:
        count = mentions.count()
    count -= mentions.filter(answer__hidden_at__isnull=False).values("answer_id").distinct().count()
    paginator = Paginator(answer_ids.values_list("answer_id", flat=True), ANSWERS_PER_PAGE)
    paginator.count = count
    result = paginator.get_page(page)
    answers = Answer.objects.select_related("question", "response").in_bulk(
        list(result.object_list)
    )
    result.object_list = [
        AnswerItem(answers[pk], mask_personal_data(answers[pk].text)) for pk in result.object_list
    ]
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
    were computed are left out; the one with more respondents is the suggested target,
    except that a phrase always merges into its last word."""
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
        if pair.reason == SuggestionReason.PHRASE and len(keep.base_form.split()) > 1:
            # "fler bostad" merges into "bostad", even when more people wrote the phrase.
            keep, merge = merge, keep
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
