"""Forms of the councillors' round: plain POST forms, so every page works without JavaScript.

They check shape only (required, length); the services decide what is allowed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import QuestionKind
from keywords.councillors.selectors import NOT_STRUCK_BY_ME, QUESTION_KINDS, STRUCK_BY_ME
from keywords.councillors.services import (
    INSTRUCTIONS_MAX,
    LABEL_MAX,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
)
from visionportal.forms import DateInput


class RoundOpenForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    instructions = forms.CharField(
        label=_("Instructions to councillors"),
        max_length=INSTRUCTIONS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    closes_on = forms.DateField(
        label=_("Last day for councillors"),
        required=False,
        widget=DateInput(),
        help_text=_("Proposals are accepted until the end of this day. Leave empty for no limit."),
    )
    others_visible_while_open = forms.BooleanField(
        label=_("Councillors see each other's proposals while the round is open"),
        required=False,
        help_text=_("Off: each councillor judges the list on their own until you close the round."),
    )


class RoundChoiceForm(forms.Form):
    """GET: how many keywords a threshold gives, before staff open the round."""

    min_respondents = forms.IntegerField(
        label=_("Minimum number of respondents"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        help_text=_("Only keywords at least this many residents mentioned go to the councillors."),
    )


class RoundListFilterForm(forms.Form):
    """GET: search and filter the round's list on the councillor's page."""

    q = forms.CharField(label=_("Search the list"), max_length=LABEL_MAX, required=False)
    struck = forms.ChoiceField(
        label=_("Your strikes"),
        required=False,
        choices=[
            ("", _("All keywords")),
            (STRUCK_BY_ME, _("Keywords you propose striking")),
            (NOT_STRUCK_BY_ME, _("Keywords you have not struck")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Mentioned in answers to"),
        required=False,
        choices=[
            ("", _("Any question")),
            *[(kind, QuestionKind(kind).label) for kind in QUESTION_KINDS],
        ],
    )

    def filters(self) -> dict:
        """Filters for selectors.round_keywords (none for invalid input)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"].strip(),
            "struck": data["struck"],
            "question_kind": data["kind"],
        }


class StrikeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)


class AddForm(forms.Form):
    label = forms.CharField(label=_("Keyword to add"), max_length=LABEL_MAX)
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("Note (what changed and why)"), max_length=NOTE_MAX, required=False
    )
