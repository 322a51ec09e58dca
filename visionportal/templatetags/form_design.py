"""The shared form partials' helpers (templates/visionportal/includes/form_fields.html)."""

from django import template

register = template.Library()


@register.filter
def has_required_fields(form) -> bool:
    """Whether the form shows a field that must be filled in: only then does it say how
    required fields are marked."""
    return any(field.field.required and not field.field.disabled for field in form.visible_fields())
