"""Role × municipality matrix for every indicators view."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Goal, OwnValue, StatusOverride, StrategicArea
from indicators.views.staff import _import_token
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    EDITOR_VIEW,
    MEMBER_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)


def _get_views(t):
    p = t["process"]

    def url(name, *extra):
        return reverse(f"indicators:{name}", args=["norrkoping", p.pk, *extra])

    return [
        (url("tree"), MEMBER_VIEW),
        (url("indicator", t["indicator"].pk), MEMBER_VIEW),
        (url("indicator", t["own"].pk), MEMBER_VIEW),
        (url("indicator", t["indicator"].pk) + "?place=Norberg", MEMBER_VIEW),
        (url("period", t["period"].pk), MEMBER_VIEW),
        (url("area_create"), EDITOR_VIEW),
        (url("area_edit", t["area"].pk), EDITOR_VIEW),
        (url("goal_create"), EDITOR_VIEW),
        (url("goal_edit", t["goal"].pk), EDITOR_VIEW),
        (url("indicator_create", t["goal"].pk) + "?q=yrkesprogram", EDITOR_VIEW),
        (url("run", t["run"].pk), EDITOR_VIEW),
        (url("initiative_create"), EDITOR_VIEW),
        (url("initiative_edit", t["initiative"].pk), EDITOR_VIEW),
        (url("case_create"), EDITOR_VIEW),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_follow_up_page_enforces_role_and_municipality(client, request, tree, role):
    client = _client_for(client, request, role)
    for url, expected in _get_views(tree):
        response = client.get(url)
        try:
            _assert_outcome(response, expected[role])
        except AssertionError as error:
            raise AssertionError(f"{role} GET {url}: {response.status_code}") from error


def _post_actions(t):
    p = t["process"]

    def url(name, *extra):
        return reverse(f"indicators:{name}", args=["norrkoping", p.pk, *extra])

    goal, area = t["goal"], t["area"]
    return [
        (
            url("move", "area", area.pk),
            {"version": area.version, "to": "down"},
            lambda: StrategicArea.objects.get(pk=area.pk).version > area.version,
        ),
        (
            url("override", t["indicator"].pk),
            {"status": "on_track", "reason": "Ny mätmetod"},
            lambda: StatusOverride.objects.exists(),
        ),
        (
            url("own_value", t["own"].pk),
            {"period": 2024, "total": "14"},
            lambda: OwnValue.objects.filter(period=2024).exists(),
        ),
        (
            url("own_values_confirm", t["own"].pk),
            {"token": _import_token(t["own"], {2019: (Decimal(7), None, None)})},
            lambda: OwnValue.objects.filter(period=2019).exists(),
        ),
        (
            url("comparison_add", t["indicator"].pk),
            {"kind": "group", "kolada_id": "G176199", "title": "Liknande kommuner"},
            lambda: t["indicator"].comparisons.filter(kolada_id="G176199").exists(),
        ),
        (
            url("area_create"),
            {"title": "Nytänkande"},
            lambda: StrategicArea.objects.filter(title="Nytänkande").exists(),
        ),
        (
            url("freeze"),
            {"kind": "half_year", "title": "Delår 2024"},
            lambda: p.follow_up_periods.filter(title="Delår 2024").exists(),
        ),
        (
            url("goal_edit", goal.pk),
            {
                "area": t["other_area"].pk,
                "number": goal.number,
                "title": goal.title,
                "version": goal.version,
            },
            lambda: Goal.objects.get(pk=goal.pk).area_id == t["other_area"].pk,
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_changes_are_for_editors_of_that_municipality(client, request, tree, role):
    client = _client_for(client, request, role)
    for url, data, changed in _post_actions(tree):
        response = client.post(url, data)
        try:
            _assert_outcome(response, EDITOR_POST[role])
            assert changed() is (EDITOR_POST[role] == 302)
        except AssertionError as error:
            raise AssertionError(f"{role} POST {url}: {response.status_code}") from error


@pytest.mark.parametrize("role", ROLES)
def test_the_upload_preview_is_for_editors_and_stores_nothing(client, request, tree, role):
    client = _client_for(client, request, role)
    url = reverse(
        "indicators:own_values_upload", args=["norrkoping", tree["process"].pk, tree["own"].pk]
    )
    response = client.post(url, {"file": SimpleUploadedFile("v.csv", b"year,total\n2019,7\n")})
    _assert_outcome(response, EDITOR_VIEW[role])
    assert not OwnValue.objects.filter(period=2019).exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_public_vision_page_is_for_everyone(client, request, tree, role):
    client = _client_for(client, request, role)
    response = client.get(reverse("indicators_public:vision", args=["norrkoping", "vision-2035"]))
    assert response.status_code == 200
    assert "Läxhjälp" in response.content.decode()


def test_the_vision_page_is_404_without_an_adopted_vision_or_when_unpublished(client, process):
    url = reverse("indicators_public:vision", args=["norrkoping", "vision-2035"])
    assert client.get(url).status_code == 404


def test_staff_of_another_municipality_cannot_reach_objects_by_id(client, tree, other_staff):
    client.force_login(other_staff)
    url = reverse("indicators:indicator", args=["ishoj", tree["process"].pk, tree["indicator"].pk])
    assert client.get(url).status_code == 404
