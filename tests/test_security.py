"""Security: every write route needs a token; headers allow only our own assets."""

from __future__ import annotations

import re

import pytest

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that write nothing to the database although they accept POST (e.g. CQL2 JSON
# search); each needs a reason.
READ_ONLY_POSTS: dict[str, str] = {}


def _write_routes(app):
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & WRITE_METHODS
        if methods and rule.rule not in READ_ONLY_POSTS and rule.endpoint != "static":
            yield rule, methods


def _concrete(path: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", path)


def test_every_write_route_requires_a_token(app, client):
    from geocoop.auth import create_token, revoke_token
    from geocoop.db import make_engine

    routes = list(_write_routes(app))
    engine = make_engine(str(app.extensions["geocoop.engine"].url.render_as_string(False)))
    with engine.begin() as conn:
        token = create_token(conn, "temp")
        revoke_token(conn, "temp")
    engine.dispose()
    for number, (rule, methods) in enumerate(routes):
        for method in methods:
            url = _concrete(rule.rule)
            # one client address per route: the failed-token throttle (429 after 10
            # refusals a minute) must not answer in the route's stead
            client_address = {"REMOTE_ADDR": f"10.1.{number}.{len(method)}"}
            response = client.open(url, method=method, environ_base=client_address)
            assert response.status_code in (401, 403), f"{method} {url} without token"
            response = client.open(
                url,
                method=method,
                headers={"Authorization": f"Bearer {token}"},
                environ_base=client_address,
            )
            assert response.status_code in (401, 403), f"{method} {url} with revoked token"


def test_security_headers(client):
    response = client.get("/healthz")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "http" not in csp  # no remote origin when no base map is configured
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/healthz?x='1' OR '1'='1'", "/nope';DROP TABLE territory;--"])
def test_hostile_paths_never_500(client, path):
    assert client.get(path).status_code < 500
