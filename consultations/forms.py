"""The resident's answer form. It only parses input; consultations.services decides."""

import copy

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from visionportal.forms import DateTimeInput, VersionedForm

from . import profile
from .models import AgeBand, Channel, Consultation, TargetGroup

MAX_ANSWER_LENGTH = 20000  # the database's check constraint

# The optional "about you" fields, in the order the form shows them, and the consultation
# setting that switches each on.
PROFILE_FIELDS = {
    "age_band": "ask_age_band",
    "area": "ask_area",
    "target_groups": "ask_target_groups",
    "preferred_language": "ask_preferred_language",
}


def question_field_name(question) -> str:
    return f"question_{question.pk}"


class LanguageSelect(forms.Select):
    """Each language is named in itself; its option says so (WCAG 3.1.2, language of parts)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value and value != profile.OTHER_LANGUAGE:
            option["attrs"]["lang"] = value
            option["attrs"]["dir"] = "auto"
        return option


class SharedChoicesMixin:
    """Copies of this field and its widget share the choices. Django deep-copies a choice
    field's choices, and re-normalises its widget's, for every form built: that was most of
    building the residents' form on the submit path. These choices are only ever replaced
    (an assignment, which the copy makes on itself), never changed in place, so sharing is
    safe. Otherwise as Field.__deepcopy__."""

    def __deepcopy__(self, memo):
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class SharedChoiceField(SharedChoicesMixin, forms.ChoiceField):
    pass


class SharedMultipleChoiceField(SharedChoicesMixin, forms.MultipleChoiceField):
    pass


class ResponseForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    age_band = SharedChoiceField(
        label=_("Your age (optional)"),
        required=False,
        choices=[("", _("Choose…")), *AgeBand.choices],
        error_messages={"invalid_choice": _("Choose one of the age bands.")},
    )
    area = SharedChoiceField(
        label=_("Where do you live? (optional)"),
        required=False,
        error_messages={
            "invalid_choice": _("The list of areas has changed. Choose your area again.")
        },
    )
    target_groups = SharedMultipleChoiceField(
        label=_("Do you belong to any of these groups? (optional)"),
        help_text=_("Tick all that apply, or none."),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only groups from the list.")},
    )
    preferred_language = SharedChoiceField(
        label=_("Which language do you prefer? (optional)"),
        help_text=_("For example for information about the results."),
        required=False,
        widget=LanguageSelect,
        error_messages={"invalid_choice": _("Choose one of the languages in the list.")},
    )

    def __init__(self, *args, consultation, questions, **kwargs):
        # The labels end in "(optional)" or a question mark; a colon after them reads badly.
        kwargs.setdefault("label_suffix", "")
        # Django deep-copies every declared field per form; copy only the profile questions
        # this consultation asks (the language list alone is most of the copying).
        self.base_fields = {
            name: field
            for name, field in type(self).base_fields.items()
            if name not in PROFILE_FIELDS or getattr(consultation, PROFILE_FIELDS[name])
        }
        super().__init__(*args, **kwargs)
        self.questions = questions
        limit = consultation.max_answer_length
        # Not lazy: the form is built in the request's language, and a lazy plural costs a
        # new class per call on the residents' hottest path.
        length_hint = ngettext(
            "Optional. At most %(limit)s character.",
            "Optional. At most %(limit)s characters.",
            limit,
        ) % {"limit": number_format(limit, force_grouping=True)}
        question_fields = {}
        for question in questions:
            question_fields[question_field_name(question)] = forms.CharField(
                label=question.text,
                required=False,
                # Stripping and the length check happen in the service, in one place.
                strip=False,
                help_text=length_hint,
                widget=forms.Textarea(
                    attrs={
                        "rows": 5,
                        "maxlength": limit,
                        "dir": "auto",
                    }
                ),
            )
        # Questions first, then the optional profile fields the consultation asks.
        self.fields = {**question_fields, **self.fields}
        if "area" in self.fields:
            self.fields["area"].choices = [
                ("", _("Choose…")),
                *profile.area_choices(consultation),
                (profile.UNDISCLOSED, _("Prefer not to say")),
            ]
        if "preferred_language" in self.fields:
            self.fields["preferred_language"].choices = [
                ("", _("Choose…")),
                *profile.PREFERRED_LANGUAGES,
                (profile.OTHER_LANGUAGE, _("Another language")),
            ]

    @property
    def profile_fields(self) -> list:
        """The bound profile fields the consultation asks, in order (for the templates)."""
        return [self[name] for name in PROFILE_FIELDS if name in self.fields]

    def draft_values(self) -> tuple[dict[int, str], dict]:
        """The answers and profile answers a draft keeps, each cleaned by its own field
        exactly as the submit cleans it (Field.clean: no NUL, which PostgreSQL cannot store;
        a choice from the list). Not the checks of a whole response (its key, the length
        limit, "answer at least one"): a draft holds work in progress.

        An answer the submit would refuse for what it contains raises ValidationError: the
        draft is not saved, and the resident is told. A profile answer it would refuse is
        left out, like an empty one (the list may have changed since the page was loaded)."""
        answers, profile_answers = {}, {}
        question_names = {question_field_name(q): q.pk for q in self.questions}
        for name, field in self.fields.items():
            if name == "idempotency_key":
                continue
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                value = field.clean(raw)
            except forms.ValidationError:
                if name in question_names:
                    raise
                continue
            if name in question_names:
                answers[question_names[name]] = value
            else:
                profile_answers[name] = value
        return answers, profile_answers

    def answers(self) -> dict[int, str]:
        return {
            question.pk: self.cleaned_data.get(question_field_name(question), "")
            for question in self.questions
        }

    def profile(self) -> dict:
        """The profile answers as response_submit takes them; empty for questions not asked."""
        return {
            "age_band": self.cleaned_data.get("age_band", ""),
            "area": self.cleaned_data.get("area", ""),
            "target_groups": self.cleaned_data.get("target_groups", []),
            "preferred_language": self.cleaned_data.get("preferred_language", ""),
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
        labels = {
            "age_band": _("Age (optional)"),
            "area": _("Where they live (optional)"),
            "target_groups": _("Groups they belong to (optional)"),
            "preferred_language": _("Preferred language (optional)"),
        }
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        if "target_groups" in self.fields:
            self.fields["target_groups"].help_text = _("Tick all that apply, or none.")
        if "preferred_language" in self.fields:
            self.fields["preferred_language"].help_text = ""
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
            "q1, q2, …), and optionally age_band, area, target_groups (separated by ;), "
            "preferred_language, group_label, participants."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ImportConfirmForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


class ConsultationCreateForm(forms.Form):
    """A new consultation: seed 000's three questions, worded in `language` with the
    municipality's name and the process's target year; staff reword them afterwards."""

    language = forms.ChoiceField(
        label=_("Language of the questions"),
        help_text=_("The questions are written in this language; residents may answer in any."),
        choices=settings.LANGUAGES,
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The consultation must close after it opens."))
        return cleaned


class ConsultationSettingsForm(VersionedForm):
    """What staff configure on a consultation. Carries the version the editor started from
    (settings and questions), so a save over a colleague's change is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Consultation
        fields = [
            "title",
            "intro",
            "opens_at",
            "closes_at",
            "max_answer_length",
            "ask_age_band",
            "ask_area",
            "areas",
            "ask_target_groups",
            "ask_preferred_language",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "intro": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "areas": forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        length = self.fields["max_answer_length"]
        length.validators += [MinValueValidator(1), MaxValueValidator(MAX_ANSWER_LENGTH)]
        length.widget.attrs.update(min=1, max=MAX_ANSWER_LENGTH)
        length.help_text = _("Characters per answer, at most %(max)d.") % {"max": MAX_ANSWER_LENGTH}

    def clean_areas(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["areas"].splitlines()]
        too_long = [line for line in lines if len(line) > profile.MAX_AREA_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Shorten each area to at most %(max)d characters.")
                % {"max": profile.MAX_AREA_LENGTH}
            )
        areas = profile.parse_areas("\n".join(lines))
        if len(areas) > profile.MAX_AREAS:
            raise forms.ValidationError(
                _("List at most %(max)d areas.") % {"max": profile.MAX_AREAS}
            )
        return "\n".join(areas)

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The consultation must close after it opens."))
        return cleaned

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class QuestionEditForm(forms.Form):
    """One question on the settings page: reword, reorder, remove; or a new custom one."""

    question_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Question"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    position = forms.IntegerField(
        label=_("Order"),
        min_value=1,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"class": "input--narrow"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


QuestionFormSet = forms.formset_factory(
    QuestionEditForm, extra=2, can_delete=True, max_num=30, validate_max=True
)


class ResultsNoticeForm(forms.Form):
    """One optional address, on the receipt, apart from the answers form."""

    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        required=False,
        help_text=_("We send one e-mail when the results are published, then delete the address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
