"""The admin page: login, CSRF, upload queued as a job, its report.

The admin page: token login kept as a digest, CSRF on every form, upload queued as a job,
the job's page and its report.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import text

from geocoop.auth import revoke_token
from tests.conftest import TOKEN_NAME
from tests.support.jobs import run_jobs, settle

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
    assert response.status_code == 202, html[:500]
    assert 'id="job-status"' in html and "en attente" in html  # queued, the page says so
    assert 'http-equiv="refresh"' in html  # without JavaScript the page follows the job
    job_url = response.headers["Location"]
    assert 'id="jobs"' in html and job_url in html  # listed in the queue
    run_jobs(app)
    html = client.get(job_url).get_data(as_text=True)
    assert 'id="report-counts"' in html and "terminé" in html
    assert 'http-equiv="refresh"' not in html
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
    assert response.status_code == 202, response.get_data(as_text=True)[:300]
    assert response.get_json()["url"] == response.headers["Location"]
    job = settle(client, response)
    body = job["report"] or job["error"]
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
    assert response.status_code == 202, response.get_data(as_text=True)[:500]
    run_jobs(app)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    table = html[html.index('id="columns"') :]
    assert "nom_du_projet" in table and "→ name" in table
    assert "code_insee" in table and "→ perimeter (liste de codes)" in table
    with app.extensions["geocoop.engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 0


def test_a_job_page_needs_the_login(client, app, token):
    login(client, token)
    response = upload(client, csrf_of(client), DATA / "good" / "mixte.csv", source="admin")
    job_url = response.headers["Location"]
    client.post("/admin/logout", data={"csrf": csrf_of(client)})
    assert client.get(job_url).status_code == 302
    assert client.get(job_url, headers={"Accept": "application/json"}).status_code == 401


def test_the_job_list_speaks_english_too(client, app, token):
    login(client, token)
    upload(client, csrf_of(client), DATA / "good" / "mixte.csv", source="admin")
    html = client.get("/admin/?lang=en").get_data(as_text=True)
    assert "Upload queue" in html and "queued" in html
    run_jobs(app)
    assert ">done<" in client.get("/admin/?lang=en").get_data(as_text=True).replace("\n", "")
