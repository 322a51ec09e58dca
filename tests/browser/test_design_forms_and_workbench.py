"""The design pass's last pieces in a real browser (issue 14): the keyword workbench's
compact filter bar (folded on a phone, in one row on a desktop, working without
JavaScript), its count bars, a row editor that is never clipped at 375 or 1280 px; date
inputs and required markers on staff forms; checkboxes beside their labels; Danish dates
with the ordinal dot on a resident page. Zero axe violations throughout."""

import datetime
import re

from django.utils import translation
from django.utils.formats import date_format

from keywords.curation import services as curation
from visionportal.models import Phase

from . import test_keyword_curation as workbench
from .conftest import assert_no_axe_violations, set_language_cookie, sign_in
from .test_keyword_curation import base, kw

# The curation tests' consultation: keywords with quotes, a script tag and Arabic.
consultation = workbench.consultation

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

DOC_WIDTH = "document.documentElement.scrollWidth"

# Where a row's open editor and its controls lie against the table's scrolling region
# and the viewport: an editor is clipped when a control sticks out of either.
EDITOR_JS = """(row) => {
  const region = row.closest('.table-wrap').getBoundingClientRect();
  const editor = row.querySelector('details.row-actions').getBoundingClientRect();
  const controls = [...row.querySelectorAll(
      'details.row-actions :is(input:not([type=hidden]), button, label)')]
    .map(e => e.getBoundingClientRect());
  return {
    editorWidth: editor.width,
    clipped: controls.filter(r => r.right > Math.min(region.right, innerWidth) + 1
                               || r.left < Math.max(region.left, 0) - 1 || r.width < 1).length,
    narrowest: Math.min(...controls.filter(r => r.height > 0).map(r => r.width)),
  };
}"""


def _editor_geometry(page, row):
    return row.evaluate(EDITOR_JS)


def test_the_workbench_filter_bar_folds_on_a_phone_and_the_row_editor_is_not_clipped(
    new_context, staff, consultation
):
    curation.keyword_strike(keyword=kw(consultation, "bilkö"), reason="Inget mål", by=staff)
    page = new_context(language="en", viewport=PHONE).new_page()
    sign_in(page, staff.email)
    page.goto(base(consultation))
    bar = page.locator("form.filter-bar")
    # One bar: the search in view, the other filters folded behind one summary.
    assert bar.locator("input[type=search]").is_visible()
    more = bar.locator("details.filter-bar__more")
    assert more.get_attribute("open") is None
    assert more.locator("summary").is_visible()
    assert not bar.locator("select[name=status]").is_visible()
    assert page.evaluate(DOC_WIDTH) <= PHONE["width"]
    # Counts are bars with their numbers as text; the bar itself is hidden from readers.
    park = page.locator(f"#keyword-{kw(consultation, 'park').pk}")
    respondents = park.locator("td.count-cell").first
    assert respondents.locator(".count-bar__n").inner_text() == "3"
    assert respondents.locator("svg").get_attribute("aria-hidden") == "true"
    assert float(respondents.locator("rect").get_attribute("width")) == 100
    assert_no_axe_violations(page)

    more.locator("summary").click()
    assert bar.locator("select[name=status]").is_visible()
    assert page.evaluate(DOC_WIDTH) <= PHONE["width"]

    park.locator("summary").click()
    geometry = _editor_geometry(page, park)
    assert geometry["clipped"] == 0, geometry
    assert geometry["narrowest"] >= 40, geometry
    assert page.evaluate(DOC_WIDTH) <= PHONE["width"]
    assert_no_axe_violations(page)


def test_on_a_desktop_the_filters_stand_in_the_bar_and_the_row_editor_has_room(
    new_context, staff, consultation
):
    page = new_context(language="en", viewport=DESKTOP).new_page()
    sign_in(page, staff.email)
    page.goto(base(consultation))
    bar = page.locator("form.filter-bar")
    # Shown without opening anything: the summary goes, the selects stand in one row.
    assert not bar.locator("details.filter-bar__more > summary").is_visible()
    selects = bar.locator("select")
    assert selects.count() == 6
    tops = {round(selects.nth(i).bounding_box()["y"]) for i in range(6)}
    assert len(tops) == 1, tops
    park = page.locator(f"#keyword-{kw(consultation, 'park').pk}")
    park.locator("summary").click()
    geometry = _editor_geometry(page, park)
    assert geometry["clipped"] == 0, geometry
    assert geometry["editorWidth"] >= 200, geometry
    assert page.evaluate(DOC_WIDTH) <= DESKTOP["width"]
    assert_no_axe_violations(page)


def test_the_filter_bar_works_without_javascript(new_context, staff, consultation):
    curation.keyword_strike(keyword=kw(consultation, "bilkö"), reason="Inget mål", by=staff)
    page = new_context(language="en", viewport=PHONE, java_script_enabled=False).new_page()
    sign_in(page, staff.email)
    page.goto(base(consultation))
    page.locator("details.filter-bar__more summary").click()
    page.select_option("select[name=status]", "struck")
    with page.expect_navigation():
        page.locator("form.filter-bar button[type=submit]").click()
    assert "status=struck" in page.url
    rows = page.locator("#keyword-table tbody tr")
    assert rows.count() == 1
    assert "bilkö" in rows.first.inner_text()
    # The disclosure stays open while a filter is in use and says how many.
    more = page.locator("details.filter-bar__more")
    assert more.get_attribute("open") is not None
    assert "(1 in use)" in more.locator("summary").inner_text()
    assert page.evaluate(DOC_WIDTH) <= PHONE["width"]
    # axe needs JavaScript: the same filtered page, checked in a scripted context.
    checked = new_context(language="en", viewport=PHONE).new_page()
    sign_in(checked, staff.email)
    checked.goto(page.url)
    assert checked.locator("details.filter-bar__more").get_attribute("open") is not None
    assert_no_axe_violations(checked)


def test_a_staff_form_has_date_inputs_and_marks_required_fields_before_any_submit(
    new_context, live_server, staff, process
):
    phase = Phase.objects.filter(process=process).order_by("starts_on").first()
    context = new_context(language="da", viewport=PHONE)
    page = context.new_page()
    sign_in(page, staff.email)
    set_language_cookie(context, live_server.url, "da")
    page.goto(f"/workspace/norrkoping/processes/{process.pk}/phase/{phase.pk}/")
    assert page.locator("html").get_attribute("lang") == "da"
    starts = page.locator("input[name=starts_on]")
    assert starts.get_attribute("type") == "date"
    # The browser shows it the Danish way; the value is ISO, so the field is not empty.
    assert starts.input_value() == phase.starts_on.isoformat()
    # Before anything is submitted: no error, the marker explained, required labels marked.
    assert page.locator(".form-errors").count() == 0
    note = page.locator(".required-note")
    assert note.is_visible() and "*" in note.inner_text()
    name_label = page.locator("label[for=id_name]")
    assert name_label.locator(".required-marker").is_visible()
    assert page.locator("label[for=id_description] .required-marker").count() == 0
    assert page.locator("#id_name").get_attribute("required") is not None
    assert page.evaluate(DOC_WIDTH) <= PHONE["width"]
    assert_no_axe_violations(page)


def test_a_checkbox_stands_left_of_its_label(new_context, staff, process):
    page = new_context(language="en", viewport=PHONE).new_page()
    sign_in(page, staff.email)
    page.goto(f"/workspace/norrkoping/processes/{process.pk}/")
    box = page.locator("input[type=checkbox][name=is_public]").bounding_box()
    label = page.locator("label[for=id_is_public]").bounding_box()
    assert box["x"] + box["width"] <= label["x"]
    # Side by side: the box's middle lies within the label's first line.
    assert label["y"] <= box["y"] + box["height"] / 2 <= label["y"] + 32
    assert_no_axe_violations(page)


def test_a_resident_page_in_danish_writes_dates_with_the_ordinal_dot(
    new_context, live_server, process
):
    context = new_context(language="da", viewport=PHONE)
    page = context.new_page()
    set_language_cookie(context, live_server.url, "da")
    page.goto("/m/norrkoping/vision-2035/")
    assert page.locator("html").get_attribute("lang") == "da"
    text = page.locator("main").inner_text()
    with translation.override("da"):
        expected = date_format(datetime.date(2015, 4, 1))
    assert expected == "1. april 2015"
    assert expected in text
    assert "14. december 2015" in text
    # No date on the page without its dot.
    months = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
    assert not re.search(rf"(?<![\d.])\d{{1,2}} ({months}) \d{{4}}", text), text
    assert_no_axe_violations(page)
