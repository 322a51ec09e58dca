"""Population figures: staff upload the municipality's residents per age band or area, the
yardstick the representativeness dashboard (consultations.views.representation) compares
with."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..access import EDITOR_ROLES, member_required
from ..forms import PopulationUploadForm
from ..population import MAX_BYTES, MarginsError, RowError, parse_margins

TEMPLATE = "visionportal/workspace/population.html"


@member_required(EDITOR_ROLES)
def population(request):
    form = PopulationUploadForm(request.POST or None, request.FILES or None)
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
            services.population_margins_replace(
                municipality=request.municipality,
                margins=margins,
                source=form.cleaned_data["source"],
                year=form.cleaned_data["year"],
            )
            messages.success(request, _("The population figures were replaced."))
            return redirect("workspace:population", request.municipality.slug)
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "row_errors": row_errors,
            "dimensions": selectors.population_figures(request.municipality),
        },
        status=400 if request.method == "POST" else 200,
    )
