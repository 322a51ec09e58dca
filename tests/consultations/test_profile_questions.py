"""The optional profile questions: only those the consultation asks are shown and stored;
unknown choices are refused with a clear message; nothing about them ever blocks sending."""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from consultations import profile
from consultations.models import Response, ResponseTargetGroup
from consultations.services import response_submit

from .factories import NORRKOPING_AREAS, open_consultation
from .staff_helpers import XSS, staff_url


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process, areas=NORRKOPING_AREAS, ask_preferred_language=True)


def _form_url(consultation):
    args = [consultation.process.municipality.slug, consultation.process.slug, consultation.pk]
    return reverse("consultations:form", args=args)


def _submit_url(consultation):
    args = [consultation.process.municipality.slug, consultation.process.slug, consultation.pk]
    return reverse("consultations:submit", args=args)


def _post(consultation, **profile_fields):
    data = {"idempotency_key": str(uuid.uuid4()), **profile_fields}
    data[f"question_{consultation.questions.first().pk}"] = "Parkerna"
    return data


def _submit(consultation, **fields):
    return response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers={consultation.questions.first().pk: "Parkerna"},
        **fields,
    )


# --- the resident's form -----------------------------------------------------------------


def test_form_asks_every_enabled_profile_question(client, consultation):
    html = client.get(_form_url(consultation)).content.decode()
    assert 'name="age_band"' in html
    area = re.search(r'<select name="area".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"', area)
    assert options == ["", "Innerstaden", "Hageby", "Skärblacka", "Eneby", "Krokek", "undisclosed"]
    assert "Prefer not to say" in area
    # Target groups: checkboxes in a fieldset whose legend is the question.
    fieldset = re.search(r'<fieldset[^>]*id="id_target_groups_group".*?</fieldset>', html, re.S)
    assert fieldset
    assert "<legend>Do you belong to any of these groups? (optional)</legend>" in fieldset.group(0)
    assert fieldset.group(0).count('type="checkbox"') == 9
    assert 'aria-describedby="id_target_groups_helptext"' in fieldset.group(0)
    # Languages are named in themselves and marked with their language.
    assert '<option value="ar" lang="ar" dir="auto">العربية</option>' in html
    assert '<option value="so" lang="so" dir="auto">Soomaali</option>' in html
    assert '<option value="other">Another language</option>' in html
    for code in ("sv", "da", "nb", "en", "ar", "so", "fa", "ti", "uk", "pl", "fi"):
        assert f'<option value="{code}" lang="{code}"' in html


def test_without_own_areas_the_form_offers_seed_000s_split(client, process):
    consultation = open_consultation(process)
    html = client.get(_form_url(consultation)).content.decode()
    area = re.search(r'<select name="area".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', area) == [
        "",
        "main_urban_area",
        "other_town",
        "countryside",
        "undisclosed",
    ]
    assert "The countryside" in area


def test_questions_the_consultation_does_not_ask_are_not_shown(client, process):
    consultation = open_consultation(
        process,
        ask_age_band=False,
        ask_area=False,
        ask_target_groups=False,
        ask_preferred_language=False,
    )
    html = client.get(_form_url(consultation)).content.decode()
    for name in ("age_band", "area", "target_groups", "preferred_language"):
        assert f'name="{name}"' not in html
    assert "About you (optional)" not in html


def test_only_the_area_question_is_shown_when_only_it_is_asked(client, process):
    consultation = open_consultation(process, ask_age_band=False, ask_target_groups=False)
    html = client.get(_form_url(consultation)).content.decode()
    assert 'name="area"' in html
    assert 'name="age_band"' not in html
    assert 'name="target_groups"' not in html
    assert 'name="preferred_language"' not in html


def test_resident_sends_every_profile_answer(client, consultation):
    sent = client.post(
        _submit_url(consultation),
        _post(
            consultation,
            age_band="16-24",
            area="Hageby",
            target_groups=["student", "new_in_country"],
            preferred_language="ti",
        ),
    )
    assert sent.status_code == 302
    response = Response.objects.get()
    assert (response.age_band, response.area, response.preferred_language) == (
        "16-24",
        "Hageby",
        "ti",
    )
    assert sorted(response.target_groups.values_list("group", flat=True)) == [
        "new_in_country",
        "student",
    ]


def test_resident_may_skip_every_profile_question(client, consultation):
    assert client.post(_submit_url(consultation), _post(consultation)).status_code == 302
    response = Response.objects.get()
    assert (response.age_band, response.area, response.preferred_language) == ("", "", "")
    assert not response.target_groups.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("area", "Atlantis", "The list of areas has changed. Choose your area again."),
        ("area", XSS, "The list of areas has changed. Choose your area again."),
        ("area", "مدينة 🏙️", "The list of areas has changed. Choose your area again."),
        ("target_groups", "pirate", "Choose only groups from the list."),
        ("preferred_language", "klingon", "Choose one of the languages in the list."),
        ("age_band", "200+", "Choose one of the age bands."),
    ],
)
def test_unknown_choice_is_shown_again_with_a_clear_error(
    client, consultation, field, value, message
):
    page = client.post(_submit_url(consultation), _post(consultation, **{field: value}))
    html = page.content.decode()
    assert page.status_code == 200
    assert message in html
    assert "<script>" not in html
    assert "Parkerna" in html  # what the resident wrote is kept
    assert Response.objects.count() == 0


def test_error_summary_links_to_the_target_groups(client, consultation):
    html = client.post(
        _submit_url(consultation), _post(consultation, target_groups="pirate")
    ).content.decode()
    assert '<a href="#id_target_groups">Choose only groups from the list.</a>' in html
    assert 'id="id_target_groups"' in html


# --- the service ---------------------------------------------------------------------------


def test_service_stores_target_groups_given_by_code_or_label_once(consultation):
    response, created = _submit(
        consultation, target_groups=["student", "Student", " business_owner "]
    )
    assert created
    assert list(response.target_groups.values_list("group", flat=True)) == [
        "student",
        "business_owner",
    ]


def test_service_accepts_a_default_area_by_code_or_label(process):
    consultation = open_consultation(process)
    first, _ = _submit(consultation, area="countryside")
    second, _ = _submit(consultation, area="  the COUNTRYSIDE ")
    third, _ = _submit(consultation, area="Prefer not to say")
    assert (first.area, second.area, third.area) == ("countryside", "countryside", "undisclosed")


def test_service_matches_an_own_area_ignoring_case_and_spaces(consultation):
    response, _ = _submit(consultation, area="  skärblacka ")
    assert response.area == "Skärblacka"


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"area": "Atlantis"}, "area"),
        ({"area": "x" * 10_000}, "area"),
        ({"target_groups": ["student", "pirate"]}, "target_groups"),
        ({"preferred_language": "xx"}, "preferred_language"),
        ({"age_band": "old"}, "age_band"),
    ],
)
def test_service_refuses_unknown_choices_and_stores_nothing(consultation, fields, key):
    with pytest.raises(ValidationError) as caught:
        _submit(consultation, **fields)
    assert key in caught.value.error_dict
    assert Response.objects.count() == 0
    assert ResponseTargetGroup.objects.count() == 0


def test_unknown_area_message_names_the_choices_and_is_shortened(consultation):
    with pytest.raises(ValidationError) as caught:
        _submit(consultation, area="Atlantis " * 20)
    (message,) = caught.value.message_dict["area"]
    assert "Innerstaden, Hageby, Skärblacka, Eneby, Krokek" in message
    assert len(message) < 200


def test_questions_the_consultation_does_not_ask_are_ignored(process):
    consultation = open_consultation(
        process,
        ask_age_band=False,
        ask_area=False,
        ask_target_groups=False,
        ask_preferred_language=False,
    )
    # Even invalid values: a question not asked is not looked at.
    response, created = _submit(
        consultation,
        age_band="25-44",
        area="Atlantis",
        target_groups=["student", "pirate"],
        preferred_language="xx",
    )
    assert created
    assert (response.age_band, response.area, response.preferred_language) == ("", "", "")
    assert not response.target_groups.exists()


def test_a_retry_keeps_the_first_profile(consultation):
    key = uuid.uuid4()
    answers = {consultation.questions.first().pk: "Parkerna"}
    first, _ = response_submit(
        consultation=consultation, idempotency_key=key, answers=answers, target_groups=["young"]
    )
    second, created = response_submit(
        consultation=consultation, idempotency_key=key, answers=answers, target_groups=["older"]
    )
    assert not created and second.pk == first.pk
    assert list(ResponseTargetGroup.objects.values_list("group", flat=True)) == ["young"]


def test_submit_with_target_groups_takes_few_queries(consultation, django_assert_max_num_queries):
    answers = {consultation.questions.first().pk: "Parkerna"}
    # Look up the key, the questions, savepoint, response, answers, groups, release.
    with django_assert_max_num_queries(7):
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers=answers,
            area="Hageby",
            age_band="25-44",
            target_groups=["student", "working", "family_with_children"],
            preferred_language="ar",
        )
    assert ResponseTargetGroup.objects.count() == 3


def test_parse_areas_drops_blanks_and_repeats_and_caps_the_length():
    assert profile.parse_areas(" Hageby \n\n hageby\nInre  staden\r\n" + "x" * 200) == [
        "Hageby",
        "Inre staden",
        "x" * 120,
    ]
    assert profile.parse_areas("") == []


def test_target_group_value_reads_labels_in_every_ui_language():
    assert profile.target_group_value("Barnfamilj") == "family_with_children"
    assert profile.target_group_value("Børnefamilie") == "family_with_children"
    assert profile.target_group_value("næringsdrivende") == "business_owner"
    assert profile.target_group_value("STUDENT") == "student"
    assert profile.target_group_value("") is None
    assert profile.target_group_value("pirate") is None


# --- staff answer entry --------------------------------------------------------------------


def test_staff_form_has_the_same_profile_fields(client, staff, consultation):
    client.force_login(staff)
    html = client.get(staff_url("response_create", consultation)).content.decode()
    for name in ("age_band", "area", "target_groups", "preferred_language"):
        assert f'name="{name}"' in html
    assert "Groups they belong to (optional)" in html


def test_staff_enters_a_focus_group_with_target_groups(client, staff, consultation):
    client.force_login(staff)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "channel": "focus_group",
        "group_label": "Seniorträffen",
        "participants": "9",
        f"question_{consultation.questions.first().pk}": "Parkbänkar",
        "area": "Krokek",
        "target_groups": ["older", "disability"],
        "preferred_language": "fi",
    }
    assert client.post(staff_url("response_create", consultation), data).status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.area, response.preferred_language) == (
        "focus_group",
        "Krokek",
        "fi",
    )
    assert sorted(response.target_groups.values_list("group", flat=True)) == [
        "disability",
        "older",
    ]


# --- in the UI's languages ----------------------------------------------------------------


def test_unknown_area_error_is_translated(client, consultation):
    client.cookies["django_language"] = "sv"
    html = client.post(_submit_url(consultation), _post(consultation, area="Atlantis")).content
    assert "The list of areas has changed" not in html.decode()


def test_unknown_area_message_is_translated(consultation):
    with translation.override("sv"), pytest.raises(ValidationError) as caught:
        _submit(consultation, area="Atlantis")
    (message,) = caught.value.message_dict["area"]
    assert "is not one of the areas" not in message


def test_target_groups_may_be_given_by_their_swedish_label(consultation):
    response, _ = _submit(consultation, target_groups=["Företagare", "barnfamilj"])
    assert list(response.target_groups.values_list("group", flat=True)) == [
        "business_owner",
        "family_with_children",
    ]
