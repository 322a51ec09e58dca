"""The municipality and process core: who may do what where, and how a process runs."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A signed-in person: municipal staff, councillors, moderators. Residents have no account.

    `is_staff` here is Django's flag for the admin site only; municipal rights come from
    Membership.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email


class Country(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    DENMARK = "DK", _("Denmark")
    NORWAY = "NO", _("Norway")


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address name"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    default_language = models.CharField(
        _("default language"), max_length=5, choices=settings.LANGUAGES
    )
    # Kolada's four-digit municipality id (SE only); used by the indicators app later.
    kolada_id = models.CharField(_("Kolada municipality id"), max_length=4, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_public = models.BooleanField(_("listed publicly"), default=True)
    # The municipality's own colour on its public pages (links, buttons, the current phase).
    # Accepted only when it meets WCAG AA contrast (visionportal.services.municipality_
    # identity_set); empty: Visionportal's own.
    accent_colour = models.CharField(_("accent colour"), max_length=7, blank=True)
    # The logo on its public pages: a clean PNG in the default storage (visionportal.logos),
    # named by its content hash, which is also in its public URL (so it is cached for good).
    logo = models.CharField(_("logo"), max_length=255, blank=True)
    logo_alt = models.CharField(_("logo text alternative"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def logo_digest(self) -> str:
        """ "logos/12/3f9a….png" -> "3f9a…": the version in the logo's public URL."""
        return self.logo.rsplit("/", 1)[-1].removesuffix(".png") if self.logo else ""


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")
    COUNCILLOR = "councillor", _("Councillor")
    MODERATOR = "moderator", _("Moderator")


class Membership(models.Model):
    """A user's role in one municipality; the only source of municipal rights."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Councillors act on record; their party is shown beside their strikes and additions.
    party = models.CharField(_("party"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="membership_one_role_per_municipality"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"


class Versioned(models.Model):
    """Optimistic locking: an edit names the version it started from, and a stale edit is
    refused instead of silently overwriting a colleague's change."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class VisionProcessQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, municipality__is_public=True)


class VisionProcess(Versioned):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="processes"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address name"), max_length=80)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    is_public = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Residents see only published processes."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisionProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("vision process")
        verbose_name_plural = _("vision processes")
        ordering = ["-target_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="process_slug_unique_per_municipality"
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(target_year__gte=2000, target_year__lte=2100),
                name="process_target_year_plausible",
            ),
        ]

    def __str__(self):
        return self.title


class PhaseKind(models.TextChoices):
    """What a phase is for. visionportal.phases maps each kind to what it enables."""

    PLANNING = "planning", _("Planning")
    CONSULTATION = "consultation", _("Asking residents")
    KEYWORD_CURATION = "keyword_curation", _("Keyword curation")
    COUNCILLOR_ROUND = "councillor_round", _("Councillors strike and add")
    SORTING = "sorting", _("Residents prioritise keywords")
    DRAFTING = "drafting", _("Drafting the vision")
    DECISION = "decision", _("Political decision")
    AWARENESS = "awareness", _("Awareness and ownership")
    CO_CREATION = "co_creation", _("Co-creating ideas")
    REALISATION = "realisation", _("Realisation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    # A participatory budget's phases (seed 004, Ballerup's "Borgermillionen").
    BUDGET_CLARIFICATION = "budget_clarification", _("Budget: clarification")
    BUDGET_INVESTIGATION = "budget_investigation", _("Budget: investigation")
    BUDGET_PROPOSALS = "budget_proposals", _("Budget: residents propose projects")
    BUDGET_ASSESSMENT = "budget_assessment", _("Budget: assessment of proposals")
    BUDGET_VOTE = "budget_vote", _("Budget: residents vote")
    BUDGET_BUILD = "budget_build", _("Budget: building the winning projects")
    BUDGET_CELEBRATE = "budget_celebrate", _("Budget: celebration")
    BUDGET_EVALUATE = "budget_evaluate", _("Budget: evaluation")
    OTHER = "other", _("Other")


class PhaseQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Phases running on the given day; phases may overlap (seed 001)."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class Phase(Versioned):
    process = models.ForeignKey(VisionProcess, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=30, choices=PhaseKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PhaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_on", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start"
            )
        ]

    def __str__(self):
        return self.name

    def status_on(self, day: datetime.date) -> str:
        """ "past", "current" or "upcoming" on `day`; both boundary days count as running."""
        if self.ends_on < day:
            return "past"
        if self.starts_on > day:
            return "upcoming"
        return "current"


class Track(Versioned):
    """A line of work running through all phases for one audience (seed 001's 'spor')."""

    process = models.ForeignKey(VisionProcess, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=200)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    purpose = models.TextField(_("purpose"), blank=True, max_length=5000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Milestone(Versioned):
    process = models.ForeignKey(VisionProcess, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True, max_length=5000)
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("track"),
    )
    # A decision milestone names the decision taken there, so the timeline shows it.
    decision = models.ForeignKey(
        "VisionDecision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("decision"),
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "pk"]

    def __str__(self):
        return self.title


class PopulationDimension(models.TextChoices):
    AGE_BAND = "age_band", _("Age band")
    AREA = "area", _("Area")


class PopulationMarginQuerySet(models.QuerySet):
    def as_dict(self, *, municipality, dimension) -> dict[str, int]:
        rows = self.filter(municipality=municipality, dimension=dimension).order_by("pk")
        return dict(rows.values_list("group", "population"))


class PopulationMargin(models.Model):
    """How many residents a municipality has per group (age band, area): the yardstick for
    how representative a consultation's respondents are. Groups match Response values."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="population_margins"
    )
    dimension = models.CharField(_("dimension"), max_length=12, choices=PopulationDimension.choices)
    group = models.CharField(_("group"), max_length=120)
    population = models.PositiveIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    objects = PopulationMarginQuerySet.as_manager()

    class Meta:
        verbose_name = _("population margin")
        verbose_name_plural = _("population margins")
        ordering = ["municipality", "dimension", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "dimension", "group"],
                name="population_margin_one_per_group",
            )
        ]

    def __str__(self):
        return f"{self.municipality} {self.dimension} {self.group}: {self.population}"


class VisionProposal(Versioned):
    """The vision text staff draft for a process (seed 000, step 3). One per process.

    `title` and `text` are the current draft; every save also keeps a ProposalVersion, so
    any two drafts can be compared and a decision can point at the exact text it adopted.
    `version` (Versioned) is the optimistic lock of the editor and equals the number of the
    latest ProposalVersion."""

    process = models.OneToOneField(VisionProcess, on_delete=models.CASCADE, related_name="proposal")
    title = models.CharField(_("title"), max_length=200)
    # Sanitised HTML (visionportal.proposals.sanitise): paragraphs, emphasis and lists only.
    text = models.TextField(_("vision text"), max_length=50000)
    shared_with_councillors = models.BooleanField(
        _("shared with councillors"),
        default=False,
        help_text=_("Councillors of the municipality can read the drafts and comment on them."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vision proposal")
        verbose_name_plural = _("vision proposals")

    def __str__(self):
        return self.title


class ProposalVersion(models.Model):
    """One saved draft of a proposal, never changed afterwards."""

    proposal = models.ForeignKey(VisionProposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("vision text"), max_length=50000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # What the version was saved for: an edit in the editor, or the text a decision adopted.
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        ordering = ["proposal", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"], name="proposal_version_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"


class ProposalComment(models.Model):
    """A councillor's or staff member's comment on one version of a shared proposal."""

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # The party at the time of commenting: a councillor's comment is on record.
    party = models.CharField(_("party"), max_length=80, blank=True)
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal comment")
        verbose_name_plural = _("proposal comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class DecisionBody(models.TextChoices):
    """Which political body decided. The names differ per country (decision_body_name)."""

    BOARD = "board", _("Municipal board")
    COUNCIL = "council", _("Municipal council")


# The bodies' own names: proper names of the country's institutions, shown as they are
# whatever the page's language (a Danish council is "byrådet" also on an English page).
DECISION_BODY_NAMES = {
    Country.SWEDEN: {
        DecisionBody.BOARD: "Kommunstyrelsen",
        DecisionBody.COUNCIL: "Kommunfullmäktige",
    },
    Country.DENMARK: {DecisionBody.BOARD: "Økonomiudvalget", DecisionBody.COUNCIL: "Byrådet"},
    Country.NORWAY: {DecisionBody.BOARD: "Formannskapet", DecisionBody.COUNCIL: "Kommunestyret"},
}


def decision_body_name(body: str, country: str) -> str:
    """The local name of `body` in `country` (e.g. "Kommunfullmäktige" for SE's council)."""
    return DECISION_BODY_NAMES.get(country, {}).get(body) or str(DecisionBody(body).label)


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    AMENDED = "amended", _("Adopted with amendments")
    RETURNED = "returned", _("Returned for further work")
    REJECTED = "rejected", _("Rejected")


# Outcomes after which the process has a vision.
ADOPTING_OUTCOMES = frozenset({DecisionOutcome.ADOPTED, DecisionOutcome.AMENDED})


class VisionDecision(models.Model):
    """A political decision on the proposal: who decided, when, under which case and
    paragraph, and what. An adopting decision points at the text it adopted, frozen as a
    ProposalVersion (PROTECT: the adopted text can never be deleted from under it)."""

    process = models.ForeignKey(VisionProcess, on_delete=models.CASCADE, related_name="decisions")
    body = models.CharField(_("decided by"), max_length=10, choices=DecisionBody.choices)
    meeting_date = models.DateField(_("meeting date"))
    case_number = models.CharField(_("case number"), max_length=60, blank=True)
    paragraph = models.CharField(
        _("paragraph (§)"), max_length=20, blank=True, help_text=_("For example 215.")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    adopted_version = models.ForeignKey(
        ProposalVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("adopted text"),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-meeting_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=["adopted", "amended"]) | Q(adopted_version__isnull=False),
                name="decision_adopting_has_text",
            )
        ]

    def __str__(self):
        return f"{self.body_name} {self.meeting_date:%Y-%m-%d}"

    @property
    def body_name(self) -> str:
        return decision_body_name(self.body, self.process.municipality.country)

    @property
    def is_adopting(self) -> bool:
        return self.outcome in ADOPTING_OUTCOMES

    @property
    def reference(self) -> str:
        """ "Kommunfullmäktige 2015-12-14, § 215, KS 2015/0363": as minutes cite it."""
        parts = [f"{self.body_name} {self.meeting_date.isoformat()}"]
        if self.paragraph:
            parts.append(f"§ {self.paragraph}")
        if self.case_number:
            parts.append(self.case_number)
        return ", ".join(parts)


class PackStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class GeneratedDocument(models.Model):
    """A numbered PDF of a process generated in Celery (visionportal.documents): its
    language, what it was made from (`inputs`), its progress for the page that polls it,
    and the file in the default storage (visionportal.files; never at a public URL).
    Decision packs and the indicators' follow-up reports are such documents."""

    number = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    inputs = models.JSONField(_("made from"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=120, blank=True)
    file_name = models.CharField(max_length=300, blank=True, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in (PackStatus.DONE, PackStatus.FAILED)


class DecisionPack(GeneratedDocument):
    """A numbered PDF decision pack of a process for the councillors, with what it was made
    from (`inputs`: the keyword list versions, the proposal version, the staff's note on the
    representation gaps; `result_snapshot`: the sorting results), so it can be made again
    from the same sources.

    The PDF is in the default storage under `file_name`, never at a public URL; only staff
    and councillors of the municipality download it (keywords.vision.pack.views)."""

    process = models.ForeignKey(
        VisionProcess, on_delete=models.CASCADE, related_name="decision_packs"
    )
    # The sorting game's result snapshot the ranking section prints (None: no round had
    # results when the pack was requested). Snapshots are immutable, so a pack made again
    # prints the same figures; a deleted round takes its snapshots with it, and the pack
    # is then made without the section rather than blocking the delete.
    result_snapshot = models.ForeignKey(
        "keywords.SortResultSnapshot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sorting result snapshot"),
    )

    class Meta:
        verbose_name = _("decision pack")
        verbose_name_plural = _("decision packs")
        ordering = ["process", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="pack_number_unique")
        ]

    def __str__(self):
        return f"{self.process} – {self.number}"


class ProposalSource(models.TextChoices):
    """Where a proposed initiative comes from (seeds 002 and 004: prioritised workshop
    solutions and winning budget projects become initiatives)."""

    WORKSHOP_SOLUTION = "workshop_solution", _("Future workshop solution")
    BUDGET_PROJECT = "budget_project", _("Participatory budget project")


class ProposalState(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted as an initiative")
    DECLINED = "declined", _("Declined")


class ProposedInitiative(models.Model):
    """Something another part of the process proposes to the follow-up as an initiative.

    It lives in the core so that consultations (which proposes) and indicators (which
    accepts it as an Initiative) need not know each other: the dependency rule lets both
    import the core and neither import the other. The initiative is therefore named by
    its id, not by a foreign key into indicators.

    One proposal per source (the unique constraint), so pressing "Propose" twice, or two
    staff pressing it at once, proposes once."""

    process = models.ForeignKey(
        VisionProcess, on_delete=models.CASCADE, related_name="proposed_initiatives"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    source_kind = models.CharField(_("source"), max_length=20, choices=ProposalSource.choices)
    # What staff read: "Future workshop: Solutions evening".
    source_label = models.CharField(_("proposed from"), max_length=300)
    # A path of this site to the source (a staff page), and a stable key of the source row.
    source_url = models.CharField(max_length=500, blank=True)
    source_ref = models.CharField(max_length=100)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # indicators.Initiative's id (no foreign key: see the class's note).
    accepted_initiative_id = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("proposed initiative")
        verbose_name_plural = _("proposed initiatives")
        ordering = ["process", "-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "source_kind", "source_ref"],
                name="proposed_initiative_once_per_source",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="proposed_initiative_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(accepted_initiative_id__isnull=False),
                name="proposed_initiative_accepted_names_initiative",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="proposed_initiative_title"),
        ]
        indexes = [
            models.Index(
                fields=["process", "state", "-proposed_at", "-id"], name="proposed_initiative_list"
            )
        ]

    def __str__(self):
        return self.title
