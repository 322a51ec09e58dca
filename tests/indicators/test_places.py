"""Picking a comparison from the stored catalogue of Kolada municipalities and groups
(loaded by migration from the recorded catalogue), without JavaScript."""

import re

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import KoladaPlace
from indicators.selectors import place_search

pytestmark = pytest.mark.django_db


def test_the_recorded_catalogue_is_there_from_the_migration():
    assert KoladaPlace.objects.filter(kind="K").count() == 290
    assert KoladaPlace.objects.filter(kind="L").count() == 22  # regions and 0000
    assert KoladaPlace.objects.filter(kind="G").count() == 8
    assert KoladaPlace.objects.get(id="1962").title == "Norberg"
    # Loading again changes nothing and deletes nothing.
    assert services.places_store(services.places_rows_offline()) == 320
    assert KoladaPlace.objects.count() == 320


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("norrköping", ["G176060", "0581"]),  # the group named for it, then the place
        ("0581", ["0581"]),
        ("g176199", ["G176199"]),
        ("Liknande Norberg", ["G176057"]),
        ("riket", []),  # the country is compared by its own switch
        ("", []),
        ("<script>", []),
        ("%", []),
    ],
)
def test_search_by_name_words_or_id(query, ids):
    assert [p.id for p in place_search(query)] == ids


def test_groups_come_first_and_compared_ones_are_left_out():
    found = [p.id for p in place_search("norr")]
    assert found[0] == "G176060" and "0581" in found
    assert "0581" not in [p.id for p in place_search("norr", exclude=["0581"])]


def test_staff_pick_a_group_from_the_search_results(client, tree, staff, settings):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    p, indicator = tree["process"], tree["indicator"]
    url = reverse("indicators:indicator", args=["norrkoping", p.pk, indicator.pk])
    page = client.get(url, {"place": "Arboga"}).content.decode()
    assert "Liknande kommuner socioekonomi, Arboga, 2024" in page
    form = next(
        f
        for f in re.finditer(
            r'<form method="post" action="([^"]+)" class="inline-form">(.*?)</form>', page, re.S
        )
        if "G176199" in f.group(2)
    )
    fields = dict(re.findall(r'name="(kind|kolada_id|title)" value="([^"]*)"', form.group(2)))
    assert fields == {
        "kind": "group",
        "kolada_id": "G176199",
        "title": "Liknande kommuner socioekonomi, Arboga, 2024",
    }
    client.post(form.group(1), fields)
    comparison = indicator.comparisons.get()
    assert (comparison.kind, comparison.kolada_id) == ("group", "G176199")
    # Once compared, it is no longer offered.
    again = client.get(url, {"place": "Arboga"}).content.decode()
    assert 'name="kolada_id" value="G176199"' not in again
    nothing = client.get(url, {"place": "Atlantis"}).content.decode()
    assert "No municipality or group matches “Atlantis”." in nothing
