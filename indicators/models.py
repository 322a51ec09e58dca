"""The adopted vision's follow-up: strategic areas -> goals -> indicators (Kolada key figures
or own measures) with their values, statuses, follow-up snapshots, and the initiatives and
decisions that realise the vision (seeds 001 and 003).

The tree hangs off the process, not off the adopting VisionDecision: a council that later
adopts an amended vision records a new decision, and the areas, goals and years of values
must carry over to it rather than be orphaned on the old one. That a process has an adopted
vision is a precondition the services check (services.require_adopted_vision).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from visionportal.models import GeneratedDocument, Track, Versioned, VisionProcess


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")
    KEEP = "keep", _("Keep the level")


class Status(models.TextChoices):
    """The computed or overridden state of an indicator, goal or area (indicators.status)."""

    ON_TRACK = "on_track", _("On track")
    MIXED = "mixed", _("Mixed")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")


class StrategicArea(Versioned):
    process = models.ForeignKey(
        VisionProcess, on_delete=models.CASCADE, related_name="strategic_areas"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("strategic area")
        verbose_name_plural = _("strategic areas")
        ordering = ["process", "position", "pk"]

    def __str__(self):
        return self.title


class Goal(Versioned):
    # The process is kept beside the area so "number unique per process" is a constraint;
    # services keep it equal to area.process.
    process = models.ForeignKey(VisionProcess, on_delete=models.CASCADE, related_name="goals")
    area = models.ForeignKey(StrategicArea, on_delete=models.PROTECT, related_name="goals")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    committee = models.CharField(_("owning committee"), max_length=200, blank=True)
    responsible_officer = models.CharField(_("responsible officer"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["area__position", "position", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="goal_number_per_process")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class KoladaKpi(models.Model):
    """One key figure of Kolada's catalogue, kept locally so staff search it offline."""

    id = models.CharField(_("Kolada id"), max_length=12, primary_key=True)
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    is_divided_by_gender = models.BooleanField(_("divided by gender"), default=False)
    municipality_type = models.CharField(max_length=2, blank=True)
    operating_area = models.CharField(max_length=300, blank=True)
    publ_period = models.CharField(max_length=20, blank=True)
    # Kolada removes key figures without notice; a retired one keeps its values here.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    seen_at = models.DateTimeField(_("last seen in the catalogue"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kolada key figure")
        verbose_name_plural = _("Kolada key figures")
        ordering = ["id"]

    def __str__(self):
        return f"{self.id} {self.title}"


class IndicatorKind(models.TextChoices):
    KOLADA = "kolada", _("Kolada key figure")
    OWN = "own", _("Own measure")


class Indicator(Versioned):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=8, choices=IndicatorKind.choices)
    kpi = models.ForeignKey(
        KoladaKpi,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("Kolada key figure"),
    )
    title = models.CharField(_("title"), max_length=400)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    is_divided_by_gender = models.BooleanField(_("divided by gender"), default=False)
    direction = models.CharField(_("desired direction"), max_length=10, choices=Direction.choices)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    # Compare with the whole country (Kolada's 0000, "Riket").
    compare_country = models.BooleanField(_("compare with the country"), default=True)
    # The staff's comment for the running follow-up period; frozen into each snapshot.
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["goal", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="kolada", kpi__isnull=False) | Q(kind="own", kpi__isnull=True),
                name="indicator_kolada_has_kpi",
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(target_year__gte=2000, target_year__lte=2100),
                name="indicator_target_year_plausible",
            ),
        ]

    def __str__(self):
        return self.title


class KoladaPlace(models.Model):
    """A municipality, region or municipality group Kolada publishes values for, kept
    locally so staff pick comparisons by name offline (loaded from the recorded catalogue,
    indicators/fixtures/kolada, by migration 0003)."""

    id = models.CharField(_("Kolada id"), max_length=12, primary_key=True)
    title = models.CharField(_("name"), max_length=300)
    # Kolada's type: "K" municipality, "L" region (and 0000, the country), "G" a group.
    kind = models.CharField(_("kind"), max_length=1)

    class Meta:
        verbose_name = _("Kolada municipality or group")
        verbose_name_plural = _("Kolada municipalities and groups")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["kind", "title"], name="kolada_place_kind_title")]

    def __str__(self):
        return f"{self.title} ({self.id})"


class ComparisonKind(models.TextChoices):
    GROUP = "group", _("Municipality group")
    PEER = "peer", _("Peer municipality")


class Comparison(models.Model):
    """Beside the country: a Kolada municipality group (id "G…") or a named peer."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comparisons")
    kind = models.CharField(_("kind"), max_length=6, choices=ComparisonKind.choices)
    kolada_id = models.CharField(_("Kolada id"), max_length=12)
    title = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("comparison")
        verbose_name_plural = _("comparisons")
        ordering = ["indicator", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "kolada_id"], name="comparison_once_per_indicator"
            )
        ]

    def __str__(self):
        return self.title


class ValueSource(models.TextChoices):
    KOLADA = "kolada", _("Kolada")
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("Imported file")


class KoladaValue(models.Model):
    """A Kolada value of one key figure for one municipality (or group, or 0000) and year.

    Shared by every indicator that follows the key figure, and by comparisons. A fetch
    updates rows in place and never deletes one: Kolada revises and drops data without
    notice, and what was shown in a follow-up must stay explainable."""

    kpi = models.ForeignKey(KoladaKpi, on_delete=models.CASCADE, related_name="values")
    municipality = models.CharField(_("Kolada municipality id"), max_length=12)
    period = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    women = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    men = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    status = models.CharField(max_length=30, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("Kolada value")
        verbose_name_plural = _("Kolada values")
        ordering = ["kpi", "municipality", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "municipality", "period"], name="kolada_value_once"
            )
        ]

    def __str__(self):
        return f"{self.kpi_id} {self.municipality} {self.period}"


class OwnValue(models.Model):
    """A value of an own measure, entered by staff or imported from a file."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="own_values")
    period = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    women = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    men = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=ValueSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fetched_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("own value")
        verbose_name_plural = _("own values")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="own_value_once"),
            models.CheckConstraint(condition=~Q(source="kolada"), name="own_value_not_kolada"),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.period}"


class StatusOverride(models.Model):
    """Staff's judgement over the computed status, with the reason on record. Never edited:
    a new judgement is a new row, and clearing one is a row with an empty status."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="overrides")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status override")
        verbose_name_plural = _("status overrides")
        ordering = ["indicator", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.indicator_id}: {self.status or 'computed'}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """Progress of one Kolada import for a process, for the page that polls it."""

    process = models.ForeignKey(
        VisionProcess, on_delete=models.CASCADE, related_name="kolada_imports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("key figures in total"), default=0)
    processed = models.PositiveIntegerField(_("key figures processed"), default=0)
    values_stored = models.PositiveIntegerField(default=0)
    retired_found = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Kolada import")
        verbose_name_plural = _("Kolada imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed__lte=F("total")), name="import_run_processed_le_total"
            )
        ]

    def __str__(self):
        return f"Kolada import {self.process_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class PeriodKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Half-year review")
    ANNUAL = "annual", _("Annual report")


class FollowUpPeriod(models.Model):
    """A frozen follow-up (seed 003: "målavstämning" at the half year, the annual report):
    what every status, value and comment was when staff closed it."""

    process = models.ForeignKey(
        VisionProcess, on_delete=models.CASCADE, related_name="follow_up_periods"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    title = models.CharField(_("title"), max_length=200)
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up period")
        verbose_name_plural = _("follow-up periods")
        ordering = ["process", "-frozen_at", "-pk"]

    def __str__(self):
        return self.title


class SnapshotEntry(models.Model):
    """One area, goal or indicator as it stood in a frozen period. Rows are only ever
    inserted (services.follow_up_freeze); `save` refuses to change a stored one, so a
    revised Kolada value or a later comment can never rewrite last year's report."""

    LEVELS = (("area", "area"), ("goal", "goal"), ("indicator", "indicator"))

    period = models.ForeignKey(FollowUpPeriod, on_delete=models.CASCADE, related_name="entries")
    level = models.CharField(max_length=10, choices=LEVELS)
    object_id = models.PositiveBigIntegerField()
    parent_id = models.PositiveBigIntegerField(null=True)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=400)
    status = models.CharField(max_length=10, choices=Status.choices)
    computed_status = models.CharField(max_length=10, choices=Status.choices)
    override_reason = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    # [[year, total, women, men], ...] as strings, exactly as shown.
    values = models.JSONField(default=list)

    class Meta:
        ordering = ["period", "position"]

    def __str__(self):
        return f"{self.period_id} {self.level} {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A frozen follow-up entry is never changed")
        super().save(*args, **kwargs)


class FollowUpReport(GeneratedDocument):
    """A numbered PDF follow-up report (indicators.reports), of a frozen period or, without
    one, of the tree as it stood when the report was requested. Either way it reads frozen
    entries: a period's own, or the ones the request froze into `inputs["entries"]`, so a
    report made again says the same. `inputs` also names the previous period that "what
    changed" compares with."""

    process = models.ForeignKey(
        VisionProcess, on_delete=models.CASCADE, related_name="follow_up_reports"
    )
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("follow-up period"),
    )

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["process", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "number"], name="follow_up_report_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.process} – {self.number}"


class InitiativeNovelty(models.TextChoices):
    NEW = "new", _("New")
    EXISTING = "existing", _("Existing")


class InitiativeScale(models.TextChoices):
    SMALL = "small", _("Small")
    FLAGSHIP = "flagship", _("Flagship")


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Completed")
    PAUSED = "paused", _("Paused")


class Initiative(Versioned):
    """Something done to realise the vision (seed 001: new and existing, small and flagship
    initiatives, each owned by a track and a committee)."""

    process = models.ForeignKey(VisionProcess, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    novelty = models.CharField(_("new or existing"), max_length=10, choices=InitiativeNovelty)
    scale = models.CharField(_("size"), max_length=10, choices=InitiativeScale)
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("owning track"),
    )
    committee = models.CharField(_("owning committee"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InitiativeStatus, default=InitiativeStatus.PLANNED
    )
    partners = models.CharField(_("partners"), max_length=500, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="initiatives")
    is_public = models.BooleanField(_("shown publicly"), default=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["process", "-scale", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="initiative_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class CaseKind(models.TextChoices):
    AGENDA_ITEM = "agenda", _("Council agenda item")
    BUDGET = "budget", _("Budget decision")


class Effect(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    NEUTRAL = "neutral", _("Neutral")
    DEPARTS = "departs", _("Departs from")


class CouncilCase(models.Model):
    """A council agenda item or budget decision, presented (as Ishøj asks) with how it
    relates to the vision's goals."""

    process = models.ForeignKey(
        VisionProcess, on_delete=models.CASCADE, related_name="council_cases"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CaseKind.choices)
    title = models.CharField(_("title"), max_length=300)
    meeting_date = models.DateField(_("meeting date"))
    reference = models.CharField(_("case number"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("council case")
        verbose_name_plural = _("council cases")
        ordering = ["process", "-meeting_date", "-pk"]

    def __str__(self):
        return self.title


class GoalEffect(models.Model):
    case = models.ForeignKey(CouncilCase, on_delete=models.CASCADE, related_name="effects")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="case_effects")
    effect = models.CharField(_("relation to the goal"), max_length=10, choices=Effect.choices)
    text = models.TextField(_("how"), max_length=3000)

    class Meta:
        verbose_name = _("relation to a goal")
        verbose_name_plural = _("relations to goals")
        ordering = ["case", "goal__number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "goal"], name="goal_effect_once_per_case")
        ]

    def __str__(self):
        return f"{self.case_id} -> {self.goal_id}: {self.effect}"
