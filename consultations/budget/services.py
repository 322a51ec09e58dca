"""Everything that writes to a participatory budget: setting it up, proposals, supports,
moderation, assessment, voting codes, ballots and results."""

import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visionportal import files, images
from visionportal.models import ProposalSource, ProposedInitiative
from visionportal.phases import Capability, process_allows, refusal_reason
from visionportal.services import ProposalError, initiative_propose
from visionportal.text import clean_text, has_visible_text

from .. import moderation
from . import rules
from .models import (
    Assessment,
    Ballot,
    BallotChoice,
    BudgetProposal,
    BudgetResult,
    Celebration,
    CelebrationPhoto,
    Decision,
    District,
    ImageKind,
    ImplementationStatus,
    ParticipatoryBudget,
    Place,
    ProjectProgress,
    ProposalImage,
    ProposalStatus,
    Support,
    VoterRecord,
    VotingCode,
    VotingCodeBatch,
)
from .selectors import project_ref

# Letters and digits nobody confuses on paper or when reading aloud (no 0/O, 1/I/L, 5/S).
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
CODE_LENGTH = 12  # 29^12 ≈ 3.5e17: guessing one of a few thousand is hopeless
MAX_CODES_PER_BATCH = 5000
ALREADY_VOTED = gettext_lazy("You have already voted in this budget. Each person votes once.")

# Images: a few photos say what a proposal is about; more would turn the list into an album.
MAX_PROPOSAL_PHOTOS = 3
MAX_ALT_LENGTH = 300
MAX_CELEBRATION_PHOTOS = 8
# Stored at most this size (enough for a full-width photo on a laptop) and as a thumbnail
# for the list, both JPEG.
IMAGE_BOX = (1600, 1600)
THUMBNAIL_BOX = (480, 480)


def _digest(purpose: str, value: str) -> str:
    """A keyed hash (HMAC with the site's secret key): the database alone cannot reverse it
    or test guesses against it."""
    return salted_hmac(f"consultations.budget.{purpose}", value).hexdigest()


def normalise_code(code: str) -> str:
    """What the voter typed, as printed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_digest(code: str) -> str:
    return _digest("voting-code", normalise_code(code))


def voter_digest(*, budget: ParticipatoryBudget, identifier: str) -> str:
    """The keyed hash a VoterRecord keeps of a voter: "code:<code digest>" for a voting
    code, "eid:<issuer>:<subject>" for an e-ID."""
    return _digest("voter", f"{budget.pk}:{identifier}")


def support_digest(token: str) -> str:
    return _digest("support", token)


def _money(amount: int) -> str:
    """An amount as the resident's language writes it (250.000 in Danish, 250 000 in
    Swedish), like the templates' intcomma."""
    return number_format(amount, force_grouping=True)


def _gate(process, capability: Capability) -> None:
    if not process_allows(process, capability):
        raise ValidationError(refusal_reason(process, capability))


def _clean_text(value: str, *, field: str, limit: int, empty: str) -> str:
    """Free text as stored: trimmed, no NUL (PostgreSQL refuses it), within its limit.
    It is shown escaped everywhere, so markup in it stays text."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: empty})
    if "\x00" in value:
        raise ValidationError({field: _("Remove the invisible control character from the text.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("Shorten the text to at most %(limit)d characters.") % {"limit": limit}}
        )
    return value


# Images ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageUpload:
    """An upload made safe, not stored yet: the proposal it belongs to may still be
    refused, and nothing is written before the whole form is valid."""

    image: images.CleanImage
    thumbnail: images.CleanImage
    alt: str


def image_prepare(data: bytes, alt: str, *, field: str, alt_field: str) -> ImageUpload:
    """An uploaded photo or sketch cleaned (visionportal.images: real type checked, size
    and pixels limited, EXIF and location dropped, re-encoded) with its required text
    alternative; ValidationError names the form's `field` or `alt_field`."""
    alt = clean_text(alt or "")
    if not has_visible_text(alt):
        raise ValidationError(
            {alt_field: _("Describe what the image shows, for people who cannot see it.")}
        )
    if len(alt) > MAX_ALT_LENGTH:
        raise ValidationError(
            {alt_field: _("Shorten the text to at most %(limit)d characters.") % {"limit": 300}}
        )
    try:
        clean = images.clean_image(
            data,
            max_bytes=images.PHOTO_MAX_BYTES,
            max_pixels=images.PHOTO_MAX_PIXELS,
            box=IMAGE_BOX,
            photo=True,
        )
        # From the cleaned JPEG: a small decode, and the thumbnail shows the same pixels.
        thumbnail = images.clean_image(
            clean.data,
            max_bytes=images.PHOTO_MAX_BYTES,
            max_pixels=images.PHOTO_MAX_PIXELS,
            box=THUMBNAIL_BOX,
            photo=True,
        )
    except images.ImageError as error:
        raise ValidationError({field: images.PHOTO_ERRORS[error.code]}) from None
    return ImageUpload(image=clean, thumbnail=thumbnail, alt=alt)


def _stored(budget_id: int, clean: images.CleanImage) -> str:
    # Content-addressed: the same image uploaded again is stored once.
    name = f"budget/{budget_id}/{clean.digest}.{clean.extension}"
    if not default_storage.exists(name):
        name = files.store_file(name=name, content=clean.data)
    return name


def _image_values(budget_id: int, upload: ImageUpload, position: int) -> dict:
    """A StoredImage's fields for a prepared upload, its files stored."""
    return {
        "file": _stored(budget_id, upload.image),
        "thumbnail": _stored(budget_id, upload.thumbnail),
        "digest": upload.image.digest,
        "width": upload.image.width,
        "height": upload.image.height,
        "thumbnail_width": upload.thumbnail.width,
        "thumbnail_height": upload.thumbnail.height,
        "alt": upload.alt,
        "position": position,
    }


def _image_add(
    proposal: BudgetProposal, upload: ImageUpload, *, kind: str, position: int
) -> ProposalImage:
    return ProposalImage.objects.create(
        proposal=proposal, kind=kind, **_image_values(proposal.budget_id, upload, position)
    )


def _image_remove(image) -> None:
    """Delete a ProposalImage or CelebrationPhoto row, and its files once no row of either
    kind names them (content-addressed: the same upload is stored once per budget)."""
    names = {image.file, image.thumbnail}
    image.delete()
    used = set()
    for model in (ProposalImage, CelebrationPhoto):
        used.update(model.objects.filter(file__in=names).values_list("file", flat=True))
        used.update(model.objects.filter(thumbnail__in=names).values_list("thumbnail", flat=True))
    unused = names - used
    transaction.on_commit(lambda: [files.delete_file(name) for name in unused])


# Setting up -----------------------------------------------------------------------------


@transaction.atomic
def budget_districts_set(
    *, budget: ParticipatoryBudget, districts: list[tuple[str, int]]
) -> list[District]:
    """Replace the districts (name, share) of a budget not yet voted on; the shares must
    sum to the budget's amount, so no krone is left unassigned or promised twice."""
    if not districts:
        raise ValidationError(_("A budget needs at least one district."))
    names = [name.strip() for name, _share in districts]
    if any(not name for name in names) or len(set(names)) != len(names):
        raise ValidationError(_("Every district needs a name of its own."))
    if any(share <= 0 for _name, share in districts):
        raise ValidationError(_("Every district needs a share above zero."))
    total = sum(share for _name, share in districts)
    if total != budget.amount:
        raise ValidationError(
            _("The districts’ shares add up to %(total)s, but the budget is %(amount)s.")
            % {"total": _money(total), "amount": _money(budget.amount)}
        )
    existing = {d.name: d for d in budget.districts.all()}
    kept = []
    for position, (name, share) in enumerate(districts):
        district = existing.pop(name, None) or District(budget=budget, name=name)
        district.share = share
        district.position = position
        district.save()
        kept.append(district)
    for district in existing.values():
        district.delete()
    return kept


def budget_create(
    *,
    process,
    title: str,
    amount: int,
    currency: str,
    criteria: str = "",
    districts: list[tuple[str, int]],
    places: list[tuple[str, str]] = (),
) -> ParticipatoryBudget:
    """A process's budget with its districts and (district name, place name) places."""
    if ParticipatoryBudget.objects.filter(process=process).exists():
        raise ValidationError(_("This process already has a participatory budget."))
    with transaction.atomic():
        budget = ParticipatoryBudget.objects.create(
            process=process, title=title, amount=amount, currency=currency, criteria=criteria
        )
        by_name = {d.name: d for d in budget_districts_set(budget=budget, districts=districts)}
        for district_name, place in places:
            if district_name not in by_name:
                raise ValidationError(
                    _("The place “%(place)s” names a district the budget does not have.")
                    % {"place": place}
                )
            Place.objects.get_or_create(district=by_name[district_name], name=place)
    return budget


# Proposals ------------------------------------------------------------------------------


def proposal_submit(
    *,
    budget: ParticipatoryBudget,
    idempotency_key: uuid.UUID,
    district: District,
    place: Place | None,
    title: str,
    description: str,
    estimated_cost: int,
    photos: list[ImageUpload] | tuple = (),
) -> tuple[BudgetProposal, bool]:
    """Store a resident's proposal once, with its photos (prepared by image_prepare): a
    double submit of the same form returns the first one (created False) and adds no
    photos."""
    existing = BudgetProposal.objects.filter(budget=budget, idempotency_key=idempotency_key)
    if found := existing.first():
        return found, False
    _gate(budget.process, Capability.PROPOSE_BUDGET_PROJECTS)
    title = _clean_text(title, field="title", limit=120, empty=_("Give your proposal a title."))
    description = _clean_text(
        description,
        field="description",
        limit=3000,
        empty=_("Describe your proposal: what, where and for whom."),
    )
    if district.budget_id != budget.pk:
        raise ValidationError({"district": _("Choose one of the budget’s districts.")})
    if place is not None and place.district_id != district.pk:
        raise ValidationError({"place": _("Choose a place in the district you chose.")})
    if estimated_cost <= 0:
        raise ValidationError({"estimated_cost": _("Give an estimated cost above zero.")})
    if estimated_cost > district.share:
        raise ValidationError(
            {
                "estimated_cost": _(
                    "The district’s whole share is %(share)s: a proposal cannot cost more."
                )
                % {"share": _money(district.share)}
            }
        )
    if len(photos) > MAX_PROPOSAL_PHOTOS:
        raise ValidationError(_("Attach at most %(max)d photos.") % {"max": MAX_PROPOSAL_PHOTOS})
    try:
        with transaction.atomic():
            proposal = BudgetProposal.objects.create(
                budget=budget,
                idempotency_key=idempotency_key,
                district=district,
                place=place,
                title=title,
                description=description,
                estimated_cost=estimated_cost,
            )
            for position, upload in enumerate(photos):
                _image_add(proposal, upload, kind=ImageKind.PHOTO, position=position)
    except IntegrityError:
        # The same form submitted twice at once: the other request stored it.
        return existing.get(), False
    return proposal, True


def proposal_support(*, proposal: BudgetProposal, token: str) -> bool:
    """Support a proposal once per resident token; True when this was new."""
    _gate(proposal.budget.process, Capability.SUPPORT_BUDGET_PROJECTS)
    if proposal.hidden_at is not None:
        raise ValidationError(_("This proposal has been hidden by a moderator."))
    with transaction.atomic():
        _support, created = Support.objects.get_or_create(
            proposal=proposal, token_digest=support_digest(token)
        )
        if created:
            BudgetProposal.objects.filter(pk=proposal.pk).update(
                support_count=F("support_count") + 1
            )
    return created


def proposal_hide(*, proposal: BudgetProposal, by, reason: str) -> BudgetProposal:
    """Hide a proposal from residents (and the ballot); the row stays, with who, when, why."""
    reason = moderation.hiding_reason(
        reason, model=BudgetProposal, missing=_("Give a reason for hiding the proposal.")
    )
    fields = moderation.mark_hidden(proposal, by=by, reason=reason)
    proposal.version = F("version") + 1
    proposal.save(update_fields=[*fields, "version"])
    proposal.refresh_from_db(fields=["version"])
    return proposal


def proposal_unhide(*, proposal: BudgetProposal) -> BudgetProposal:
    return moderation.unhide(proposal)


_STATUS_FOR = {
    Decision.FEASIBLE: ProposalStatus.FEASIBLE,
    Decision.REJECTED: ProposalStatus.REJECTED,
    Decision.MERGED: ProposalStatus.MERGED,
}


@transaction.atomic
def proposal_assess(
    *,
    proposal: BudgetProposal,
    by,
    version: int,
    legally_feasible: bool,
    economically_feasible: bool,
    cost_estimate: int,
    decision: str,
    public_reason: str = "",
    merged_into: BudgetProposal | None = None,
    notes: str = "",
    sketch: ImageUpload | None = None,
    remove_sketch: bool = False,
) -> Assessment:
    """Record (or revise) the assessment; the proposal's status follows the decision. The
    `version` is the proposal's as the assessor read it: a colleague's assessment made in
    between is not overwritten silently. A new `sketch` (prepared by image_prepare)
    replaces the old one; `remove_sketch` removes it."""
    locked = BudgetProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.version != version:
        raise ValidationError(
            _("A colleague changed this proposal while you read it. Read it again and repeat.")
        )
    public_reason = (public_reason or "").strip()
    if decision != Decision.FEASIBLE and not public_reason:
        raise ValidationError(
            {"public_reason": _("Give residents a reason when a proposal is not on the ballot.")}
        )
    if len(public_reason) > 2000:
        raise ValidationError(
            {
                "public_reason": _("Shorten the text to at most %(limit)d characters.")
                % {"limit": 2000}
            }
        )
    if decision == Decision.FEASIBLE and not (legally_feasible and economically_feasible):
        raise ValidationError(
            {"decision": _("Only a legally and economically feasible proposal goes on the ballot.")}
        )
    if decision == Decision.MERGED:
        if merged_into is None or merged_into.pk == proposal.pk:
            raise ValidationError({"merged_into": _("Choose the proposal it is merged into.")})
        if merged_into.budget_id != proposal.budget_id:
            raise ValidationError({"merged_into": _("Choose a proposal of the same budget.")})
    else:
        merged_into = None
    if cost_estimate <= 0:
        raise ValidationError({"cost_estimate": _("Give a cost estimate above zero.")})
    if decision == Decision.FEASIBLE and cost_estimate > proposal.district.share:
        raise ValidationError(
            {"cost_estimate": _("The estimate is more than the district’s whole share.")}
        )
    assessment, _created = Assessment.objects.update_or_create(
        proposal=locked,
        defaults={
            "legally_feasible": legally_feasible,
            "economically_feasible": economically_feasible,
            "cost_estimate": cost_estimate,
            "decision": decision,
            "public_reason": public_reason,
            "merged_into": merged_into,
            "notes": (notes or "").strip()[:5000],
            "assessed_by": by,
            "assessed_at": timezone.now(),
        },
    )
    if sketch is not None or remove_sketch:
        for old in ProposalImage.objects.filter(proposal=locked, kind=ImageKind.SKETCH):
            _image_remove(old)
    if sketch is not None:
        _image_add(locked, sketch, kind=ImageKind.SKETCH, position=0)
    BudgetProposal.objects.filter(pk=locked.pk).update(
        status=_STATUS_FOR[decision], version=F("version") + 1
    )
    return assessment


# Voting ---------------------------------------------------------------------------------


def voting_codes_generate(*, district: District, count: int, by) -> list[str]:
    """New one-time codes for a district, returned once for printing; only their keyed
    hashes are stored."""
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ValidationError(
            _("Generate between 1 and %(limit)d codes at a time.") % {"limit": MAX_CODES_PER_BATCH}
        )
    codes = []
    digests = set()
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        digest = code_digest(code)
        if digest not in digests:
            digests.add(digest)
            codes.append(code)
    with transaction.atomic():
        batch = VotingCodeBatch.objects.create(district=district, count=count, created_by=by)
        VotingCode.objects.bulk_create(
            [VotingCode(batch=batch, district=district, code_digest=d) for d in digests],
            batch_size=1000,
        )
    return [f"{c[:4]}-{c[4:8]}-{c[8:]}" for c in codes]


@dataclass(frozen=True)
class VoterIdentity:
    """Who is about to vote, as the session keeps it: hashes only."""

    district_id: int
    voter_digest: str
    code_digest: str = ""  # set when identified by a voting code

    def as_session(self) -> dict:
        return {
            "district": self.district_id,
            "voter": self.voter_digest,
            "code": self.code_digest,
        }

    @classmethod
    def from_session(cls, data) -> "VoterIdentity | None":
        try:
            return cls(int(data["district"]), str(data["voter"]), str(data.get("code", "")))
        except (KeyError, TypeError, ValueError):
            return None


def voter_identify_by_code(*, budget: ParticipatoryBudget, code: str) -> VoterIdentity:
    """The identity a voting code gives, or a ValidationError for an unknown or used code.
    The code is marked used only when the ballot is cast (ballot_cast)."""
    if not normalise_code(code):
        raise ValidationError(_("Type the voting code from your letter."))
    digest = code_digest(code)
    found = (
        VotingCode.objects.filter(code_digest=digest, district__budget=budget)
        .values("district_id", "used")
        .first()
    )
    if found is None:
        raise ValidationError(
            _("That voting code is not valid. Check it against your letter and try again.")
        )
    identity = VoterIdentity(
        found["district_id"],
        voter_digest(budget=budget, identifier=f"code:{digest}"),
        digest,
    )
    if found["used"]:
        raise ValidationError(_("That voting code has already been used to vote."))
    return identity


def voter_identify_by_eid(
    *, budget: ParticipatoryBudget, district_id, issuer: str, subject: str
) -> VoterIdentity:
    """The identity a verified e-ID gives, in the district the resident chose: only a keyed
    hash of "eid:<issuer>:<subject>" is kept. One ballot per identity per budget is the
    VoterRecord's unique constraint (ballot_cast); this only answers early."""
    _gate(budget.process, Capability.VOTE_BUDGET)
    district = District.objects.filter(pk=district_id, budget=budget).first()
    if district is None:
        raise ValidationError(_("Choose one of the budget’s districts."))
    identity = VoterIdentity(
        district.pk, voter_digest(budget=budget, identifier=f"eid:{issuer}:{subject}")
    )
    if VoterRecord.objects.filter(budget=budget, voter_digest=identity.voter_digest).exists():
        raise ValidationError(ALREADY_VOTED)
    return identity


class BallotOutcome:
    CAST = "cast"
    ALREADY_CAST = "already_cast"  # this same form was already counted (a double submit)


def _already(budget, identity: VoterIdentity, form_key: uuid.UUID) -> str:
    record = VoterRecord.objects.filter(budget=budget, voter_digest=identity.voter_digest).first()
    if record is not None and record.form_digest == _digest("ballot-form", str(form_key)):
        return BallotOutcome.ALREADY_CAST
    raise ValidationError(ALREADY_VOTED)


def ballot_cast(
    *,
    budget: ParticipatoryBudget,
    identity: VoterIdentity,
    form_key: uuid.UUID,
    proposal_ids: list[int],
    district: District | None = None,
) -> str:
    """Count one ballot: the chosen proposals must be on the district's ballot and cost at
    most the district's share together. The voter is recorded apart from the ballot, and a
    voting code is used up by a conditional UPDATE in the same transaction, so two
    simultaneous ballots with one code count once. `district`, when the caller has it
    loaded already, saves a query (it must be the identity's)."""
    _gate(budget.process, Capability.VOTE_BUDGET)
    if district is None or district.pk != identity.district_id:
        district = District.objects.get(pk=identity.district_id, budget=budget)
    chosen = set(proposal_ids)
    if not chosen:
        raise ValidationError(_("Choose at least one project to vote for."))
    found = (
        BudgetProposal.objects.on_ballot()
        .filter(district=district, pk__in=chosen)
        .aggregate(count=Count("pk"), total=Sum("assessment__cost_estimate"))
    )
    if found["count"] != len(chosen):
        raise ValidationError(_("Choose only projects on your district’s ballot."))
    total = found["total"] or 0
    if total > district.share:
        over = total - district.share
        raise ValidationError(
            _(
                "Your choices cost %(total)s together, %(over)s more than the district’s "
                "%(share)s. Remove a project and vote again."
            )
            % {"total": _money(total), "over": _money(over), "share": _money(district.share)}
        )
    with transaction.atomic():
        if identity.code_digest:
            # By the code's unique digest alone: the identity's district is the code's
            # (voter_identify_by_code made it from the code). With the district in the
            # filter too, the planner took the district's index whenever its statistics
            # predated the district's codes, and compared every code of it with the digest.
            used = VotingCode.objects.filter(code_digest=identity.code_digest, used=False).update(
                used=True
            )
            if not used:
                return _already(budget, identity, form_key)
        try:
            with transaction.atomic():
                VoterRecord.objects.create(
                    budget=budget,
                    district=district,
                    voter_digest=identity.voter_digest,
                    form_digest=_digest("ballot-form", str(form_key)),
                )
        except IntegrityError:
            return _already(budget, identity, form_key)
        ballot = Ballot.objects.create(district=district)
        BallotChoice.objects.bulk_create(
            [BallotChoice(ballot=ballot, proposal_id=pk) for pk in sorted(chosen)]
        )
    return BallotOutcome.CAST


# Results --------------------------------------------------------------------------------


def district_results_compute(*, district: District) -> list[BudgetResult]:
    """Compute and store the district's results by both rules (run by a Celery task)."""
    from .selectors import district_ballots, district_projects

    projects = district_projects(district)
    ballots = district_ballots(district)
    voters = sum(ballots.values())
    counts = rules.approvals(projects, ballots)
    computed = {
        BudgetResult.Rule.GREEDY: rules.greedy(projects, ballots, district.share),
        BudgetResult.Rule.MES: rules.equal_shares(projects, ballots, district.share),
    }
    stored = []
    for rule, winners in computed.items():
        result, _created = BudgetResult.objects.update_or_create(
            district=district,
            rule=rule,
            defaults={
                "ballots": voters,
                "winners": winners,
                "approvals": {str(k): v for k, v in counts.items()},
                "computed_at": timezone.now(),
            },
        )
        stored.append(result)
    return stored


def budget_results_compute(*, budget: ParticipatoryBudget) -> None:
    for district in budget.districts.all():
        district_results_compute(district=district)


def project_propose(
    *, budget: ParticipatoryBudget, proposal_pk: int, by=None, source_url: str = ""
) -> tuple[ProposedInitiative, bool]:
    """Propose a winning project (funded by either rule's stored result) to the follow-up
    as an initiative (seed 004: the build phase): (proposal, created). Once per project."""
    proposal = (
        BudgetProposal.objects.select_related("district")
        .filter(budget=budget, pk=proposal_pk)
        .first()
    )
    funded = proposal is not None and any(
        proposal.pk in result.winners
        for result in BudgetResult.objects.filter(district=proposal.district)
    )
    if not funded:
        raise ValidationError(_("Only a project the vote funded can be proposed as an initiative."))
    description = "\n\n".join(
        [
            proposal.description,
            _("District: %(district)s") % {"district": proposal.district.name},
            _("Estimated cost: %(cost)s %(currency)s")
            % {"cost": number_format(proposal.estimated_cost), "currency": budget.currency},
        ]
    )
    try:
        return initiative_propose(
            process=budget.process,
            title=proposal.title,
            description=description,
            source_kind=ProposalSource.BUDGET_PROJECT,
            source_label=_("Participatory budget: %(title)s") % {"title": budget.title},
            source_ref=project_ref(proposal.pk),
            source_url=source_url,
            by=by,
        )
    except ProposalError as error:
        raise ValidationError(error.message) from None


# Afterwards: building, celebrating, evaluating -------------------------------------------


def winner_ids(budget: ParticipatoryBudget) -> set[int]:
    """The proposals funded by either rule's stored results: the projects to build."""
    ids = set()
    for winners in BudgetResult.objects.filter(district__budget=budget).values_list(
        "winners", flat=True
    ):
        ids.update(winners)
    return ids


def _stale():
    return ValidationError(
        _("A colleague changed this while you read it. Read it again and repeat.")
    )


@transaction.atomic
def progress_set(
    *,
    proposal: BudgetProposal,
    by,
    version: int,
    status: str,
    note: str,
    status_on,
) -> ProjectProgress:
    """Tell residents how far a winning project has come. `version` is the progress's as
    the editor read it (0: there was none yet)."""
    if proposal.pk not in winner_ids(proposal.budget):
        raise ValidationError(_("Only a project the vote funded gets an implementation status."))
    if status not in ImplementationStatus.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    note = clean_text(note or "")
    if len(note) > 500:
        raise ValidationError(
            {"note": _("Shorten the text to at most %(limit)d characters.") % {"limit": 500}}
        )
    current = ProjectProgress.objects.select_for_update().filter(proposal=proposal).first()
    if (current.version if current else 0) != version:
        raise _stale()
    values = {
        "status": status,
        "note": note,
        "status_on": status_on,
        "updated_by": by,
        "updated_at": timezone.now(),
    }
    if current is None:
        return ProjectProgress.objects.create(proposal=proposal, **values)
    for field, value in values.items():
        setattr(current, field, value)
    current.version += 1
    current.save()
    return current


@transaction.atomic
def celebration_save(
    *,
    budget: ParticipatoryBudget,
    by,
    version: int,
    title: str,
    text: str,
    published: bool,
    photos: list[ImageUpload] | tuple = (),
    remove_photo_ids: list[int] | tuple = (),
) -> Celebration:
    """Write (or revise) the budget's celebration post, add photos (prepared by
    image_prepare) and remove others. `version` as the editor read it (0: no post yet).
    Residents see it once published, from the celebration phase on."""
    title = _clean_text(title, field="title", limit=200, empty=_("Give the post a title."))
    text = _clean_text(text, field="text", limit=10000, empty=_("Write the post's text."))
    ParticipatoryBudget.objects.select_for_update().filter(pk=budget.pk).first()
    current = Celebration.objects.select_for_update().filter(budget=budget).first()
    if (current.version if current else 0) != version:
        raise _stale()
    if current is None:
        current = Celebration(budget=budget, version=0)
    current.title, current.text, current.published = title, text, published
    current.updated_by, current.updated_at = by, timezone.now()
    current.version += 1
    current.save()
    for photo in CelebrationPhoto.objects.filter(celebration=current, pk__in=remove_photo_ids):
        _image_remove(photo)
    kept = CelebrationPhoto.objects.filter(celebration=current).count()
    if kept + len(photos) > MAX_CELEBRATION_PHOTOS:
        raise ValidationError(
            _("A post has at most %(max)d photos. Remove some first.")
            % {"max": MAX_CELEBRATION_PHOTOS}
        )
    for position, upload in enumerate(photos, start=kept):
        CelebrationPhoto.objects.create(
            celebration=current, **_image_values(budget.pk, upload, position)
        )
    return current


def evaluation_set(*, budget: ParticipatoryBudget, consultation) -> ParticipatoryBudget:
    """Name the consultation residents answer in the evaluation phase (None: none). It
    must belong to the budget's process and ask custom questions (about involvement)."""
    from ..models import QuestionKind

    if consultation is not None:
        if consultation.process_id != budget.process_id:
            raise ValidationError(
                {"consultation": _("Choose a consultation of the budget's own process.")}
            )
        if not consultation.questions.filter(kind=QuestionKind.CUSTOM).exists():
            raise ValidationError(
                {
                    "consultation": _(
                        "The evaluation needs a consultation with custom questions, such as "
                        "how involved residents felt."
                    )
                }
            )
    budget.evaluation = consultation
    budget.save(update_fields=["evaluation"])
    return budget
