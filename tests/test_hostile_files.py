"""The hostile corpus (benchmarks/hostile.py) through the core, the API, the admin page and the CLI.

Every case gets its documented answer (docs/hostile.md): refused with a 400/413 and a message
naming the problem — never a 500, a traceback or a server path — or imported with its rows
counted; the database is unchanged after every refused file; each answer comes fast.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from benchmarks.hostile import CASES, Case
from geocoop.auth import create_token
from geocoop.config import PROJECT_ROOT
from geocoop.errors import IngestError
from geocoop.ingest.cooperations import import_cooperations
from tests.support.jobs import run_jobs, settle

DATA = Path(__file__).parent / "data" / "cooperations"
REFUSED = sorted(name for name, case in CASES.items() if case.status != 201)
MAPPING_CASES = {name for name in CASES if name.startswith("mapping_")}


def _state(conn) -> tuple:
    return conn.execute(
        text("SELECT (SELECT count(*) FROM cooperation), (SELECT count(*) FROM ingest_run)")
    ).one()


def _no_internals(message: str, folder: Path) -> None:
    assert "Traceback" not in message and str(folder) not in message, message
    assert "/vsizip/" not in message and "/tmp/" not in message, message


def test_corpus_is_large_and_documented():
    assert len(CASES) >= 40
    docs = (PROJECT_ROOT / "docs" / "hostile.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `([^`]+)` \| (\d{3}) ", docs, flags=re.MULTILINE))
    assert documented == {name: str(case.status) for name, case in CASES.items()}


@pytest.fixture
def communes(conn):
    conn.execute(text((DATA / "communes.sql").read_text(encoding="utf-8")))
    return conn


@pytest.mark.parametrize("name", sorted(CASES))
def test_core_answer(communes, tmp_path, name):
    case: Case = CASES[name]
    path, mapping = case.build(tmp_path, 1)
    before = _state(communes)
    started = time.perf_counter()
    if case.status != 201:
        with pytest.raises(IngestError) as info:
            import_cooperations(communes, path, kind="tiers_lieu", mapping=mapping)
        elapsed = time.perf_counter() - started
        error = info.value
        assert (error.status, case.fragment in error.message) == (case.status, True), error
        _no_internals(error.message, tmp_path)
        assert _state(communes) == before  # the database is unchanged
    else:
        report = import_cooperations(communes, path, kind="tiers_lieu", mapping=mapping)
        elapsed = time.perf_counter() - started
        assert (report.accepted, len(report.rejects)) == (case.accepted, case.rejected)
        said = " ".join([*report.warnings, *(r.reason for r in report.rejects)])
        assert case.fragment in said, said
    assert elapsed < 10, f"{name}: {elapsed:.1f} s"


@pytest.fixture
def token(app):
    engine = app.extensions["geocoop.engine"]
    with engine.begin() as conn:
        conn.execute(text((DATA / "communes.sql").read_text(encoding="utf-8")))
        return create_token(conn, "hostile")


def _count(app) -> int:
    with app.extensions["geocoop.engine"].connect() as conn:
        return conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one()


@pytest.mark.parametrize("name", sorted(CASES))
def test_api_answer(client, app, token, tmp_path, name):
    case = CASES[name]
    path, mapping = case.build(tmp_path, 1)
    data = {"file": (io.BytesIO(path.read_bytes()), path.name), "kind": "tiers_lieu"}
    if mapping is not None:
        data["mapping"] = (io.BytesIO(mapping.read_bytes()), mapping.name)
    response = client.post(
        "/api/ingest/cooperations",
        data=data,
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    if response.status_code != 202:  # refused before queueing (extension)
        status, body = response.status_code, response.get_json()
        assert response.mimetype == "application/problem+json"
    else:  # queued: the job's end says what the synchronous answer used to say
        job = settle(client, response, token)
        status = 201 if job["status"] == "done" else job["error"]["status"]
        body = job["report"] or job["error"]
    assert status == case.status, body
    if case.status != 201:
        assert case.fragment in body["detail"] and body["title"] != "Erreur interne", body
        _no_internals(body["detail"], tmp_path)
        assert _count(app) == 0
    else:
        assert (body["accepted"], body["rejected"]) == (case.accepted, case.rejected)


def _csrf(client) -> str:
    html = client.get("/admin/").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("name", sorted(set(CASES) - MAPPING_CASES))
def test_admin_page_answer(client, app, token, tmp_path, name):
    case = CASES[name]
    path, _mapping = case.build(tmp_path, 1)
    client.post("/admin/login", data={"csrf": _csrf(client), "token": token})
    data = {
        "csrf": _csrf(client),
        "kind": "tiers_lieu",
        "file": (io.BytesIO(path.read_bytes()), path.name),
    }
    response = client.post("/admin/upload", data=data, content_type="multipart/form-data")
    assert response.mimetype == "text/html"
    if response.status_code == 202:  # queued: the job's page shows its end
        run_jobs(app)
        response = client.get(response.headers["Location"])
    html = response.get_data(as_text=True)
    assert response.status_code in (200, case.status), html[:300]
    assert response.mimetype == "text/html"
    if case.status != 201:
        from markupsafe import escape

        assert str(escape(case.fragment)) in html
        assert _count(app) == 0


# One case of each family through the real CLI (a subprocess each: kept to a few).
CLI_CASES = (
    "mapping_bombe_alias.yaml",
    "mapping_colonne_entier.yaml",
    "xlsx_bombe_zip.xlsx",
    "xlsx_entite.xlsx",
    "csv_nul_apres_8_ko.csv",
    "gpkg_deux_couches.gpkg",
)


@pytest.fixture
def cli_env(pg_cluster, db_engine):
    return {**os.environ, "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test")}


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_answer(cli_env, tmp_path, name):
    case = CASES[name]
    path, mapping = case.build(tmp_path, 1)
    args = [sys.executable, "-m", "geocoop", "ingest", "cooperations", str(path)]
    args += ["--kind", "tiers_lieu", "--no-analyze"]
    if mapping is not None:
        args += ["--mapping", str(mapping)]
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, env=cli_env, timeout=120)
    elapsed = time.perf_counter() - started
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Erreur :"), result.stderr
    assert case.fragment in lines[0]
    assert elapsed < 30, f"{name}: {elapsed:.1f} s"


def test_xlsx_reading_stops_at_its_time_budget(tmp_path):
    from benchmarks.hostile import data_row, header_row, write_xlsx
    from geocoop.errors import LimitExceeded
    from geocoop.ingest.tabular_xlsx import read_xlsx

    path = tmp_path / "lent.xlsx"
    rows = "".join(data_row(n) for n in range(2, 3000))
    write_xlsx(path, [f'<worksheet xmlns="{_MAIN}"><sheetData>{header_row()}{rows}'
                      "</sheetData></worksheet>"])  # fmt: skip
    assert len(read_xlsx(path).rows) == 2998
    with pytest.raises(LimitExceeded, match="lecture arrêtée"):
        read_xlsx(path, budget_s=0)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_import_transaction_has_an_idle_timeout(communes, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("id;nom;code_insee\n1;A;35238\n", encoding="utf-8")
    import_cooperations(communes, path, kind="tiers_lieu")
    shown = communes.execute(text("SHOW idle_in_transaction_session_timeout")).scalar_one()
    assert shown == "5min"


def test_unclosed_quote_is_reported_where_it_opens(communes, tmp_path):
    """Issue 15: the row where the quote opens is rejected with its line and field.

    The lines after it are read on their own: rows read = accepted + rejected = data lines.
    """
    path, _ = CASES["csv_guillemet_non_ferme.csv"].build(tmp_path, 1)
    report = import_cooperations(communes, path, kind="tiers_lieu")
    [reject] = report.rejects
    assert (reject.file, reject.line, reject.field) == (path.name, 2, "nom")
    assert reject.values["nom"] == '"La Fabrique'
    assert report.counts["rows_read"] == 3 == report.accepted + len(report.rejects)


def test_unclosed_quote_through_the_cli(cli_env, db_engine, tmp_path):
    from tests.conftest import truncate_data

    with db_engine.begin() as conn:
        conn.execute(text((DATA / "communes.sql").read_text(encoding="utf-8")))
    path, _ = CASES["csv_guillemet_non_ferme.csv"].build(tmp_path, 1)
    rejects = tmp_path / "rejets.csv"
    args = [sys.executable, "-m", "geocoop", "ingest", "cooperations", str(path)]
    args += ["--kind", "tiers_lieu", "--no-analyze", "--dry-run", "--rejects", str(rejects)]
    try:
        result = subprocess.run(args, capture_output=True, text=True, env=cli_env, timeout=120)
    finally:
        truncate_data(db_engine)
    assert result.returncode == 0, result.stderr
    assert "3 ligne(s) lue(s), 2 acceptée(s), 1 rejetée(s)" in result.stdout, result.stdout
    written = rejects.read_text(encoding="utf-8-sig")
    assert "guillemet ouvert ligne 2, champ « nom », jamais fermé" in written


@pytest.mark.parametrize(
    ("body", "rows", "rejected"),
    [
        ('id;nom;lat\r\n1;"a""b;2\r\n2;x;3\r\n', [3], [(2, "nom")]),  # an escaped quote inside
        ('id;nom;lat\n1;"a;b";2\n2;"x";3\n', [2, 3], []),  # quotes closed: nothing to say
        ('id;nom;lat\n1;"a\nb";2\n2;x;3\n', [2, 4], []),  # a closed quote may span lines
        ('id,nom,lat\n1,"abc,2\n2,x,3\n3,y,4', [3, 4], [(2, "nom")]),
        ('id;nom;lat\n1;a;2\n2;x;"3', [2], [(3, "lat")]),  # in the last line, no newline
        ('id;nom;lat\n1;"a\nb";2\n2;"x;3\n3;y;4\n', [2, 5], [(4, "nom")]),  # after a good one
    ],
)
def test_unclosed_quote_lines(tmp_path, body, rows, rejected):
    from geocoop.ingest.tabular import read_csv

    path = tmp_path / "liste.csv"
    path.write_text(body, encoding="utf-8")
    table = read_csv(path)
    assert [line for line, _values in table.rows] == rows
    assert [(line, table.bad_fields[line]) for line, _v, _r in table.bad_rows] == rejected
