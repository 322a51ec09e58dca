"""A participatory budget (seed 004, Ballerup's "Borgermillionen"): residents propose
projects for their district, staff assess them, residents vote within their district's
share, and the results are computed by the greedy rule and the Method of Equal Shares.

Imported by consultations.models so Django registers these with the consultations app.

Voting keeps who voted apart from what they voted for: a VoterRecord (a keyed hash of the
person or code, and the district) says someone voted; a Ballot (random id, no timestamp,
no link to a code or voter) says what was chosen. Neither can be joined to the other.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.moderation import Hideable, HideableQuerySet
from visionportal.models import Versioned, VisionProcess


class Currency(models.TextChoices):
    DKK = "DKK", "DKK"
    SEK = "SEK", "SEK"
    NOK = "NOK", "NOK"
    EUR = "EUR", "EUR"


class ParticipatoryBudget(Versioned):
    """One budget per process. Amounts are whole currency units (kroner): the seed's
    budget is 1,000,000 DKK and no project is costed in øre."""

    process = models.OneToOneField(VisionProcess, on_delete=models.CASCADE, related_name="budget")
    title = models.CharField(_("title"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount"))
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.DKK
    )
    criteria = models.TextField(_("criteria"), max_length=10000, blank=True)
    # The consultation (of the same process, with custom questions) residents answer in
    # the evaluation phase about their sense of involvement (seed 004).
    evaluation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation survey"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_amount_positive"),
        ]

    def __str__(self):
        return self.title


class District(models.Model):
    """A district with its own share of the budget; the shares sum to the budget's amount
    (budget_districts_set checks it, since a constraint cannot span rows)."""

    budget = models.ForeignKey(
        ParticipatoryBudget, on_delete=models.CASCADE, related_name="districts"
    )
    name = models.CharField(_("name"), max_length=120)
    share = models.PositiveBigIntegerField(_("share of the budget"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "name"], name="district_name_once"),
            models.CheckConstraint(condition=Q(share__gt=0), name="district_share_positive"),
        ]

    def __str__(self):
        return self.name


class Place(models.Model):
    """A named place residents can pick for a proposal (a park, a square, a school yard):
    a plain list, so no map and no JavaScript is needed to say where."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("name"), max_length=160)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="place_name_once"),
        ]

    def __str__(self):
        return self.name


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for assessment")
    FEASIBLE = "feasible", _("On the ballot")
    REJECTED = "rejected", _("Not feasible")
    MERGED = "merged", _("Merged with another proposal")


class BudgetProposalQuerySet(HideableQuerySet):
    def on_ballot(self):
        return self.visible().filter(status=ProposalStatus.FEASIBLE)


class BudgetProposal(Versioned, Hideable):
    """A resident's proposal. No account and no name: like an answer, it is anonymous.
    Versioned: moderation and assessment name the version the staff member read."""

    budget = models.ForeignKey(
        ParticipatoryBudget, on_delete=models.CASCADE, related_name="proposals"
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="proposals")
    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("place"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=3000)
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    # From the form the resident loaded: a retried or double submit carries the same key.
    idempotency_key = models.UUIDField(_("idempotency key"), editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # Kept by the support service (one indexed column the list sorts on), never counted
    # per request.
    support_count = models.PositiveIntegerField(_("supporters"), default=0)

    objects = BudgetProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget proposal")
        verbose_name_plural = _("budget proposals")
        ordering = ["-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "idempotency_key"], name="budget_proposal_one_per_key"
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="budget_proposal_hidden_with_reason",
            ),
        ]
        indexes = [
            # The public list filters by district and status and shows the newest first.
            models.Index(
                fields=["budget", "district", "status", "-submitted_at"],
                name="budget_proposal_list",
            ),
        ]

    def __str__(self):
        return self.title


class Support(models.Model):
    """One resident's support for a proposal, keyed by a keyed hash of the anonymous token
    in their cookie: one per token per proposal, and no readable token is stored."""

    proposal = models.ForeignKey(BudgetProposal, on_delete=models.CASCADE, related_name="supports")
    token_digest = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "token_digest"], name="support_one_per_token"
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id}"


class ImageKind(models.TextChoices):
    PHOTO = "photo", _("Resident's photo")
    SKETCH = "sketch", _("Municipality's sketch")


class StoredImage(models.Model):
    """An image cleaned by visionportal.images (type checked, EXIF and location dropped,
    re-encoded as JPEG) and stored privately (visionportal.files), with a thumbnail and
    its required text alternative. Served only by views that check who may see it."""

    # Names in the default storage, never public URLs.
    file = models.CharField(max_length=200, editable=False)
    thumbnail = models.CharField(max_length=200, editable=False)
    digest = models.CharField(max_length=16, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    thumbnail_width = models.PositiveIntegerField(editable=False)
    thumbnail_height = models.PositiveIntegerField(editable=False)
    alt = models.CharField(_("text alternative"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.alt[:60]


class ProposalImage(StoredImage):
    """A photo a resident attached to their proposal, or the sketch staff add with the
    assessment. Served by a view that checks the proposal is visible: hiding the proposal
    hides its images."""

    proposal = models.ForeignKey(BudgetProposal, on_delete=models.CASCADE, related_name="images")
    kind = models.CharField(_("kind"), max_length=8, choices=ImageKind.choices)

    class Meta:
        verbose_name = _("proposal image")
        verbose_name_plural = _("proposal images")
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(alt=""), name="proposal_image_alt")]
        indexes = [
            models.Index(fields=["proposal", "kind", "position"], name="proposal_image_order")
        ]


class ImplementationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    BUILT = "built", _("Built")


class ProjectProgress(Versioned):
    """How far a winning project has come (the build phase), as staff tell residents:
    a status, a short public note and the date it applies from."""

    proposal = models.OneToOneField(
        BudgetProposal, on_delete=models.CASCADE, related_name="progress"
    )
    status = models.CharField(
        _("implementation status"), max_length=12, choices=ImplementationStatus.choices
    )
    note = models.CharField(_("public note"), max_length=500, blank=True)
    status_on = models.DateField(_("date"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project progress")
        verbose_name_plural = _("project progress")

    def __str__(self):
        return f"{self.proposal}: {self.status}"


class Celebration(Versioned):
    """The budget's public celebration post (seed 004's "fejring"): staff's text with
    photos, shown to residents once published and from the celebration phase on."""

    budget = models.OneToOneField(
        ParticipatoryBudget, on_delete=models.CASCADE, related_name="celebration"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=10000)
    published = models.BooleanField(_("published"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("celebration post")
        verbose_name_plural = _("celebration posts")

    def __str__(self):
        return self.title


class CelebrationPhoto(StoredImage):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="photos")

    class Meta:
        verbose_name = _("celebration photo")
        verbose_name_plural = _("celebration photos")
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(alt=""), name="celebration_photo_alt")]


class Decision(models.TextChoices):
    FEASIBLE = "feasible", _("Feasible: put it on the ballot")
    REJECTED = "rejected", _("Not feasible")
    MERGED = "merged", _("Merged into another proposal")


class Assessment(Versioned):
    """Staff's legal and economic assessment of a proposal (seed 004, "bearbejdning"). The
    cost estimate is what the ballot and the results count."""

    proposal = models.OneToOneField(
        BudgetProposal, on_delete=models.CASCADE, related_name="assessment"
    )
    legally_feasible = models.BooleanField(_("legally feasible"))
    economically_feasible = models.BooleanField(_("economically feasible"))
    notes = models.TextField(_("internal notes"), max_length=5000, blank=True)
    cost_estimate = models.PositiveBigIntegerField(_("cost estimate"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    public_reason = models.TextField(_("public reason"), max_length=2000, blank=True)
    merged_into = models.ForeignKey(
        BudgetProposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
        verbose_name=_("merged into"),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=Decision.FEASIBLE) | ~Q(public_reason=""),
                name="assessment_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.MERGED, merged_into__isnull=False)
                | (~Q(decision=Decision.MERGED) & Q(merged_into__isnull=True)),
                name="assessment_merge_names_target",
            ),
            models.CheckConstraint(
                condition=Q(cost_estimate__gt=0), name="assessment_cost_positive"
            ),
        ]

    def __str__(self):
        return f"{self.proposal}: {self.decision}"


class VotingCodeBatch(models.Model):
    """One printing of voting codes for a district: how many, by whom, when."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="code_batches")
    count = models.PositiveIntegerField(_("number of codes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("batch of voting codes")
        verbose_name_plural = _("batches of voting codes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.district}: {self.count}"


class VotingCode(models.Model):
    """A one-time voting code, stored only as a keyed hash: the printed list is the only
    place the code itself exists. `used` has no timestamp, so it cannot be matched to the
    moment a ballot arrived."""

    batch = models.ForeignKey(VotingCodeBatch, on_delete=models.CASCADE, related_name="codes")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="voting_codes")
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")

    def __str__(self):
        return self.code_digest[:8]


class VoterRecord(models.Model):
    """That someone voted in a district: a keyed hash of who (the code, or the e-ID's
    person identifier) and nothing about what they chose. One per voter per budget."""

    budget = models.ForeignKey(ParticipatoryBudget, on_delete=models.CASCADE, related_name="voters")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="voters")
    voter_digest = models.CharField(max_length=64, editable=False)
    # A keyed hash of the ballot form's random key, so a double submit of the same form is
    # answered with the receipt instead of "you have already voted".
    form_digest = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("voter record")
        verbose_name_plural = _("voter records")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "voter_digest"], name="voter_once_per_budget"
            ),
        ]

    def __str__(self):
        return self.voter_digest[:8]


class Ballot(models.Model):
    """What one voter approved. A random id and no timestamp: the row's order and time say
    nothing about whose it is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="ballots")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return str(self.district)


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(
        BudgetProposal, on_delete=models.CASCADE, related_name="ballot_choices"
    )

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="ballot_choice_once"),
        ]

    def __str__(self):
        return f"{self.ballot_id}: {self.proposal_id}"


class BudgetResult(models.Model):
    """A district's results by one rule, computed by a Celery task once voting has ended
    (MES over thousands of ballots takes seconds, never a request's time)."""

    class Rule(models.TextChoices):
        GREEDY = "greedy", _("Greedy rule (most votes first)")
        MES = "mes", _("Method of Equal Shares")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="results")
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices)
    ballots = models.PositiveIntegerField(_("ballots"))
    # Winning proposal ids in the order the rule selected them.
    winners = models.JSONField(default=list)
    # Approvals per proposal id (as a string, JSON's keys), for the table and the chart.
    approvals = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("budget result")
        verbose_name_plural = _("budget results")
        constraints = [
            models.UniqueConstraint(fields=["district", "rule"], name="budget_result_once"),
        ]

    def __str__(self):
        return f"{self.district}: {self.rule}"
