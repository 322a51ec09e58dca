"""Writing the councillors' round and the published keyword lists (seed 000: "förtroendevalda
ges möjlighet att stryka och komplettera").

Decisions, so the views, the sorting game and the decision pack can rely on them:

- **The round's list is the curated list, live.** A keyword is on it when it is neither
  struck nor merged away; when staff have marked any keyword "keep for sorting", only
  those marked are on it. Curation may go on while a round is open; councillors see
  the list as it is now, and a strike of a keyword that has since left the list stays on
  record (shown as such) but changes nothing when publishing.
- **Proposals close at the end of ``closes_on``** (local date), even before staff close
  the round; staff closing the round is what makes everyone's proposals visible.
- **An addition equal to a keyword already on the list is refused** with a message
  saying so (comparison ignores case and spacing): there is nothing to add, and a
  councillor who wants to keep a keyword simply does not strike it. Additions equal to a
  keyword that is struck or not on the list are allowed: that is exactly what they are for.
- **Double submits are no-ops**: a second strike of the same keyword, or a second addition
  of the same label, by the same councillor returns the first proposal unchanged
  (``created`` is False). Withdraw first to change a reason.
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

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import Consultation
from keywords.curation.selectors import KeywordRow, root_keywords
from keywords.models import (
    CouncillorProposal,
    CouncillorRound,
    ItemOrigin,
    Keyword,
    KeywordList,
    KeywordListItem,
    KeywordStatus,
    ProposalKind,
)
from keywords.text import clean_text
from visionportal.models import Membership, Role

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


# --- the curated list ---------------------------------------------------------------


def curated_keywords(consultation: Consultation) -> list:
    """The keyword table's rows that make up the curated list, most respondents first."""
    rows = [
        KeywordRow(keyword=k, respondents=k.respondents)
        for k in root_keywords(consultation).exclude(status=KeywordStatus.STRUCK)
    ]
    if any(r.keyword.kept_for_sorting for r in rows):
        rows = [r for r in rows if r.keyword.kept_for_sorting]
    return rows


def _on_curated_list(keyword: Keyword) -> bool:
    if keyword.status in (KeywordStatus.STRUCK, KeywordStatus.MERGED):
        return False
    if keyword.kept_for_sorting:
        return True
    return not Keyword.objects.filter(
        consultation_id=keyword.consultation_id, status=KeywordStatus.KEPT
    ).exists()


# --- rounds ---------------------------------------------------------------------------


def round_open(
    *,
    consultation: Consultation,
    by,
    title: str = "",
    instructions: str = "",
    others_visible_while_open: bool = False,
    closes_on: datetime.date | None = None,
) -> CouncillorRound:
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
    if not curated_keywords(consultation):
        raise RoundError(_("There are no keywords to put before the councillors yet."))
    try:
        with transaction.atomic():
            return CouncillorRound.objects.create(
                consultation=consultation,
                title=title,
                instructions=instructions,
                others_visible_while_open=others_visible_while_open,
                closes_on=closes_on,
                opened_by=by,
            )
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
        if keyword.consultation_id != locked.consultation_id or not _on_curated_list(keyword):
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
        for row in curated_keywords(locked.consultation):
            if key in (label_key(row.keyword.label), label_key(row.keyword.base_form)):
                raise RoundError(
                    _("“%(label)s” is already on the list. Leave it unstruck to keep it.")
                    % {"label": row.keyword.label}
                )
        for existing in CouncillorProposal.objects.filter(
            round=locked, councillor=councillor, kind=ProposalKind.ADD, withdrawn_at__isnull=True
        ):
            if label_key(existing.label) == key:
                return existing, False
        proposal = CouncillorProposal.objects.create(
            round=locked,
            councillor=councillor,
            party=membership.party,
            kind=ProposalKind.ADD,
            label=label,
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


@dataclass(frozen=True)
class Acceptance:
    """What staff accept from a round: strikes by keyword id, additions by label key."""

    strikes: frozenset[int] = field(default_factory=frozenset)
    additions: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, strikes: Iterable[int] = (), additions: Iterable[str] = ()) -> Acceptance:
        return cls(frozenset(int(s) for s in strikes), frozenset(label_key(a) for a in additions))


def accept_all(round: CouncillorRound) -> Acceptance:
    active = CouncillorProposal.objects.filter(round=round, withdrawn_at__isnull=True)
    return Acceptance.of(
        strikes=[p.keyword_id for p in active if p.kind == ProposalKind.STRIKE],
        additions=[p.label for p in active if p.kind == ProposalKind.ADD],
    )


def keyword_list_publish(
    *,
    consultation: Consultation,
    by,
    round: CouncillorRound | None = None,
    accept: Acceptance | None = None,
    note: str = "",
) -> KeywordList:
    """Publish a new version: the curated list as it is now, minus the accepted strikes,
    plus the accepted additions, each item frozen as of now.

    With ``round``: that (closed) round's proposals decide; ``accept`` None accepts none.
    Without: the latest version's round and accepted proposals carry forward.
    """
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise RoundError(_("The note is too long: at most %(max)d characters.") % {"max": NOTE_MAX})
    with transaction.atomic():
        # Lock the consultation so two publishes get consecutive versions, not a clash.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        previous = KeywordList.objects.filter(consultation=consultation).first()
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
        elif previous is not None:
            source_round = previous.source_round
            accepted = list(previous.accepted_proposals.all())
        else:
            source_round, accepted = None, []

        struck = {p.keyword_id for p in accepted if p.kind == ProposalKind.STRIKE}
        items: list[KeywordListItem] = []
        seen: set[str] = set()
        clashes: list[str] = []
        for row in curated_keywords(consultation):
            key = label_key(row.keyword.label)
            if row.keyword.pk in struck:
                continue
            if key in seen:
                # Two keywords residents would read as one (a rename, then new answers):
                # publishing one would silently drop the other and its respondents.
                clashes.append(row.keyword.label)
                continue
            seen.add(key)
            items.append(
                KeywordListItem(
                    keyword=row.keyword,
                    label=row.keyword.label,
                    origin=ItemOrigin.STAFF if row.keyword.created_by_staff else ItemOrigin.CURATED,
                    respondents=row.respondents,
                )
            )
        if clashes:
            raise RoundError(
                _(
                    "More than one keyword is called %(labels)s. Merge or rename them in the "
                    "keyword table before publishing."
                )
                % {"labels": ", ".join(f"“{label}”" for label in clashes)}
            )
        for proposal in accepted:
            key = label_key(proposal.label)
            if proposal.kind != ProposalKind.ADD or key in seen:
                continue
            seen.add(key)
            items.append(
                KeywordListItem(label=proposal.label, origin=ItemOrigin.COUNCILLOR, respondents=0)
            )

        version = (previous.version if previous else 0) + 1
        keyword_list = KeywordList.objects.create(
            consultation=consultation,
            version=version,
            source_round=source_round,
            note=note,
            published_by=by,
        )
        for position, item in enumerate(items, start=1):
            item.keyword_list = keyword_list
            item.position = position
        KeywordListItem.objects.bulk_create(items)
        keyword_list.accepted_proposals.set(accepted)
    return keyword_list
