"""Role × municipality matrix for every view: who may see what, and how refusal looks.

404 hides other municipalities' objects; 403 refuses a member with the wrong role; staff
and admins without MFA are sent to set it up; anonymous visitors are sent to sign in.
"""

import pytest
from django.urls import reverse

from visionportal.models import Milestone, Phase, Track

ROLES = [
    "anonymous",
    "outsider",
    "other_staff",
    "councillor",
    "moderator",
    "staff_without_mfa",
    "staff",
    "admin_user",
]

LOGIN, MFA = "login", "mfa"

# Expected outcome per role for a members' view and for an editors' view of Norrköping.
MEMBER_VIEW = {
    "anonymous": LOGIN,
    "outsider": 404,
    "other_staff": 404,
    "councillor": 200,
    "moderator": 200,
    "staff_without_mfa": MFA,
    "staff": 200,
    "admin_user": 200,
}
EDITOR_VIEW = {**MEMBER_VIEW, "councillor": 403, "moderator": 403}
EDITOR_POST = {**EDITOR_VIEW, "staff": 302, "admin_user": 302}
ADMIN_VIEW = {**EDITOR_VIEW, "staff": 403, "staff_without_mfa": 403}
ADMIN_POST = {**ADMIN_VIEW, "admin_user": 302}


def _part(process, kind):
    model = {"phase": Phase, "track": Track, "milestone": Milestone}[kind]
    return model.objects.filter(process=process).first()


def _views(process):
    slug = process.municipality.slug
    views = [
        ("GET", reverse("workspace:municipality", args=[slug]), MEMBER_VIEW),
        ("GET", reverse("workspace:process_create", args=[slug]), EDITOR_VIEW),
        ("GET", reverse("workspace:members", args=[slug]), ADMIN_VIEW),
        ("GET", reverse("workspace:process_edit", args=[slug, process.pk]), EDITOR_VIEW),
    ]
    for kind in ("phase", "track", "milestone"):
        part = _part(process, kind)
        views += [
            ("GET", reverse("workspace:part_create", args=[slug, process.pk, kind]), EDITOR_VIEW),
            (
                "GET",
                reverse("workspace:part_edit", args=[slug, process.pk, kind, part.pk]),
                EDITOR_VIEW,
            ),
        ]
    return views


def _client_for(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _assert_outcome(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == MFA:
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_every_workspace_view_enforces_role_and_municipality(client, request, process, role):
    client = _client_for(client, request, role)
    for method, url, expected in _views(process):
        response = client.get(url)
        assert method == "GET"
        try:
            _assert_outcome(response, expected[role])
        except AssertionError as error:
            raise AssertionError(f"{role} GET {url}: {response.status_code}") from error


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["phase", "track", "milestone"])
def test_deleting_a_process_part_is_for_editors_of_that_municipality(
    client, request, process, role, kind
):
    client = _client_for(client, request, role)
    part = _part(process, kind)
    url = reverse("workspace:part_delete", args=["norrkoping", process.pk, kind, part.pk])
    response = client.post(url)
    _assert_outcome(response, EDITOR_POST[role])
    still_there = type(part).objects.filter(pk=part.pk).exists()
    assert still_there is (EDITOR_POST[role] != 302)


@pytest.mark.parametrize("role", ROLES)
def test_saving_a_process_is_for_editors_of_that_municipality(client, request, process, role):
    client = _client_for(client, request, role)
    url = reverse("workspace:process_edit", args=["norrkoping", process.pk])
    response = client.post(
        url, {"title": "Hijacked", "slug": process.slug, "version": process.version}
    )
    _assert_outcome(response, EDITOR_POST[role])
    process.refresh_from_db()
    assert (process.title == "Hijacked") is (EDITOR_POST[role] == 302)


def test_staff_cannot_reach_another_municipalitys_process_through_their_own(
    client, other_staff, process
):
    """Ishøj staff using Ishøj's URL with a Norrköping process id still gets 404."""
    client.force_login(other_staff)
    url = reverse("workspace:process_edit", args=["ishoj", process.pk])
    assert client.get(url).status_code == 404
    phase = process.phases.first()
    url = reverse("workspace:part_edit", args=["ishoj", process.pk, "phase", phase.pk])
    assert client.get(url).status_code == 404
    url = reverse("workspace:part_delete", args=["ishoj", process.pk, "phase", phase.pk])
    assert client.post(url).status_code == 404
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_a_part_of_another_process_is_not_found_under_this_process(
    client, staff, process, draft_process
):
    client.force_login(staff)
    phase = process.phases.first()
    url = reverse("workspace:part_edit", args=["norrkoping", draft_process.pk, "phase", phase.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_are_open_to_everyone_and_drafts_to_nobody(
    client, request, process, draft_process, role
):
    client = _client_for(client, request, role)
    assert client.get(reverse("public:home")).status_code == 200
    assert client.get(reverse("public:municipality", args=["norrkoping"])).status_code == 200
    url = reverse("public:process", args=["norrkoping", process.slug])
    assert client.get(url).status_code == 200
    url = reverse("public:process", args=["norrkoping", draft_process.slug])
    assert client.get(url).status_code == 404
    assert client.get(reverse("public:accessibility")).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_workspace_home_lists_only_the_users_own_municipalities(client, request, process, role):
    client = _client_for(client, request, role)
    response = client.get(reverse("workspace:home"))
    if role == "anonymous":
        _assert_outcome(response, LOGIN)
        return
    assert response.status_code == 200
    shows_norrkoping = reverse("workspace:municipality", args=["norrkoping"]) in response.text
    assert shows_norrkoping is (role not in {"outsider", "other_staff"})


@pytest.mark.parametrize("role", ROLES)
def test_managing_members_is_for_admins_of_that_municipality(client, request, councillor, role):
    from visionportal.models import Membership

    membership = Membership.objects.get(user=councillor)
    client = _client_for(client, request, role)
    change = reverse("workspace:member_change", args=["norrkoping", membership.pk])
    response = client.post(change, {f"m{membership.pk}-role": "staff"})
    _assert_outcome(response, ADMIN_POST[role])
    membership.refresh_from_db()
    assert (membership.role == "staff") is (ADMIN_POST[role] == 302)

    remove = reverse("workspace:member_remove", args=["norrkoping", membership.pk])
    response = client.post(remove)
    _assert_outcome(response, ADMIN_POST[role])
    assert Membership.objects.filter(pk=membership.pk).exists() is (ADMIN_POST[role] != 302)


def test_an_admin_cannot_touch_another_municipalitys_memberships(client, other_staff, norrkoping):
    from tests.conftest import make_user
    from visionportal.models import Membership

    ishoj_admin = make_user("admin@ishoj.test", mfa=True)
    Membership.objects.create(
        user=ishoj_admin, municipality=other_staff.memberships.get().municipality, role="admin"
    )
    target = Membership.objects.create(
        user=make_user("x@norrkoping.test"), municipality=norrkoping, role="staff"
    )
    client.force_login(ishoj_admin)
    url = reverse("workspace:member_remove", args=["ishoj", target.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=target.pk).exists()
