import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import make_user
from visionportal.models import Membership, User


@pytest.fixture
def admin_client(client, admin_user):
    client.cookies["django_language"] = "en"
    client.force_login(admin_user)
    return client


def test_admin_adds_a_new_person_who_gets_an_invitation_to_set_a_password(admin_client, norrkoping):
    response = admin_client.post(
        reverse("workspace:members", args=["norrkoping"]),
        {"email": "New.Person@Norrkoping.se", "role": "councillor", "party": "Exempelpartiet"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@norrkoping.se")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.municipality, membership.role, membership.party) == (
        norrkoping,
        "councillor",
        "Exempelpartiet",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@norrkoping.se"]


def test_adding_an_existing_account_sends_no_invitation(admin_client, other_staff):
    response = admin_client.post(
        reverse("workspace:members", args=["norrkoping"]),
        {"email": other_staff.email, "role": "moderator"},
    )
    assert response.status_code == 302
    assert other_staff.memberships.count() == 2
    assert mail.outbox == []


def test_adding_someone_twice_is_refused_clearly(admin_client, staff):
    response = admin_client.post(
        reverse("workspace:members", args=["norrkoping"]), {"email": staff.email, "role": "admin"}
    )
    assert response.status_code == 200
    assert "already a member" in response.text
    assert staff.memberships.get().role == "staff"


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-email", "role": "staff"},
        {"email": "a@b.se", "role": "mayor"},
        {"email": "", "role": ""},
    ],
)
def test_bad_member_input_is_refused(admin_client, data):
    response = admin_client.post(reverse("workspace:members", args=["norrkoping"]), data)
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert Membership.objects.count() == 1


def test_the_last_admin_cannot_step_down_or_be_removed(admin_client, admin_user):
    membership = admin_user.memberships.get()
    admin_client.post(
        reverse("workspace:member_change", args=["norrkoping", membership.pk]),
        {f"m{membership.pk}-role": "staff"},
    )
    response = admin_client.post(
        reverse("workspace:member_remove", args=["norrkoping", membership.pk]), follow=True
    )
    assert "needs at least one administrator" in response.text
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_with_a_second_admin_the_first_may_step_down(admin_client, admin_user, norrkoping):
    Membership.objects.create(
        user=make_user("second@norrkoping.test"), municipality=norrkoping, role="admin"
    )
    membership = admin_user.memberships.get()
    admin_client.post(
        reverse("workspace:member_change", args=["norrkoping", membership.pk]),
        {f"m{membership.pk}-role": "staff"},
    )
    membership.refresh_from_db()
    assert membership.role == "staff"


def test_members_page_escapes_what_people_typed(admin_client, norrkoping):
    Membership.objects.create(
        user=make_user("p@norrkoping.test"),
        municipality=norrkoping,
        role="councillor",
        party="<script>alert(1)</script>",
    )
    response = admin_client.get(reverse("workspace:members", args=["norrkoping"]))
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text
