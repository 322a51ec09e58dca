from django.urls import path, register_converter

from .views import staff


class Movable:
    regex = "area|goal|indicator"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(Movable, "movable")

app_name = "indicators"

P = "<slug:municipality_slug>/processes/<int:pk>/follow-up/"

urlpatterns = [
    path(P, staff.tree, name="tree"),
    path(P + "areas/new/", staff.area_create, name="area_create"),
    path(P + "areas/<int:area_pk>/", staff.area_edit, name="area_edit"),
    path(P + "goals/new/", staff.goal_create, name="goal_create"),
    path(P + "goals/<int:goal_pk>/", staff.goal_edit, name="goal_edit"),
    path(
        P + "goals/<int:goal_pk>/indicators/new/", staff.indicator_create, name="indicator_create"
    ),
    path(P + "move/<movable:kind>/<int:item_pk>/", staff.move, name="move"),
    path(P + "indicators/<int:indicator_pk>/", staff.indicator_detail, name="indicator"),
    path(P + "indicators/<int:indicator_pk>/status/", staff.indicator_override, name="override"),
    path(P + "indicators/<int:indicator_pk>/values/", staff.own_value_set, name="own_value"),
    path(
        P + "indicators/<int:indicator_pk>/values/upload/",
        staff.own_values_upload,
        name="own_values_upload",
    ),
    path(
        P + "indicators/<int:indicator_pk>/values/confirm/",
        staff.own_values_confirm,
        name="own_values_confirm",
    ),
    path(
        P + "indicators/<int:indicator_pk>/comparisons/",
        staff.comparison_add,
        name="comparison_add",
    ),
    path(P + "kolada/import/", staff.import_start, name="import_start"),
    path(P + "kolada/import/<int:run_pk>/", staff.run_detail, name="run"),
    path(P + "kolada/<str:kpi_id>/successor/", staff.kpi_successor, name="kpi_successor"),
    path(P + "periods/freeze/", staff.freeze, name="freeze"),
    path(P + "periods/<int:period_pk>/", staff.period_detail, name="period"),
    path(P + "reports/", staff.reports, name="reports"),
    path(P + "reports/generate/", staff.report_generate, name="report_generate"),
    path(P + "reports/<int:number>/", staff.report_detail, name="report"),
    path(P + "reports/<int:number>/pdf/", staff.report_download, name="report_download"),
    path(P + "initiatives/new/", staff.initiative_edit, name="initiative_create"),
    path(P + "initiatives/<int:initiative_pk>/", staff.initiative_edit, name="initiative_edit"),
    path(P + "initiatives/proposed/", staff.proposals, name="proposals"),
    path(
        P + "initiatives/proposed/<int:proposal_pk>/accept/",
        staff.proposal_accept,
        name="proposal_accept",
    ),
    path(
        P + "initiatives/proposed/<int:proposal_pk>/decline/",
        staff.proposal_decline,
        name="proposal_decline",
    ),
    path(P + "cases/new/", staff.case_create, name="case_create"),
]
