"""The wide coverage layers: one row per territory, one column per kind (thematic maps).

Checked on the bundled real data against the long layers (`coverage`,
`coverage-departements`) they pivot: yes/no per kind with data, NULL — never "no" — for a
kind without any data.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geocoop.features.registry import get_collection, kinds

ROOT = "/api/features/collections"


@pytest.fixture(scope="module")
def real(demo_app):
    return demo_app.test_client()


@pytest.fixture(scope="module")
def with_data(demo_engine) -> set[str]:
    with demo_engine.connect() as conn:
        return set(
            conn.execute(text("SELECT DISTINCT kind_code FROM analysis_commune_kind")).scalars()
        )


def all_items(client, cid: str) -> list[dict]:
    doc = client.get(f"{ROOT}/{cid}/items?limit=2000").get_json()
    assert "next" not in {link["rel"] for link in doc["links"]}
    return doc["features"]


def test_one_row_per_commune_one_column_per_kind(real, demo_engine, with_data):
    features = all_items(real, "coverage-wide")
    with demo_engine.connect() as conn:
        long = {
            (r.kind_code, r.commune_code): r.covered
            for r in conn.execute(
                text(
                    "SELECT kind_code, commune_code, covered_distance OR covered_perimeter "
                    "AS covered FROM analysis_commune_kind"
                )
            )
        }
        communes = conn.execute(
            text("SELECT count(*) FROM territory WHERE level = 'commune'")
        ).scalar_one()
    assert len(features) == communes
    assert with_data and set(dict(kinds())) - with_data  # both cases are present
    for feature in features:
        props = feature["properties"]
        assert feature["id"] == props["code"]
        for code, _label in kinds():
            value = props[f"covered_{code}"]
            if code in with_data:
                assert value is long[(code, props["code"])], (code, props["code"])
            else:  # no data: unknown, not "not covered"
                assert value is None, (code, props["code"])
        assert props["kinds_with_data"] == len(with_data)
        assert props["kinds_covered"] == sum(
            1 for code in with_data if long.get((code, props["code"]))
        )


def test_wide_layers_are_typed_and_explain_null(real):
    schema = real.get(f"{ROOT}/coverage-wide/schema").get_json()["properties"]["properties"]
    column = schema["properties"]["covered_pat"]
    assert column["type"] == "boolean" and "aucune donnée" in column["description"]
    rollup = real.get(f"{ROOT}/coverage-wide-departements/schema").get_json()
    share = rollup["properties"]["properties"]["properties"]["covered_pct_pat"]
    assert share["type"] == "number" and share["x-ogc-unit"] == "%"
    doc = real.get(f"{ROOT}/coverage-wide").get_json()
    assert doc["dataStatus"]["ptce"]["status"] == "none"  # says which columns are unknown


@pytest.mark.parametrize("level", ["departements", "epci", "regions"])
def test_rollups_equal_the_long_layer(real, with_data, level):
    wide = {f["id"]: f["properties"] for f in all_items(real, f"coverage-wide-{level}")}
    long = {
        (f["properties"]["kind_code"], f["properties"]["code"]): f["properties"]
        for f in all_items(real, f"coverage-{level}")
    }
    assert wide
    for code, props in wide.items():
        for kind, _label in kinds():
            share = props[f"covered_pct_{kind}"]
            if kind not in with_data:
                assert share is None, (kind, code)
                continue
            expected = long[(kind, code)]
            assert share == expected["population_covered_pct"], (kind, code)
            assert props["population"] == expected["population"]
    assert get_collection(f"coverage-wide-{level}").extent_level is not None
