"""The resident's answer form. It only parses input; consultations.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import AgeBand


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
