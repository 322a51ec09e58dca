"""The Content-Security-Policy middleware builds the settings' policy once, and gives
every response the headers django-csp's own middleware would give it."""

import pytest
from csp.constants import NONCE, SELF
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory, override_settings

from visionportal.middleware import ContentSecurityPolicyMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def _headers(middleware_class, respond, *, path="/m/norrkoping/", use_nonce=False):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: respond())
    middleware.process_request(request)
    if use_nonce:
        str(request.csp_nonce)
    response = middleware.process_response(request, respond())
    headers = {name: response.get(name) for name in HEADERS}
    if use_nonce:
        headers = {
            name: value and value.replace(request._csp_nonce, "NONCE")
            for name, value in headers.items()
        }
    return headers, request


def _same_as_library(respond, **kwargs):
    ours, _request = _headers(ContentSecurityPolicyMiddleware, respond, **kwargs)
    theirs, _request = _headers(CSPMiddleware, respond, **kwargs)
    assert ours == theirs
    return ours


def _with(**attributes):
    def respond():
        response = HttpResponse("ok")
        for name, value in attributes.items():
            setattr(response, name, value)
        return response

    return respond


def test_a_plain_response_gets_the_libraries_policy():
    headers = _same_as_library(lambda: HttpResponseRedirect("/m/norrkoping/"))
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Content-Security-Policy-Report-Only"] is None


def test_a_response_that_changes_its_policy_gets_the_change():
    headers = _same_as_library(_with(_csp_update={"form-action": ["https://eid.example"]}))
    assert "https://eid.example" in headers["Content-Security-Policy"]


def test_an_exempt_response_gets_no_policy():
    headers = _same_as_library(_with(_csp_exempt=True))
    assert headers["Content-Security-Policy"] is None


@override_settings(
    CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
)
def test_a_nonce_asked_for_is_in_the_policy():
    headers = _same_as_library(HttpResponse, use_nonce=True)
    assert "'nonce-NONCE'" in headers["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_response_fails_loudly():
    _headers_, request = _headers(ContentSecurityPolicyMiddleware, HttpResponse)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_header_the_view_set_is_kept():
    def respond():
        response = HttpResponse("ok")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    headers = _same_as_library(respond)
    assert headers["Content-Security-Policy"] == "default-src 'none'"


def test_changed_settings_change_the_policy_and_its_exclusions():
    policy = {
        "EXCLUDE_URL_PREFIXES": ["/admin/"],
        "DIRECTIVES": {"default-src": [SELF], "img-src": ["https://maps.example"]},
    }
    report_only = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only
    ):
        headers = _same_as_library(HttpResponse)
        assert "https://maps.example" in headers["Content-Security-Policy"]
        assert headers["Content-Security-Policy-Report-Only"] == "default-src 'none'"
        excluded = _same_as_library(HttpResponse, path="/admin/")
        assert excluded["Content-Security-Policy"] is None
    # And back: the policy built under the overridden settings is forgotten.
    headers = _same_as_library(HttpResponse)
    assert "https://maps.example" not in headers["Content-Security-Policy"]


@override_settings(DEBUG=True)
def test_debug_error_pages_get_no_policy_as_with_the_library():
    headers = _same_as_library(lambda: HttpResponse(status=404))
    assert headers["Content-Security-Policy"] is None
