"""Which Host a request may claim, and where absolute links point.

- `GEOCOOP_PROXY_COUNT` = n: Werkzeug's ProxyFix trusts the last n values of
  `X-Forwarded-For/-Proto/-Host/-Port/-Prefix` (set by the reverse proxy, never by clients).
- `GEOCOOP_PUBLIC_URL`: scheme, host and path prefix of every request are those of the
  public URL, whatever Host the client sent, so links, the OpenAPI `servers` and TileJSON
  templates cannot be forged.
- `GEOCOOP_TRUSTED_HOSTS`: any other Host is answered 400 (Flask's TRUSTED_HOSTS).

The session cookie is `HttpOnly`, `SameSite=Lax`, and `Secure` whenever the request came
over https (directly or through a trusted proxy) or the public URL is https.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from geocoop.errors import ConfigurationError


class _PublicUrl:
    """WSGI middleware: the request's scheme, host and prefix from the public URL."""

    def __init__(self, app, public_url: str) -> None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(
                f"GEOCOOP_PUBLIC_URL={public_url!r} : adresse http(s)://hôte[/chemin] attendue."
            )
        self.app = app
        self.scheme = parts.scheme
        self.host = parts.netloc
        self.prefix = parts.path.rstrip("/")

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        if self.prefix:
            environ["SCRIPT_NAME"] = self.prefix
        return self.app(environ, start_response)


class _SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure on https requests."""

    def get_cookie_secure(self, app: Flask) -> bool:  # noqa: D102 (Flask hook)
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Wire proxies, the public URL, trusted hosts and the session cookie flags."""
    settings = app.config["GEOCOOP"]
    hosts = [h.strip() for h in settings.trusted_hosts.split(",") if h.strip()]
    if settings.public_url:
        app.wsgi_app = _PublicUrl(app.wsgi_app, settings.public_url)
        hosts.append(urlsplit(settings.public_url).hostname or "")
    if settings.proxy_count:
        n = settings.proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    app.config.update(
        TRUSTED_HOSTS=hosts or None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
    )
    app.session_interface = _SessionInterface()
