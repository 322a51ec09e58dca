"""Population margins: staff upload the municipality's residents per age band or area, the
yardstick the representativeness dashboard (consultations.representation) compares with."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import EDITOR_ROLES, member_required
from ..models import PopulationDimension, PopulationMargin
from ..population import MAX_BYTES, MarginsError, RowError, parse_margins

TEMPLATE = "visionportal/workspace/representation_population.html"


class MarginsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            'Columns "dimension,group,population" (dimension "age_band" or "area"), or '
            'SCB-style "group,band,population". At most 1 MB.'
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("For example: Statistics Sweden (SCB), 31 December 2022."),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year of the figures"), required=False, min_value=1900, max_value=2100
    )


@member_required(EDITOR_ROLES)
def population(request):
    form = MarginsUploadForm(request.POST or None, request.FILES or None)
    row_errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise MarginsError([RowError(0, _("The file is larger than 1 MB."))])
            margins = parse_margins(upload.read())
        except MarginsError as error:
            row_errors = error.errors
        else:
            with transaction.atomic():
                for dimension, groups in margins.items():
                    PopulationMargin.objects.replace_dimension(
                        municipality=request.municipality,
                        dimension=dimension,
                        groups=groups,
                        source=form.cleaned_data["source"],
                        year=form.cleaned_data["year"],
                    )
            messages.success(request, _("The population figures were replaced."))
            return redirect("workspace:population", request.municipality.slug)
    margins = PopulationMargin.objects.filter(municipality=request.municipality)
    dimensions = []
    for value, label in PopulationDimension.choices:
        rows = [m for m in margins if m.dimension == value]
        total = sum(m.population for m in rows)
        dimensions.append({"value": value, "label": label, "rows": rows, "total": total})
    return render(
        request,
        TEMPLATE,
        {"form": form, "row_errors": row_errors, "dimensions": dimensions},
        status=400 if request.method == "POST" else 200,
    )
