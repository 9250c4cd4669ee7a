"""Uploads answer 202 with a job: run the queue in the test's own thread and read the end."""

from __future__ import annotations

from sqlalchemy import text

from geocoop.jobs import run_pending


def run_jobs(app) -> int:
    """Run every queued job of `app`'s database now; how many ran."""
    return run_pending(app.extensions["geocoop.engine"])


def settle(client, response, token: str | None = None) -> dict:
    """Run the job an upload answer points to; return its document.

    The job a `202 Accepted` upload answer points to, run to its end: its document
    (`status` done with `report`, or failed with `error`).
    """
    assert response.status_code == 202, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    if response.is_json:
        assert location.rstrip("/").rsplit("/", 1)[-1] == str(response.get_json()["id"])
    run_jobs(client.application)
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    final = client.get(location, headers=headers)
    assert final.status_code == 200, final.get_data(as_text=True)[:500]
    job = final.get_json()
    assert job["status"] in ("done", "failed"), job
    return job


def report_of(client, response, token: str | None = None) -> dict:
    """The import report of a successful upload job."""
    job = settle(client, response, token)
    assert job["status"] == "done", job["error"]
    return job["report"]


def stored_figures(conn) -> list[tuple]:
    """The stored commune × kind figures, ordered: what a refresh path must leave the same."""
    return [
        tuple(r)
        for r in conn.execute(
            text(
                "SELECT commune_code, kind_code, covered_distance, covered_perimeter, "
                "round(nearest_edge_m::numeric, 3), zone_id IS NOT NULL "
                "FROM analysis_commune_kind ORDER BY 1, 2"
            )
        )
    ]
