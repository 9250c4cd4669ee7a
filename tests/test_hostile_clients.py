"""Hostile clients get a 4xx with a clear problem, never a 500.

Hostile clients: numbers that overflow, non-ASCII CSRF values, oversized bodies, control
characters in form fields, and gunicorn's own limit answers — a 4xx with a clear problem,
never a 500 (docs/hostile.md, "Hostile clients").
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from geocoop.auth import create_token
from geocoop.config import PROJECT_ROOT
from geocoop.errors import BadRequest, GeocoopError
from tests.support.jobs import report_of
from tests.test_ogcapi_grid import load_grid

DATA = Path(__file__).parent / "data" / "cooperations"
ITEMS = "/api/features/collections/communes/items"


@pytest.mark.parametrize(
    "cql",
    [
        "S_INTERSECTS(geometry, POINT(1e400 48))",
        "S_INTERSECTS(geometry, POINT(-1e400 48))",
        "S_INTERSECTS(geometry, POLYGON((0 0, 1e400 0, 1 1, 0 0)))",
        "S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 1), POINT(1e400 1)))",
        "S_INTERSECTS(geometry, BBOX(-1e400, 47, 1, 49))",
        "area_km2 > 1e400",
        "area_km2 BETWEEN -1e400 AND 1e400",
        "population > 1e400",
    ],
)
def test_cql2_numeric_overflow_is_a_400(app, client, cql):
    load_grid(app)
    response = client.get(ITEMS, query_string={"filter": cql})
    body = response.get_json()
    assert response.status_code == 400, body
    assert response.mimetype == "application/problem+json"
    assert body["title"] == "Requête invalide"


def test_cql2_overflow_message_says_why(app, client):
    load_grid(app)
    cql = "S_INTERSECTS(geometry, POINT(1e400 48))"
    body = client.get(ITEMS, query_string={"filter": cql}).get_json()
    assert "hors limites" in body["detail"]


@pytest.mark.parametrize("lon", ["1e400", "-1e400", "nan", "inf"])
def test_map_click_with_an_infinite_coordinate_is_a_400(client, lon):
    response = client.get("/api/maps/at", query_string={"lon": lon, "lat": "48"})
    assert response.status_code == 400, response.get_data(as_text=True)


def test_analysis_number_parameters_refuse_infinity():
    from geocoop.features.analysis_params import P_DISTANCE, read_params

    for raw in ("1e400", "inf", "-inf", "nan"):
        with pytest.raises(BadRequest):
            read_params((P_DISTANCE,), {"distance_m": [raw]})


# -- admin forms ---------------------------------------------------------------------------
@pytest.fixture
def token(app):
    engine = app.extensions["geocoop.engine"]
    with engine.begin() as conn:
        conn.execute(text((DATA / "communes.sql").read_text(encoding="utf-8")))
        return create_token(conn, "hostile-clients")


def _csrf(client) -> str:
    html = client.get("/admin/").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("value", ["é", "☃" * 43, "\u00ff" + "a" * 42])
@pytest.mark.parametrize("form", ["login", "logout", "upload"])
def test_non_ascii_csrf_is_a_403(client, token, form, value):
    if form != "login":
        client.post("/admin/login", data={"csrf": _csrf(client), "token": token})
    data = {"csrf": value, "token": token}
    if form == "upload":
        data["file"] = (io.BytesIO((DATA / "good" / "mixte.csv").read_bytes()), "mixte.csv")
    response = client.post(f"/admin/{form}", data=data, content_type="multipart/form-data")
    assert response.status_code == 403, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("form", ["login", "logout", "upload"])
def test_csrf_of_invalid_utf8_bytes_is_a_403(client, token, form):
    client.post("/admin/login", data={"csrf": _csrf(client), "token": token})
    response = client.post(
        f"/admin/{form}",
        data=b"csrf=%FF%FE%ED%A0%80&token=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 403


def test_upload_file_name_and_source_with_control_characters(client, app, token):
    body = (DATA / "good" / "mixte.csv").read_bytes()
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/ingest/cooperations",
        data={"file": (io.BytesIO(body), "li\x01s\x1bte\x7f.csv"), "source": "a\x00b"},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "nom de source invalide" in response.get_json()["detail"]
    response = client.post(
        "/api/ingest/cooperations",
        data={"file": (io.BytesIO(body), "li\x01s\x1bte.csv"), "source": "propre"},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.get_json()["file"] == "liste.csv"  # cleaned before it is stored
    assert report_of(client, response, token)["file"] == "liste.csv"


# -- sizes and titles ----------------------------------------------------------------------
def test_problem_titles_follow_the_status():
    assert GeocoopError("x", status=413).title == "Contenu trop volumineux"
    assert GeocoopError("x", status=414).title == "Adresse (URI) trop longue"
    assert GeocoopError("x", status=431).title == "En-têtes trop volumineux"
    assert GeocoopError("x").title == "Erreur interne"
    assert BadRequest("x", status=404).title == "Requête invalide"  # a typed error keeps its own


@pytest.fixture
def small_app(pg_cluster, db_engine):
    """The app with a 1 MiB upload limit."""
    from geocoop.web import create_app
    from tests.conftest import truncate_data

    application = create_app(
        {
            "database_url": pg_cluster.url("geocoop_test"),
            "secret_key": "test",
            "pool_size": 2,
            "max_upload_mb": 1,
        }
    )
    yield application
    application.extensions["geocoop.engine"].dispose()
    truncate_data(db_engine)


def _oversized(client, url: str, **headers):
    """POST a multipart body declaring 2 MiB (refused on its Content-Length, unread)."""
    body = io.BytesIO(b"--x\r\n")
    return client.post(
        url,
        input_stream=body,
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(2 * 1024 * 1024)},
        headers=headers,
    )


def test_oversized_upload_is_a_413_with_its_title(small_app):
    engine = small_app.extensions["geocoop.engine"]
    with engine.begin() as conn:
        token = create_token(conn, "small")
    client = small_app.test_client()
    response = _oversized(client, "/api/ingest/cooperations", Authorization=f"Bearer {token}")
    assert response.status_code == 413, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Fichier trop volumineux"
    # the admin page answers with the page, not a bare JSON error
    response = _oversized(client, "/admin/upload")
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "Fichier trop volumineux" in response.get_data(as_text=True)


# -- gunicorn's own answers ----------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(pg_cluster, db_engine):
    """The production server (gunicorn.conf.py, one worker) on a free loopback port."""
    port = _free_port()
    env = {
        **os.environ,
        "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test"),
        "GEOCOOP_PORT": str(port),
        "GEOCOOP_WORKERS": "1",
        "GEOCOOP_SECRET_KEY": "test",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(PROJECT_ROOT / "gunicorn.conf.py"),
            "geocoop.web.wsgi:app",
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("gunicorn did not come up")
            time.sleep(0.3)
    yield port
    process.terminate()
    process.wait(timeout=30)


def _raw(port: int, request: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def test_gunicorn_limit_answers_are_problem_json(gunicorn):
    cases = {
        414: b"GET /healthz?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        431: b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-H%d: v\r\n" % n for n in range(120))
        + b"\r\n",
        400: b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
    }
    for status, request in cases.items():
        code, headers, body = _raw(gunicorn, request)
        assert code == status, body[:200]
        assert headers["Content-Type"] == "application/problem+json"
        problem = json.loads(body)
        assert problem["status"] == status and problem["title"] and problem["detail"]
    code, _headers, body = _raw(gunicorn, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert code == 200


# -- hosts, proxies, session cookie --------------------------------------------------------
@pytest.fixture
def make_app(pg_cluster, db_engine):
    """Build apps on the test database with extra settings."""
    from geocoop.web import create_app

    apps = []

    def build(**settings):
        application = create_app(
            {
                "database_url": pg_cluster.url("geocoop_test"),
                "secret_key": "test",
                "pool_size": 1,
                **settings,
            }
        )
        apps.append(application)
        return application.test_client()

    yield build
    for application in apps:
        application.extensions["geocoop.engine"].dispose()


def _links(client, **headers) -> list[str]:
    body = client.get("/api/features/", headers=headers).get_json()
    return [link["href"] for link in body["links"]]


def test_forged_host_is_a_400_with_trusted_hosts(make_app):
    client = make_app(trusted_hosts="geocoop.example.org, localhost")
    response = client.get("/api/features/", headers={"Host": "evil.example"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    response = client.get("/api/features/", headers={"Host": "geocoop.example.org:8443"})
    assert response.status_code == 200


def test_public_url_builds_every_link(make_app):
    client = make_app(public_url="https://geocoop.example.org/carte")
    links = _links(client, Host="evil.example")
    assert links and all(h.startswith("https://geocoop.example.org/carte/") for h in links)
    spec = client.get("/api", headers={"Host": "evil.example"}).get_json()
    assert "evil" not in json.dumps(spec.get("servers"))
    assert client.get("/api/features/", headers={"Host": "evil.example"}).status_code == 200


def test_forwarded_headers_only_from_a_configured_proxy(make_app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "carte.example.org"}
    direct = make_app()
    assert all(h.startswith("http://localhost/") for h in _links(direct, **forwarded))
    proxied = make_app(proxy_count=1)
    assert all(h.startswith("https://carte.example.org/") for h in _links(proxied, **forwarded))


def test_session_cookie_flags(make_app):
    client = make_app()
    client.get("/admin/")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    proxied = make_app(proxy_count=1)
    response = proxied.get("/admin/", headers={"X-Forwarded-Proto": "https"})
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_failed_token_attempts_are_throttled_per_client(client, token, caplog):
    """Issue 15: failed token attempts are throttled per client.

    Issue 15: after 10 refused tokens within a minute, 429 with Retry-After — even for
    the right token — and the refusals are logged without the token.
    """
    import logging

    caplog.set_level(logging.WARNING, logger="geocoop.auth")
    url = "/api/ingest/jobs"
    for _ in range(10):
        wrong = client.get(url, headers={"Authorization": "Bearer gc_wrong-secret-value"})
        assert wrong.status_code == 401
    blocked = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert blocked.get_json()["title"] == "Trop de requêtes"
    assert "gc_wrong-secret-value" not in caplog.text and "jeton refusé" in caplog.text
    # another address is not affected
    other = client.get(
        url, headers={"Authorization": f"Bearer {token}"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 200
    # the admin login says so on its page
    page = client.get("/admin/").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    login = client.post("/admin/login", data={"csrf": csrf, "token": token})
    assert login.status_code == 429 and login.headers["Retry-After"]
