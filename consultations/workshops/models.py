"""Future workshops (seed 002, Jevnaker): a series of evenings on a process (needs, then
measures, then solutions), residents' sign-ups, the live board staff keep on a tablet,
dot votes, and photo prompts.

Decisions the services and the board rely on:

- **Capacity is checked under the session's row lock** (workshop_sign_up locks the
  Workshop row before counting), so two residents taking the last seat at once get one
  seat and one refusal; ``Workshop.signed_up`` is kept by the same services, so pages
  never count sign-ups per request.
- **Every board change is a BoardChange row first**: its idempotency key is unique per
  session, so a POST sent again (a retry after a dropped connection, a double tap) finds
  its change already stored and applies nothing twice. Changes are inserts or versioned
  edits: two staff adding cards at once never conflict, and an edit of a card a colleague
  changed since is refused (``Versioned``) rather than lost.
- **A dot vote is a row**; the dots a voter (a table or a person) has left are counted
  under the session's row lock, so no voter ever exceeds the series' dots per voter.
- **Photos are stored cleaned** (visionportal.images) in the private storage and served by
  a view that checks who may see them; never by a media URL.
- **Nothing personal beyond what the resident chooses**: a sign-up's name is optional and
  its accessibility needs are free text the resident may leave empty; the cancel token is
  random and names no one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from visionportal.models import GeneratedDocument, Versioned, VisionProcess


class WorkshopStage(models.TextChoices):
    """Seed 002's three evenings."""

    NEEDS = "needs", _("Needs")
    MEASURES = "measures", _("Needs and measures")
    SOLUTIONS = "solutions", _("Solutions")


class VoteBy(models.TextChoices):
    TABLE = "table", _("Per table")
    PERSON = "person", _("Per person")


class WorkshopSeries(Versioned):
    """Versioned: the settings form refuses a save over a colleague's."""

    process = models.ForeignKey(
        VisionProcess,
        on_delete=models.CASCADE,
        related_name="workshop_series",
        verbose_name=_("vision process"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    # Where the board's texts go for keyword extraction (as answers of Channel.WORKSHOP).
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_series",
        verbose_name=_("consultation that receives the board's texts"),
    )
    dots_per_voter = models.PositiveSmallIntegerField(_("dots per voter"), default=3)
    vote_by = models.CharField(
        _("dots are given"), max_length=6, choices=VoteBy.choices, default=VoteBy.TABLE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop series")
        verbose_name_plural = _("workshop series")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dots_per_voter__gte=1, dots_per_voter__lte=20),
                name="workshop_series_dots_plausible",
            ),
        ]

    def __str__(self):
        return self.title


class Workshop(Versioned):
    """One evening of a series."""

    series = models.ForeignKey(WorkshopSeries, on_delete=models.CASCADE, related_name="workshops")
    stage = models.CharField(_("stage"), max_length=10, choices=WorkshopStage.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"))
    sign_up_open = models.BooleanField(_("residents can sign up"), default=True)
    # Kept by the sign-up services under this row's lock: active (not cancelled) sign-ups.
    signed_up = models.PositiveIntegerField(default=0, editable=False)
    attended = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=10000), name="workshop_capacity"
            ),
            # The last wall behind the service's count: never more seats taken than exist.
            models.CheckConstraint(
                condition=Q(signed_up__lte=models.F("capacity")), name="workshop_not_overbooked"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.signed_up, 0)

    def takes_sign_ups(self, at=None) -> bool:
        return self.sign_up_open and (at or timezone.now()) < self.starts_at


class SignUp(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sign_ups")
    name = models.CharField(_("name"), max_length=120, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True, max_length=1000)
    # The confirmation page's address and the cancel link carry it: whoever has it can see
    # and cancel this sign-up, nobody else.
    token = models.CharField(max_length=43, unique=True, editable=False)
    # From the form the resident loaded: a double submit finds the first sign-up.
    idempotency_key = models.UUIDField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("workshop sign-up")
        verbose_name_plural = _("workshop sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "idempotency_key"], name="sign_up_one_per_idempotency_key"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "created_at", "id"], name="sign_up_list")]

    def __str__(self):
        return f"{self.workshop_id}: {self.name or self.pk}"


class BoardKind(models.TextChoices):
    NEED = "need", _("Need")
    MEASURE = "measure", _("Measure")
    SOLUTION = "solution", _("Solution")


# What a card of each kind hangs under: a measure answers a need, a solution realises a
# measure (seed 002's order of the evenings).
PARENT_KIND = {BoardKind.MEASURE: BoardKind.NEED, BoardKind.SOLUTION: BoardKind.MEASURE}


class BoardItem(Versioned):
    """A card on the board. Versioned: an edit names the version the editor saw."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="board_items")
    kind = models.CharField(_("kind"), max_length=8, choices=BoardKind.choices)
    # Cards are removed softly (removed_at) by the services; a cascade only follows a
    # whole session's deletion.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("linked to"),
    )
    text = models.TextField(_("text"), max_length=500)
    table = models.CharField(_("table"), max_length=40, blank=True)
    for_decision_pack = models.BooleanField(_("marked for the decision pack"), default=False)
    # Kept by the vote services under the session's lock.
    dots = models.PositiveIntegerField(default=0, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("board card")
        verbose_name_plural = _("board cards")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=BoardKind.NEED, parent__isnull=True)
                | (~Q(kind=BoardKind.NEED) & Q(parent__isnull=False)),
                name="board_item_linked_by_kind",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="board_item_text"),
        ]

    def __str__(self):
        return self.text[:60]


class BoardChange(models.Model):
    """One change to a session's board, stored before it is applied: the idempotency key
    makes a re-sent POST a no-op, and the rows are the board's history."""

    class Action(models.TextChoices):
        ADD = "add", _("Card added")
        EDIT = "edit", _("Card edited")
        REMOVE = "remove", _("Card removed")
        MARK = "mark", _("Card marked")
        DOT = "dot", _("Dot given")
        UNDOT = "undot", _("Dot taken back")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="changes")
    idempotency_key = models.UUIDField(editable=False)
    action = models.CharField(max_length=6, choices=Action.choices)
    item = models.ForeignKey(
        BoardItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "idempotency_key"], name="board_change_once_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.workshop_id}: {self.action}"


class DotVote(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="dot_votes")
    item = models.ForeignKey(BoardItem, on_delete=models.CASCADE, related_name="dot_votes")
    # A table's or a person's label ("Table 3", "P12"): nobody's name is needed.
    voter = models.CharField(_("voter"), max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dot vote")
        verbose_name_plural = _("dot votes")
        ordering = ["pk"]
        indexes = [models.Index(fields=["workshop", "voter"], name="dot_vote_voter")]

    def __str__(self):
        return f"{self.voter} → {self.item_id}"


class PhotoKind(models.TextChoices):
    PROMPT = "prompt", _("Photo prompt")
    PARTICIPANT = "participant", _("Participant's photo")


class WorkshopPhoto(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=12, choices=PhotoKind.choices)
    # A name in the default storage (visionportal.files), never a public URL.
    file = models.CharField(max_length=200, editable=False)
    content_type = models.CharField(max_length=20, editable=False)
    digest = models.CharField(max_length=16, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    alt = models.CharField(_("text alternative"), max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A participant's photo comes through their sign-up (its token), so it can be traced
    # to a seat, not to a person.
    sign_up = models.ForeignKey(
        SignUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("workshop photo")
        verbose_name_plural = _("workshop photos")
        ordering = ["position", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(alt=""), name="workshop_photo_alt")]

    def __str__(self):
        return self.alt[:60]


class BoardDocument(GeneratedDocument):
    """A session's board as a numbered, tagged PDF, generated in Celery through the core
    (visionportal.documents) like the decision pack: the request only queues it, the page
    polls its progress, and members of the municipality download it privately. Numbered
    per session; `inputs` records the board's last change it was made from."""

    process = models.ForeignKey(VisionProcess, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="documents")

    class Meta:
        verbose_name = _("workshop board PDF")
        verbose_name_plural = _("workshop board PDFs")
        ordering = ["workshop", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="board_document_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.workshop} – {self.number}"
