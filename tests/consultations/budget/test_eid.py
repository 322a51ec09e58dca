"""Voting with e-ID against a local OpenID Connect provider (oidc_stub): the whole round
trip through the test client, one ballot per identity, only a keyed hash stored, no user or
social account ever created, forged answers refused, and a broker that is down."""

import threading
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from consultations.budget import services
from consultations.budget.models import Ballot, BallotChoice, VoterRecord
from tests.conftest import running_phase
from visionportal.accounts import SocialAccountAdapter
from visionportal.models import PhaseKind, User

from .factories import make_budget, on_ballot
from .oidc_stub import StubIdentityProvider
from .test_proposals import ROLES, _client_for


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Each test starts with no e-ID starts counted (the per-connection limit's counters
    live in the cache, and every test client is 127.0.0.1)."""
    caches["default"].clear()


@pytest.fixture
def stub(settings):
    provider = StubIdentityProvider().start()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [provider.app_settings()]}}
    yield provider
    provider.stop()


@pytest.fixture
def budget(process):
    running_phase(process, PhaseKind.BUDGET_VOTE)
    return make_budget(process)


@pytest.fixture
def skovlunde(budget):
    return budget.districts.get(name="Skovlunde")


def _args(budget):
    return [budget.process.municipality.slug, budget.process.slug]


def _start(client, budget, district, provider="stubid"):
    return client.post(
        reverse("consultations:budget:vote_eid", args=_args(budget)),
        {"eid-district": district.pk, "eid-provider": provider},
    )


def _sign_in(client, stub, budget, district):
    """Choose e-ID on the voting page, sign in at the provider, come back."""
    started = _start(client, budget, district)
    assert started.status_code == 302
    assert started["Location"].startswith(f"{stub.base}/authorize?")
    back = urlsplit(stub.sign_in(started["Location"]))
    return client.get(f"{back.path}?{back.query}")


def _vote(client, budget, proposals):
    return client.post(
        reverse("consultations:budget:ballot_cast", args=_args(budget)),
        {"idempotency_key": str(uuid.uuid4()), "proposals": [p.pk for p in proposals]},
    )


def test_the_voting_page_offers_e_id_with_its_sign_in_origin_allowed(client, stub, budget):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultations:budget:vote", args=_args(budget)))
    html = page.content.decode()
    assert "Vote with Stub ID" in html
    assert 'name="eid-district"' in html and 'name="code"' in html
    # The form is redirected to the provider: the page's CSP must allow it as form-action.
    assert stub.base in page["Content-Security-Policy"].split("form-action")[1].split(";")[0]


def test_without_providers_only_the_voting_code_is_offered(client, budget, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    client.cookies["django_language"] = "en"
    html = client.get(reverse("consultations:budget:vote", args=_args(budget))).content.decode()
    assert "e-ID" not in html and 'name="code"' in html


def test_a_provider_for_another_country_is_not_offered(client, stub, budget, settings):
    app = stub.app_settings()
    app["settings"]["countries"] = ["DK"]  # the test municipality is Swedish
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app]}}
    html = client.get(reverse("consultations:budget:vote", args=_args(budget))).content.decode()
    assert "eid-district" not in html
    assert _start(client, budget, budget.districts.first()).status_code == 302  # back to vote


def test_a_resident_votes_with_e_id_once_and_only_a_keyed_hash_is_kept(
    client, django_user_model, stub, budget, skovlunde
):
    bench = on_ballot(budget, skovlunde, "Bænke", 60_000)
    users_before = django_user_model.objects.count()
    stub.subject = "CPR-0101701234"
    back = _sign_in(client, stub, budget, skovlunde)
    assert back.status_code == 302
    assert back["Location"] == reverse("consultations:budget:ballot", args=_args(budget))
    assert stub.codes == {}  # the code was exchanged
    assert _vote(client, budget, [bench])["Location"].endswith("/vote/thanks/")
    assert BallotChoice.objects.get().proposal == bench
    record = VoterRecord.objects.get()
    assert record.district == skovlunde
    expected = services.voter_digest(budget=budget, identifier=f"eid:{stub.issuer}:CPR-0101701234")
    assert record.voter_digest == expected
    # Nothing else of the person anywhere: no account, no social account, no token, and
    # neither the subject nor its provider's state left in the session.
    assert django_user_model.objects.count() == users_before
    assert not SocialAccount.objects.exists() and not SocialToken.objects.exists()
    session = dict(client.session.items())
    assert "CPR-0101701234" not in repr(session)
    assert not session.get("socialaccount_states")
    assert "_auth_user_id" not in session

    # The same person again, from another browser and choosing another district: refused.
    other = type(client)()
    other.cookies["django_language"] = "en"
    again = _sign_in(other, stub, budget, budget.districts.get(name="Måløv"))
    assert again.status_code == 400
    assert "You have already voted in this budget" in again.content.decode()
    assert Ballot.objects.count() == 1 and VoterRecord.objects.count() == 1

    # Another person may vote.
    stub.subject = "CPR-0202801234"
    third = type(client)()
    assert _sign_in(third, stub, budget, skovlunde).status_code == 302
    assert _vote(third, budget, [bench]).status_code == 302
    assert Ballot.objects.count() == 2


def test_the_provider_learns_nothing_but_gets_nonce_pkce_and_acr(client, stub, budget, skovlunde):
    started = _start(client, budget, skovlunde)
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["scope"] == ["openid"]
    assert query["acr_values"] == ["urn:stub:substantial"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["nonce"][0]) >= 32 and len(query["state"][0]) >= 16
    assert query["redirect_uri"] == [
        "http://testserver" + reverse("consultations:budget:eid_callback", args=["stubid"])
    ]


def test_a_forged_or_replayed_state_is_refused(client, stub, budget, skovlunde):
    client.cookies["django_language"] = "en"
    started = _start(client, budget, skovlunde)
    back = urlsplit(stub.sign_in(started["Location"]))
    query = parse_qs(back.query)
    forged = client.get(back.path, {"code": query["code"][0], "state": "not-the-state"})
    assert forged.status_code == 400
    assert "was not started on this page" in forged.content.decode()
    assert stub.token_requests == 0
    assert client.get(f"{back.path}?{back.query}").status_code == 302  # the real one
    replayed = client.get(f"{back.path}?{back.query}")  # a state is used once
    assert replayed.status_code == 400
    # Another browser cannot use this browser's answer.
    assert type(client)().get(f"{back.path}?{back.query}").status_code == 400


@pytest.mark.parametrize("misbehaviour", ["nonce", "signature"])
def test_an_id_token_with_a_wrong_nonce_or_signature_is_refused(
    client, stub, budget, skovlunde, misbehaviour
):
    client.cookies["django_language"] = "en"
    if misbehaviour == "nonce":
        stub.nonce_override = "a-nonce-from-another-sign-in"
    else:
        stub.use_foreign_key()
    refused = _sign_in(client, stub, budget, skovlunde)
    assert refused.status_code == 400
    assert "Stub ID’s answer could not be verified" in refused.content.decode()
    assert "budget_voter" not in client.session
    assert client.get(reverse("consultations:budget:ballot", args=_args(budget))).status_code == 302
    assert not VoterRecord.objects.exists()


def test_a_cancelled_sign_in_says_so_and_links_back(client, stub, budget, skovlunde):
    client.cookies["django_language"] = "en"
    started = _start(client, budget, skovlunde)
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    path = reverse("consultations:budget:eid_callback", args=["stubid"])
    page = client.get(path, {"error": "access_denied", "state": state})
    assert page.status_code == 400
    html = page.content.decode()
    assert "cancelled or refused" in html
    assert reverse("consultations:budget:vote", args=_args(budget)) in html


def test_a_provider_that_is_down_gives_a_clear_translated_error(client, stub, budget, skovlunde):
    stub.stop()
    client.cookies["django_language"] = "en"
    page = _start(client, budget, skovlunde)
    assert page.status_code == 502
    assert "Stub ID is not answering just now" in page.content.decode()
    client.cookies["django_language"] = "da"
    page = _start(client, budget, skovlunde)
    assert "Stub ID svarer ikke lige nu" in page.content.decode()


def test_a_provider_down_at_the_callback_gives_the_same_error(client, stub, budget, skovlunde):
    client.cookies["django_language"] = "en"
    started = _start(client, budget, skovlunde)
    back = urlsplit(stub.sign_in(started["Location"]))
    stub.stop()
    page = client.get(f"{back.path}?{back.query}")
    assert page.status_code == 502
    assert "Stub ID is not answering just now" in page.content.decode()


def test_the_e_id_form_needs_a_district_and_a_known_provider(client, stub, budget, skovlunde):
    client.cookies["django_language"] = "en"
    url = reverse("consultations:budget:vote_eid", args=_args(budget))
    page = client.post(url, {"eid-provider": "stubid"})
    assert page.status_code == 200 and "Choose the district you live in." in page.content.decode()
    page = client.post(url, {"eid-district": skovlunde.pk, "eid-provider": "<script>"})
    assert "Choose how to sign in with e-ID." in page.content.decode()
    assert "<script>" not in page.content.decode().split("</header>")[-1]
    other = make_budget_in_other_process(budget)
    page = client.post(url, {"eid-district": other.pk, "eid-provider": "stubid"})
    assert "Choose one of the budget’s districts." in page.content.decode()


def make_budget_in_other_process(budget):
    from visionportal.models import VisionProcess

    process = VisionProcess.objects.create(
        municipality=budget.process.municipality, title="Andra", slug="andra", is_public=True
    )
    return make_budget(process).districts.first()


def test_e_id_voting_is_refused_outside_the_vote_phase(client, stub, process):
    budget = make_budget(process)  # no vote phase runs
    page = _start(client, budget, budget.districts.first())
    assert page.status_code == 200
    assert stub.token_requests == 0 and "eid-district" not in page.content.decode()


def test_allauths_own_social_routes_are_not_served_and_its_adapter_refuses(db, rf, stub):
    from django.test import Client

    client = Client()
    for path in ("/accounts/oidc/stubid/login/", "/accounts/3rdparty/", "/accounts/social/"):
        assert client.get(path).status_code == 404
    assert client.get("/accounts/login/").status_code == 200  # staff sign-in as before
    adapter = SocialAccountAdapter()
    assert adapter.is_open_for_signup(rf.get("/"), None) is False
    from allauth.core.exceptions import ImmediateHttpResponse

    with pytest.raises(ImmediateHttpResponse):
        adapter.pre_social_login(rf.get("/"), None)
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_one_e_id_voting_at_once_from_two_devices_counts_once(process):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    running_phase(process, PhaseKind.BUDGET_VOTE)
    budget = make_budget(process)
    districts = list(budget.districts.all()[:2])
    proposals = [on_ballot(budget, d, "Bænke", 1000) for d in districts]
    # The same person signed in twice, choosing two districts.
    identities = [
        services.voter_identify_by_eid(
            budget=budget, district_id=d.pk, issuer="https://broker", subject="same"
        )
        for d in districts
    ]
    barrier = threading.Barrier(4)
    outcomes = []

    def vote(index):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes.append(
                services.ballot_cast(
                    budget=budget,
                    identity=identities[index % 2],
                    form_key=uuid.uuid4(),
                    proposal_ids=[proposals[index % 2].pk],
                )
            )
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["cast", "refused", "refused", "refused"]
    assert Ballot.objects.count() == 1 and VoterRecord.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_e_id_voting_is_the_same_for_every_role_and_leaves_a_sign_in_alone(
    client, request, stub, budget, skovlunde, role
):
    """Residents' pages: every role (signed in anywhere or not) sees and does the same; a
    staff member who votes as a resident stays signed in as themself, and an unpublished
    process is 404 for all."""
    client = _client_for(client, request, role)
    user_id = client.session.get("_auth_user_id")
    bench = on_ballot(budget, skovlunde, "Bænke", 60_000)
    assert client.get(reverse("consultations:budget:vote", args=_args(budget))).status_code == 200
    stub.subject = f"person-{role}"
    assert _sign_in(client, stub, budget, skovlunde).status_code == 302
    assert _vote(client, budget, [bench]).status_code == 302
    assert client.session.get("_auth_user_id") == user_id
    assert not SocialAccount.objects.exists()
    budget.process.is_public = False
    budget.process.save(update_fields=["is_public"])
    assert _start(client, budget, skovlunde).status_code == 404
    assert client.get(reverse("consultations:budget:vote", args=_args(budget))).status_code == 404


def test_too_many_e_id_starts_from_one_connection_are_refused(
    client, stub, budget, skovlunde, monkeypatch
):
    from consultations.budget import views_public

    monkeypatch.setattr(views_public, "EID_STARTS_PER_HOUR_PER_CLIENT", 2)
    client.cookies["django_language"] = "en"
    assert _start(client, budget, skovlunde).status_code == 302
    assert _start(client, budget, skovlunde).status_code == 302
    refused = _start(client, budget, skovlunde)
    assert refused.status_code == 429
    assert "Too many e-ID sign-ins were started" in refused.content.decode()


def test_brokers_are_configured_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from visionportal.settings import _eid_app

    for key, value in {
        "EID_MITID_CLIENT_ID": "urn:visionportal:ballerup",
        "EID_MITID_SECRET": "s3cret",
        "EID_MITID_SERVER_URL": "https://ballerup.criipto.id",
        "EID_MITID_LABEL": "MitID",
        "EID_MITID_AUTH_PARAMS": "acr_values=urn:grn:authn:dk:mitid:substantial",
        "EID_MITID_COUNTRIES": "dk",
    }.items():
        monkeypatch.setenv(key, value)
    app = _eid_app("mitid")
    assert app["provider_id"] == "mitid" and app["name"] == "MitID"
    assert app["settings"]["auth_params"] == {"acr_values": "urn:grn:authn:dk:mitid:substantial"}
    assert app["settings"]["countries"] == ["DK"]
    assert app["settings"]["authorize_origin"] == "https://ballerup.criipto.id"
    assert app["settings"]["scope"] == ["openid"] and app["settings"]["oauth_pkce_enabled"]
    monkeypatch.setenv("EID_IDPORTEN_CLIENT_ID", "x")
    monkeypatch.setenv("EID_IDPORTEN_SERVER_URL", "https://idporten.no")
    with pytest.raises(ImproperlyConfigured, match="EID_IDPORTEN_SECRET"):
        _eid_app("idporten")
    with pytest.raises(ImproperlyConfigured, match="short name"):
        _eid_app("Mit ID/../")
