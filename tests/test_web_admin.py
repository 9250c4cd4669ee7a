"""The admin page: token login kept as a digest, CSRF on every form, upload and report."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import text

from geocoop.auth import revoke_token
from tests.conftest import TOKEN_NAME

DATA = Path(__file__).parent / "data" / "cooperations"


def csrf_of(client, url="/admin/") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client, token: str):
    return client.post("/admin/login", data={"csrf": csrf_of(client), "token": token})


def upload(client, csrf: str, path: Path, **form):
    data = {"csrf": csrf, "file": (io.BytesIO(path.read_bytes()), path.name), **form}
    return client.post("/admin/upload", data=data, content_type="multipart/form-data")


def test_login_needs_a_valid_token_and_the_session_keeps_no_token(client, token):
    page = client.get("/admin/")
    assert page.status_code == 200 and 'id="login-form"' in page.get_data(as_text=True)
    assert "upload-form" not in page.get_data(as_text=True)
    assert login(client, "gc_wrong").status_code == 401
    response = login(client, token)
    assert response.status_code == 302
    cookie = client.get_cookie("session").value
    assert token not in cookie
    assert 'id="upload-form"' in client.get("/admin/").get_data(as_text=True)


def test_forms_refuse_a_missing_or_foreign_csrf_token(client, token):
    assert client.post("/admin/login", data={"token": token}).status_code == 403
    assert client.post("/admin/login", data={"token": token, "csrf": "x"}).status_code == 403
    login(client, token)
    response = upload(client, "not-the-session-token", DATA / "good" / "mixte.csv", kind="ptce")
    assert response.status_code == 403


def test_upload_imports_and_shows_the_report(client, app, token):
    login(client, token)
    csrf = csrf_of(client)
    response = upload(client, csrf, DATA / "good" / "mixte.csv", source="admin")
    html = response.get_data(as_text=True)
    assert response.status_code == 201, html[:500]
    assert 'id="report-counts"' in html
    with app.extensions["geocoop.engine"].connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one()
        run = conn.execute(text("SELECT actor, accepted FROM ingest_run")).one()
    assert stored > 0 and run.accepted == stored and run.actor == TOKEN_NAME
    # the run is listed, and its page shows the rejects
    page = client.get("/admin/").get_data(as_text=True)
    assert "mixte.csv" in page
    run_id = re.search(r'href="/admin/runs/(\d+)"', page).group(1)
    assert client.get(f"/admin/runs/{run_id}").status_code == 200


def test_upload_answers_json_to_the_page_script(client, token):
    login(client, token)
    csrf = csrf_of(client)
    data = {"csrf": csrf, "file": (io.BytesIO(b"nom;type\n;ptce\n"), "vide.csv")}
    response = client.post(
        "/admin/upload",
        data=data,
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    body = response.get_json()
    assert response.status_code in (201, 400), body
    assert "rejects" in body or "detail" in body


def test_a_revoked_token_logs_the_session_out(client, app, token):
    login(client, token)
    with app.extensions["geocoop.engine"].begin() as conn:
        revoke_token(conn, TOKEN_NAME)
    assert 'id="login-form"' in client.get("/admin/").get_data(as_text=True)
    response = upload(client, csrf_of(client), DATA / "good" / "mixte.csv", kind="ptce")
    assert response.status_code == 401


def test_admin_page_has_a_strict_csp_and_no_inline_script(client, token):
    page = client.get("/admin/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "<script>" not in page.get_data(as_text=True)


def test_a_dry_run_shows_how_each_column_is_read_before_anything_is_stored(client, app, token):
    login(client, token)
    path = DATA / "perimeters" / "pat_liste.csv"
    response = upload(client, csrf_of(client), path, kind="pat", dry_run="on")
    html = response.get_data(as_text=True)
    assert response.status_code == 201, html[:500]
    table = html[html.index('id="columns"') :]
    assert "nom_du_projet" in table and "→ name" in table
    assert "code_insee" in table and "→ perimeter (liste de codes)" in table
    with app.extensions["geocoop.engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 0
