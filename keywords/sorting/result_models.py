"""Stored results of a sorting round: snapshots the Celery aggregation writes and the
results pages, exports and the later decision pack read (pages never count votes).

A snapshot is immutable once done: a new aggregation makes a new row, so a decision pack
that cites a snapshot keeps citing the same figures. Its progress while it is computed
lives on the same row, for the page that polls it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from keywords.sorting.models import SortingRound


class SnapshotStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Computing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SnapshotTrigger(models.TextChoices):
    STAFF = "staff", _("Requested by staff")
    SCHEDULE = "schedule", _("Scheduled refresh")


class SortResultSnapshotQuerySet(models.QuerySet):
    def done(self):
        return self.filter(status=SnapshotStatus.DONE)

    def latest_done(self, round):
        return self.done().filter(round=round).order_by("-finished_at", "-pk").first()


class SortResultSnapshot(models.Model):
    round = models.ForeignKey(
        SortingRound, on_delete=models.CASCADE, related_name="result_snapshots"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.QUEUED
    )
    trigger = models.CharField(
        _("trigger"), max_length=10, choices=SnapshotTrigger.choices, default=SnapshotTrigger.STAFF
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    steps_total = models.PositiveSmallIntegerField(default=1)
    steps_done = models.PositiveSmallIntegerField(default=0)
    # What went in: the counts that identify the votes counted (a refresh skips a round
    # whose inputs have not changed) and the parameters of the statistics.
    inputs = models.JSONField(default=dict, blank=True)
    votes = models.PositiveIntegerField(_("votes counted"), default=0)
    participants = models.PositiveIntegerField(_("players counted"), default=0)
    group_participants = models.PositiveIntegerField(
        _("workplace meeting participants counted"), default=0
    )
    # The results (keywords.sorting.results.compute_results), JSON as the pages read it.
    data = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = SortResultSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("sorting result snapshot")
        verbose_name_plural = _("sorting result snapshots")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(steps_done__lte=F("steps_total")),
                name="sort_result_snapshot_progress",
            ),
            models.CheckConstraint(
                condition=~Q(status=SnapshotStatus.DONE) | Q(finished_at__isnull=False),
                name="sort_result_snapshot_done_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status", "-finished_at"], name="sort_result_latest"),
        ]

    def __str__(self):
        return f"{self.round_id}: {self.status} {self.finished_at or self.created_at}"

    @property
    def is_finished(self) -> bool:
        return self.status in (SnapshotStatus.DONE, SnapshotStatus.FAILED)


class CellGrouping(models.IntegerChoices):
    """Which of the aggregation's three groupings a vote cell counts (see SortVoteCell)."""

    # Numbered in the order a play's changes reach them (its votes' positions as they are
    # cast, their profile cells when the profile is copied at the end); the fold writes
    # cells in key order.
    POSITION = 1, "deck position"
    PROFILE = 2, "channel, device class, target groups"
    AGE_AREA = 3, "age band, area"


class SortVoteCell(models.Model):
    """The round's included votes counted per grouping the aggregation reads, kept from
    PostgreSQL triggers on the votes (migrations 0018, 0022) as votes are cast, changed,
    excluded, re-included, given their player's profile or deleted; so the results read a
    few ten thousand cells instead of scanning a million votes. The triggers write each
    change as SortVoteDelta rows, which keywords.sorting.vote_cells folds into the cells
    (each minute and before every aggregation); the aggregation adds the deltas not folded
    yet, so it counts exactly what is stored.

    Each vote counts in three cells: its deck position's (every included vote), and, once
    its player's profile is copied onto it (device class not empty), its channel × device
    class × target groups cell and its age band × area cell. The columns a grouping does
    not use hold their empty value, so one unique key covers the three. A vote whose
    profile is not copied yet is counted by the aggregation from its player, as before.
    Cells whose votes all went stay at zero (rewriting them costs more than they weigh).
    On other databases there are no triggers and the aggregation scans the votes.
    """

    round = models.ForeignKey(
        SortingRound, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    item = models.ForeignKey(
        "keywords.KeywordListItem", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    choice = models.SmallIntegerField()
    grouping = models.SmallIntegerField(choices=CellGrouping.choices)
    channel = models.CharField(max_length=20, blank=True, default="")
    device_class = models.CharField(max_length=10, blank=True, default="")
    target_groups = models.PositiveSmallIntegerField(default=0)
    age_band = models.CharField(max_length=12, blank=True, default="")
    area = models.CharField(max_length=120, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)
    votes = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # The fold's ON CONFLICT target; it starts with the round, which the
            # aggregation reads by.
            models.UniqueConstraint(
                fields=[
                    "round",
                    "grouping",
                    "item",
                    "choice",
                    "channel",
                    "device_class",
                    "target_groups",
                    "age_band",
                    "area",
                    "position",
                ],
                name="sort_vote_cell_key",
            ),
        ]

    def __str__(self):
        return f"{self.round_id}/{self.item_id}/{self.choice} ({self.grouping}): {self.votes}"


class SortVoteDelta(models.Model):
    """A change to the vote cells not folded into them yet: one row per vote a statement
    wrote (+1 for the vote as it is now, -1 for it as it was; excluded votes count
    nothing), written by the votes' triggers (migration 0022).

    Why not update the cells in the trigger, as before: every vote then updated its
    player's row and three cells, and concurrent votes queued on the same hot cells
    (every phone's "yes" to one keyword) until each committed; that was a quarter of a
    vote's time in the database. Appending a row costs little and locks nothing shared.
    No foreign keys and no index but the key: the rows live a minute, a deleted round's or
    keyword's rows are dropped by the fold, and every index would cost each vote.
    """

    round_id = models.BigIntegerField()
    participant_id = models.BigIntegerField()
    item_id = models.BigIntegerField()
    choice = models.SmallIntegerField()
    channel = models.CharField(max_length=20)
    device_class = models.CharField(max_length=10)
    target_groups = models.PositiveSmallIntegerField()
    age_band = models.CharField(max_length=12)
    area = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()
    n = models.SmallIntegerField()

    def __str__(self):
        return f"{self.round_id}/{self.participant_id}/{self.item_id}: {self.n:+d}"
