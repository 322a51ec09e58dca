"""Keywords proposed from residents' answers, and the runs that propose them.

A Keyword is grouped by its normalised ``base_form`` (one per consultation); ``label`` is
what residents will see and is the staff's to rename. Curation (label, status, merge,
"keep for sorting") lives on the Keyword row, so a rebuild that only recomputes mentions
cannot undo it.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from consultations.models import Answer, Consultation


class KeywordStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    KEPT = "kept", _("Kept")
    STRUCK = "struck", _("Struck")
    MERGED = "merged", _("Merged")


class Keyword(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="keywords"
    )
    label = models.CharField(_("label"), max_length=120)
    base_form = models.CharField(_("base form"), max_length=120)
    created_by_staff = models.BooleanField(_("added by staff"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=KeywordStatus.choices, default=KeywordStatus.CANDIDATE
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_keywords",
        verbose_name=_("merged into"),
    )
    kept_for_sorting = models.BooleanField(_("keep for sorting"), default=False)
    # Optimistic locking for the curation workbench: an edit names the version it read.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "base_form"], name="keyword_one_per_base_form"
            ),
            # Merged exactly when it points somewhere, and never at itself.
            models.CheckConstraint(
                condition=(
                    Q(status=KeywordStatus.MERGED, merged_into__isnull=False)
                    | (~Q(status=KeywordStatus.MERGED) & Q(merged_into__isnull=True))
                ),
                name="keyword_merged_iff_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="keyword_not_merged_into_itself"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="keyword_label_not_empty"),
            models.CheckConstraint(condition=~Q(base_form=""), name="keyword_base_form_not_empty"),
        ]

    def __str__(self):
        return self.label


class KeywordMention(models.Model):
    """One answer mentions one keyword (however often): the link back to the quotes."""

    keyword = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="mentions")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="keyword_mentions")
    surface_form = models.CharField(_("as written"), max_length=200)

    class Meta:
        verbose_name = _("keyword mention")
        verbose_name_plural = _("keyword mentions")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["keyword", "answer"], name="keyword_mention_one_per_answer"
            )
        ]

    def __str__(self):
        return self.surface_form


class RunKind(models.TextChoices):
    INCREMENTAL = "incremental", _("New answers")
    REBUILD = "rebuild", _("Full rebuild")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExtractionRun(models.Model):
    """Progress of a long extraction, for the page that polls it."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="extraction_runs"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RunKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("answers in total"), default=0)
    processed = models.PositiveIntegerField(_("answers processed"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("extraction run")
        verbose_name_plural = _("extraction runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed__lte=F("total")), name="extraction_run_processed_le_total"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.consultation_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
