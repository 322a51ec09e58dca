"""Hiding a resident's text (an answer, a budget proposal): the row stays, with who hid it,
when and why, so the audit trail survives and the text can be shown again. The models
take the three fields (hidden_at, hidden_by, hidden_reason) from Hideable, and their
querysets `visible()` from HideableQuerySet; each model names its own check that a
hidden row has a reason (constraint names are per table)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HIDING_FIELDS = ["hidden_at", "hidden_by", "hidden_reason"]


class HideableQuerySet(models.QuerySet):
    def visible(self):
        """Rows not hidden by a moderator: the only ones residents see, and analysis and
        exports use."""
        return self.filter(hidden_at__isnull=True)


class Hideable(models.Model):
    # Moderation keeps the row: who hid it, when and why is the audit trail.
    hidden_at = models.DateTimeField(gettext_lazy("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("hidden by"),
    )
    hidden_reason = models.CharField(gettext_lazy("reason for hiding"), max_length=500, blank=True)

    class Meta:
        abstract = True


def hiding_reason(reason: str | None, *, model, missing: str) -> str:
    """The reason stripped, or a ValidationError on `reason`: `missing` when empty, a
    length error above the model's hidden_reason length."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    limit = model._meta.get_field("hidden_reason").max_length
    if len(reason) > limit:
        raise ValidationError(
            {"reason": _("Shorten the reason to at most %(limit)d characters.") % {"limit": limit}}
        )
    return reason


def mark_hidden(obj, *, by, reason: str) -> list[str]:
    """Set the hiding fields (not saved); the fields to save."""
    obj.hidden_at = timezone.now()
    obj.hidden_by = by
    obj.hidden_reason = reason
    return list(HIDING_FIELDS)


def unhide(obj):
    obj.hidden_at = None
    obj.hidden_by = None
    obj.hidden_reason = ""
    obj.save(update_fields=HIDING_FIELDS)
    return obj
