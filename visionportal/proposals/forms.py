from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..forms import DateInput
from ..models import DecisionBody, DecisionOutcome, Milestone, decision_body_name
from .services import COMMENT_MAX, TEXT_MAX, TITLE_MAX


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("Vision text"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 16, "dir": "auto"}),
        help_text=_(
            "Separate paragraphs with a blank line; start lines with “- ” for a list. "
            "You may also use <p>, <em>, <strong>, <ul>, <ol> and <li>; anything else is "
            "removed when you save."
        ),
    )
    # 0: the editor showed no proposal yet.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )


class DecisionForm(forms.Form):
    body = forms.ChoiceField(label=_("Decided by"))
    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=60,
        required=False,
        help_text=_("For example KS 2015/0363."),
    )
    paragraph = forms.CharField(
        label=_("Paragraph (§)"), max_length=20, required=False, help_text=_("For example 215.")
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DecisionOutcome.choices)
    amended_text = forms.CharField(
        label=_("Adopted text, if amended"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text=_(
            "Only when the body adopted the proposal with amendments: the text as adopted. "
            "Otherwise the current proposal is recorded as the adopted text."
        ),
    )
    milestone = forms.ModelChoiceField(
        label=_("Milestone on the timeline"), queryset=Milestone.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        country = process.municipality.country
        self.fields["body"].choices = [
            (value, decision_body_name(value, country)) for value in DecisionBody.values
        ]
        self.fields["milestone"].queryset = Milestone.objects.filter(process=process)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == DecisionOutcome.AMENDED
            and not (cleaned.get("amended_text") or "").strip()
        ):
            self.add_error("amended_text", _("Give the text as the body adopted it."))
        return cleaned


class PackForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the pack"), choices=settings.LANGUAGES)
    gaps_note = forms.CharField(
        label=_("What was done about gaps in who answered"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Shown in the pack beside the chart of who answered."),
    )
