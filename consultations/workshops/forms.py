"""Forms of the workshop pages. Validation of meaning (capacity, links, dots) is the
services'; these parse and bound the input."""

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from visionportal.forms import VersionedForm

from ..forms import DateTimeInput
from ..models import Consultation
from .models import BoardKind, Workshop, WorkshopSeries
from .services import MAX_ALT_LENGTH, MAX_ITEM_LENGTH, MAX_NAME_LENGTH, MAX_NEEDS_LENGTH


def new_key() -> str:
    return str(uuid.uuid4())


class KeyedForm(forms.Form):
    """Carries the idempotency key the page was rendered with: the same POST sent again
    (a retry after a dropped connection, a double tap) is applied once."""

    key = forms.UUIDField(widget=forms.HiddenInput)


class SignUpForm(KeyedForm):
    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=MAX_NAME_LENGTH,
        help_text=_("So the hosts can greet you. You may leave it empty."),
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "name"}),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        required=False,
        max_length=MAX_NEEDS_LENGTH,
        help_text=_(
            "For example step-free access, a hearing loop, an interpreter, food allergies."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


class SeriesForm(VersionedForm):
    class Meta:
        model = WorkshopSeries
        fields = ["title", "description", "consultation", "dots_per_voter", "vote_by"]
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "description": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        }

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = Consultation.objects.filter(process=process)
        self.fields["dots_per_voter"].widget.attrs.update(min=1, max=20)


class WorkshopForm(VersionedForm):
    class Meta:
        model = Workshop
        fields = ["title", "stage", "starts_at", "ends_at", "place", "capacity", "sign_up_open"]
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "place": forms.TextInput(attrs={"dir": "auto"}),
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
        }

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The workshop must end after it starts."))
        return cleaned


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "JPEG, PNG or WebP, at most 10 MB. Information stored in the file, such as "
            "where the photo was taken, is removed."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt = forms.CharField(
        label=_("Text alternative"),
        max_length=MAX_ALT_LENGTH,
        help_text=_("What the photo shows, read aloud to people who cannot see it."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )


class BoardAddForm(KeyedForm):
    kind = forms.ChoiceField(choices=BoardKind.choices, widget=forms.HiddenInput)
    text = forms.CharField(max_length=MAX_ITEM_LENGTH)
    parent = forms.IntegerField(required=False, min_value=1)
    table = forms.CharField(required=False, max_length=40)


class BoardEditForm(KeyedForm):
    version = forms.IntegerField(min_value=1)
    text = forms.CharField(max_length=MAX_ITEM_LENGTH)


class BoardRemoveForm(KeyedForm):
    version = forms.IntegerField(min_value=1)


class BoardMarkForm(KeyedForm):
    marked = forms.BooleanField(required=False)


class DotForm(KeyedForm):
    voter = forms.CharField(max_length=40)
    take_back = forms.BooleanField(required=False)


class BoardPdfForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the PDF"), choices=settings.LANGUAGES)
