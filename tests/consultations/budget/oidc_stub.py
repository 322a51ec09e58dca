"""A local OpenID Connect identity provider for tests, served from a thread on 127.0.0.1:
discovery, JWKS, an authorization endpoint that signs the resident in at once (as
`subject`) and redirects back with a code, and a token endpoint that checks the client
secret, the redirect URI and the PKCE verifier and returns an RS256-signed id_token made
with a key generated here. Knobs let a test make it misbehave (wrong nonce, a foreign key)
or stop it (the broker is down)."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "visionportal-test"
CLIENT_SECRET = "stub-secret-not-for-production"  # noqa: S105


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StubIdentityProvider:
    def __init__(self):
        self.key = _new_key()
        self.kid = secrets.token_hex(8)
        self.subject = "person-1"
        self.nonce_override = None  # a wrong nonce in the id_token
        self.signing_key = self.key  # another key: a signature the JWKS cannot verify
        self.codes = {}
        self.token_requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self):
        return self.base

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def use_foreign_key(self):
        self.signing_key = _new_key()

    def app_settings(self, provider_id="stubid", label="Stub ID"):
        """The SOCIALACCOUNT_PROVIDERS app as settings._eid_app builds it from EID_*."""
        return {
            "provider_id": provider_id,
            "name": label,
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {
                "server_url": self.base,
                "oauth_pkce_enabled": True,
                "scope": ["openid"],
                "auth_params": {"acr_values": "urn:stub:substantial"},
                "countries": [],
                "authorize_origin": self.base,
            },
        }

    def sign_in(self, authorize_url: str) -> str:
        """What the resident's browser does at the provider: returns the redirect back."""
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(authorize_url)  # noqa: S310 (our own 127.0.0.1 server)
        except urllib.error.HTTPError as response:
            if response.code == 302:
                return response.headers["Location"]
            raise
        raise AssertionError("the stub did not redirect back")

    def _id_token(self, grant):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": grant["subject"],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
            "nonce": self.nonce_override or grant["nonce"],
        }
        return jwt.encode(claims, self.signing_key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(
                        {
                            "issuer": stub.issuer,
                            "authorization_endpoint": f"{stub.base}/authorize",
                            "token_endpoint": f"{stub.base}/token",
                            "jwks_uri": f"{stub.base}/jwks",
                            "userinfo_endpoint": f"{stub.base}/userinfo",
                            "token_endpoint_auth_methods_supported": ["client_secret_post"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                if url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(stub.key.public_key()))
                    jwk.update({"kid": stub.kid, "alg": "RS256", "use": "sig"})
                    return self._json({"keys": [jwk]})
                if url.path == "/authorize":
                    if query.get("client_id") != CLIENT_ID or "nonce" not in query:
                        return self._json({"error": "invalid_request"}, 400)
                    code = secrets.token_urlsafe(16)
                    stub.codes[code] = {
                        "subject": stub.subject,
                        "nonce": query["nonce"],
                        "redirect_uri": query["redirect_uri"],
                        "challenge": query.get("code_challenge"),
                        "acr": query.get("acr_values"),
                    }
                    back = urlencode({"code": code, "state": query.get("state", "")})
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?{back}")
                    self.end_headers()
                    return None
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    return self._json({"error": "not_found"}, 404)
                stub.token_requests += 1
                grant = stub.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if (
                    grant is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != grant["redirect_uri"]
                    or challenge != grant["challenge"]
                ):
                    return self._json({"error": "invalid_grant"}, 400)
                return self._json(
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": stub._id_token(grant),
                    }
                )

        return Handler
