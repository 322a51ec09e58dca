"""One language rule on every page (issue 14): the visitor's explicit choice, else the
browser's language when the UI has it, else the municipality's."""

import pytest
from django.urls import reverse

from visionportal.middleware import browser_language

PAGES = [
    ("public:municipality", ["norrkoping"]),
    ("public:process", ["norrkoping", "vision-2035"]),
]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9", "en"),
        ("da", "da"),
        ("nb-NO,nb;q=0.9", "nb"),
        ("no", None),  # "no" is not a language the UI has (Bokmål is "nb")
        ("fr-FR,fr;q=0.9,sv;q=0.5", "sv"),
        ("fr-FR,de;q=0.5", None),
        ("*", None),
        ("", None),
    ],
)
def test_the_browsers_first_language_the_ui_has(header, expected):
    assert browser_language(header) == expected


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_an_english_browser_gets_english_on_a_swedish_municipalitys_pages(
    client, process, name, args
):
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en" dir="ltr">' in response.text


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_a_browser_language_the_ui_lacks_gets_the_municipalitys(client, process, name, args):
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert '<html lang="sv" dir="ltr">' in response.text


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_an_explicit_choice_beats_the_browser(client, process, name, args):
    client.cookies["django_language"] = "da"
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="da" dir="ltr">' in response.text


def test_the_home_page_follows_the_same_rule(client, process):
    assert '<html lang="nb"' in client.get("/", HTTP_ACCEPT_LANGUAGE="nb").text
    client.cookies["django_language"] = "sv"
    assert '<html lang="sv"' in client.get("/", HTTP_ACCEPT_LANGUAGE="nb").text
