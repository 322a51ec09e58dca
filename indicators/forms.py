from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from visionportal.forms import DateInput, VersionedForm
from visionportal.models import Track

from .models import (
    CaseKind,
    ComparisonKind,
    Direction,
    Effect,
    Goal,
    Indicator,
    Initiative,
    PeriodKind,
    Status,
    StrategicArea,
)


class AreaForm(VersionedForm):
    class Meta:
        model = StrategicArea
        fields = ["title", "description"]


class GoalForm(VersionedForm):
    class Meta:
        model = Goal
        fields = ["area", "number", "title", "committee", "responsible_officer"]

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = StrategicArea.objects.filter(process=process)
        self.fields["area"].help_text = _("Choose another area to move the goal there.")


class IndicatorForm(VersionedForm):
    """Kolada id (from the catalogue search) or, without one, an own measure's title."""

    kpi_id = forms.CharField(
        label=_("Kolada id"),
        max_length=12,
        required=False,
        help_text=_("For example N15428. Leave empty for an own measure."),
    )

    class Meta:
        model = Indicator
        fields = [
            "title",
            "unit",
            "is_divided_by_gender",
            "direction",
            "target_value",
            "target_year",
            "compare_country",
            "comment",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the Kolada title.")
        self.fields["direction"].initial = Direction.INCREASE
        if self.instance.pk:
            del self.fields["kpi_id"]


class ComparisonForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ComparisonKind.choices)
    kolada_id = forms.RegexField(
        label=_("Kolada id"),
        regex=r"^(G\d{1,10}|\d{4})$",
        help_text=_("A municipality's four digits (0581) or a group's id (G176199)."),
        error_messages={"invalid": _("Write four digits, or G and digits.")},
    )
    title = forms.CharField(label=_("Name"), max_length=200)

    def clean(self):
        data = super().clean()
        kolada_id, kind = data.get("kolada_id", ""), data.get("kind")
        if kolada_id and (kolada_id.startswith("G") != (kind == ComparisonKind.GROUP)):
            raise forms.ValidationError(
                _("A group's id starts with G; a municipality's has four digits.")
            )
        return data


class OverrideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Use the computed status")), *Status.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class OwnValueForm(forms.Form):
    period = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    total = forms.DecimalField(label=_("Total"), max_digits=14, decimal_places=4, required=False)
    women = forms.DecimalField(label=_("Women"), max_digits=14, decimal_places=4, required=False)
    men = forms.DecimalField(label=_("Men"), max_digits=14, decimal_places=4, required=False)

    def clean(self):
        data = super().clean()
        if all(data.get(k) is None for k in ("total", "women", "men")):
            raise forms.ValidationError(_("Enter at least one value."))
        return data


class OwnValuesUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file (XLSX)"),
        help_text=_(
            "Columns: year, total, and if you have them women and men. You see the values "
            "before anything is stored."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 200_000:
            raise forms.ValidationError(_("The file is too large (at most 200 kB)."))
        return upload


class FreezeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PeriodKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)


class InitiativeForm(VersionedForm):
    class Meta:
        model = Initiative
        fields = [
            "title",
            "description",
            "novelty",
            "scale",
            "track",
            "committee",
            "status",
            "partners",
            "starts_on",
            "ends_on",
            "goals",
            "is_public",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "goals": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = Track.objects.filter(process=process)
        self.fields["goals"].queryset = Goal.objects.filter(process=process)


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    reference = forms.CharField(label=_("Case number"), max_length=100, required=False)

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        choices = [("", _("Not related")), *Effect.choices]
        for goal in self.goals:
            self.fields[f"effect_{goal.pk}"] = forms.ChoiceField(
                label=_("Goal %(number)s: %(title)s")
                % {"number": goal.number, "title": goal.title},
                choices=choices,
                required=False,
            )
            self.fields[f"text_{goal.pk}"] = forms.CharField(
                label=_("How, for goal %(number)s") % {"number": goal.number},
                max_length=3000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        for goal in self.goals:
            if data.get(f"effect_{goal.pk}") and not (data.get(f"text_{goal.pk}") or "").strip():
                self.add_error(f"text_{goal.pk}", _("Say how the case relates to this goal."))
        return data

    def effects(self):
        return [
            (goal, self.cleaned_data[f"effect_{goal.pk}"], self.cleaned_data[f"text_{goal.pk}"])
            for goal in self.goals
            if self.cleaned_data.get(f"effect_{goal.pk}")
        ]


class ReportForm(forms.Form):
    """Generate a follow-up report of a frozen period (its id) or, without one, of the
    follow-up as it stands now."""

    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)
    period = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DeclineProposalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Shown to the colleagues who proposed it."),
    )
