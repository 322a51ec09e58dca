"""A resident proves who they are with an e-ID (MitID, BankID, ID-porten through a broker
such as Criipto or Signicat) before voting in a participatory budget.

How, and why this way: the brokers are allauth OpenID Connect apps (settings
SOCIALACCOUNT_PROVIDERS, from EID_* variables), but allauth's social *login* is not used.
A completed social login is built to end in a user account (a User, a SocialAccount, maybe
tokens) and a signed-in session, and residents must have none: staff are the only users,
and a vote must not be linkable to a person. Stopping allauth's login half-way in a
pre_social_login hook would work, but it runs only after allauth has prepared the account,
it shares its routes with staff sign-in, and allauth's OIDC client skips the id_token's
signature and sends no nonce. So this module drives the authorization code flow itself with
allauth's parts, and ends with nothing but the verified issuer and subject:

- allauth's provider and OIDC adapter read the app's settings, fetch the broker's discovery
  document and build the OAuth2 client (client authentication, PKCE);
- allauth's state stash keeps the state in the session (single use, ten minutes), with our
  nonce, the PKCE verifier and the budget and district the resident chose;
- the callback is ours (one per broker, registered at the broker), exchanges the code, and
  verifies the id_token with allauth's jwtkit: signature against the broker's JWKS, issuer,
  audience, expiry, replay of its jti; then the nonce against the state.

The caller keeps only a keyed hash of "eid:<issuer>:<subject>" (services.voter_digest).
allauth's own social sign-in routes are not served (visionportal/urls.py), and its adapter
refuses any social login (visionportal.accounts.SocialAccountAdapter): staff sign-in is
untouched.
"""

import hmac
import secrets
from dataclasses import dataclass

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit, statekit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

PROVIDER = "openid_connect"


class EidError(Exception):
    """The e-ID round trip failed; the message is for the resident."""

    status = 400

    def __init__(self, message: str, *, data: dict | None = None):
        super().__init__(message)
        self.message = message
        self.data = data or {}


class EidUnavailable(EidError):
    """The broker did not answer (down, timed out, or answered nonsense)."""

    status = 502


@dataclass(frozen=True)
class EidProvider:
    id: str
    label: str
    authorize_origin: str


def providers_for(country: str) -> list[EidProvider]:
    """The configured brokers a municipality in `country` offers, in settings order."""
    found = []
    for app in get_adapter().list_apps(None, provider=PROVIDER):
        countries = app.settings.get("countries") or []
        if countries and country.upper() not in countries:
            continue
        found.append(
            EidProvider(app.provider_id, app.name, app.settings.get("authorize_origin", ""))
        )
    return found


class _VotingAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OIDC adapter with our callback instead of allauth's login callback."""

    def get_callback_url(self, request, app):
        url = reverse("consultations:budget:eid_callback", args=[self.provider_id])
        return build_absolute_uri(request, url, self.redirect_uri_protocol)


def _provider(request, provider_id: str):
    try:
        provider = get_adapter(request).get_provider(request, provider_id)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    if provider.app.provider != PROVIDER:
        raise Http404
    return provider


def _unavailable(provider, data=None) -> EidUnavailable:
    return EidUnavailable(
        _(
            "%(provider)s is not answering just now. Try again in a few minutes, or vote "
            "with the voting code from your letter."
        )
        % {"provider": provider.app.name},
        data=data,
    )


def authorization_url(request, *, provider_id: str, data: dict) -> str:
    """Where to send the resident to sign in: the broker's authorization endpoint with a
    fresh state, nonce and PKCE challenge. `data` comes back with the verified identity."""
    provider = _provider(request, provider_id)
    adapter = _VotingAdapter(request, provider.app.provider_id)
    try:
        client = adapter.get_client(request, provider.app)  # reads the discovery document
        endpoint = adapter.authorize_url
    except (requests.RequestException, KeyError, ValueError) as error:
        raise _unavailable(provider, data) from error
    nonce = secrets.token_urlsafe(32)
    pkce = provider.get_pkce_params()
    verifier = pkce.pop("code_verifier", None)
    client.state = provider.stash_redirect_state(
        request, "login", data=data, pkce_code_verifier=verifier, nonce=nonce
    )
    params = {**provider.get_auth_params(), **pkce, "nonce": nonce}
    return client.get_redirect_url(endpoint, provider.get_scope(), params)


@dataclass(frozen=True)
class VerifiedIdentity:
    issuer: str
    subject: str
    data: dict


def verified_identity(request, *, provider_id: str) -> VerifiedIdentity:
    """The broker's answer at our callback, checked: state, code exchange, the id_token's
    signature, issuer, audience, expiry and nonce. Raises EidError otherwise."""
    provider = _provider(request, provider_id)
    state = statekit.unstash_state(
        request, state_id=request.GET.get("state", ""), provider_id=provider.sub_id
    )
    if state is None:
        raise EidError(
            _(
                "The e-ID sign-in was not started on this page, or it took more than ten "
                "minutes. Start again from the voting page."
            )
        )
    data = state.get("data") or {}
    if "error" in request.GET or not request.GET.get("code"):
        raise EidError(
            _("The e-ID sign-in was cancelled or refused, so you have not voted yet."),
            data=data,
        )
    adapter = _VotingAdapter(request, provider.app.provider_id)
    refused = EidError(
        _("%(provider)s’s answer could not be verified, so you have not voted yet. Try again.")
        % {"provider": provider.app.name},
        data=data,
    )
    try:
        client = adapter.get_client(request, provider.app)
        tokens = client.get_access_token(
            request.GET["code"], pkce_code_verifier=state.get("pkce_code_verifier")
        )
        config = adapter.openid_config
        claims = jwtkit.verify_and_decode(
            credential=tokens.get("id_token") or "",
            keys_url=config["jwks_uri"],
            issuer=config["issuer"],
            audience=provider.app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,  # allauth skips it after a direct token exchange
        )
    except requests.RequestException as error:
        raise _unavailable(provider, data) from error
    except (OAuth2Error, KeyError, ValueError) as error:
        raise refused from error
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce, state.get("nonce", "")):
        raise refused
    subject, issuer = claims.get("sub"), claims.get("iss")
    if not (isinstance(subject, str) and subject and isinstance(issuer, str) and issuer):
        raise refused
    return VerifiedIdentity(issuer=issuer, subject=subject, data=data)
