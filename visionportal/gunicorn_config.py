"""gunicorn's settings, loaded by the image and docker-compose.yml with
`--config python:visionportal.gunicorn_config` (command-line flags still override).

gunicorn believes `X-Forwarded-Proto` (and its other "secure scheme" headers) from the
peers in `forwarded_allow_ips`, by default 127.0.0.1: any local process could then claim
https. Here the trust follows TRUSTED_PROXY_COUNT, the same variable Django reads
X-Forwarded-For by:

- 0 (no proxy): no peer is trusted, the scheme is what the connection is.
- 1 or more: every request comes through the proxies, so the peer is the proxy and its
  headers are believed ("*"). As for X-Forwarded-For, only the proxy may reach gunicorn's
  port (README, "Production").
"""

import os


def forwarded_allow_ips_for(trusted_proxy_count: int) -> str:
    return "*" if trusted_proxy_count > 0 else ""


def _trusted_proxy_count() -> int:
    # As visionportal.settings reads it (env_int), without importing the settings here.
    value = os.environ.get("TRUSTED_PROXY_COUNT") or "0"
    try:
        count = int(value)
    except ValueError:
        raise ValueError(f"TRUSTED_PROXY_COUNT must be an integer, not {value!r}") from None
    if count < 0:
        raise ValueError(f"TRUSTED_PROXY_COUNT must not be negative, not {value!r}")
    return count


forwarded_allow_ips = forwarded_allow_ips_for(_trusted_proxy_count())
