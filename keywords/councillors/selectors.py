"""Reading the councillors' round and the published keyword lists.

Visibility (seed 000, issue 4): while a round is open a councillor sees only their own
proposals, unless staff opened it with ``others_visible_while_open``; once staff close it,
every councillor sees everyone's (who, party, reason). Staff always see everything.

Size: a round's list is its snapshot (RoundKeyword, at most ROUND_KEYWORDS_MAX rows), so
every page here reads the snapshot and the round's proposals, paged in SQL, and never the
keyword table or the mentions: the same queries for a consultation of 10 or 60,000
keywords.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Lower

from consultations.models import Consultation
from keywords.councillors.services import label_key
from keywords.models import (
    CouncillorProposal,
    CouncillorRound,
    KeywordList,
    KeywordListItem,
    ProposalKind,
    RoundKeyword,
)
from visionportal.models import Municipality


def rounds_of(consultation: Consultation) -> QuerySet[CouncillorRound]:
    # The consultation too: an untitled round is named after it (CouncillorRound.__str__).
    return CouncillorRound.objects.filter(consultation=consultation).select_related(
        "opened_by", "closed_by", "consultation"
    )


def rounds_for_councillors(municipality: Municipality) -> QuerySet[CouncillorRound]:
    """Every round of the municipality, open ones first, newest first."""
    return (
        CouncillorRound.objects.filter(consultation__process__municipality=municipality)
        .select_related("consultation__process")
        .order_by("closed_at", "-opened_at", "-pk")
    )


def latest_list_versions(municipality: Municipality) -> dict[int, int]:
    """The latest published version of each consultation's keyword list, by consultation."""
    return dict(
        KeywordList.objects.filter(consultation__process__municipality=municipality)
        .values("consultation_id")
        .annotate(latest=Max("version"))
        .values_list("consultation_id", "latest")
        .order_by()
    )


def open_round(consultation: Consultation) -> CouncillorRound | None:
    return CouncillorRound.objects.open().filter(consultation=consultation).first()


def others_visible(round: CouncillorRound) -> bool:
    return not round.is_open or round.others_visible_while_open


def _active(round: CouncillorRound) -> QuerySet[CouncillorProposal]:
    return (
        CouncillorProposal.objects.filter(round=round, withdrawn_at__isnull=True)
        .select_related("councillor", "keyword")
        .order_by("created_at", "pk")
    )


def own_proposals(round: CouncillorRound, user) -> list[CouncillorProposal]:
    return list(_active(round).filter(councillor=user))


def others_proposals(round: CouncillorRound, user) -> list[CouncillorProposal]:
    """Other councillors' active proposals, when the round's rule lets this councillor
    see them; otherwise none."""
    if not others_visible(round):
        return []
    return list(_active(round).exclude(councillor=user))


ROUND_PAGE_SIZE = 50
# "struck" filter of the councillor's list: the keywords I propose striking, or the others.
STRUCK_BY_ME, NOT_STRUCK_BY_ME = "mine", "not-mine"
# Question-kind filter: keywords residents mentioned answering that kind of question.
QUESTION_KINDS = ("keep", "leave", "miss")


def _strikes(round: CouncillorRound) -> QuerySet[CouncillorProposal]:
    return _active(round).filter(kind=ProposalKind.STRIKE)


def own_proposals_page(round: CouncillorRound, user, page=1) -> Page:
    return Paginator(_active(round).filter(councillor=user), ROUND_PAGE_SIZE).get_page(page)


def others_proposals_page(round: CouncillorRound, user, page=1) -> Page | None:
    """A page of the others' proposals, or None when the round's rule hides them."""
    if not others_visible(round):
        return None
    return Paginator(_active(round).exclude(councillor=user), ROUND_PAGE_SIZE).get_page(page)


class _OnTheRoundsList:
    """A keyword as the round's snapshot (`item`) holds it."""

    item: RoundKeyword

    @property
    def keyword_id(self) -> int:
        return self.item.keyword_id

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def respondents(self) -> int:
        return self.item.respondents


@dataclass
class KeywordForCouncillor(_OnTheRoundsList):
    item: RoundKeyword
    my_strike: CouncillorProposal | None = None
    others_strikes: list[CouncillorProposal] = field(default_factory=list)


def round_keywords(
    round: CouncillorRound,
    user,
    *,
    search: str = "",
    struck: str = "",
    question_kind: str = "",
) -> QuerySet[RoundKeyword]:
    """The round's list (its snapshot) in list order, searched and filtered in SQL."""
    rows = RoundKeyword.objects.filter(round=round).order_by("position")
    if search:
        rows = rows.filter(label__icontains=search)
    if struck in (STRUCK_BY_ME, NOT_STRUCK_BY_ME):
        mine = _strikes(round).filter(councillor=user, keyword_id=OuterRef("keyword_id"))
        rows = rows.filter(Exists(mine) if struck == STRUCK_BY_ME else ~Exists(mine))
    if question_kind in QUESTION_KINDS:
        rows = rows.filter(**{f"respondents_{question_kind}__gt": 0})
    return rows


def round_keywords_page(
    round: CouncillorRound, user, *, page=1, per_page: int = ROUND_PAGE_SIZE, **filters
) -> Page:
    """One page of the round's list, each row with this councillor's strike and, when the
    round's rule shows them, the others' strikes: a fixed number of queries per page."""
    result = Paginator(round_keywords(round, user, **filters), per_page).get_page(page)
    rows = list(result.object_list)
    strikes = _strikes(round).filter(keyword_id__in=[r.keyword_id for r in rows])
    if not others_visible(round):
        strikes = strikes.filter(councillor=user)
    mine: dict[int, CouncillorProposal] = {}
    others: dict[int, list[CouncillorProposal]] = {}
    for proposal in strikes:
        if proposal.councillor_id == user.pk:
            mine[proposal.keyword_id] = proposal
        else:
            others.setdefault(proposal.keyword_id, []).append(proposal)
    result.object_list = [
        KeywordForCouncillor(
            item=row,
            my_strike=mine.get(row.keyword_id),
            others_strikes=others.get(row.keyword_id, []),
        )
        for row in rows
    ]
    return result


def round_keywords_for(round: CouncillorRound, user, **filters) -> list[KeywordForCouncillor]:
    """The first page of the round's list (what a councillor sees on opening the page)."""
    return list(round_keywords_page(round, user, **filters).object_list)


@dataclass
class StrikeGroup(_OnTheRoundsList):
    item: RoundKeyword  # annotated with ``strikes``
    proposals: list[CouncillorProposal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.item.strikes

    @property
    def parties(self) -> list[tuple[str, int]]:
        """Strikes per party (no party last), for reading a page at a glance."""
        counts: dict[str, int] = {}
        for proposal in self.proposals:
            counts[proposal.party] = counts.get(proposal.party, 0) + 1
        return sorted(counts.items(), key=lambda pc: (pc[0] == "", -pc[1], pc[0].casefold()))


@dataclass
class AdditionGroup:
    key: str
    label: str  # as the first councillor wrote it
    proposals: list[CouncillorProposal]

    @property
    def count(self) -> int:
        return len(self.proposals)


def struck_keywords(round: CouncillorRound) -> QuerySet[RoundKeyword]:
    """The round's keywords with at least one active strike, annotated with ``strikes``,
    most struck first: one grouped query over the proposals, not over the keywords."""
    counted = (
        _strikes(round)
        .filter(keyword_id=OuterRef("keyword_id"))
        .order_by()
        .values("keyword_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        RoundKeyword.objects.filter(round=round)
        .annotate(strikes=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
        .filter(strikes__gt=0)
        .order_by("-strikes", Lower("label"), "keyword_id")
    )


def strike_groups_page(round: CouncillorRound, page=1, per_page: int = ROUND_PAGE_SIZE) -> Page:
    result = Paginator(struck_keywords(round), per_page).get_page(page)
    groups = {item.keyword_id: StrikeGroup(item=item) for item in result.object_list}
    for proposal in _strikes(round).filter(keyword_id__in=list(groups)):
        groups[proposal.keyword_id].proposals.append(proposal)
    result.object_list = list(groups.values())
    return result


def _additions(round: CouncillorRound) -> QuerySet:
    """One row per normalised label: its key, count and first proposal, most proposed
    first (grouped by the database on the stored label_key)."""
    return (
        _active(round)
        .filter(kind=ProposalKind.ADD)
        .order_by()
        .values("label_key")
        .annotate(n=Count("pk"), first=Min("pk"))
        .order_by("-n", "label_key")
    )


def addition_groups_page(round: CouncillorRound, page=1, per_page: int = ROUND_PAGE_SIZE) -> Page:
    result = Paginator(_additions(round), per_page).get_page(page)
    groups = {row["label_key"]: row for row in result.object_list}
    proposals: dict[str, list[CouncillorProposal]] = {key: [] for key in groups}
    for proposal in _active(round).filter(kind=ProposalKind.ADD, label_key__in=list(groups)):
        proposals[proposal.label_key].append(proposal)
    result.object_list = [
        AdditionGroup(key=key, label=proposals[key][0].label, proposals=proposals[key])
        for key in groups
    ]
    return result


@dataclass(frozen=True)
class AdditionChoice:
    key: str
    label: str  # as the first councillor wrote it
    count: int


def addition_choices(round: CouncillorRound) -> list[AdditionChoice]:
    """Every addition group's label and count, for the publish form (two queries)."""
    rows = list(_additions(round))
    labels = dict(
        CouncillorProposal.objects.filter(pk__in=[r["first"] for r in rows]).values_list(
            "pk", "label"
        )
    )
    return [AdditionChoice(r["label_key"], labels[r["first"]], r["n"]) for r in rows]


def councillors_taking_part(round: CouncillorRound) -> int:
    """How many councillors have at least one active proposal."""
    return _active(round).order_by().values("councillor_id").distinct().count()


def withdrawn_proposals(round: CouncillorRound) -> QuerySet[CouncillorProposal]:
    return (
        CouncillorProposal.objects.filter(round=round, withdrawn_at__isnull=False)
        .select_related("councillor", "keyword")
        .order_by("withdrawn_at", "pk")
    )


@dataclass
class RoundResult:
    round: CouncillorRound
    strikes: Page  # of StrikeGroup
    additions: Page  # of AdditionGroup
    withdrawn: Page  # of CouncillorProposal
    councillors: int  # how many took part (with at least one active proposal)
    # Every strike group's keyword and count, for the publish form (bounded by the
    # round's list, ROUND_KEYWORDS_MAX), and every addition group's label and count.
    to_accept: list[RoundKeyword] = field(default_factory=list)
    additions_to_accept: list[AdditionChoice] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.strikes.paginator.count and not self.additions.paginator.count


def round_result(
    round: CouncillorRound,
    *,
    page=1,
    additions_page=1,
    withdrawn_page=1,
    per_page: int = ROUND_PAGE_SIZE,
) -> RoundResult:
    """The consolidated result for staff, paged: per keyword the strikes (who, party,
    reason), additions grouped by normalised label, most proposed first."""
    return RoundResult(
        round=round,
        strikes=strike_groups_page(round, page, per_page),
        additions=addition_groups_page(round, additions_page, per_page),
        withdrawn=Paginator(withdrawn_proposals(round), per_page).get_page(withdrawn_page),
        councillors=councillors_taking_part(round),
        to_accept=[] if round.is_open else list(struck_keywords(round)),
        additions_to_accept=[] if round.is_open else addition_choices(round),
    )


# --- published lists --------------------------------------------------------------------


def _with_items(queryset: QuerySet[KeywordList]) -> QuerySet[KeywordList]:
    return queryset.select_related("published_by", "source_round").prefetch_related(
        Prefetch("items", queryset=KeywordListItem.objects.order_by("position", "pk"))
    )


def published_keyword_list(consultation: Consultation) -> KeywordList | None:
    """The latest published version (what the sorting game and the decision pack use)."""
    return _with_items(KeywordList.objects.filter(consultation=consultation)).first()


def keyword_list_versions(consultation: Consultation) -> QuerySet[KeywordList]:
    return (
        KeywordList.objects.filter(consultation=consultation)
        .select_related("published_by", "source_round__consultation")
        .order_by("-version")
    )


def keyword_list_version(consultation: Consultation, version: int) -> KeywordList | None:
    return _with_items(
        KeywordList.objects.filter(consultation=consultation, version=version)
    ).first()


def previous_version(keyword_list: KeywordList) -> KeywordList | None:
    return _with_items(
        KeywordList.objects.filter(
            consultation_id=keyword_list.consultation_id, version__lt=keyword_list.version
        )
    ).first()


@dataclass(frozen=True)
class Renamed:
    before: str
    after: str


@dataclass(frozen=True)
class ListDiff:
    added: list[KeywordListItem]
    removed: list[KeywordListItem]
    renamed: list[Renamed]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.renamed)


def keyword_list_diff(new: KeywordList, old: KeywordList | None) -> ListDiff:
    """What changed from `old` to `new`. An item is the same item when it points at the
    same keyword (then a new label is a rename) or, without a keyword, has the same label."""
    return items_diff(list(new.items.all()), list(old.items.all()) if old else [])


def items_diff(new_items: list[KeywordListItem], old_items: list[KeywordListItem]) -> ListDiff:
    """keyword_list_diff on items, published or only planned (the publish preview)."""

    def identity(item):
        return ("k", item.keyword_id) if item.keyword_id else ("l", label_key(item.label))

    old_by = {identity(i): i for i in old_items}
    new_by = {identity(i): i for i in new_items}
    added = [i for i in new_items if identity(i) not in old_by]
    removed = [i for i in old_items if identity(i) not in new_by]
    renamed = [
        Renamed(before=old_by[identity(i)].label, after=i.label)
        for i in new_items
        if identity(i) in old_by and old_by[identity(i)].label != i.label
    ]
    unchanged = sum(
        1 for i in new_items if identity(i) in old_by and old_by[identity(i)].label == i.label
    )
    return ListDiff(added=added, removed=removed, renamed=renamed, unchanged=unchanged)
