"""Reading the councillors' round and the published keyword lists.

Visibility (seed 000, issue 4): while a round is open a councillor sees only their own
proposals, unless staff opened it with ``others_visible_while_open``; once staff close it,
every councillor sees everyone's (who, party, reason). Staff always see everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, QuerySet

from consultations.models import Consultation
from keywords.councillors.services import curated_keywords, label_key
from keywords.models import (
    CouncillorProposal,
    CouncillorRound,
    Keyword,
    KeywordList,
    KeywordListItem,
    ProposalKind,
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


@dataclass
class KeywordForCouncillor:
    keyword: Keyword
    respondents: int
    my_strike: CouncillorProposal | None = None
    others_strikes: list[CouncillorProposal] = field(default_factory=list)


def round_keywords_for(
    round: CouncillorRound,
    user,
    *,
    own: list[CouncillorProposal] | None = None,
    others_visible: list[CouncillorProposal] | None = None,
) -> list[KeywordForCouncillor]:
    """The round's list with this councillor's strikes (and others' when visible).
    Pass the councillor's and the others' proposals when you have read them already."""
    own = own_proposals(round, user) if own is None else own
    if others_visible is None:
        others_visible = others_proposals(round, user)
    mine = {p.keyword_id: p for p in own if p.kind == ProposalKind.STRIKE}
    others: dict[int, list[CouncillorProposal]] = {}
    for proposal in others_visible:
        if proposal.kind == ProposalKind.STRIKE:
            others.setdefault(proposal.keyword_id, []).append(proposal)
    return [
        KeywordForCouncillor(
            keyword=row.keyword,
            respondents=row.respondents,
            my_strike=mine.get(row.keyword.pk),
            others_strikes=others.get(row.keyword.pk, []),
        )
        for row in curated_keywords(round.consultation)
    ]


@dataclass
class StrikeGroup:
    keyword: Keyword
    proposals: list[CouncillorProposal]
    on_list: bool
    respondents: int = 0

    @property
    def count(self) -> int:
        return len(self.proposals)


@dataclass
class AdditionGroup:
    key: str
    label: str  # as the first councillor wrote it
    proposals: list[CouncillorProposal]

    @property
    def count(self) -> int:
        return len(self.proposals)


@dataclass
class RoundResult:
    round: CouncillorRound
    strikes: list[StrikeGroup]
    additions: list[AdditionGroup]
    withdrawn: list[CouncillorProposal]
    councillors: int  # how many took part (with at least one active proposal)

    @property
    def is_empty(self) -> bool:
        return not self.strikes and not self.additions


def round_result(round: CouncillorRound) -> RoundResult:
    """The consolidated result for staff: per keyword the strikes (who, party, reason),
    additions grouped by normalised label, most proposed first."""
    listed = {row.keyword.pk: row.respondents for row in curated_keywords(round.consultation)}
    strikes: dict[int, StrikeGroup] = {}
    additions: dict[str, AdditionGroup] = {}
    councillors = set()
    for proposal in _active(round):
        councillors.add(proposal.councillor_id)
        if proposal.kind == ProposalKind.STRIKE:
            group = strikes.get(proposal.keyword_id)
            if group is None:
                group = strikes[proposal.keyword_id] = StrikeGroup(
                    keyword=proposal.keyword,
                    proposals=[],
                    on_list=proposal.keyword_id in listed,
                    respondents=listed.get(proposal.keyword_id, 0),
                )
            group.proposals.append(proposal)
        else:
            key = label_key(proposal.label)
            group = additions.get(key)
            if group is None:
                group = additions[key] = AdditionGroup(key=key, label=proposal.label, proposals=[])
            group.proposals.append(proposal)
    withdrawn = list(
        CouncillorProposal.objects.filter(round=round, withdrawn_at__isnull=False)
        .select_related("councillor", "keyword")
        .order_by("withdrawn_at", "pk")
    )
    return RoundResult(
        round=round,
        strikes=sorted(
            strikes.values(), key=lambda g: (-g.count, g.keyword.label.casefold(), g.keyword.pk)
        ),
        additions=sorted(additions.values(), key=lambda g: (-g.count, g.key)),
        withdrawn=withdrawn,
        councillors=len(councillors),
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
    new_items = list(new.items.all())
    old_items = list(old.items.all()) if old else []

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
