"""The authenticated upload API: token, size limit, type checks, jobs.

The authenticated upload API: token, size limit, type checks; 202 and a job whose end
carries the JSON report (commit) or the error.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import text

from geocoop.auth import create_token
from tests.support.jobs import report_of, settle

DATA = Path(__file__).parent / "data" / "cooperations"


def post(
    client,
    url,
    path: Path | None = None,
    token: str | None = None,
    content=None,
    filename=None,
    **form,
):
    data = dict(form)
    if path is not None or content is not None:
        body = content if content is not None else path.read_bytes()
        data["file"] = (io.BytesIO(body), filename or path.name)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(url, data=data, headers=headers, content_type="multipart/form-data")


def count(app, sql="SELECT count(*) FROM cooperation"):
    with app.extensions["geocoop.engine"].connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_upload_requires_a_token(client, token):
    response = post(client, "/api/ingest/cooperations", DATA / "good" / "mixte.csv")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    response = post(
        client, "/api/ingest/cooperations", DATA / "good" / "mixte.csv", token="gc_wrong"
    )
    assert response.status_code == 401


def test_upload_imports_commits_and_reports(client, app, token):
    response = post(
        client, "/api/ingest/cooperations", DATA / "good" / "mixte.csv", token, source="api"
    )
    assert response.status_code == 202, response.get_json()
    queued = response.get_json()
    assert queued["status"] == "queued" and queued["url"] == response.headers["Location"]
    assert count(app) == 0  # nothing imported until the writer runs the job
    body = report_of(client, response, token)
    assert body["accepted"] == 7 and body["rejected"] == 0
    assert body["counts"]["inserted"] == 7
    assert count(app) == 7  # committed: visible from another connection
    runs = count(app, "SELECT count(*) FROM ingest_run WHERE actor = 'tests' AND status = 'done'")
    assert runs == 1
    again = report_of(
        client,
        post(client, "/api/ingest/cooperations", DATA / "good" / "mixte.csv", token, source="api"),
        token,
    )
    assert again["counts"]["unchanged"] == 7 and again["counts"]["inserted"] == 0


def test_dry_run_writes_nothing(client, app, token):
    response = post(
        client,
        "/api/ingest/cooperations",
        DATA / "good" / "mixte.csv",
        token,
        source="api",
        dry_run="true",
    )
    job = settle(client, response, token)
    assert job["status"] == "done" and job["dry_run"] is True
    assert job["report"]["counts"]["inserted"] == 7
    assert count(app) == 0
    assert count(app, "SELECT count(*) FROM ingest_run") == 0


def test_rejects_come_back_as_json(client, token):
    response = post(
        client, "/api/ingest/cooperations", DATA / "bad" / "formules.csv", token, kind="tiers_lieu"
    )
    body = report_of(client, response, token)
    assert body["rejected"] == 3
    assert body["rejects"][0]["line"] == 2
    assert body["rejects"][0]["values"]["nom"].startswith("=HYPERLINK")


def test_an_unsupported_extension_is_400_at_once(client, app, token):
    response = post(
        client,
        "/api/ingest/cooperations",
        token=token,
        content=b"MZ\x90\x00",
        filename="carte.exe",
        kind="tiers_lieu",
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "non prise en charge" in response.get_json()["detail"]
    assert count(app, "SELECT count(*) FROM job") == 0


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("binaire.csv", (DATA / "bad" / "binaire.csv").read_bytes(), "binaire"),
        ("faux.xlsx", b"nom\nx\n", "signature"),
        ("vide.csv", b"", "vide"),
        ("faux.gpkg", b"nom\nx\n", "signature"),
        ("faux.geojson", b"\x89PNG\r\n\x1a\n\x00\x00", "binaire"),
    ],
)
def test_bad_contents_fail_their_job_with_a_400_problem(
    client, app, token, name, content, fragment
):
    response = post(
        client,
        "/api/ingest/cooperations",
        token=token,
        content=content,
        filename=name,
        kind="tiers_lieu",
    )
    job = settle(client, response, token)
    assert job["status"] == "failed" and job["report"] is None
    assert job["error"]["status"] == 400 and job["error"]["title"] != "Erreur interne"
    assert fragment in job["error"]["detail"]
    assert count(app) == 0


def test_missing_file_and_unknown_kind_are_400(client, token):
    assert post(client, "/api/ingest/cooperations", token=token).status_code == 400
    response = post(
        client, "/api/ingest/cooperations", DATA / "good" / "mixte.csv", token, kind="golf"
    )
    job = settle(client, response, token)
    assert job["status"] == "failed" and job["error"]["status"] == 400
    assert "golf" in job["error"]["detail"]


def test_50_mb_upload_is_413(client, app, token):
    # Built by hand: the test client would spool a 50 MB form to an unclosed temp file.
    boundary = "geocoopboundary"
    big = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="gros.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    big += b"nom,commune\n" + b"x" * (50 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(
        "/api/ingest/cooperations",
        data=big,
        headers={"Authorization": f"Bearer {token}"},
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert count(app) == 0


def test_partnerships_upload(client, app, token):
    post(client, "/api/ingest/cooperations", DATA / "good" / "mixte.csv", token, source="api")
    response = post(
        client, "/api/ingest/partnerships", DATA / "good" / "partenariats.csv", token, source="api"
    )
    body = report_of(client, response, token)  # both jobs run, in the order they came
    assert body["accepted"] == 2 and body["rejected"] == 2
    assert count(app, "SELECT count(*) FROM partnership") == 2


def test_real_upload_refreshes_the_stored_analysis(client, app):
    """An API upload updates the stored coverage at once, like the admin page does."""
    import io

    from sqlalchemy import text

    from geocoop.web.database import engine

    with app.app_context(), engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO territory (level, code, name, name_search, population, geom, "
                "label_point) VALUES ('commune', '35238', 'Rennes', 'rennes', 1000, "
                "ST_Multi(ST_MakeEnvelope(-1.8, 48.0, -1.6, 48.2, 4326)), "
                "ST_SetSRID(ST_MakePoint(-1.7, 48.1), 4326))"
            )
        )
        token = create_token(conn, "refresh-test")
    data = {
        "file": (io.BytesIO(b"id;nom;latitude;longitude\n1;TL;48,1;-1,7\n"), "tl.csv"),
        "kind": "tiers_lieu",
    }
    response = client.post(
        "/api/ingest/cooperations", data=data, headers={"Authorization": f"Bearer {token}"}
    )
    assert report_of(client, response, token)["refreshed"] is not None
    stored = client.get(
        "/api/features/collections/coverage/items?kind_code=tiers_lieu&f=json"
    ).get_json()
    covered = {f["id"]: f["properties"]["covered"] for f in stored["features"]}
    assert covered.get("tiers_lieu-35238") is True, covered
