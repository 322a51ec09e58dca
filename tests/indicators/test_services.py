"""The tree, the Kolada import against the local stub, retired key figures, snapshots."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators import services
from indicators.kolada import KoladaClient
from indicators.models import (
    Indicator,
    KoladaKpi,
    KoladaValue,
    RunStatus,
    SnapshotEntry,
    StrategicArea,
)
from indicators.selectors import follow_up_tree, kpi_search
from visionportal.services import StaleVersion

from .kolada_stub import KoladaStub


@pytest.fixture
def stub():
    with KoladaStub() as server:
        yield server


def _client(stub):
    return lambda: KoladaClient(base_url=stub.url, min_interval=0, backoff=0, retries=1, timeout=2)


def test_areas_need_an_adopted_vision(process):
    with pytest.raises(ValidationError, match="adopting the vision"):
        services.area_create(process=process, title="Att växa upp")


def test_goal_numbers_are_unique_per_vision(tree):
    with pytest.raises(ValidationError, match="number 1"):
        services.goal_create(area=tree["area"], title="Dubblett", number=1)


def test_moving_a_goal_to_another_area_puts_it_last_there(tree):
    goal = services.goal_update(
        goal=tree["goal"], expected_version=tree["goal"].version, area=tree["other_area"]
    )
    assert goal.area == tree["other_area"]
    assert list(tree["other_area"].goals.order_by("position")) == [tree["goal2"], goal]


def test_a_stale_move_is_refused(tree):
    area = tree["area"]
    services.tree_move(item=area, expected_version=area.version, up=False)
    with pytest.raises(StaleVersion):
        services.tree_move(item=area, expected_version=area.version, up=True)
    assert [a.title for a in StrategicArea.objects.order_by("position")] == [
        "Att leva",
        "Att växa upp",
    ]


def test_an_override_needs_a_reason_and_wins_over_the_computed_status(tree, staff):
    with pytest.raises(ValidationError):
        services.status_override(
            indicator=tree["indicator"], status="on_track", reason=" ", by=staff
        )
    services.status_override(
        indicator=tree["indicator"], status="on_track", reason="Ny mätmetod 2022", by=staff
    )
    node = follow_up_tree(tree["process"]).areas[0].goals[0].indicators[0]
    assert node.assessment.status == "mixed"  # up, but below the country
    assert node.status == "on_track" and node.override.reason == "Ny mätmetod 2022"


def test_a_frozen_period_never_changes(tree, staff):
    period = tree["period"]
    before = list(period.entries.values_list("title", "status", "values", "comment"))
    # Kolada revises a value, staff write a new comment and override the status.
    KoladaValue.objects.filter(municipality="0581", period=2022).update(total=Decimal("99"))
    services.indicator_update(
        indicator=tree["indicator"], expected_version=tree["indicator"].version, comment="Nytt"
    )
    services.status_override(indicator=tree["indicator"], status="off_track", reason="x", by=staff)
    period.refresh_from_db()
    assert list(period.entries.values_list("title", "status", "values", "comment")) == before
    entry = period.entries.get(level="indicator", object_id=tree["indicator"].pk)
    assert entry.values == [[2021, "80.1", "82", "78.3"], [2022, "81.5", "83", "80"]]
    entry.status = "on_track"
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    assert SnapshotEntry.objects.get(pk=entry.pk).status == "mixed"


def test_the_import_stores_values_of_the_municipality_and_the_country(tree, stub, settings):
    run = tree["run"]
    services.import_run_execute(run, client_factory=_client(stub))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.processed == run.total == 1
    values = KoladaValue.objects.filter(kpi_id="N15428")
    years = range(timezone.localdate().year - settings.KOLADA_YEARS, timezone.localdate().year)
    assert set(values.values_list("municipality", flat=True)) == {"0581", "0000"}
    # The recorded Kolada value (fixtures/kolada), stored to six decimals.
    assert values.get(municipality="0581", period=2022).total == Decimal("83.401520")
    assert all(v.period in years for v in values)


def test_a_failed_import_keeps_every_value(tree, stub):
    stub.fail_next = [503, 503, 503]
    before = list(KoladaValue.objects.order_by("pk").values_list("pk", "total"))
    run = services.import_run_execute(tree["run"], client_factory=_client(stub))
    assert run.status == RunStatus.FAILED and "503" in run.error
    assert list(KoladaValue.objects.order_by("pk").values_list("pk", "total")) == before


def test_a_retired_kpi_is_flagged_keeps_history_and_maps_to_a_successor(tree, stub, staff):
    retired = KoladaKpi.objects.create(id="N02904", title="Invånare 0-19 år i ekonomiskt utsatta")
    indicator = services.indicator_create(goal=tree["goal2"], kpi=retired, direction="decrease")
    services.values_store(
        [services.kolada.DataPoint("N02904", "0581", 2018, Decimal("15.2"), None, None)]
    )
    run = services.import_run_execute(tree["run"], client_factory=_client(stub))
    assert run.status == RunStatus.DONE and run.retired_found == 1
    retired.refresh_from_db()
    assert retired.retired_at is not None
    assert KoladaValue.objects.filter(kpi=retired).count() == 1  # history kept
    successor = KoladaKpi.objects.create(id="N66077", title="Invånare 0-19 år med låg ekonomisk")
    assert services.kpi_map_successor(kpi=retired, successor=successor, move_indicators=True) == 1
    indicator.refresh_from_db()
    assert indicator.kpi == successor and indicator.version == 2


def test_the_import_runs_in_celery_from_one_click(
    tree, stub, settings, django_capture_on_commit_callbacks
):
    settings.KOLADA_BASE_URL, settings.KOLADA_MIN_INTERVAL = stub.url, 0
    tree["run"].delete()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_run_start(process=tree["process"])
        again = services.import_run_start(process=tree["process"])
    assert again.pk == run.pk
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_the_offline_catalogue_is_searchable(db):
    assert services.catalogue_load_offline() == 6099
    assert [k.id for k in kpi_search("bredband 100")][:1] == ["N07900"]
    assert [k.id for k in kpi_search("n15428")] == ["N15428"]
    assert list(kpi_search("   ")) == []


def test_an_own_measure_takes_values_and_a_kolada_one_does_not(tree):
    with pytest.raises(ValidationError):
        services.own_value_set(indicator=tree["indicator"], period=2023, total=Decimal(1))
    assert Indicator.objects.get(pk=tree["own"].pk).own_values.count() == 1


def test_a_comparison_needs_a_matching_id(db):
    from indicators.forms import ComparisonForm

    assert ComparisonForm({"kind": "group", "kolada_id": "G176199", "title": "x"}).is_valid()
    assert ComparisonForm({"kind": "peer", "kolada_id": "0581", "title": "x"}).is_valid()
    assert not ComparisonForm({"kind": "peer", "kolada_id": "G176199", "title": "x"}).is_valid()
    assert not ComparisonForm({"kind": "peer", "kolada_id": "<b>", "title": "x"}).is_valid()


def test_group_comparisons_are_imported_and_charted(tree, stub):
    services.comparison_add(
        indicator=tree["indicator"], kind="peer", kolada_id="1962", title="Norberg"
    )
    services.import_run_execute(tree["run"], client_factory=_client(stub))
    node = follow_up_tree(tree["process"]).areas[0].goals[0].indicators[0]
    assert node.comparison_labels == ["Sweden", "Norberg"]
    assert dict((r.year, r.comparisons[1]) for r in node.rows)[2022] == Decimal("78.260870")
    assert node.svg.count("<polyline") == 5  # total, women, men, the country, Norberg


def test_the_nightly_refresh_starts_one_import_per_following_process(
    tree, stub, settings, django_capture_on_commit_callbacks
):
    from indicators.tasks import refresh_all

    settings.KOLADA_BASE_URL, settings.KOLADA_MIN_INTERVAL = stub.url, 0
    tree["run"].delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_all() == 1
    assert [r.status for r in tree["process"].kolada_imports.all()] == [RunStatus.DONE]


def test_hostile_text_is_escaped_on_the_public_page(client, tree, staff):
    services.status_override(
        indicator=tree["indicator"],
        status="off_track",
        reason="<script>alert(1)</script>",
        by=staff,
    )
    services.indicator_update(
        indicator=tree["indicator"], expected_version=tree["indicator"].version
    )
    response = client.get("/m/norrkoping/vision-2035/vision/")
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
