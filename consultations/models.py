"""Asking residents (seed 000, step 1): consultations, their questions, and the responses
gathered from every channel. No IP address or name is stored with a response."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.moderation import Hideable, HideableQuerySet
from visionportal.models import Versioned, VisionProcess
from visionportal.phases import Capability, process_allows


class ConsultationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(process__is_public=True, process__municipality__is_public=True)

    def open(self, at=None):
        at = at or timezone.now()
        return self.filter(opens_at__lte=at, closes_at__gt=at)


class Consultation(Versioned):
    """Versioned: the settings page (settings and questions together) refuses a save over a
    colleague's (consultations.services.consultation_configure)."""

    process = models.ForeignKey(
        VisionProcess,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("vision process"),
    )
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # The questions are content in one language; pages mark them with it (WCAG 3.1.2).
    language = models.CharField(
        _("language of the questions"), max_length=5, choices=settings.LANGUAGES
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=5000)
    max_answer_length = models.PositiveIntegerField(_("maximum answer length"), default=2000)
    # The optional "about you" questions this consultation asks. All optional for the
    # resident; staff choose which to ask.
    ask_age_band = models.BooleanField(_("ask for age band"), default=True)
    ask_area = models.BooleanField(_("ask where the resident lives"), default=True)
    # One area per line (the municipality's districts); empty: urban area, other town,
    # countryside (seed 000's split).
    areas = models.TextField(
        _("areas to choose from"),
        blank=True,
        max_length=5000,
        help_text=_("One per line. Leave empty for: main urban area, other town, countryside."),
    )
    ask_target_groups = models.BooleanField(
        _("ask which groups the resident belongs to"), default=True
    )
    ask_preferred_language = models.BooleanField(_("ask for preferred language"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(max_answer_length__gte=1, max_answer_length__lte=20000),
                name="consultation_answer_length_plausible",
            ),
        ]

    def __str__(self):
        return self.title

    def status(self, at=None) -> str:
        """ "upcoming", "open", "closed", or "outside_phase": open by its own dates, but the
        process is in no phase that takes answers (visionportal.phases). Only "open" takes
        residents' answers. Reads the process's phases (prefetch "process__phases")."""
        at = at or timezone.now()
        if at < self.opens_at:
            return "upcoming"
        if at >= self.closes_at:
            return "closed"
        if not process_allows(self.process, Capability.ANSWER, at=at):
            return "outside_phase"
        return "open"

    def is_open(self, at=None) -> bool:
        return self.status(at) == "open"


class QuestionKind(models.TextChoices):
    KEEP = "keep", _("What to keep")
    LEAVE = "leave", _("What to leave behind")
    MISS = "miss", _("What is missing")
    CUSTOM = "custom", _("Custom question")


class Question(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("question"), max_length=1000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class QuestionTranslation(models.Model):
    """A question's wording in another language: content, written by staff (or the seed-000
    defaults), not UI. Any language code, not only the UI's: a consultation may reach new
    arrivals in Arabic or Somali (seed 000's "nya svenskar"), right-to-left included."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=12)
    text = models.TextField(_("question"), max_length=1000)

    class Meta:
        verbose_name = _("translated question")
        verbose_name_plural = _("translated questions")
        ordering = ["language", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "language"], name="question_translation_once_per_language"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_translation_text"),
        ]

    def __str__(self):
        return f"{self.language}: {self.text[:60]}"


class ResultsSubscription(models.Model):
    """ "Tell me when the results are out": an e-mail address, kept apart from the answers
    (no link to a response, so it cannot tie a person to what they wrote), used once when a
    keyword list is published and then deleted. The resident can delete it earlier through
    the signed link in the receipt and in the e-mail."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="results_subscriptions"
    )
    email = models.EmailField(_("e-mail address"))
    # The UI language the resident used, so the e-mail speaks it.
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    # The address the resident used ("https://host/"; the host passed ALLOWED_HOSTS): the
    # e-mail's links are built on it, since the worker that sends it has no request.
    site_url = models.URLField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("results notification")
        verbose_name_plural = _("results notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "email"], name="results_subscription_once_per_address"
            ),
        ]

    def __str__(self):
        return f"{self.consultation_id}: {self.email}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    INTERVIEW = "interview", _("Interview")
    FOCUS_GROUP = "focus_group", _("Focus group")
    WORKSHOP = "workshop", _("Workshop")
    WORKPLACE_MEETING = "workplace_meeting", _("Workplace meeting")
    EXHIBITION = "exhibition", _("Exhibition")
    PARTY_SUBMISSION = "party_submission", _("Political party submission")


class AgeBand(models.TextChoices):
    UNDER_16 = "0-15", _("Under 16")
    FROM_16 = "16-24", _("16–24")
    FROM_25 = "25-44", _("25–44")
    FROM_45 = "45-64", _("45–64")
    FROM_65 = "65-79", _("65–79")
    FROM_80 = "80+", _("80 or older")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class TargetGroup(models.TextChoices):
    """Seed 000's target groups ("företagare, studenter, barnfamiljer, nya svenskar,
    ungdomar, äldre, personer med funktionsnedsättning, turister, yrkesarbetande")."""

    BUSINESS_OWNER = "business_owner", _("Business owner")
    STUDENT = "student", _("Student")
    FAMILY_WITH_CHILDREN = "family_with_children", _("Family with children")
    NEW_IN_COUNTRY = "new_in_country", _("New in the country")
    YOUNG = "young", _("Young person")
    OLDER = "older", _("Older person")
    DISABILITY = "disability", _("Person with a disability")
    VISITOR = "visitor", _("Visitor or tourist")
    WORKING = "working", _("Working")


class Response(models.Model):
    """One person's (or one group's) answers. Anonymous: no name, no IP address."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    # From the form the resident loaded: a retried or double submit carries the same key.
    idempotency_key = models.UUIDField(_("idempotency key"), editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    age_band = models.CharField(_("age band"), max_length=12, choices=AgeBand.choices, blank=True)
    area = models.CharField(_("where you live"), max_length=120, blank=True)
    # Focus groups, workshops and similar channels answer as a group.
    group_label = models.CharField(_("group"), max_length=120, blank=True)
    participants = models.PositiveSmallIntegerField(
        _("number of participants"), null=True, blank=True
    )
    # The language the resident prefers to be contacted in or to read results in (a code
    # such as "sv", "ar", "so"); free to any language, not only the UI's.
    preferred_language = models.CharField(_("preferred language"), max_length=12, blank=True)
    # Set by keyword extraction once it has read this response's answers. A response stored
    # while the broker or the workers were down is still null, so a sweep catches up with
    # it: nothing a resident wrote waits on the broker, and nothing is missed.
    keywords_extracted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "idempotency_key"],
                name="response_one_per_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(participants__isnull=True) | Q(participants__gte=1),
                name="response_participants_positive",
            ),
        ]
        indexes = [
            # The extraction sweep reads only the (few) responses not yet extracted.
            models.Index(
                fields=["id"],
                condition=Q(keywords_extracted_at__isnull=True),
                name="response_keywords_pending",
            ),
            # The staff list (newest first) and the exports (oldest first, in keyset
            # batches) walk one consultation's responses in this order.
            models.Index(
                fields=["consultation", "submitted_at", "id"],
                name="response_consultation_time",
            ),
        ]

    def __str__(self):
        return f"{self.consultation} #{self.pk}"


class ResponseTargetGroup(models.Model):
    """A group the respondent said they belong to (any number, all optional)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="target_groups")
    group = models.CharField(_("group"), max_length=24, choices=TargetGroup.choices)

    class Meta:
        verbose_name = _("target group of a response")
        verbose_name_plural = _("target groups of responses")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "group"], name="response_target_group_once"
            ),
        ]

    def __str__(self):
        return self.get_group_display()


class ResponseDraft(models.Model):
    """What a resident has typed but not sent, saved as they type (htmx), so a reload or a
    lost connection loses nothing. Keyed by an anonymous random token in a cookie; deleted
    when the response is stored, and expired drafts are cleared periodically."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="drafts")
    token = models.UUIDField(_("draft token"), editable=False)
    # {"answers": {question id: text}, "profile": {field: value}}
    content = models.JSONField(_("content"), default=dict)
    updated_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("draft response")
        verbose_name_plural = _("draft responses")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "token"], name="response_draft_one_per_token"
            ),
        ]

    def __str__(self):
        return f"{self.consultation} draft"


class Answer(Hideable):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"))

    objects = HideableQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question_per_response"
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="answer_hidden_with_reason",
            ),
        ]

    def __str__(self):
        return self.text[:60]


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """An export too large to write within a request, written by a Celery task: its
    progress, for the page that polls it, and (in ExportChunk rows) the finished file."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="export_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("responses in total"), default=0)
    processed = models.PositiveIntegerField(_("responses written"), default=0)
    size = models.PositiveBigIntegerField(_("bytes"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.consultation_id}.{self.format} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


class ExportChunk(models.Model):
    """One piece (about a megabyte) of a finished export. In the database, so that the
    worker that writes it and the web process that sends it share no disk, and sent piece
    by piece, so that memory does not grow with the file."""

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="export_chunk_once"),
        ]

    def __str__(self):
        return f"{self.job_id}/{self.position}"


# Future workshops (seed 002) and the participatory budget (seed 004) live in their own
# areas (consultations/workshops/, consultations/budget/); imported here so Django registers
# their models under this app.
from consultations.budget.models import (  # noqa: E402, F401
    Assessment,
    Ballot,
    BallotChoice,
    BudgetProposal,
    BudgetResult,
    Celebration,
    CelebrationPhoto,
    District,
    ParticipatoryBudget,
    Place,
    ProjectProgress,
    ProposalImage,
    Support,
    VoterRecord,
    VotingCode,
    VotingCodeBatch,
)
from consultations.workshops.models import (  # noqa: E402, F401
    BoardChange,
    BoardItem,
    DotVote,
    SignUp,
    Workshop,
    WorkshopPhoto,
    WorkshopSeries,
)
