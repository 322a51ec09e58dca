"""The vision proposal editor, versions and diff, the decision record and the decision pack
pages in a real browser: zero axe violations, and the editor, a decision and a pack done
with the keyboard and without JavaScript."""

import datetime

import pytest

from keywords.vision.packs import pack_request
from tests.keywords.vision_factories import answered_consultation
from visionportal.models import (
    DecisionBody,
    DecisionOutcome,
    DecisionPack,
    PackStatus,
    ProposalVersion,
    VisionDecision,
)
from visionportal.proposals.services import decision_record, proposal_save, proposal_share

from .conftest import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drafted(process, staff):
    answered_consultation(process)
    proposal_save(process=process, title="Norrköping 2035", text="Ett hav", by=staff,
                  expected_version=0)  # fmt: skip
    version = proposal_save(
        process=process,
        title="Norrköping 2035",
        text="<p>Ett hav av <em>möjligheter</em></p><ul><li>مرحبا</li></ul>",
        by=staff,
        expected_version=1,
    )
    proposal_share(proposal=version.proposal, shared=True)
    return process


def test_the_vision_pages_have_no_axe_violations(new_context, staff, drafted):
    decision_record(
        process=drafted,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.ADOPTED,
        case_number="KS 2015/0363",
        by=staff,
    )
    pack_request(process=drafted, by=staff, language="sv")  # eager in tests: ready at once
    assert DecisionPack.objects.get().status == PackStatus.DONE
    page = new_context(language="sv").new_page()
    sign_in(page, staff.email)
    base = f"/workspace/norrkoping/processes/{drafted.pk}"
    for path in (
        f"{base}/vision/",
        f"{base}/vision/apart/",
        f"{base}/vision/versions/",
        f"{base}/vision/versions/2/",
        f"{base}/vision/compare/?from=1&to=2",
        f"{base}/decisions/",
        f"{base}/packs/",
        f"{base}/packs/1/",
        f"/m/norrkoping/{drafted.slug}/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)


def test_staff_without_javascript_save_a_draft_record_a_decision_and_generate_a_pack(
    new_context, staff, drafted
):
    page = new_context(java_script_enabled=False, language="en").new_page()
    sign_in(page, staff.email)
    base = f"/workspace/norrkoping/processes/{drafted.pk}"
    page.goto(f"{base}/vision/")
    page.fill("textarea[name=text]", "Ett hav av möjligheter.\n\n- Strömmen\n- Campus")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as a new version").press("Enter")
    assert "Saved as version 3." in page.locator(".messages").inner_text()
    assert ProposalVersion.objects.get(number=3).text == (
        "<p>Ett hav av möjligheter.</p><ul><li>Strömmen</li><li>Campus</li></ul>"
    )

    page.goto(f"{base}/decisions/")
    page.select_option("select[name=body]", "council")
    page.fill("input[name=meeting_date]", "2015-12-14")
    page.fill("input[name=case_number]", "KS 2015/0363")
    page.fill("input[name=paragraph]", "215")
    page.select_option("select[name=outcome]", "adopted")
    page.get_by_role("button", name="Record the decision").press("Enter")
    assert VisionDecision.objects.get().adopted_version.number == 3

    page.goto(f"{base}/packs/")
    # Eager in tests, so the request renders the whole PDF: seconds on a loaded machine.
    page.set_default_navigation_timeout(90_000)
    page.get_by_role("button", name="Generate decision pack").press("Enter", timeout=90_000)
    # Eager in tests: the pack is ready when its page opens.
    assert page.url.endswith(f"{base}/packs/1/")
    pack = DecisionPack.objects.get()
    assert pack.status == PackStatus.DONE, pack.error
    link = page.get_by_role("link", name="Download the PDF, version 1")
    assert link.is_visible()

    public = new_context(language="sv").new_page()
    public.goto(f"/m/norrkoping/{drafted.slug}/")
    assert "Kommunfullmäktige 2015-12-14, § 215, KS 2015/0363" in public.content()


def test_the_pack_page_polls_its_progress_with_htmx(new_context, staff, drafted):
    pack = DecisionPack.objects.create(process=drafted, number=1, language="sv", progress=40)
    page = new_context(language="en").new_page()
    sign_in(page, staff.email)
    page.goto(f"/workspace/norrkoping/processes/{drafted.pk}/packs/1/")
    assert page.locator("#document-progress-bar").get_attribute("value") == "40"
    assert_no_axe_violations(page)
    DecisionPack.objects.filter(pk=pack.pk).update(progress=100, status=PackStatus.FAILED)
    page.wait_for_function(
        "() => document.querySelector('#document-progress-bar').getAttribute('value') === '100'"
    )
    assert page.get_by_role("alert").is_visible()


def test_the_editor_with_the_sorting_ranking_has_no_axe_violations(new_context, staff, drafted):
    from keywords.sorting import aggregation
    from tests.keywords.sorting_factories import bare_round, published_list
    from tests.keywords.sorting_results_data import play

    round = bare_round(published_list(drafted, ["Trygghet", "Kollektivtrafik", "<b>Hamnen</b>"]))
    for i in range(6):
        play(round, {"Trygghet": 1, "Kollektivtrafik": -1 if i % 2 else 1, "<b>Hamnen</b>": 0})
    aggregation.result_snapshot_request(round=round)  # on commit, eager in tests
    page = new_context(language="sv").new_page()
    sign_in(page, staff.email)
    page.goto(f"/workspace/norrkoping/processes/{drafted.pk}/vision/")
    ranking = page.locator("ol.ranking-top li")
    assert ranking.count() == 3
    assert ranking.first.inner_text().startswith("Trygghet")
    assert "<b>Hamnen</b>" in ranking.nth(2).inner_text()
    assert_no_axe_violations(page)
