from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Milestone, Phase, Role, Track, VisionProcess


# Date fields are the browser's date pickers everywhere (issue 14). Their values are ISO
# whatever the page's language: a date input shows the date the user's way but only takes
# "2026-12-03" (a Danish "03.12.2026" would leave it empty), and both forms parse ISO.
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class VersionedForm(forms.ModelForm):
    """Carries the version the editor started from, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def model_fields(self) -> dict:
        """The cleaned values of the model's fields, for the create/update services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class VisionProcessForm(VersionedForm):
    class Meta:
        model = VisionProcess
        fields = ["title", "slug", "target_year", "summary", "is_public"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "slug": _("Used in the page's web address. Leave empty to make one from the title."),
        }

    def __init__(self, *args, municipality, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug:
            return slug
        clash = VisionProcess.objects.filter(municipality=self.municipality, slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Another process of this municipality already uses this web address name.")
            )
        return slug

    def model_fields(self) -> dict:
        fields = super().model_fields()
        if not fields["slug"]:
            fields.pop("slug")
        return fields


class PhaseForm(VersionedForm):
    class Meta:
        model = Phase
        fields = ["kind", "name", "description", "starts_on", "ends_on", "position"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("A phase cannot end before it starts."))
        return cleaned

    def _post_clean(self):
        # The end-before-start rule is reported on the field above; skip the model's
        # duplicate constraint message.
        if self.errors.get("ends_on"):
            return
        super()._post_clean()


class TrackForm(VersionedForm):
    class Meta:
        model = Track
        fields = ["name", "audience", "purpose", "position"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4})}


class MilestoneForm(VersionedForm):
    class Meta:
        model = Milestone
        fields = ["title", "date", "description", "track"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = Track.objects.filter(process=process)


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)
    party = forms.CharField(
        label=_("Party"),
        max_length=80,
        required=False,
        help_text=_("For councillors: shown beside their strikes and additions."),
    )


class MemberChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    party = forms.CharField(label=_("Party"), max_length=80, required=False)


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            'Columns "dimension,group,population" (dimension "age_band" or "area"), or '
            'SCB-style "group,band,population". At most 1 MB.'
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        help_text=_("For example: Statistics Sweden (SCB), 31 December 2022."),
    )
    year = forms.IntegerField(
        label=_("Year of the figures"), required=False, min_value=1900, max_value=2100
    )


class AccentColourForm(forms.Form):
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        required=False,
        max_length=7,
        help_text=_(
            "Used for links, buttons and “we are here” on your public pages. It must have "
            "a contrast of at least 4.5:1 with white and the pages’ light backgrounds (WCAG AA)."
        ),
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    use_default = forms.BooleanField(label=_("Use Visionportal's own colour"), required=False)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo file"),
        required=False,
        help_text=_(
            "PNG, JPEG or WebP, at most 1 MB. It is shown at most 400 × 160 pixels; "
            "information stored in the file, such as where a photo was taken, is removed."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    alt = forms.CharField(
        label=_("Text alternative"),
        max_length=150,
        help_text=_(
            "Read aloud instead of the logo to people who cannot see it: usually the "
            "municipality's name as the logo shows it."
        ),
    )
