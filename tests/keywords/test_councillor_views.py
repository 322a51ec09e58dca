"""Pages of the councillors' round: role × municipality matrix for every view, the flows
without JavaScript (POST, redirect, GET), visibility on the pages, and escaping."""

import pytest
from django.urls import reverse

from keywords.councillors import round_list, services
from keywords.models import CouncillorProposal, CouncillorRound, KeywordList
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    EDITOR_VIEW,
    LOGIN,
    ROLES,
    _assert_outcome,
    _client_for,
)

from .factories import councillor_of, keyword

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ALL_ROLES = [*ROLES, "other_councillor"]
STAFF_VIEW = {**EDITOR_VIEW, "other_councillor": 404}
STAFF_POST = {**EDITOR_POST, "other_councillor": 404}
# Admins and staff run the round; only councillors take part (and need no MFA).
COUNCILLOR_VIEW = {
    "anonymous": LOGIN,
    "outsider": 404,
    "other_staff": 404,
    "other_councillor": 404,
    "councillor": 200,
    "moderator": 403,
    "staff_without_mfa": 403,
    "staff": 403,
    "admin_user": 403,
}
COUNCILLOR_POST = {**COUNCILLOR_VIEW, "councillor": 302}


@pytest.fixture(autouse=True)
def _english(client):
    """Workspace pages default to the municipality's language; read them in English."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def other_councillor(ishoj):
    return councillor_of(ishoj, "raadsmedlem@ishoj.test", party="Eksempelpartiet")


@pytest.fixture
def keywords(consultation):
    return [keyword(consultation, label) for label in ("Parker", "Kollektivtrafik", "Strömmen")]


@pytest.fixture
def round(consultation, keywords, staff):
    return services.round_open(consultation=consultation, by=staff, title="Runda 1")


@pytest.fixture
def published(round, consultation, staff):
    services.round_close(round=round, by=staff)
    return services.keyword_list_publish(consultation=consultation, round=round, by=staff)


def staff_url(name, consultation, *args):
    return reverse(f"keywords:{name}", args=["norrkoping", consultation.pk, *args])


def mine_url(name, round, *args):
    return reverse(f"keywords:{name}", args=["norrkoping", round.pk, *args])


def _check(client, method, url, expected, role, data=None):
    response = getattr(client, method)(url, data or {})
    try:
        _assert_outcome(response, expected[role])
    except AssertionError as error:
        raise AssertionError(f"{role} {method.upper()} {url}: {response.status_code}") from error
    return response


# --- role × municipality matrix ---------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_staff_round_pages_are_for_editors_of_that_municipality(
    client, request, consultation, round, published, role
):
    client = _client_for(client, request, role)
    for url in (
        staff_url("round_staff", consultation),
        # The count a threshold gives (the no-JS preview and its htmx fragment).
        staff_url("round_staff", consultation) + "?min_respondents=1&partial=choice",
        staff_url("round_result", consultation, round.pk),
    ):
        _check(client, "get", url, STAFF_VIEW, role)


# Councillors may read what their round led to; they cannot publish.
LIST_VIEW = {**STAFF_VIEW, "councillor": 200}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_published_list_is_for_editors_and_councillors_of_that_municipality(
    client, request, consultation, published, role
):
    client = _client_for(client, request, role)
    url = staff_url("list_version", consultation, published.version)
    _check(client, "get", url, LIST_VIEW, role)


def test_a_councillor_finds_the_published_list_from_their_rounds_with_no_staff_links(
    client, councillor, consultation, round, published
):
    client.force_login(councillor)
    client.cookies["django_language"] = "en"
    rounds = client.get(reverse("keywords:councillor_rounds", args=["norrkoping"])).text
    list_url = staff_url("list_version", consultation, published.version)
    assert list_url in rounds
    page = client.get(list_url).text
    assert reverse("keywords:councillor_round", args=["norrkoping", round.pk]) in page
    assert staff_url("round_staff", consultation) not in page
    assert staff_url("round_result", consultation, round.pk) not in page


@pytest.mark.parametrize("role", ALL_ROLES)
def test_opening_a_round_is_for_editors(client, request, consultation, keywords, role):
    client = _client_for(client, request, role)
    _check(client, "post", staff_url("round_open", consultation), STAFF_POST, role)
    assert CouncillorRound.objects.exists() is (STAFF_POST[role] == 302)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_closing_and_publishing_are_for_editors(client, request, consultation, round, role):
    client = _client_for(client, request, role)
    _check(client, "post", staff_url("round_close", consultation, round.pk), STAFF_POST, role)
    round.refresh_from_db()
    assert round.is_open is (STAFF_POST[role] != 302)
    data = {"round": round.pk}
    _check(client, "post", staff_url("list_publish", consultation), STAFF_POST, role, data)
    assert KeywordList.objects.exists() is (STAFF_POST[role] == 302)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_councillor_pages_are_for_councillors_of_that_municipality(client, request, round, role):
    client = _client_for(client, request, role)
    for url in (
        reverse("keywords:councillor_rounds", args=["norrkoping"]),
        mine_url("councillor_round", round),
    ):
        _check(client, "get", url, COUNCILLOR_VIEW, role)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_proposing_is_for_councillors_of_that_municipality(
    client, request, round, keywords, councillor, role
):
    mine, _ = services.proposal_add(round=round, councillor=councillor, label="Hamn", reason="r")
    client = _client_for(client, request, role)
    url = mine_url("councillor_strike", round, keywords[0].pk)
    _check(client, "post", url, COUNCILLOR_POST, role, {"reason": "För dyrt"})
    _check(client, "post", mine_url("councillor_add", round), COUNCILLOR_POST, role,
           {"label": "Cykel", "reason": "Saknas"})  # fmt: skip
    url = mine_url("councillor_withdraw", round, mine.pk)
    _check(client, "post", url, COUNCILLOR_POST, role)
    made = CouncillorProposal.objects.exclude(pk=mine.pk).count()
    assert made == (2 if COUNCILLOR_POST[role] == 302 else 0)
    mine.refresh_from_db()
    assert (mine.withdrawn_at is not None) is (COUNCILLOR_POST[role] == 302)


def test_another_municipalitys_round_is_not_found_through_your_own(
    client, other_councillor, other_staff, consultation, round, keywords
):
    client.force_login(other_councillor)
    assert (
        client.get(reverse("keywords:councillor_round", args=["ishoj", round.pk])).status_code
        == 404
    )
    url = reverse("keywords:councillor_strike", args=["ishoj", round.pk, keywords[0].pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(other_staff)
    args = ["ishoj", consultation.pk]
    assert client.get(reverse("keywords:round_staff", args=args)).status_code == 404
    assert client.get(reverse("keywords:round_result", args=[*args, round.pk])).status_code == 404
    assert client.post(reverse("keywords:round_close", args=[*args, round.pk])).status_code == 404
    assert not CouncillorProposal.objects.exists()
    round.refresh_from_db()
    assert round.is_open


def test_a_round_of_another_consultation_is_not_found_under_this_one(client, staff, process, round):
    from tests.consultations.factories import closed_consultation

    other = closed_consultation(process)
    client.force_login(staff)
    assert client.get(staff_url("round_result", other, round.pk)).status_code == 404
    assert client.post(staff_url("round_close", other, round.pk)).status_code == 404
    assert client.get(staff_url("list_version", other, 1)).status_code == 404


@pytest.mark.parametrize(
    "name,who", [("round_open", "staff"), ("round_close", "staff"), ("list_publish", "staff")]
)
def test_changes_are_post_only(client, request, consultation, round, name, who):
    client.force_login(request.getfixturevalue(who))
    args = [round.pk] if name == "round_close" else []
    assert client.get(staff_url(name, consultation, *args)).status_code == 405


def test_councillor_changes_are_post_only(client, councillor, round, keywords):
    client.force_login(councillor)
    mine, _ = services.proposal_add(round=round, councillor=councillor, label="Hamn", reason="r")
    for url in (
        mine_url("councillor_strike", round, keywords[0].pk),
        mine_url("councillor_add", round),
        mine_url("councillor_withdraw", round, mine.pk),
    ):
        assert client.get(url).status_code == 405
    mine.refresh_from_db()
    assert mine.withdrawn_at is None


# --- staff flows -----------------------------------------------------------------------------


def test_staff_open_a_round_with_the_form(client, staff, consultation, keywords):
    client.force_login(staff)
    page = client.get(staff_url("round_staff", consultation))
    assert "With at least 0 respondents, 3 keywords go to the councillors." in page.text
    response = client.post(
        staff_url("round_open", consultation),
        {"title": "Runda 1", "instructions": "Stryk högst fem.", "closes_on": ""},
    )
    round = CouncillorRound.objects.get()
    assert response["Location"] == staff_url("round_result", consultation, round.pk)
    assert (round.title, round.others_visible_while_open, round.opened_by) == (
        "Runda 1",
        False,
        staff,
    )
    page = client.get(response["Location"])
    assert "The councillors&#x27; round is open." in page.text
    assert "Close the round" in page.text


def test_a_refused_open_shows_why_and_keeps_the_input(client, staff, consultation, round):
    client.force_login(staff)
    response = client.post(staff_url("round_open", consultation), {"title": "Runda 2"})
    assert response.status_code == 400
    # An open round: the page shows it instead of the form, and says why nothing opened.
    assert "already open" in response.text
    assert CouncillorRound.objects.count() == 1


def test_a_last_day_in_the_past_is_refused(client, staff, consultation, keywords):
    client.force_login(staff)
    response = client.post(
        staff_url("round_open", consultation), {"title": "Gammal", "closes_on": "2015-06-30"}
    )
    assert response.status_code == 400
    assert "cannot be in the past" in response.text
    assert 'value="Gammal"' in response.text
    assert not CouncillorRound.objects.exists()


def test_staff_see_who_struck_what_with_party_and_reason(
    client, staff, consultation, round, keywords, norrkoping
):
    a = councillor_of(norrkoping, "a@norrkoping.test", party="Exempelpartiet")
    b = councillor_of(norrkoping, "b@norrkoping.test", party="Partiet B")
    services.proposal_strike(round=round, councillor=a, keyword=keywords[0], reason="För dyrt")
    services.proposal_strike(round=round, councillor=b, keyword=keywords[0], reason=XSS)
    services.proposal_add(round=round, councillor=b, label=XSS, reason="Saknas")
    client.force_login(staff)
    page = client.get(staff_url("round_result", consultation, round.pk)).text
    assert "a@norrkoping.test" in page and "Exempelpartiet" in page and "För dyrt" in page
    assert "Partiet B" in page
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "2 councillors have proposed changes." in page
    # Open round: nothing to accept yet.
    assert 'name="strike"' not in page


def test_staff_publish_only_the_proposals_left_checked(
    client, staff, councillor, consultation, round, keywords
):
    services.proposal_strike(round=round, councillor=councillor, keyword=keywords[0], reason="a")
    services.proposal_strike(round=round, councillor=councillor, keyword=keywords[1], reason="b")
    services.proposal_add(round=round, councillor=councillor, label="Hamnen", reason="c")
    services.proposal_add(round=round, councillor=councillor, label="Cykel", reason="d")
    client.force_login(staff)
    response = client.post(staff_url("round_close", consultation, round.pk))
    page = client.get(response["Location"]).text
    # After closing, every proposal has a checkbox, checked by default.
    assert page.count('form="publish-form" checked') == 4
    response = client.post(
        staff_url("list_publish", consultation),
        {"round": round.pk, "strike": [keywords[1].pk, "junk"], "add": ["cykel"], "note": "KS"},
    )
    assert response["Location"] == staff_url("list_version", consultation, 1)
    keyword_list = KeywordList.objects.get()
    assert [i.label for i in keyword_list.items.all()] == ["Parker", "Strömmen", "Cykel"]
    page = client.get(response["Location"]).text
    assert "Version 1 of the keyword list is published." in page
    assert "This is the first published version." in page


def test_publishing_an_open_round_is_refused_with_a_message(client, staff, consultation, round):
    client.force_login(staff)
    response = client.post(
        staff_url("list_publish", consultation), {"round": round.pk}, follow=True
    )
    assert "Close the round before you publish its result." in response.text
    assert not KeywordList.objects.exists()


def test_a_new_version_shows_what_changed(client, staff, consultation, published, keywords):
    keywords[1].label = "Bussar"
    keywords[1].save()
    keyword(consultation, XSS, created_by_staff=True)
    client.force_login(staff)
    response = client.post(staff_url("list_publish", consultation), {"note": "Nytt namn"})
    assert response["Location"] == staff_url("list_version", consultation, 2)
    page = client.get(response["Location"]).text
    assert "Changes since version 1" in page
    assert 'Kollektivtrafik</span> → <span dir="auto">Bussar' in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    old = client.get(staff_url("list_version", consultation, 1)).text
    assert "Kollektivtrafik" in old and "See the latest version" in old
    assert client.get(staff_url("list_version", consultation, 3)).status_code == 404
    overview = client.get(staff_url("round_staff", consultation)).text
    assert "Version 2" in overview and "Version 1" in overview


# --- councillor flows ------------------------------------------------------------------------


def test_a_councillor_strikes_with_a_reason_and_sees_it(client, councillor, round, keywords):
    client.force_login(councillor)
    url = mine_url("councillor_strike", round, keywords[0].pk)
    response = client.post(url, {"reason": "För dyrt"})
    assert response["Location"] == mine_url("councillor_round", round)
    page = client.get(response["Location"]).text
    assert "You proposed striking “Parker”." in page
    assert "You propose striking this" in page
    # A double submit: one proposal, and the councillor is told.
    page = client.post(url, {"reason": "För dyrt"}, follow=True).text
    assert "You have already proposed striking “Parker”." in page
    assert CouncillorProposal.objects.count() == 1


def test_an_empty_reason_is_shown_beside_the_keyword(client, councillor, round, keywords):
    client.force_login(councillor)
    response = client.post(mine_url("councillor_strike", round, keywords[0].pk), {"reason": " "})
    assert response.status_code == 400
    pk = keywords[0].pk
    assert f'aria-describedby="reason-{pk}-error"' in response.text
    assert f'id="reason-{pk}-error"' in response.text
    assert not CouncillorProposal.objects.exists()


def test_adding_a_listed_keyword_is_refused_and_the_input_kept(client, councillor, round):
    client.force_login(councillor)
    response = client.post(
        mine_url("councillor_add", round), {"label": "parker", "reason": "Viktigt"}
    )
    assert response.status_code == 400
    assert "“Parker” is already on the list." in response.text
    assert 'value="parker"' in response.text
    assert not CouncillorProposal.objects.exists()


def test_a_councillor_adds_and_withdraws(client, councillor, round):
    client.force_login(councillor)
    response = client.post(mine_url("councillor_add", round), {"label": XSS, "reason": "Saknas"})
    proposal = CouncillorProposal.objects.get()
    assert proposal.label == XSS
    page = client.get(response["Location"]).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    response = client.post(mine_url("councillor_withdraw", round, proposal.pk), follow=True)
    assert "Your proposal is withdrawn." in response.text
    assert "You have not proposed anything in this round." in response.text


def test_a_councillor_cannot_withdraw_someone_elses_proposal(client, councillor, round, norrkoping):
    other = councillor_of(norrkoping, "annan@norrkoping.test")
    theirs, _ = services.proposal_add(round=round, councillor=other, label="Hamn", reason="r")
    client.force_login(councillor)
    assert client.post(mine_url("councillor_withdraw", round, theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_others_reasons_appear_only_after_close(
    client, councillor, staff, round, keywords, norrkoping
):
    other = councillor_of(norrkoping, "annan@norrkoping.test", party="Partiet B")
    services.proposal_strike(round=round, councillor=other, keyword=keywords[0], reason="Hemligt")
    client.force_login(councillor)
    page = client.get(mine_url("councillor_round", round)).text
    assert "Hemligt" not in page and "Partiet B" not in page
    assert "Other councillors' proposals are shown once staff close the round." in page
    services.round_close(round=round, by=staff)
    page = client.get(mine_url("councillor_round", round)).text
    assert "Hemligt" in page and "Partiet B" in page
    # Closed: no forms to propose or withdraw.
    assert 'name="reason"' not in page
    assert "The round no longer takes proposals." in page


def test_with_the_option_on_others_reasons_appear_while_open(
    client, councillor, round, keywords, norrkoping
):
    round.others_visible_while_open = True
    round.save()
    other = councillor_of(norrkoping, "annan@norrkoping.test", party="Partiet B")
    services.proposal_strike(round=round, councillor=other, keyword=keywords[0], reason="Öppet")
    client.force_login(councillor)
    page = client.get(mine_url("councillor_round", round)).text
    assert "Öppet" in page and "Partiet B" in page


def test_a_strike_after_the_round_closed_is_refused_with_a_message(
    client, councillor, staff, round, keywords
):
    client.force_login(councillor)
    services.round_close(round=round, by=staff)
    response = client.post(mine_url("councillor_strike", round, keywords[0].pk), {"reason": "Sent"})
    assert response.status_code == 400
    assert "The round is closed; it no longer takes proposals." in response.text
    response = client.post(mine_url("councillor_add", round), {"label": "Ny", "reason": "Sent"})
    assert "The round is closed; it no longer takes proposals." in response.text
    assert not CouncillorProposal.objects.exists()


def test_striking_a_keyword_not_on_the_rounds_list_says_so(
    client, councillor, consultation, round, keywords
):
    later = keyword(consultation, "Kom efter öppnandet")
    client.force_login(councillor)
    response = client.post(mine_url("councillor_strike", round, later.pk), {"reason": "x"})
    assert response.status_code == 400
    assert "That keyword is not on the round&#x27;s list." in response.text
    assert not CouncillorProposal.objects.exists()


# --- finding the round ---------------------------------------------------------------------------


def test_councillors_find_their_round_from_the_workspace(client, councillor, round):
    client.force_login(councillor)
    home = client.get(reverse("workspace:home")).text
    assert reverse("keywords:councillor_rounds", args=["norrkoping"]) in home
    page = client.get(reverse("workspace:municipality", args=["norrkoping"])).text
    rounds_url = reverse("keywords:councillor_rounds", args=["norrkoping"])
    assert rounds_url in page
    page = client.get(rounds_url).text
    assert mine_url("councillor_round", round) in page and "Runda 1" in page


def test_staff_find_the_round_from_the_process(client, staff, process, consultation):
    client.force_login(staff)
    page = client.get(reverse("workspace:process_edit", args=["norrkoping", process.pk])).text
    assert staff_url("round_staff", consultation) in page
    for page in ("workspace:home", "workspace:municipality"):
        args = ["norrkoping"] if page.endswith("municipality") else []
        text = client.get(reverse(page, args=args)).text
        assert reverse("keywords:councillor_rounds", args=["norrkoping"]) not in text


def _round_on(consultation, staff, councillors, n_keywords):
    """A round on ``n_keywords`` keywords, each councillor striking and adding some."""
    from keywords.models import Keyword

    Keyword.objects.bulk_create(
        Keyword(consultation=consultation, label=f"Nyckelord {i}", base_form=f"nyckelord {i}")
        for i in range(n_keywords)
    )
    round = services.round_open(consultation=consultation, by=staff, others_visible_while_open=True)
    listed = list(round.keywords.order_by("position")[:5])
    for n, other in enumerate(councillors):
        for item in listed[: n + 1]:
            services.proposal_strike(
                round=round, councillor=other, keyword=item.keyword, reason="b"
            )
        services.proposal_add(round=round, councillor=other, label=f"Ny {n}", reason="c")
    return round


def _queries(client, user, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["councillor", "staff", "staff-count", "result", "result-closed"])
def test_the_pages_take_as_many_queries_for_1000_keywords_as_for_10(
    client, staff, process, norrkoping, page, monkeypatch
):
    """No round page grows with the keywords: the same queries for a list of 10 or 1,000
    (the bound raised, so the round's list itself has 1,000)."""
    from tests.conftest import running_phase
    from tests.consultations.factories import closed_consultation
    from visionportal.models import PhaseKind

    running_phase(process, PhaseKind.COUNCILLOR_ROUND)
    monkeypatch.setattr(round_list, "ROUND_KEYWORDS_MAX", 1000)
    councillor = councillor_of(norrkoping, "mätare@norrkoping.test")
    others = [councillor_of(norrkoping, f"c{n}@norrkoping.test", party=f"P{n}") for n in range(3)]
    counts = []
    for n in (10, 1000):
        consultation = closed_consultation(process)
        round = _round_on(consultation, staff, others, n)
        services.proposal_strike(
            round=round,
            councillor=councillor,
            keyword=round.keywords.order_by("position").first().keyword,
            reason="a",
        )
        if page in ("result-closed", "staff-count"):
            services.round_close(round=round, by=staff)
        if page == "councillor":
            counts.append(_queries(client, councillor, mine_url("councillor_round", round)))
        elif page == "staff":
            counts.append(_queries(client, staff, staff_url("round_staff", consultation)))
        elif page == "staff-count":  # no open round: the count before opening another
            url = staff_url("round_staff", consultation) + "?min_respondents=0"
            counts.append(_queries(client, staff, url))
        else:
            url = staff_url("round_result", consultation, round.pk)
            counts.append(_queries(client, staff, url))
    assert counts[0] == counts[1]


# --- one publish path, two entry points (issue 14) -------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_publish_review_is_for_editors_of_that_municipality(
    client, request, consultation, round, staff, role
):
    services.round_close(round=round, by=staff)
    client = _client_for(client, request, role)
    _check(client, "get", staff_url("list_publish_review", consultation), STAFF_VIEW, role)
    assert not KeywordList.objects.exists()  # reviewing never publishes


@pytest.fixture
def second_round_closed(client, staff, councillor, consultation, published, keywords):
    """Version 1 is published; a second round struck "Parker" and added "Hållbar tillväxt"
    and is closed, not yet published (what the demo's staff found)."""
    second = services.round_open(consultation=consultation, by=staff, title="Runda 2")
    services.proposal_strike(round=second, councillor=councillor, keyword=keywords[0], reason="a")
    services.proposal_add(round=second, councillor=councillor, label="Hållbar tillväxt", reason="b")
    services.round_close(round=second, by=staff)
    client.force_login(staff)
    return second


def _publish_from_review(client, review_url):
    """Open the review, then post its form exactly as the page renders it."""
    import re

    page = client.get(review_url)
    assert page.status_code == 200
    form = page.text.split('id="publish-form"', 1)[1].split("</form>", 1)[0]
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    data["note"] = ["KS beslut"]
    return page, client.post(staff_url("list_publish", consultation_of(review_url)), data)


def consultation_of(url):
    from consultations.models import Consultation

    return Consultation.objects.get(pk=int(url.split("/consultations/")[1].split("/")[0]))


def test_publishing_from_the_overview_shows_and_publishes_the_closed_rounds_decisions(
    client, consultation, second_round_closed
):
    overview = client.get(staff_url("round_staff", consultation)).text
    assert "is closed and not yet published" in overview
    assert staff_url("list_publish_review", consultation) in overview
    page, response = _publish_from_review(client, staff_url("list_publish_review", consultation))
    assert "Review version 2 before publishing" in page.text
    assert '<del dir="auto">Parker</del>' in page.text
    assert '<ins dir="auto">Hållbar tillväxt</ins>' in page.text
    assert response["Location"] == staff_url("list_version", consultation, 2)
    v2 = KeywordList.objects.get(version=2)
    assert [i.label for i in v2.items.all()] == ["Kollektivtrafik", "Strömmen", "Hållbar tillväxt"]
    assert v2.note == "KS beslut" and v2.source_round == second_round_closed


def test_publishing_from_the_rounds_page_reviews_the_ticked_proposals_first(
    client, consultation, second_round_closed, keywords
):
    round_page = client.get(staff_url("round_result", consultation, second_round_closed.pk)).text
    assert staff_url("list_publish_review", consultation) in round_page
    # Untick the strike, keep the addition: the review and the version say the same.
    query = f"?round={second_round_closed.pk}&add=hållbar+tillväxt"
    page, response = _publish_from_review(
        client, staff_url("list_publish_review", consultation) + query
    )
    assert "<del" not in page.text and '<ins dir="auto">Hållbar tillväxt</ins>' in page.text
    assert response["Location"] == staff_url("list_version", consultation, 2)
    v2 = KeywordList.objects.get(version=2)
    labels = [i.label for i in v2.items.all()]
    assert sorted(labels[:3]) == ["Kollektivtrafik", "Parker", "Strömmen"]
    assert labels[3] == "Hållbar tillväxt"


def test_a_review_gone_stale_is_refused_and_shown_again(
    client, staff, consultation, second_round_closed
):
    url = staff_url("list_publish_review", consultation)
    page = client.get(url).text
    assert 'name="expected_version" value="2"' in page
    services.keyword_list_publish(consultation=consultation, by=staff)  # a colleague, first
    response = client.post(
        staff_url("list_publish", consultation),
        {"expected_version": 2, "round": second_round_closed.pk},
        follow=True,
    )
    assert "Version 2 was published while you were reviewing." in response.text
    assert "Review version 3 before publishing" in response.text
    assert KeywordList.objects.count() == 2
