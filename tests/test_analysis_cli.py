"""`geocoop analyze` end to end on its own database: full refresh, then incremental."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from geocoop.cli import main
from geocoop.config import load_settings
from geocoop.db import make_engine, upgrade
from tests.support.analysis_grid import add_cooperation, insert_grid


@pytest.fixture
def cli_db(pg_cluster):
    name = "geocoop_analysis_cli"
    pg_cluster.create_database(name)
    url = pg_cluster.url(name)
    engine = make_engine(url, load_settings({"pool_size": 1}))
    upgrade(engine)
    with engine.begin() as conn:
        insert_grid(conn)
        add_cooperation(conn, "tiers_lieu", 3, 3)
        coop = add_cooperation(conn, "tiers_lieu", 27, 27)
    engine.dispose()
    yield url, coop
    pg_cluster.drop_database(name)


def test_analyze_full_then_incremental(cli_db):
    url, coop = cli_db
    runner = CliRunner()
    env = {"GEOCOOP_DATABASE_URL": url}
    result = runner.invoke(main, ["analyze", "--kind", "tiers_lieu", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["refresh"]["communes"] == 9
    (france,) = data["france"]
    assert france["population"] == 45000 and france["population_covered"] == 35000
    zones = data["kinds"]["tiers_lieu"]["zones_blanches"]
    assert [z["id"] for z in zones] == ["99007", "99003"]

    result = runner.invoke(main, ["analyze", "--cooperation", str(coop)], env=env)
    assert result.exit_code == 0, result.output
    assert "Analyse recalculée" in result.output

    result = runner.invoke(main, ["analyze", "--kind", "inconnu"], env=env)
    assert result.exit_code == 1
    assert "inconnu" in result.output
