"""The audit of exclusions in the sorting game (issue 10, "Abuse and integrity").

Excluding never deletes: it flips ``SortVote.excluded`` / ``SortGroupSession.excluded``
and writes one ``SortExclusion`` row saying who did it, when, why and what it covered
(a player's votes, a kiosk's votes in a time window, or a workplace meeting), with the
number of rows it changed. Re-including is the same kind of row with action "include",
so the history reads as a list of decisions, newest first.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywords.sorting.models import (
    SortGroupSession,
    SortingDevice,
    SortingRound,
    SortParticipant,
)


class ExclusionAction(models.TextChoices):
    EXCLUDE = "exclude", _("Excluded")
    INCLUDE = "include", _("Included again")


class ExclusionTarget(models.TextChoices):
    PARTICIPANT = "participant", _("One player's votes")
    DEVICE = "device", _("A kiosk's votes in a time window")
    GROUP_SESSION = "group_session", _("A workplace meeting")


class SortExclusion(models.Model):
    round = models.ForeignKey(SortingRound, on_delete=models.CASCADE, related_name="exclusions")
    action = models.CharField(_("action"), max_length=10, choices=ExclusionAction.choices)
    target = models.CharField(_("what"), max_length=20, choices=ExclusionTarget.choices)
    participant = models.ForeignKey(
        SortParticipant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    device = models.ForeignKey(
        SortingDevice, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group_session = models.ForeignKey(
        SortGroupSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The kiosk window (cast_at in [window_start, window_end)); both null for the others.
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    # Rows whose flag this decision changed (votes, or 1 for a meeting).
    changed = models.PositiveIntegerField(_("rows changed"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("exclusion decision")
        verbose_name_plural = _("exclusion decisions")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="sort_exclusion_reason"),
            # Exactly the object its target names.
            models.CheckConstraint(
                condition=(
                    Q(
                        target=ExclusionTarget.PARTICIPANT,
                        participant__isnull=False,
                        device__isnull=True,
                        group_session__isnull=True,
                    )
                    | Q(
                        target=ExclusionTarget.DEVICE,
                        participant__isnull=True,
                        device__isnull=False,
                        group_session__isnull=True,
                        window_start__isnull=False,
                        window_end__isnull=False,
                    )
                    | Q(
                        target=ExclusionTarget.GROUP_SESSION,
                        participant__isnull=True,
                        device__isnull=True,
                        group_session__isnull=False,
                    )
                ),
                name="sort_exclusion_target",
            ),
        ]
        indexes = [models.Index(fields=["round", "-at"], name="sort_exclusion_by_round")]

    def __str__(self):
        return f"{self.round_id}: {self.action} {self.target}"
