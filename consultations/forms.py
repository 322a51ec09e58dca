"""The resident's answer form. It only parses input; consultations.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import AgeBand, Channel


def question_field_name(question) -> str:
    return f"question_{question.pk}"


class ResponseForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    age_band = forms.ChoiceField(
        label=_("Your age (optional)"),
        required=False,
        choices=[("", _("Choose…")), *AgeBand.choices],
    )
    area = forms.CharField(
        label=_("Where do you live? (optional)"),
        help_text=_("For example a district, a town or the countryside."),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )

    def __init__(self, *args, consultation, questions, **kwargs):
        # The labels end in "(optional)" or a question mark; a colon after them reads badly.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.questions = questions
        limit = consultation.max_answer_length
        question_fields = {}
        for question in questions:
            question_fields[question_field_name(question)] = forms.CharField(
                label=question.text,
                required=False,
                # Stripping and the length check happen in the service, in one place.
                strip=False,
                help_text=ngettext_lazy(
                    "Optional. At most %(limit)s character.",
                    "Optional. At most %(limit)s characters.",
                    "limit",
                )
                % {"limit": limit},
                widget=forms.Textarea(
                    attrs={
                        "rows": 5,
                        "maxlength": limit,
                        "dir": "auto",
                    }
                ),
            )
        # Questions first, then the optional profile fields.
        self.fields = {**question_fields, **self.fields}

    def answers(self) -> dict[int, str]:
        return {
            question.pk: self.cleaned_data.get(question_field_name(question), "")
            for question in self.questions
        }


class StaffResponseForm(ResponseForm):
    """Answers gathered by staff in an interview, a focus group, a workshop and so on."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
    )
    group_label = forms.CharField(
        label=_("Group (optional)"),
        help_text=_("For a focus group or workshop, for example “Youth council, Hageby”."),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )
    participants = forms.IntegerField(
        label=_("Number of participants (optional)"),
        required=False,
        min_value=1,
        max_value=10000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age_band"].label = _("Age (optional)")
        self.fields["area"].label = _("Where they live (optional)")
        # Channel and group first, then the questions, then the profile.
        order = ["channel", "group_label", "participants"]
        self.fields = {
            **{name: self.fields[name] for name in order},
            **{k: v for k, v in self.fields.items() if k not in order},
        }


class AnswerHideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "First row: column names. Columns: channel, the questions (keep, leave, miss or "
            "q1, q2, …), and optionally age_band, area, group_label, participants."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ImportConfirmForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
