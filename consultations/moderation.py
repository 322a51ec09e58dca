"""Hiding a resident's text (an answer, a budget proposal): the row stays, with who hid it,
when and why, so the audit trail survives and the text can be shown again. The models
carry the same three fields (hidden_at, hidden_by, hidden_reason)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

HIDING_FIELDS = ["hidden_at", "hidden_by", "hidden_reason"]


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
