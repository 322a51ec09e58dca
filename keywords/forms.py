from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import AgeBand, Channel

from .selectors import COUNTED_KINDS

_ANY = [("", _("All"))]


class KeywordFilterForm(forms.Form):
    """The keyword table's filters: a GET form, so it works without JavaScript."""

    question_kind = forms.ChoiceField(
        label=_("Question"),
        required=False,
        choices=_ANY + [(kind.value, kind.label) for kind in COUNTED_KINDS],
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_ANY + Channel.choices)
    age_band = forms.ChoiceField(
        label=_("Age band"), required=False, choices=_ANY + AgeBand.choices
    )
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("respondents", _("Respondents")), ("label", _("Keyword"))],
    )

    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than shown as an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "question_kind": data.get("question_kind") or None,
            "channel": data.get("channel") or None,
            "age_band": data.get("age_band") or None,
            "order": data.get("order") or "respondents",
        }
