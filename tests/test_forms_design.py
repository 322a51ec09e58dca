"""Every form in the product follows one design (issue 14): date fields are the browser's
date pickers with ISO values in every language, required fields are marked before any
error, and checkboxes stand beside their labels."""

import datetime
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.urls import get_resolver
from django.utils import translation

from visionportal.forms import DateInput, DateTimeInput

APPS = ("visionportal", "consultations", "keywords", "indicators")


def _project_forms() -> list[type[forms.BaseForm]]:
    assert get_resolver().url_patterns  # loading the URLs imports the views and their forms
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "forms" in module.name.rsplit(".", 1)[-1]:
                importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.split(".")[0] in APPS:
                found.append(cls)
    return found


def _temporal_fields():
    for form in _project_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                yield f"{form.__module__}.{form.__qualname__}.{name}", field


def test_the_walk_finds_the_forms_with_dates():
    names = {name for name, _field in _temporal_fields()}
    # One of each kind from every app that has them: the walk is not silently empty.
    assert "consultations.forms.ConsultationSettingsForm.opens_at" in names
    assert "keywords.councillors.forms.RoundOpenForm.closes_on" in names
    assert "keywords.sorting.kiosk_forms.GroupSessionForm.held_at" in names
    assert any(n.startswith("indicators.forms.") for n in names)
    assert any(n.startswith("visionportal.forms.") for n in names)


def test_every_date_field_is_a_date_input_and_every_datetime_a_datetime_local_input():
    wrong = []
    for name, field in _temporal_fields():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        expected = DateTimeInput if isinstance(field, forms.DateTimeField) else DateInput
        if not isinstance(widget, expected):
            wrong.append(f"{name}: {type(widget).__name__}")
    assert not wrong, wrong


@pytest.mark.parametrize("language", ["sv", "da", "nb", "en"])
def test_date_inputs_render_iso_values_in_every_language(language):
    # A date input takes only ISO values: "03.12.2026" would show an empty field.
    with translation.override(language):
        date_html = DateInput().render("d", datetime.date(2026, 12, 3))
        at = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.UTC)
        datetime_html = DateTimeInput().render("t", at)
    assert 'type="date"' in date_html and 'value="2026-12-03"' in date_html
    assert 'type="datetime-local"' in datetime_html
    assert 'value="2026-12-03T09:30"' in datetime_html


@pytest.mark.parametrize("language", ["sv", "da", "nb", "en"])
def test_date_fields_accept_what_date_inputs_send_in_every_language(language):
    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())
        at = forms.DateTimeField(widget=DateTimeInput())

    with translation.override(language):
        form = Form({"day": "2026-12-03", "at": "2026-12-03T09:30"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2026, 12, 3)
    assert form.cleaned_data["at"].hour == 9


class _Sample(forms.Form):
    title = forms.CharField(label="Title")
    note = forms.CharField(label="Note", required=False)
    public = forms.BooleanField(label="Shown to residents", required=False, help_text="Tick it")
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    day = forms.DateField(label="Day", widget=DateInput())


def _render(form) -> str:
    from django.template.loader import render_to_string

    with translation.override("en"):
        return render_to_string("visionportal/includes/form_fields.html", {"form": form})


def _label(html: str, text: str) -> str:
    return re.search(rf"<(label|legend)[^>]*>{text}.*?</(label|legend)>", html, re.S).group(0)


def test_required_fields_are_marked_and_explained_before_any_error():
    html = _render(_Sample())
    assert "form-errors" not in html  # nothing submitted yet
    note = html.index("Fields marked * are required.")
    assert note < html.index('<label for="id_title"')
    assert 'class="required-marker" aria-hidden="true"' in _label(html, "Title")
    assert "required-marker" in _label(html, "Kinds")
    assert "required-marker" not in _label(html, "Note")
    assert "required-marker" not in _label(html, "Shown to residents")
    # Screen readers hear the input's own required state, not the asterisk.
    assert re.search(r'<input type="text" name="title"[^>]*required', html)


def test_a_form_without_required_fields_does_not_explain_the_marker():
    class Optional(forms.Form):
        note = forms.CharField(required=False)

    assert "Fields marked" not in _render(Optional())


def test_a_checkbox_stands_before_its_label_and_a_choice_group_is_a_fieldset():
    html = _render(_Sample())
    block = re.search(r'<div class="form-field form-field--checkbox">.*?</div>', html, re.S)[0]
    assert block.index('<input type="checkbox"') < block.index('<label for="id_public"')
    assert re.search(r'<fieldset class="form-field form-fieldset">\s*<legend>Kinds', html)
    assert 'type="date"' in html


def test_errors_come_after_the_same_markers():
    html = _render(_Sample({}))
    assert html.index("form-errors") < html.index("Fields marked * are required.")
    assert "required-marker" in _label(html, "Title")
