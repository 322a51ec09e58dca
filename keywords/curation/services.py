"""Staff curation of keywords: merge, split, rename, strike, restore, add, keep, undo.

Every action runs in one transaction that locks the keyword rows it reads
(``select_for_update``, in primary-key order so two staff never deadlock each other),
checks the version each row had when the staff member read it, writes the rows, bumps
their versions and records a KeywordAction with the curated fields before and after.

Merges stay one level deep: merging a keyword that others were merged into re-points those
to the new target, so a keyword's "root" is always ``merged_into or itself`` (what the
selectors count). Undo writes an action's ``before`` back as a new action of its own, and
refuses when a later action touched the same keywords (naming them) or the keywords no
longer look as the action left them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from consultations.models import Consultation
from keywords import tallies
from keywords.curation import suggestions
from keywords.models import ActionKind, Keyword, KeywordAction, KeywordStatus
from visionportal import services as versioning
from visionportal.models import VisionProcess
from visionportal.phases import Capability, process_allows, refusal_reason
from visionportal.text import clean_text

LABEL_MAX_LENGTH = Keyword._meta.get_field("label").max_length
BASE_FORM_MAX_LENGTH = Keyword._meta.get_field("base_form").max_length
REASON_MAX_LENGTH = KeywordAction._meta.get_field("reason").max_length

# Bidirectional embeddings, overrides and isolates: invisible, and able to make a label
# read differently from what it is ("Trojan source"). dir="auto" handles real RTL text.
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


class CurationError(Exception):
    """An action refused for a reason staff can act on; ``message`` is translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleVersion(CurationError, versioning.StaleVersion):
    """Someone changed a keyword after this staff member read it: a refused curation action,
    and the one optimistic-locking error (visionportal.services.StaleVersion)."""


class UndoRefused(CurationError):
    """An action cannot be undone (already undone, or later actions depend on it)."""


# --- validation -------------------------------------------------------------------------


def clean_label(label: str) -> str:
    """A label as stored (visionportal.text.clean_text): no control, bidi-override or invisible
    characters, single spaces. HTML stays text (templates escape it); emoji and
    right-to-left scripts are kept.
    """
    label = clean_text(label)
    if not label:
        raise CurationError(_("Write a label."))
    if len(label) > LABEL_MAX_LENGTH:
        raise CurationError(
            _("A label can be at most %(max)d characters (this one has %(count)d).")
            % {"max": LABEL_MAX_LENGTH, "count": len(label)}
        )
    return label


def clean_reason(reason: str, *, required: bool = False) -> str:
    reason = clean_text(reason)
    if required and not reason:
        raise CurationError(_("Give a reason."))
    if len(reason) > REASON_MAX_LENGTH:
        raise CurationError(
            _("A reason can be at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}
        )
    return reason


def label_base_form(label: str, home_language: str) -> str:
    """The base form extraction would give `label`: "Kollektivtrafiken" -> "kollektivtrafik".

    Each word goes through the extractor's own lemmatiser (in the label's language when it
    reads as English or Arabic), joined by single spaces as extracted phrases are. A label
    with no letters at all (emoji, digits) is its own base form, case-folded.
    """
    from keywords.extraction.extractor import HOME_LANGUAGES, base_form, detect_language
    from keywords.extraction.extractor import clean_text as without_markup

    words = [w.lower() for w in _WORD.findall(without_markup(label))]
    if not words:
        return unicodedata.normalize("NFC", label).casefold()[:BASE_FORM_MAX_LENGTH]
    language = detect_language(words, home_language)
    if language not in ("en", "ar"):
        language = home_language if home_language in HOME_LANGUAGES else "sv"
    return " ".join(base_form(w, language) for w in words)[:BASE_FORM_MAX_LENGTH]


# --- helpers ----------------------------------------------------------------------------

_DEADLOCK_DETECTED = "40P01"


@contextmanager
def _atomic() -> Iterator[None]:
    """A transaction; PostgreSQL breaking a lock cycle between two staff members' actions
    becomes a message to try again rather than a server error."""
    try:
        with transaction.atomic():
            yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != _DEADLOCK_DETECTED:
            raise
        raise CurationError(
            _("Someone else changed the same keywords at the same moment. Try again.")
        ) from error


def _versions(keyword: Keyword, version: int | None) -> dict[int, int] | None:
    return None if version is None else {keyword.pk: version}


def _state(keyword: Keyword) -> dict:
    """The curated fields of a keyword, as an action's before/after records them."""
    return {
        "label": keyword.label,
        "status": keyword.status,
        "merged_into": keyword.merged_into_id,
    }


def _apply(keyword: Keyword, state: Mapping) -> None:
    keyword.label = state["label"]
    keyword.status = state["status"]
    keyword.merged_into_id = state["merged_into"]


def _check_curation_allowed(consultation_id: int) -> None:
    """Curation follows the process's phases (visionportal.phases: from the start of a
    phase for it onwards)."""
    process = VisionProcess.objects.prefetch_related("phases").get(consultations=consultation_id)
    if not process_allows(process, Capability.CURATE_KEYWORDS):
        raise CurationError(
            " ".join(
                [
                    _("Keywords cannot be curated in this process yet."),
                    refusal_reason(process, Capability.CURATE_KEYWORDS),
                ]
            )
        )


def _pk(keyword: Keyword | int) -> int:
    return keyword if isinstance(keyword, int) else keyword.pk


def quoted(label: str) -> str:
    return _("“%(label)s”") % {"label": label}


def _lock(consultation_id: int, pks: Iterable[int]) -> dict[int, Keyword]:
    """Lock the keywords (in pk order, so concurrent actions queue instead of deadlocking)."""
    pks = sorted(set(pks))
    locked = {
        k.pk: k
        for k in Keyword.objects.select_for_update()
        .filter(consultation_id=consultation_id, pk__in=pks)
        .order_by("pk")
    }
    if len(locked) != len(pks):
        raise CurationError(_("A keyword was removed meanwhile. Reload the page and try again."))
    return locked


def _check_versions(locked: Mapping[int, Keyword], versions: Mapping[int, int] | None) -> None:
    if not versions:
        return
    for pk, version in sorted(versions.items()):
        keyword = locked.get(pk)
        if keyword is not None and keyword.version != version:  # the message only when stale
            versioning.version_check(
                keyword,
                version,
                error=StaleVersion,
                message=_(
                    "Someone else changed %(keyword)s while you were working on it. "
                    "Check the keyword as it is now and try again."
                )
                % {"keyword": quoted(keyword.label)},
            )


def _save(keywords: Iterable[Keyword]) -> None:
    for keyword in keywords:
        versioning.versioned_save(keyword, update_fields=["label", "status", "merged_into"])


def _record(
    *,
    consultation_id: int,
    kind: str,
    by,
    reason: str,
    before: Mapping[int, dict],
    after: Mapping[int, dict],
    touched: Iterable[Keyword],
    undoes: KeywordAction | None = None,
) -> KeywordAction:
    action = KeywordAction.objects.create(
        consultation_id=consultation_id,
        kind=kind,
        actor=by,
        reason=reason,
        before={str(pk): state for pk, state in before.items()},
        after={str(pk): state for pk, state in after.items()},
        undoes=undoes,
    )
    action.keywords.set(sorted({k.pk for k in touched}))
    # A keyword that moved between merge targets takes its respondents along: recount it,
    # the keyword it left and the one it joined (the others' counts do not change).
    moved: set[int] = set()
    for pk in {*before, *after}:
        was, now = before.get(pk) or {}, after.get(pk) or {}
        if was.get("merged_into") != now.get("merged_into"):
            moved.update(int(x) for x in (pk, was.get("merged_into"), now.get("merged_into")) if x)
    tallies.keyword_tallies_recount(consultation_id=consultation_id, keyword_ids=moved)
    if moved:
        # A merge, split or undo changes which keywords are roots and their respondents.
        suggestions.merge_suggestions_refresh(consultation_id=consultation_id)
    return action


def _change(
    keyword: Keyword,
    *,
    kind: str,
    by,
    reason: str,
    version: int | None,
    allowed: Sequence[str],
    refusal: str,
    **fields,
) -> KeywordAction:
    """One keyword, one change of its curated fields, when its status is in `allowed`."""
    _check_curation_allowed(keyword.consultation_id)
    with _atomic():
        locked = _lock(keyword.consultation_id, [keyword.pk])
        _check_versions(locked, _versions(keyword, version))
        current = locked[keyword.pk]
        if current.status not in allowed:
            raise CurationError(refusal % {"keyword": quoted(current.label)})
        before = _state(current)
        for name, value in fields.items():
            setattr(current, name, value)
        _save([current])
        action = _record(
            consultation_id=current.consultation_id,
            kind=kind,
            by=by,
            reason=reason,
            before={current.pk: before},
            after={current.pk: _state(current)},
            touched=[current],
        )
    _refresh(keyword, current)
    return action


def _refresh(keyword: Keyword, current: Keyword) -> None:
    """Let the caller's instance reflect what was written (views render it next)."""
    if keyword is not current:
        for name in ("label", "status", "merged_into_id", "version"):
            setattr(keyword, name, getattr(current, name))


_ACTIVE = (KeywordStatus.CANDIDATE, KeywordStatus.KEPT)


# --- actions ----------------------------------------------------------------------------


def keyword_merge(
    *,
    keywords: Sequence[Keyword],
    into: Keyword,
    by,
    reason: str = "",
    versions: Mapping[int, int] | None = None,
) -> KeywordAction:
    """Merge `keywords` into `into`; keywords merged into them are re-pointed to `into`.

    `versions` maps keyword pks to the versions the staff member read (the target's may be
    left out: renaming the target meanwhile does not change what the merge means).
    """
    reason = clean_reason(reason)
    _check_curation_allowed(into.consultation_id)
    sources = sorted({_pk(k) for k in keywords} - {into.pk})
    if not sources:
        raise CurationError(_("Choose at least one keyword to merge into the target."))
    with _atomic():
        locked = _lock(into.consultation_id, [*sources, into.pk])
        _check_versions(locked, versions)
        target = locked[into.pk]
        if target.status == KeywordStatus.MERGED:
            raise CurationError(
                _("%(keyword)s has itself been merged into another keyword; choose that one.")
                % {"keyword": quoted(target.label)}
            )
        if target.status == KeywordStatus.STRUCK:
            raise CurationError(
                _("%(keyword)s is struck. Restore it before merging into it.")
                % {"keyword": quoted(target.label)}
            )
        for pk in sources:
            if locked[pk].status == KeywordStatus.MERGED:
                raise CurationError(
                    _("%(keyword)s is already merged into another keyword.")
                    % {"keyword": quoted(locked[pk].label)}
                )
        # Read after the sources are locked: a merge into one of them committed meanwhile
        # is seen here and re-pointed, so the tree stays one level deep.
        children = list(
            Keyword.objects.select_for_update()
            .filter(merged_into_id__in=sources)
            .exclude(pk__in=[*sources, into.pk])
            .order_by("pk")
        )
        changed = [locked[pk] for pk in sources] + children
        # A keyword kept for sorting keeps its place through the target it goes into;
        # otherwise merging it would drop it from (or reshape) the list councillors see.
        keeps = target.status == KeywordStatus.CANDIDATE and any(
            k.status == KeywordStatus.KEPT for k in changed
        )
        written = [*changed, target] if keeps else changed
        before = {k.pk: _state(k) for k in written}
        for keyword in changed:
            keyword.status = KeywordStatus.MERGED
            keyword.merged_into_id = target.pk
        if keeps:
            target.status = KeywordStatus.KEPT
        _save(written)
        return _record(
            consultation_id=target.consultation_id,
            kind=ActionKind.MERGE,
            by=by,
            reason=reason,
            before=before,
            after={k.pk: _state(k) for k in written},
            touched=[*changed, target],
        )


def keyword_split(
    *, keyword: Keyword, by, reason: str = "", version: int | None = None
) -> KeywordAction:
    """Take one keyword back out of the keyword it was merged into."""
    reason = clean_reason(reason)
    _check_curation_allowed(keyword.consultation_id)
    # Lock the keyword and its target together, in pk order like every other action.
    target_id = Keyword.objects.filter(pk=keyword.pk).values_list("merged_into_id", flat=True)
    target_id = next(iter(target_id), None)
    with _atomic():
        locked = _lock(keyword.consultation_id, [keyword.pk, *([target_id] if target_id else [])])
        _check_versions(locked, _versions(keyword, version))
        current = locked[keyword.pk]
        if current.status != KeywordStatus.MERGED:
            raise CurationError(
                _("%(keyword)s is not merged into another keyword.")
                % {"keyword": quoted(current.label)}
            )
        if current.merged_into_id != target_id:
            raise StaleVersion(
                _("Someone else merged %(keyword)s again meanwhile. Reload the page and try again.")
                % {"keyword": quoted(current.label)}
            )
        before = _state(current)
        current.status = KeywordStatus.CANDIDATE
        current.merged_into_id = None
        _save([current])
        action = _record(
            consultation_id=current.consultation_id,
            kind=ActionKind.SPLIT,
            by=by,
            reason=reason,
            before={current.pk: before},
            after={current.pk: _state(current)},
            touched=[current, locked[target_id]],
        )
    _refresh(keyword, current)
    return action


def keyword_rename(
    *, keyword: Keyword, label: str, by, reason: str = "", version: int | None = None
) -> KeywordAction:
    """Change the label residents will see (the base form answers are grouped by stays)."""
    label = clean_label(label)
    reason = clean_reason(reason)
    _check_curation_allowed(keyword.consultation_id)
    with _atomic():
        locked = _lock(keyword.consultation_id, [keyword.pk])
        _check_versions(locked, _versions(keyword, version))
        current = locked[keyword.pk]
        if label == current.label:
            raise CurationError(_("The label is unchanged."))
        clash = (
            Keyword.objects.filter(consultation_id=current.consultation_id, label__iexact=label)
            .exclude(pk=current.pk)
            .exclude(status=KeywordStatus.MERGED)
            .first()
        )
        if clash is not None:
            raise CurationError(
                _("Another keyword is already called %(keyword)s. Merge the two instead.")
                % {"keyword": quoted(clash.label)}
            )
        before = _state(current)
        current.label = label
        _save([current])
        action = _record(
            consultation_id=current.consultation_id,
            kind=ActionKind.RENAME,
            by=by,
            reason=reason,
            before={current.pk: before},
            after={current.pk: _state(current)},
            touched=[current],
        )
    _refresh(keyword, current)
    return action


def keyword_strike(
    *, keyword: Keyword, reason: str, by, version: int | None = None
) -> KeywordAction:
    """Strike a keyword from the list (it stays, with its answers, and can be restored)."""
    return _change(
        keyword,
        kind=ActionKind.STRIKE,
        by=by,
        reason=clean_reason(reason, required=True),
        version=version,
        allowed=_ACTIVE,
        refusal=_("%(keyword)s cannot be struck: it is already struck or merged."),
        status=KeywordStatus.STRUCK,
    )


def keyword_restore(
    *, keyword: Keyword, by, reason: str = "", version: int | None = None
) -> KeywordAction:
    return _change(
        keyword,
        kind=ActionKind.RESTORE,
        by=by,
        reason=clean_reason(reason),
        version=version,
        allowed=[KeywordStatus.STRUCK],
        refusal=_("%(keyword)s is not struck."),
        status=_status_before_strike(keyword),
    )


def _status_before_strike(keyword: Keyword) -> str:
    """Kept for sorting again if it was when struck (the strike's `before` says)."""
    strike = (
        KeywordAction.objects.filter(kind=ActionKind.STRIKE, keywords=keyword)
        .order_by("-created_at", "-pk")
        .first()
    )
    state = (strike.before or {}).get(str(keyword.pk), {}) if strike else {}
    if state.get("status") == KeywordStatus.KEPT:
        return KeywordStatus.KEPT
    return KeywordStatus.CANDIDATE


def keyword_keep(
    *, keyword: Keyword, by, reason: str = "", version: int | None = None
) -> KeywordAction:
    """Keep a keyword for the sorting game, whatever its count."""
    return _change(
        keyword,
        kind=ActionKind.KEEP,
        by=by,
        reason=clean_reason(reason),
        version=version,
        allowed=[KeywordStatus.CANDIDATE],
        refusal=_("%(keyword)s cannot be kept for sorting: it is kept, struck or merged."),
        status=KeywordStatus.KEPT,
    )


def keyword_unkeep(
    *, keyword: Keyword, by, reason: str = "", version: int | None = None
) -> KeywordAction:
    return _change(
        keyword,
        kind=ActionKind.UNKEEP,
        by=by,
        reason=clean_reason(reason),
        version=version,
        allowed=[KeywordStatus.KEPT],
        refusal=_("%(keyword)s is not kept for sorting."),
        status=KeywordStatus.CANDIDATE,
    )


def keyword_add(*, consultation: Consultation, label: str, by, reason: str = "") -> KeywordAction:
    """Add a keyword by hand; its base form (normalised as extraction does) must be new."""
    label = clean_label(label)
    reason = clean_reason(reason)
    _check_curation_allowed(consultation.pk)
    language = consultation.process.municipality.default_language
    base_form = label_base_form(label, language)
    with _atomic():
        existing = (
            Keyword.objects.filter(consultation=consultation, base_form=base_form)
            .select_related("merged_into")
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    keyword = Keyword.objects.create(
                        consultation=consultation,
                        label=label,
                        base_form=base_form,
                        created_by_staff=True,
                    )
            except IntegrityError:  # added by someone else (or extraction) just now
                existing = Keyword.objects.select_related("merged_into").get(
                    consultation=consultation, base_form=base_form
                )
        if existing is not None:
            raise CurationError(_already_exists(existing))
        return _record(
            consultation_id=consultation.pk,
            kind=ActionKind.ADD,
            by=by,
            reason=reason,
            before={},
            after={keyword.pk: _state(keyword)},
            touched=[keyword],
        )


def _already_exists(existing: Keyword) -> str:
    keyword = quoted(existing.label)
    if existing.status == KeywordStatus.MERGED:
        return _("The keyword already exists as %(keyword)s, merged into %(target)s.") % {
            "keyword": keyword,
            "target": quoted(existing.merged_into.label),
        }
    if existing.status == KeywordStatus.STRUCK:
        return _("The keyword already exists as %(keyword)s, struck. Restore it instead.") % {
            "keyword": keyword
        }
    return _("The keyword already exists as %(keyword)s.") % {"keyword": keyword}


# --- undo -------------------------------------------------------------------------------
