"""The representativeness dashboard: roles, municipalities, suppression of small groups,
escaping. (The population upload it compares with: tests/visionportal/test_population_upload.py.)"""

import uuid

import pytest
from django.urls import reverse

from consultations.models import Response
from tests.consultations.factories import open_consultation
from tests.visionportal.test_access_matrix import MEMBER_VIEW, ROLES, _assert_outcome, _client_for
from tests.visionportal.test_population import NORRKOPING_2022
from visionportal.models import VisionProcess
from visionportal.services import population_margins_replace

DASHBOARD_VIEW = {**MEMBER_VIEW, "councillor": 403}


def _dashboard_url(consultation, slug="norrkoping"):
    return reverse("consultations_staff:representation", args=[slug, consultation.pk])


def _respond(consultation, n, **fields):
    for _ in range(n):
        Response.objects.create(consultation=consultation, idempotency_key=uuid.uuid4(), **fields)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_is_for_editors_and_moderators_of_that_municipality(
    client, request, process, role
):
    consultation = open_consultation(process)
    client = _client_for(client, request, role)
    _assert_outcome(client.get(_dashboard_url(consultation)), DASHBOARD_VIEW[role])


def test_another_municipalitys_consultation_is_not_found(client, other_staff, process, ishoj):
    consultation = open_consultation(process)
    client.force_login(other_staff)
    assert client.get(_dashboard_url(consultation, "ishoj")).status_code == 404
    ishoj_process = VisionProcess.objects.create(municipality=ishoj, title="V", slug="v")
    mine = open_consultation(ishoj_process, language="da")
    assert client.get(_dashboard_url(mine, "ishoj")).status_code == 200


def test_dashboard_shows_gaps_and_suppresses_small_groups(client, moderator, norrkoping, process):
    population_margins_replace(municipality=norrkoping, margins={"age_band": NORRKOPING_2022})
    consultation = open_consultation(process)
    _respond(consultation, 20, age_band="16-24")
    _respond(consultation, 10, age_band="25-44")
    _respond(consultation, 3, age_band="45-64")
    _respond(consultation, 7, age_band="65-79", channel="interview")
    _respond(consultation, 6, age_band="80+")
    _respond(consultation, 9, age_band="undisclosed")
    client.force_login(moderator)
    client.cookies["django_language"] = "en"
    response = client.get(_dashboard_url(consultation))
    assert response.status_code == 200
    page = response.text
    assert 'role="img"' in page and "<title" in page and "<desc" in page
    assert 'scope="row"' in page and "<caption>" in page
    assert "not shown" in page
    # 45-64 (3) is hidden, and 80+ (6) with it, or 46 minus the rest would give 3 away.
    assert ">3<" not in page and ">6<" not in page
    assert "13.0 %" not in page  # 80+'s share (6 / 46) would reveal it too
    assert "-19.0" in page and "32.8" in page  # exact oracle from test_population
    assert page.index("45–64") < page.index("80 or older") < page.index("Under 16")
    assert page.index("Under 16") < page.index("16–24")
    assert "At least 37 respondents" in page

    only_interviews = client.get(_dashboard_url(consultation), {"channel": "interview"}).text
    assert "0.0 %" in only_interviews and "100.0 %" in only_interviews
    # An unknown channel is ignored, not an error.
    assert client.get(_dashboard_url(consultation), {"channel": "<x>"}).status_code == 200


def test_dashboard_without_figures_points_editors_to_the_upload(client, staff, process):
    consultation = open_consultation(process)
    client.force_login(staff)
    page = client.get(_dashboard_url(consultation)).text
    assert reverse("workspace:population", args=["norrkoping"]) in page


def _section(page, dimension):
    start = page.index(f'id="heading-{dimension}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_target_groups_show_counts_and_shares_of_all_respondents(client, staff, process):
    from consultations.models import ResponseTargetGroup

    consultation = open_consultation(process)
    for groups in [["student", "young"]] * 6 + [["older"]] * 2 + [[]] * 2:
        response = Response.objects.create(
            consultation=consultation, idempotency_key=uuid.uuid4(), channel="online"
        )
        ResponseTargetGroup.objects.bulk_create(
            ResponseTargetGroup(response=response, group=g) for g in groups
        )
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(_dashboard_url(consultation)).text
    section = _section(page, "target_groups")
    assert "Share of all respondents" in section
    assert "Share of population" not in section
    assert "Of 10 respondents in all" in section
    # 6 of 10 respondents are students and young; 2 older is too few: hidden. Target groups
    # overlap, so nothing can be worked out from the rest and no other group is hidden.
    assert section.count("60.0 %") >= 2
    assert ">2<" not in section and "20.0 %" not in section
    assert section.count("not shown") == 2  # table and chart, for "Older person"
    assert page.count('role="img"') >= 1


def test_without_figures_areas_are_shown_as_counts_with_secondary_suppression(
    client, staff, process
):
    consultation = open_consultation(process, areas="Hageby\nEneby\nKrokek")
    _respond(consultation, 3, area="Hageby")
    _respond(consultation, 12, area="Eneby")
    _respond(consultation, 25, area="Krokek")
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(_dashboard_url(consultation)).text
    section = _section(page, "area")
    assert "There are no population figures for these groups yet" in section
    assert ">3<" not in section and ">12<" not in section
    assert ">25<" in section and "62.5 %" in section
    assert section.count("not shown") == 4  # Hageby and Eneby, table and chart
    assert "Upload population figures" in page


def test_default_areas_are_shown_with_their_labels(client, staff, process):
    consultation = open_consultation(process)
    _respond(consultation, 6, area="countryside")
    _respond(consultation, 7, area="main_urban_area")
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    section = _section(client.get(_dashboard_url(consultation)).text, "area")
    assert "The countryside" in section and "The main town" in section
    assert "countryside<" not in section.replace("The countryside<", "")


def test_a_consultation_asking_nothing_says_so(client, staff, process):
    consultation = open_consultation(
        process, ask_age_band=False, ask_area=False, ask_target_groups=False
    )
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(_dashboard_url(consultation)).text
    assert "This consultation asks nothing about the respondents." in page


def test_area_margins_match_the_default_areas_by_label(client, staff, norrkoping, process):
    population_margins_replace(
        municipality=norrkoping, margins={"area": {"The main town": 100, "The countryside": 100}}
    )
    consultation = open_consultation(process)
    _respond(consultation, 6, area="countryside")
    _respond(consultation, 6, area="main_urban_area")
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    section = _section(client.get(_dashboard_url(consultation)).text, "area")
    assert section.count("50.0 %") >= 4  # both groups: population and respondents


def test_a_small_group_of_one_channel_cannot_be_worked_out_from_the_other_views(
    client, staff, process
):
    """Eneby has 3 interview respondents among 18. Each view on its own would show
    all channels' 18 and online's 15, and 18 - 15 = 3; so online's Eneby is hidden too."""
    consultation = open_consultation(process, areas="Hageby\nEneby\nKrokek")
    _respond(consultation, 15, area="Eneby")
    _respond(consultation, 20, area="Krokek")
    _respond(consultation, 3, area="Eneby", channel="interview")
    _respond(consultation, 8, area="Krokek", channel="interview")
    client.force_login(staff)
    client.cookies["django_language"] = "en"

    def area_section(channel=""):
        query = {"channel": channel} if channel else {}
        return _section(client.get(_dashboard_url(consultation), query).text, "area")

    everyone, online, interviews = area_section(), area_section("online"), area_section("interview")
    assert ">18<" in everyone and ">28<" in everyone
    assert ">3<" not in interviews and ">8<" not in interviews
    assert ">15<" not in online and ">20<" not in online
    assert "Nothing can be shown for these groups yet." in online


def test_with_too_few_respondents_the_page_says_so_instead_of_a_grid_of_hidden_groups(
    client, staff, process
):
    """Issue 14: one respondent gave "at least 0 respondents" and every row "not shown"."""
    from tests.consultations.factories import open_consultation
    from tests.keywords.factories import respond

    consultation = open_consultation(process)
    respond(consultation, keep="Parker", age_band="25-44")
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    page = client.get(
        reverse("consultations_staff:representation", args=["norrkoping", consultation.pk])
    ).text
    assert "Nothing can be shown for these groups yet." in page
    assert "At least 0" not in page
    assert ">not shown<" not in page
