from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import AgeBand, Channel, TargetGroup
from keywords.curation.selectors import COUNTED_KINDS, ROW_STATUSES
from keywords.curation.services import LABEL_MAX_LENGTH, REASON_MAX_LENGTH
from keywords.models import Keyword, KeywordStatus

_ANY = [("", _("All"))]


def is_id(value: str) -> bool:
    """A posted primary key or version: ASCII digits only (str.isdigit also takes "²",
    which int() refuses) and short enough for the database's integers."""
    return value.isascii() and value.isdigit() and len(value) <= 18


class KeywordFilterForm(forms.Form):
    """The keyword table's filters: a GET form, so it works without JavaScript."""

    search = forms.CharField(label=_("Search keywords"), required=False, max_length=120)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_ANY + [(s.value, s.label) for s in ROW_STATUSES],
    )
    question_kind = forms.ChoiceField(
        label=_("Question"),
        required=False,
        choices=_ANY + [(kind.value, kind.label) for kind in COUNTED_KINDS],
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_ANY + Channel.choices)
    age_band = forms.ChoiceField(
        label=_("Age band"), required=False, choices=_ANY + AgeBand.choices
    )
    target_group = forms.ChoiceField(
        label=_("Target group"), required=False, choices=_ANY + TargetGroup.choices
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
            "search": (data.get("search") or "").strip() or None,
            "status": data.get("status") or None,
            "question_kind": data.get("question_kind") or None,
            "channel": data.get("channel") or None,
            "age_band": data.get("age_band") or None,
            "target_group": data.get("target_group") or None,
            "order": data.get("order") or "respondents",
        }


# Curation forms parse what the workbench posts. Length limits are generous here (a too
# long label is refused by the service with a message naming the limit, and the typed text
# is kept); what matters is the version the staff member read.

_TEXT_LIMIT = 10 * LABEL_MAX_LENGTH


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=10 * REASON_MAX_LENGTH)


class RenameForm(VersionForm):
    label = forms.CharField(label=_("New label"), required=False, max_length=_TEXT_LIMIT)


class AddForm(forms.Form):
    label = forms.CharField(label=_("Keyword"), required=False, max_length=_TEXT_LIMIT)
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=10 * REASON_MAX_LENGTH
    )


class UndoForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=10 * REASON_MAX_LENGTH)


class KeywordVersionsField(forms.Field):
    """Checked keywords as "pk:version" values: which keywords, and as the staff read them."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Choose the keywords to merge."),
        "invalid": _("The choice of keywords is not valid. Reload the page and try again."),
    }

    def to_python(self, value):
        versions = {}
        for item in value or []:
            pk, _sep, version = str(item).partition(":")
            if not (is_id(pk) and is_id(version)):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            versions[int(pk)] = int(version)
        return versions


class MergeForm(forms.Form):
    keywords = KeywordVersionsField()
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Keyword.objects.none(),
        empty_label=_("Choose the keyword to keep"),
        error_messages={"required": _("Choose the keyword to merge into.")},
    )
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=10 * REASON_MAX_LENGTH
    )
    return_to = forms.ChoiceField(
        required=False,
        choices=[("list", "list"), ("suggestions", "suggestions")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["into"].queryset = (
            Keyword.objects.filter(consultation=consultation, merged_into__isnull=True)
            .exclude(status=KeywordStatus.STRUCK)
            .order_by("label", "pk")
        )
        self.fields["into"].label_from_instance = lambda k: k.label

    def clean_keywords(self):
        versions = self.cleaned_data["keywords"]
        found = Keyword.objects.filter(consultation=self.consultation, pk__in=versions)
        if found.count() != len(versions):
            raise forms.ValidationError(
                _("A keyword was removed meanwhile. Reload the page and try again.")
            )
        self.sources = list(found.order_by("pk"))
        return versions
