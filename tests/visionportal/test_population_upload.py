"""The population upload: roles, municipalities, replacing figures, errors, escaping."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.consultations.factories import open_consultation
from tests.consultations.test_representation import _dashboard_url, _respond
from tests.visionportal.test_access_matrix import MEMBER_VIEW, ROLES, _assert_outcome, _client_for
from tests.visionportal.test_population import FIXTURE, NORRKOPING_2022
from visionportal.models import PopulationMargin
from visionportal.services import population_margins_replace

UPLOAD_VIEW = {**MEMBER_VIEW, "councillor": 403, "moderator": 403}
UPLOAD_POST = {**UPLOAD_VIEW, "staff": 302, "admin_user": 302}


def _upload_url():
    return reverse("workspace:population", args=["norrkoping"])


def _csv(text, name="margins.csv"):
    data = text if isinstance(text, bytes) else text.encode()
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _margins(municipality, dimension="age_band"):
    return PopulationMargin.objects.as_dict(municipality=municipality, dimension=dimension)


@pytest.mark.parametrize("role", ROLES)
def test_population_page_is_for_editors_of_that_municipality(client, request, norrkoping, role):
    client = _client_for(client, request, role)
    _assert_outcome(client.get(_upload_url()), UPLOAD_VIEW[role])
    response = client.post(_upload_url(), {"file": _csv(FIXTURE.read_bytes()), "year": 2022})
    _assert_outcome(response, UPLOAD_POST[role])
    assert bool(_margins(norrkoping)) is (UPLOAD_POST[role] == 302)


def test_upload_replaces_the_dimension_and_shows_the_figures(client, staff, norrkoping):
    client.force_login(staff)
    PopulationMargin.objects.create(
        municipality=norrkoping, dimension="age_band", group="0-15", population=1
    )
    PopulationMargin.objects.create(
        municipality=norrkoping, dimension="area", group="Eneby", population=7
    )
    response = client.post(
        _upload_url(), {"file": _csv(FIXTURE.read_bytes()), "source": "SCB", "year": 2022}
    )
    assert response.status_code == 302
    assert _margins(norrkoping) == NORRKOPING_2022
    assert _margins(norrkoping, "area") == {"Eneby": 7}  # another dimension is untouched
    assert set(
        PopulationMargin.objects.filter(dimension="age_band").values_list("year", "source")
    ) == {(2022, "SCB")}
    page = client.get(_upload_url()).text
    assert "27616" in page and "<caption>" in page


def test_a_malformed_file_changes_nothing_and_lists_row_numbers(client, staff, norrkoping):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    PopulationMargin.objects.create(
        municipality=norrkoping, dimension="area", group="Eneby", population=7
    )
    bad = "dimension,group,population\narea,Ljura,5\narea,Ljura,x\nage_band,old,3\n"
    response = client.post(_upload_url(), {"file": _csv(bad)})
    assert response.status_code == 400
    assert _margins(norrkoping, "area") == {"Eneby": 7}
    assert "Row 3:" in response.text and "Row 4:" in response.text


def test_a_huge_file_is_refused(client, staff, norrkoping):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    huge = b"dimension,group,population\n" + b"area,x,1\n" * 150_000
    response = client.post(_upload_url(), {"file": _csv(huge)})
    assert response.status_code == 400
    assert "1 MB" in response.text
    assert not PopulationMargin.objects.exists()


def test_html_in_group_names_is_escaped(client, staff, norrkoping, process):
    client.force_login(staff)
    payload = '<script>alert("x")</script>'
    response = client.post(
        _upload_url(), {"file": _csv(f"dimension,group,population\narea,{payload},10\narea,B,10\n")}
    )
    assert response.status_code == 302
    page = client.get(_upload_url()).text
    assert payload not in page and "&lt;script&gt;" in page
    consultation = open_consultation(process)
    _respond(consultation, 6, area=payload)
    page = client.get(_dashboard_url(consultation)).text
    assert payload not in page
    assert page.count("&lt;script&gt;") >= 2  # table and chart


def test_the_demo_loads_norrkopings_real_margins(db):
    from visionportal.demo import load_demo

    load_demo()
    load_demo()
    margins = PopulationMargin.objects.filter(municipality__slug="norrkoping")
    assert margins.count() == 6
    assert dict(margins.values_list("group", "population")) == NORRKOPING_2022


def test_the_service_replaces_only_the_dimensions_it_is_given(norrkoping):
    population_margins_replace(
        municipality=norrkoping,
        margins={"age_band": {"0-15": 5}, "area": {"Eneby": 7}},
        source="first",
        year=2021,
    )
    population_margins_replace(
        municipality=norrkoping, margins={"age_band": NORRKOPING_2022}, source="SCB", year=2022
    )
    assert _margins(norrkoping) == NORRKOPING_2022
    assert _margins(norrkoping, "area") == {"Eneby": 7}
    assert set(
        PopulationMargin.objects.filter(dimension="age_band").values_list("source", "year")
    ) == {("SCB", 2022)}
