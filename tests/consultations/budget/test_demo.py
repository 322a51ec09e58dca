import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from consultations.budget.demo import STAFF_EMAIL
from consultations.budget.models import (
    BudgetResult,
    Celebration,
    CelebrationPhoto,
    ParticipatoryBudget,
    ProjectProgress,
)


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


def test_demo_has_ballerups_borgermillionen_with_public_results(demo, client):
    call_command("load_demo", stdout=io.StringIO())  # a re-run replaces, never duplicates
    budget = ParticipatoryBudget.objects.get(process__municipality__slug="ballerup")
    assert budget.amount == 1_000_000
    assert [d.share for d in budget.districts.all()] == [250_000] * 4
    assert budget.process.phases.count() == 8
    assert BudgetResult.objects.filter(district__budget=budget).count() == 8
    client.cookies["django_language"] = "da"
    page = client.get(reverse("consultations:budget:results", args=["ballerup", "borgermillionen"]))
    assert page.status_code == 200
    assert "Skaterbane ved stationen" in page.content.decode()
    winners = set()
    for result in BudgetResult.objects.filter(district__budget=budget):
        winners.update(result.winners)
    statuses = ProjectProgress.objects.filter(proposal__budget=budget)
    assert set(statuses.values_list("proposal_id", flat=True)) == winners
    assert "Anlagt og taget i brug." in page.content.decode()
    post = Celebration.objects.get(budget=budget)
    assert post.published
    photo = CelebrationPhoto.objects.get(celebration=post)
    assert photo.alt.startswith("Tegning")
    celebration = client.get(
        reverse("consultations:budget:celebration", args=["ballerup", "borgermillionen"])
    )
    assert post.title in celebration.content.decode()
    image = client.get(
        reverse(
            "consultations:budget:celebration_photo",
            args=["ballerup", "borgermillionen", photo.pk, photo.digest],
        )
    )
    assert image.status_code == 200


def test_demo_has_a_ballerup_staff_login_that_reaches_the_budgets_staff_page(demo, client):
    user = get_user_model().objects.get(email=STAFF_EMAIL)
    assert user.memberships.get().municipality.slug == "ballerup"
    budget = ParticipatoryBudget.objects.get(process__municipality__slug="ballerup")
    client.force_login(user)
    url = reverse("consultations_staff:budget:budget", args=["ballerup", budget.pk])
    assert client.get(url).status_code == 200
