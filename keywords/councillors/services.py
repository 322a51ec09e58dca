"""Writing the councillors' round and the published keyword lists (seed 000: "förtroendevalda
ges möjlighet att stryka och komplettera").

Decisions, so the views, the sorting game and the decision pack can rely on them:

- **The round's list is fixed when the round opens** (its snapshot, ``RoundKeyword``):
  the keywords staff kept for sorting, or, when none is kept, every keyword neither struck
  nor merged with at least the respondent threshold staff choose. Label and respondent
  counts are copied as they were at opening; a database trigger refuses any later change.
  Curation and extraction may go on while a round is open: they change the curated list,
  never what the councillors are judging. Councillors strike keywords of the snapshot only.
- **A round is bounded** (``round_list.ROUND_KEYWORDS_MAX``, why there): above the bound,
  opening is refused with what to do instead.
- **Proposals close at the end of ``closes_on``** (local date), even before staff close
  the round; staff closing the round is what makes everyone's proposals visible.
- **An addition equal to a keyword already on the list is refused** with a message
  saying so (comparison ignores case and spacing): there is nothing to add, and a
  councillor who wants to keep a keyword simply does not strike it. Additions equal to a
  keyword that is struck or not on the list are allowed: that is exactly what they are for.
- **Double submits are no-ops**: a second strike of the same keyword, or a second addition
  of the same label, by the same councillor returns the first proposal unchanged
  (``created`` is False). Withdraw first to change a reason.
- **Publishing** a round's result takes the round's snapshot (labels and counts as the
  councillors saw them), minus the accepted strikes, plus the accepted additions.
  Publishing without naming a round publishes the latest closed round nobody has
  published yet (every proposal accepted unless staff choose), else the curated list as
  it is now. One plan (``keyword_list_plan``) is both the preview staff confirm and what
  is published, whichever page they publish from (issue 14).
- **Publishing** freezes label, origin and respondent count per item. Staff accept strikes
  per keyword and additions per normalised label; the accepted proposals are recorded on
  the list. Publishing again without naming a round carries the previous version's round
  decisions forward onto the current curation, so a rename after publishing is one click;
  publishing a later round keeps the earlier rounds' accepted proposals and decides that
  round's afresh (publishing the same round again replaces only its own decisions).
  Accepted additions are list items, not keywords: a later round cannot strike them.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import Consultation
from consultations.tasks import results_subscribers_notify
from keywords.councillors import round_list
from keywords.models import (
    CouncillorProposal,
    CouncillorRound,
    ItemOrigin,
    Keyword,
    KeywordList,
    KeywordListItem,
    ProposalKind,
    RoundKeyword,
)
from visionportal.models import Membership, Role
from visionportal.phases import Capability, process_allows, refusal_reason
from visionportal.text import clean_text

TITLE_MAX = CouncillorRound._meta.get_field("title").max_length
INSTRUCTIONS_MAX = CouncillorRound._meta.get_field("instructions").max_length
LABEL_MAX = CouncillorProposal._meta.get_field("label").max_length
REASON_MAX = CouncillorProposal._meta.get_field("reason").max_length
NOTE_MAX = KeywordList._meta.get_field("note").max_length


class RoundError(ValueError):
    """A refused round action; ``message`` is for the person who tried it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def label_key(label: str) -> str:
    """How two labels are compared: cleaned and case-folded."""
    return clean_text(label).casefold()


def _has_content(text: str) -> bool:
    # A letter, digit or symbol (emoji are symbols); punctuation alone says nothing.
    return any(unicodedata.category(c)[0] in "LNS" for c in text)


def _clean_reason(reason: str | None) -> str:
    reason = clean_text(reason)
    if not _has_content(reason):
        raise RoundError(_("Give a reason."))
    if len(reason) > REASON_MAX:
        raise RoundError(
            _("The reason is too long: at most %(max)d characters.") % {"max": REASON_MAX}
        )
    return reason


def clean_label(label: str | None) -> str:
    label = clean_text(label)
    if not _has_content(label):
        raise RoundError(_("Write the keyword you want to add."))
    if len(label) > LABEL_MAX:
        raise RoundError(
            _("The keyword is too long: at most %(max)d characters.") % {"max": LABEL_MAX}
        )
    return label


# --- the round's list (its snapshot) ------------------------------------------------


def _snapshot_take(round: CouncillorRound, keywords: QuerySet[Keyword]) -> int:
    """Copy the round's list into its snapshot in one INSERT … SELECT; returns the rows."""
    chosen_sql, params = keywords.order_by().values_list("pk", flat=True).query.sql_with_params()
    # The queryset chooses the keywords; ROW_NUMBER() numbers them in the list's order.
    sql = (
        f"INSERT INTO {RoundKeyword._meta.db_table} (round_id, keyword_id, label, "  # noqa: S608
        "respondents, respondents_keep, respondents_leave, respondents_miss, position) "
        "SELECT %s, k.id, k.label, k.respondents, k.respondents_keep, k.respondents_leave, "
        "k.respondents_miss, ROW_NUMBER() OVER (ORDER BY k.respondents DESC, LOWER(k.label), k.id) "
        f"FROM {Keyword._meta.db_table} k WHERE k.id IN ({chosen_sql})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [round.pk, *params])
        return cursor.rowcount


def _on_round_list(round: CouncillorRound, keyword: Keyword) -> bool:
    return RoundKeyword.objects.filter(round=round, keyword=keyword).exists()


# --- rounds ---------------------------------------------------------------------------


def round_open(
    *,
    consultation: Consultation,
    by,
    title: str = "",
    instructions: str = "",
    others_visible_while_open: bool = False,
    closes_on: datetime.date | None = None,
    opened_at: datetime.datetime | None = None,
    min_respondents: int | None = None,
) -> CouncillorRound:
    """Open a round, while the process is in a phase for it (visionportal.phases), on the
    kept keywords, or when none is kept on those with at least ``min_respondents``
    respondents; refused above ``ROUND_KEYWORDS_MAX``. `opened_at` is now, unless
    recording a round opened earlier (the demo's replay of 2015): the phase is checked for
    that moment."""
    opened_at = opened_at or timezone.now()
    process = consultation.process
    if not process_allows(process, Capability.COUNCILLOR_ROUND, at=opened_at):
        raise RoundError(
            " ".join(
                [
                    str(_("A councillors' round can be opened only during a phase for it.")),
                    refusal_reason(process, Capability.COUNCILLOR_ROUND, at=opened_at),
                ]
            )
        )
    title = clean_text(title)
    instructions = unicodedata.normalize("NFC", instructions or "").strip()
    if len(title) > TITLE_MAX:
        raise RoundError(
            _("The title is too long: at most %(max)d characters.") % {"max": TITLE_MAX}
        )
    if len(instructions) > INSTRUCTIONS_MAX:
        raise RoundError(
            _("The instructions are too long: at most %(max)d characters.")
            % {"max": INSTRUCTIONS_MAX}
        )
    if closes_on is not None and closes_on < timezone.localdate():
        raise RoundError(_("The last day for councillors cannot be in the past."))
    min_respondents = max(0, min_respondents or 0)
    # Counted first (an index-only count) so a refusal never copies 60,000 rows.
    choice = round_list.round_choice(consultation, min_respondents=min_respondents)
    if choice.refusal:
        raise RoundError(choice.refusal)
    try:
        with transaction.atomic():
            round = CouncillorRound.objects.create(
                consultation=consultation,
                title=title,
                instructions=instructions,
                others_visible_while_open=others_visible_while_open,
                closes_on=closes_on,
                opened_by=by,
                opened_at=opened_at,
            )
            taken = _snapshot_take(
                round, round_list.round_candidates(consultation, min_respondents)
            )
            # Curation between the count and the copy: check the copy, not the count.
            refusal = round_list.RoundChoice(
                kept=choice.kept, min_respondents=min_respondents, count=taken
            ).refusal
            if refusal:
                raise RoundError(refusal)
            return round
    except IntegrityError:
        raise RoundError(_("A councillors' round is already open for this consultation.")) from None


def round_close(*, round: CouncillorRound, by) -> CouncillorRound:
    """Close the round (a second close changes nothing)."""
    with transaction.atomic():
        locked = CouncillorRound.objects.select_for_update().get(pk=round.pk)
        if locked.closed_at is None:
            locked.closed_at = timezone.now()
            locked.closed_by = by
            locked.save(update_fields=["closed_at", "closed_by"])
    round.closed_at, round.closed_by = locked.closed_at, locked.closed_by
    return round


def accepts_proposals(round: CouncillorRound, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return round.is_open and (round.closes_on is None or today <= round.closes_on)


def _councillor_membership(round: CouncillorRound, councillor) -> Membership:
    membership = Membership.objects.filter(
        user=councillor,
        municipality_id=round.consultation.process.municipality_id,
        role=Role.COUNCILLOR,
    ).first()
    if membership is None:
        raise RoundError(_("Only the municipality's councillors can take part in the round."))
    return membership


def _locked_open_round(round: CouncillorRound) -> CouncillorRound:
    """Lock the round row: proposals of one round are written one at a time, which makes
    double submits (two tabs, a double click) find each other."""
    locked = (
        CouncillorRound.objects.select_for_update()
        .select_related("consultation__process")
        .get(pk=round.pk)
    )
    if not accepts_proposals(locked):
        raise RoundError(_("The round is closed; it no longer takes proposals."))
    return locked


def proposal_strike(
    *, round: CouncillorRound, councillor, keyword: Keyword, reason: str
) -> tuple[CouncillorProposal, bool]:
    """Propose striking a listed keyword. Returns (proposal, created)."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _locked_open_round(round)
        membership = _councillor_membership(locked, councillor)
        if keyword.consultation_id != locked.consultation_id or not _on_round_list(locked, keyword):
            raise RoundError(_("That keyword is not on the round's list."))
        existing = CouncillorProposal.objects.filter(
            round=locked,
            councillor=councillor,
            keyword=keyword,
            kind=ProposalKind.STRIKE,
            withdrawn_at__isnull=True,
        ).first()
        if existing:
            return existing, False
        try:
            with transaction.atomic():
                proposal = CouncillorProposal.objects.create(
                    round=locked,
                    councillor=councillor,
                    party=membership.party,
                    kind=ProposalKind.STRIKE,
                    keyword=keyword,
                    reason=reason,
                )
        except IntegrityError:  # a concurrent identical strike won (the constraint)
            return CouncillorProposal.objects.get(
                round=locked,
                councillor=councillor,
                keyword=keyword,
                kind=ProposalKind.STRIKE,
                withdrawn_at__isnull=True,
            ), False
    return proposal, True


def proposal_add(
    *, round: CouncillorRound, councillor, label: str, reason: str
) -> tuple[CouncillorProposal, bool]:
    """Propose adding a missing keyword. Returns (proposal, created)."""
    label = clean_label(label)
    reason = _clean_reason(reason)
    key = label.casefold()
    with transaction.atomic():
        locked = _locked_open_round(round)
        membership = _councillor_membership(locked, councillor)
        # The snapshot is bounded (ROUND_KEYWORDS_MAX), so comparing in Python, with the
        # same cleaning and case folding as everywhere else, stays cheap.
        listed = RoundKeyword.objects.filter(round=locked).values_list(
            "label", "keyword__base_form"
        )
        for listed_label, base_form in listed:
            if key in (label_key(listed_label), label_key(base_form)):
                raise RoundError(
                    _("“%(label)s” is already on the list. Leave it unstruck to keep it.")
                    % {"label": listed_label}
                )
        existing = CouncillorProposal.objects.filter(
            round=locked,
            councillor=councillor,
            kind=ProposalKind.ADD,
            withdrawn_at__isnull=True,
            label_key=key,
        ).first()
        if existing:
            return existing, False
        proposal = CouncillorProposal.objects.create(
            round=locked,
            councillor=councillor,
            party=membership.party,
            kind=ProposalKind.ADD,
            label=label,
            label_key=key,
            reason=reason,
        )
    return proposal, True


def proposal_withdraw(*, proposal: CouncillorProposal, by) -> CouncillorProposal:
    """The councillor takes back their own proposal while the round takes proposals.
    Withdrawing twice changes nothing; the proposal stays on record as withdrawn."""
    if proposal.councillor_id != getattr(by, "pk", None):
        raise RoundError(_("You can only withdraw your own proposals."))
    with transaction.atomic():
        _locked_open_round(proposal.round)
        locked = CouncillorProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.withdrawn_at is None:
            locked.withdrawn_at = timezone.now()
            locked.save(update_fields=["withdrawn_at"])
    proposal.withdrawn_at = locked.withdrawn_at
    return proposal


# --- publishing -----------------------------------------------------------------------


def _publish_source(round: CouncillorRound | None, consultation: Consultation):
    """(keyword id, label, respondents, added by staff) in list order: the round's
    snapshot when publishing a round, otherwise the curated list as it is now."""
    if round is not None:
        return (
            RoundKeyword.objects.filter(round=round)
            .order_by("position")
            .values_list("keyword_id", "label", "respondents", "keyword__created_by_staff")
        )
    return round_list.curated_keywords(consultation).values_list(
        "pk", "label", "respondents", "created_by_staff"
    )


def _check_unrounded_list_size(consultation: Consultation) -> None:
    """A list published without a round is the curated list as it is now: bounded like a
    round's, since residents sort it (60,000 extraction candidates are no list)."""
    count = round_list.curated_keywords(consultation).count()
    if count > round_list.ROUND_KEYWORDS_MAX:
        raise RoundError(
            _(
                "The curated list has %(count)d keywords; a published list takes at most "
                "%(max)d. Keep the keywords for sorting in the keyword table first."
            )
            % {"count": count, "max": round_list.ROUND_KEYWORDS_MAX}
        )


@dataclass(frozen=True)
class Acceptance:
    """What staff accept from a round: strikes by keyword id, additions by label key."""

    strikes: frozenset[int] = field(default_factory=frozenset)
    additions: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, strikes: Iterable[int] = (), additions: Iterable[str] = ()) -> Acceptance:
        return cls(frozenset(int(s) for s in strikes), frozenset(label_key(a) for a in additions))


def pending_round(consultation: Consultation) -> CouncillorRound | None:
    """The latest closed round when no version was published from it yet: what the
    councillors decided last and nobody has published. Publishing without naming a round
    publishes this one (its proposals accepted unless staff choose otherwise), so the
    rounds overview and the round's page can never publish different lists."""
    latest = CouncillorRound.objects.filter(consultation=consultation, closed_at__isnull=False)
    latest = latest.order_by("-closed_at", "-pk").first()
    if latest is None or KeywordList.objects.filter(source_round=latest).exists():
        return None
    return latest


def accept_every_proposal(round: CouncillorRound) -> Acceptance:
    """Every active proposal of the round, as the round's page ticks them by default."""
    active = CouncillorProposal.objects.filter(round=round, withdrawn_at__isnull=True)
    return Acceptance.of(
        strikes=[p.keyword_id for p in active if p.kind == ProposalKind.STRIKE],
        additions=[p.label for p in active if p.kind == ProposalKind.ADD],
    )


@dataclass
class PublicationPlan:
    """What publishing would make, before it is made: the one computation behind the
    preview and the publish itself."""

    consultation: Consultation
    round: CouncillorRound | None  # the round whose snapshot is the source, if any
    round_named: bool  # False: no round was named and the pending one was taken
    snapshot: bool  # the round's snapshot is the source (else the curated list as it is)
    version: int  # the version this would become
    previous: KeywordList | None
    items: list[KeywordListItem]
    accepted: list[CouncillorProposal]
    struck: list[str]  # labels left out because an accepted strike struck them
    added: list[str]  # labels the accepted additions put at the end
    clashes: list[str]  # labels more than one keyword carries: publishing is refused

    @property
    def error(self):
        if not self.clashes:
            return None
        return _(
            "More than one keyword is called %(labels)s. Merge or rename them in the "
            "keyword table before publishing."
        ) % {"labels": ", ".join(f"“{label}”" for label in self.clashes)}


def keyword_list_plan(
    *,
    consultation: Consultation,
    round: CouncillorRound | None = None,
    accept: Acceptance | None = None,
) -> PublicationPlan:
    """The list a publish would make, without writing anything.

    With ``round``: that (closed) round's snapshot decides, minus the strikes and plus the
    additions in ``accept`` (None accepts none). Without: the pending round (see
    ``pending_round``) with ``accept`` or else every proposal; with no pending round, the
    curated list as it is now, the latest version's accepted proposals carried forward.
    """
    previous = KeywordList.objects.filter(consultation=consultation).first()
    round_named = round is not None
    if round is None:
        round = pending_round(consultation)
        if round is not None and accept is None:
            accept = accept_every_proposal(round)
    if round is not None:
        if round.consultation_id != consultation.pk:
            raise RoundError(_("That round belongs to another consultation."))
        round.refresh_from_db(fields=["closed_at"])
        if round.is_open:
            raise RoundError(_("Close the round before you publish its result."))
        accept = accept or Acceptance()
        # Earlier rounds' decisions stand; this round's are decided afresh.
        carried = (
            [p for p in previous.accepted_proposals.all() if p.round_id != round.pk]
            if previous
            else []
        )
        accepted = carried + [
            p
            for p in CouncillorProposal.objects.filter(round=round, withdrawn_at__isnull=True)
            if (p.kind == ProposalKind.STRIKE and p.keyword_id in accept.strikes)
            or (p.kind == ProposalKind.ADD and label_key(p.label) in accept.additions)
        ]
        source_round = round
    else:
        _check_unrounded_list_size(consultation)
        if previous is not None:
            source_round = previous.source_round
            accepted = list(previous.accepted_proposals.all())
        else:
            source_round, accepted = None, []

    struck_ids = {p.keyword_id for p in accepted if p.kind == ProposalKind.STRIKE}
    items: list[KeywordListItem] = []
    seen: set[str] = set()
    clashes: list[str] = []
    struck: list[str] = []
    for keyword_id, label, respondents, by_staff in _publish_source(round, consultation):
        key = label_key(label)
        if keyword_id in struck_ids:
            struck.append(label)
            continue
        if key in seen:
            # Two keywords residents would read as one (a rename, then new answers):
            # publishing one would silently drop the other and its respondents.
            clashes.append(label)
            continue
        seen.add(key)
        items.append(
            KeywordListItem(
                keyword_id=keyword_id,
                label=label,
                origin=ItemOrigin.STAFF if by_staff else ItemOrigin.CURATED,
                respondents=respondents,
            )
        )
    added: list[str] = []
    for proposal in accepted:
        key = label_key(proposal.label)
        if proposal.kind != ProposalKind.ADD or key in seen:
            continue
        seen.add(key)
        added.append(proposal.label)
        items.append(
            KeywordListItem(label=proposal.label, origin=ItemOrigin.COUNCILLOR, respondents=0)
        )
    for position, item in enumerate(items, start=1):
        item.position = position
    return PublicationPlan(
        consultation=consultation,
        round=source_round,
        round_named=round_named,
        snapshot=round is not None,
        version=(previous.version if previous else 0) + 1,
        previous=previous,
        items=items,
        accepted=accepted,
        struck=struck,
        added=added,
        clashes=clashes,
    )


def keyword_list_publish(
    *,
    consultation: Consultation,
    by,
    round: CouncillorRound | None = None,
    accept: Acceptance | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> KeywordList:
    """Publish a new version: what ``keyword_list_plan`` shows for the same arguments,
    each item frozen as of now. ``expected_version`` is the version the preview showed:
    when someone published in between, the preview is stale and publishing is refused.
    """
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise RoundError(_("The note is too long: at most %(max)d characters.") % {"max": NOTE_MAX})
    with transaction.atomic():
        # Lock the consultation so two publishes get consecutive versions, not a clash.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        plan = keyword_list_plan(consultation=consultation, round=round, accept=accept)
        if expected_version is not None and plan.version != expected_version:
            raise RoundError(
                _(
                    "Version %(version)d was published while you were reviewing. "
                    "Review the list again before publishing."
                )
                % {"version": plan.version - 1}
            )
        if plan.error:
            raise RoundError(plan.error)
        keyword_list = KeywordList.objects.create(
            consultation=consultation,
            version=plan.version,
            source_round=plan.round,
            note=note,
            published_by=by,
        )
        for item in plan.items:
            item.keyword_list = keyword_list
        KeywordListItem.objects.bulk_create(plan.items)
        keyword_list.accepted_proposals.set(plan.accepted)
        # Residents who asked to hear about the results get their one e-mail. `robust`:
        # a broker outage never undoes a publish; the addresses wait for the next one.
        transaction.on_commit(
            partial(results_subscribers_notify.delay, consultation.pk), robust=True
        )
    return keyword_list
