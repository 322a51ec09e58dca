"""Writes to the municipality and process core. Views, the admin and commands call these."""

from collections.abc import Callable

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import contrast, files, logos
from .models import (
    Membership,
    Milestone,
    Municipality,
    Phase,
    PopulationMargin,
    ProposalState,
    ProposedInitiative,
    Role,
    Track,
    User,
    Versioned,
    VisionProcess,
)
from .text import clean_text, has_visible_text


class StaleVersion(Exception):
    """An edit started from a version someone has saved over since (optimistic locking,
    models.Versioned): refused, so nobody silently overwrites a colleague's change.

    The one such error: every versioned edit raises it (or a subclass of it, e.g.
    keywords.curation.services.StaleVersion); ``message`` says what to do, translated."""

    def __init__(self, message: str | None = None):
        self.message = message or _(
            "Someone else saved this while you were editing. Your changes are still in "
            "the form: review the current version and save again."
        )
        super().__init__(self.message)


def unique_process_slug(*, municipality: Municipality, title: str) -> str:
    base = slugify(title)[:70] or "process"
    slug, n = base, 2
    while VisionProcess.objects.filter(municipality=municipality, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save_new(instance: Model) -> Model:
    instance.full_clean()
    instance.save()
    return instance


def version_check(
    current: Versioned,
    expected_version: int | None,
    *,
    error: type[StaleVersion] = StaleVersion,
    message: str | None = None,
) -> None:
    """Refuse the edit (raise `error`) when `current`, read under a row lock, is no longer
    at the version the editor started from. None: the caller read no version (an action
    that does not depend on what the editor saw)."""
    if expected_version is not None and current.version != expected_version:
        raise error(message)


def versioned_save(instance: Versioned, *, update_fields: list[str] | None = None) -> None:
    """Save a locked, checked instance as its next version."""
    instance.version += 1
    instance.save(update_fields=None if update_fields is None else [*update_fields, "version"])


def versioned_update(instance: Versioned, *, expected_version: int, fields: dict) -> Model:
    """Apply `fields` to `instance` if nobody saved it since `expected_version`."""
    model = type(instance)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=instance.pk)
        version_check(current, expected_version)
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        versioned_save(current)
    return current


def process_create(
    *,
    municipality: Municipality,
    title: str,
    slug: str = "",
    target_year: int | None = None,
    summary: str = "",
    is_public: bool = False,
) -> VisionProcess:
    return _save_new(
        VisionProcess(
            municipality=municipality,
            title=title,
            slug=slug or unique_process_slug(municipality=municipality, title=title),
            target_year=target_year,
            summary=summary,
            is_public=is_public,
        )
    )


def process_update(*, process: VisionProcess, expected_version: int, **fields) -> VisionProcess:
    return versioned_update(process, expected_version=expected_version, fields=fields)


def phase_create(*, process: VisionProcess, **fields) -> Phase:
    return _save_new(Phase(process=process, **fields))


def track_create(*, process: VisionProcess, **fields) -> Track:
    return _save_new(Track(process=process, **fields))


def milestone_create(*, process: VisionProcess, track: Track | None = None, **fields) -> Milestone:
    _check_track_belongs(process, track)
    return _save_new(Milestone(process=process, track=track, **fields))


def process_part_update(*, part: Phase | Track | Milestone, expected_version: int, **fields):
    if isinstance(part, Milestone):
        _check_track_belongs(part.process, fields.get("track"))
    return versioned_update(part, expected_version=expected_version, fields=fields)


def process_part_delete(*, part: Phase | Track | Milestone) -> None:
    part.delete()


def _check_track_belongs(process: VisionProcess, track: Track | None) -> None:
    if track is not None and track.process_id != process.pk:
        raise ValueError("A milestone's track must belong to the same process")


def expired_sessions_clear() -> int:
    """Expired sessions hold nothing anyone may use; the database should not keep them."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


class MembershipError(Exception):
    """A membership change that would break a rule (shown to the admin as is)."""


def member_add(*, municipality: Municipality, email: str, role: str, party: str = ""):
    """Give a person a role in a municipality, creating their account if needed.

    Returns (membership, created_user). A new account has no usable password: the caller
    sends the invitation to set one.
    """
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created_user = user is None
        if created_user:
            user = User.objects.create_user(email=email, password=None)
        if Membership.objects.filter(user=user, municipality=municipality).exists():
            raise MembershipError(_("This person is already a member of the municipality."))
        membership = Membership.objects.create(
            user=user, municipality=municipality, role=role, party=party
        )
    return membership, created_user


def _ensure_an_admin_remains(membership: Membership) -> None:
    others = Membership.objects.filter(
        municipality=membership.municipality, role=Role.ADMIN
    ).exclude(pk=membership.pk)
    if membership.role == Role.ADMIN and not others.exists():
        raise MembershipError(
            _("A municipality needs at least one administrator. Appoint another one first.")
        )


def member_change(*, membership: Membership, role: str, party: str = "") -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if role != Role.ADMIN:
            _ensure_an_admin_remains(membership)
        membership.role, membership.party = role, party
        membership.save(update_fields=["role", "party"])
    return membership


def member_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _ensure_an_admin_remains(membership)
        membership.delete()


@transaction.atomic
def population_margins_replace(
    *, municipality: Municipality, margins: dict[str, dict[str, int]], source="", year=None
) -> None:
    """All or nothing: each dimension in `margins` (as population.parse_margins gives them)
    becomes exactly its groups; dimensions not in `margins` keep their figures."""
    for dimension, groups in margins.items():
        PopulationMargin.objects.filter(municipality=municipality, dimension=dimension).delete()
        PopulationMargin.objects.bulk_create(
            PopulationMargin(
                municipality=municipality,
                dimension=dimension,
                group=group,
                population=population,
                source=source,
                year=year,
            )
            for group, population in groups.items()
        )


# The page colours an accent colour must be readable on (static/css/visionportal.css:
# --paper, --paper-alt, --info-bg): links and the current phase sit on each.
ACCENT_BACKGROUNDS = ("#ffffff", "#f3f5f6", "#e7f1f7")


class IdentityError(ValidationError):
    pass


def municipality_accent_set(*, municipality: Municipality, accent_colour: str) -> Municipality:
    """Set (or with "" clear) the municipality's accent colour, only if it meets WCAG AA
    (4.5:1, normal text, 1.4.3): white text on it (buttons, "we are here") and it as text
    (links) on every page background. Refused otherwise, with the measured ratio."""
    colour = (accent_colour or "").strip().lower()
    if colour:
        try:
            ratios = {bg: contrast.contrast_ratio(colour, bg) for bg in ACCENT_BACKGROUNDS}
        except ValueError:
            raise IdentityError(
                _("Enter the colour as # and six hex digits, like #0b4f6c.")
            ) from None
        worst_background, worst = min(ratios.items(), key=lambda item: item[1])
        if worst < contrast.AA_TEXT:
            raise IdentityError(
                _(
                    "%(colour)s is too light: its contrast with %(background)s is "
                    "%(ratio)s:1, and WCAG AA needs at least 4.5:1. Choose a darker shade."
                )
                % {
                    "colour": colour,
                    "background": worst_background,
                    # Rounded down: never show "4.50" for a ratio that fails.
                    "ratio": number_format(int(worst * 100) / 100, 2),
                }
            )
    municipality.accent_colour = colour
    municipality.save(update_fields=["accent_colour"])
    return municipality


LOGO_ERRORS = {
    "too_large": gettext_lazy("The file is larger than 1 MB. Save the logo smaller and try again."),
    "svg": gettext_lazy("SVG logos cannot be used. Upload the logo as PNG, JPEG or WebP."),
    "wrong_type": gettext_lazy(
        "The file is not a PNG, JPEG or WebP image. Upload the logo in one of them."
    ),
    "bomb": gettext_lazy(
        "The image has too many pixels (more than 16 million). Save it smaller and try again."
    ),
    "corrupt": gettext_lazy(
        "The image could not be read; the file may be damaged. Save it again and retry."
    ),
}


def _logo_error(code: str) -> IdentityError:
    # Translated when raised (the request's language), not at import.
    return IdentityError(str(LOGO_ERRORS[code]))


def municipality_logo_set(
    *, municipality: Municipality, data: bytes | None, alt: str
) -> Municipality:
    """Set the logo from an upload's bytes (cleaned by visionportal.logos) and its text
    alternative; with data None, only the text alternative changes (there must be a logo).
    The text alternative defaults to the municipality's name."""
    alt = " ".join((alt or "").split())[:150] or municipality.name
    old = municipality.logo
    if data is not None:
        try:
            clean = logos.clean_logo(data)
        except logos.LogoError as error:
            raise _logo_error(error.code) from None
        name = f"logos/{municipality.pk}/{clean.digest}.png"
        # Content-addressed: the same logo uploaded again is already there (the storage
        # would otherwise save a copy under another name).
        if not default_storage.exists(name):
            name = files.store_file(name=name, content=clean.png)
        municipality.logo = name
    elif not municipality.logo:
        raise IdentityError(_("Choose a logo file to upload."))
    municipality.logo_alt = alt
    municipality.save(update_fields=["logo", "logo_alt"])
    if old and old != municipality.logo:
        transaction.on_commit(lambda: files.delete_file(old))
    return municipality


def municipality_logo_remove(*, municipality: Municipality) -> Municipality:
    old = municipality.logo
    municipality.logo = ""
    municipality.logo_alt = ""
    municipality.save(update_fields=["logo", "logo_alt"])
    if old:
        transaction.on_commit(lambda: files.delete_file(old))
    return municipality


# --- Proposed initiatives ----------------------------------------------------------------

PROPOSAL_TITLE_MAX = 200
PROPOSAL_DESCRIPTION_MAX = 5000
DECLINE_REASON_MAX = 2000


class ProposalError(Exception):
    """A refused decision on a proposed initiative; ``message`` is translated."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


def _shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut + "…"


def initiative_propose(
    *,
    process: VisionProcess,
    title: str,
    description: str = "",
    source_kind: str,
    source_label: str,
    source_ref: str,
    source_url: str = "",
    by=None,
) -> tuple[ProposedInitiative, bool]:
    """Propose something to the follow-up as an initiative: (proposal, created).

    Once per source: proposing the same source again (a double press, two staff at once,
    a retry) returns the first proposal, whatever state it is in now."""
    existing = ProposedInitiative.objects.filter(
        process=process, source_kind=source_kind, source_ref=source_ref
    ).first()
    if existing is not None:
        return existing, False
    title = _shorten(title, PROPOSAL_TITLE_MAX)
    if not has_visible_text(title):
        raise ProposalError(_("The proposal needs a title."))
    proposal = ProposedInitiative(
        process=process,
        title=title,
        description=(description or "").strip()[:PROPOSAL_DESCRIPTION_MAX],
        source_kind=source_kind,
        source_label=_shorten(source_label, 300),
        source_ref=source_ref,
        source_url=source_url[:500],
        proposed_by=by,
    )
    proposal.full_clean(validate_constraints=False)
    try:
        # A savepoint: a colleague's proposal of the same source inserted since the check
        # above makes this one fail on the unique constraint, and theirs is returned.
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        return (
            ProposedInitiative.objects.get(
                process=process, source_kind=source_kind, source_ref=source_ref
            ),
            False,
        )
    return proposal, True


def _open_proposal(proposal: ProposedInitiative) -> ProposedInitiative:
    """The proposal's row, locked; refused unless it still waits for a decision (a
    colleague may have decided it since the page was read)."""
    current = ProposedInitiative.objects.select_for_update().get(pk=proposal.pk)
    if current.state != ProposalState.OPEN:
        raise ProposalError(
            _("A colleague has already decided on this proposal: %(state)s.")
            % {"state": current.get_state_display()}
        )
    return current


def initiative_proposal_accept(
    *, proposal: ProposedInitiative, by, create_initiative: Callable[[ProposedInitiative], int]
) -> ProposedInitiative:
    """Accept `proposal`: `create_initiative(proposal)` (the indicators app's) makes the
    initiative and returns its id. The proposal's row is locked first and must still be
    open, so two staff accepting at once make one initiative: the second waits for the
    first's commit and is then refused."""
    with transaction.atomic():
        current = _open_proposal(proposal)
        current.accepted_initiative_id = create_initiative(current)
        current.state = ProposalState.ACCEPTED
        current.decided_by = by
        current.decided_at = timezone.now()
        current.save(update_fields=["accepted_initiative_id", "state", "decided_by", "decided_at"])
    return current


def initiative_proposal_decline(
    *, proposal: ProposedInitiative, by, reason: str
) -> ProposedInitiative:
    """Decline `proposal` with a reason (required: whoever proposed it deserves one)."""
    reason = clean_text(reason)
    if not has_visible_text(reason):
        raise ProposalError(_("Give a reason for declining the proposal."))
    if len(reason) > DECLINE_REASON_MAX:
        raise ProposalError(
            _("Shorten the reason to at most %(limit)d characters.") % {"limit": DECLINE_REASON_MAX}
        )
    with transaction.atomic():
        current = _open_proposal(proposal)
        current.state = ProposalState.DECLINED
        current.decline_reason = reason
        current.decided_by = by
        current.decided_at = timezone.now()
        current.save(update_fields=["state", "decline_reason", "decided_by", "decided_at"])
    return current
