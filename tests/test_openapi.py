"""The OpenAPI documents validate, and a property-based run finds no 5xx nor schema break.

schemathesis generates requests from /api (every read endpoint: features, tiles, analysis)
and runs them against the app on the bundled real data (Bretagne + La Réunion).
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import text

# Per operation: 218 operations (37 collections × 4 of them), about 650 requests in the suite;
# benchmarks/bench_fuzz.py multiplies it by GEOCOOP_FUZZ_SCALE for the long form.
SCALE = int(os.environ.get("GEOCOOP_FUZZ_SCALE", "1"))
EXAMPLES = 4 * SCALE
# The per-kind collections (`coverage-<kind>`, `white-zones-<kind>`: 20 of them, 80
# operations) are one provider with the same schema but for the kind: every one is still
# called and checked, the two kinds below with every example and the others with one (the
# long form gives each of them EXAMPLES).
FULL_KINDS = ("tiers_lieu", "pat")
SAME_SHAPE_EXAMPLES = EXAMPLES if SCALE > 1 else 1
PER_KIND = re.compile(r"/collections/(?:coverage|white-zones)-([a-z_]+)/")


@pytest.fixture(scope="module")
def demo_client(demo_app):
    return demo_app.test_client()


def test_documents_validate(demo_client):
    for path in ("/api", "/api/features/api"):
        response = demo_client.get(path)
        assert response.status_code == 200
        validate(response.get_json())


def test_full_document_lists_every_area(demo_client):
    paths = demo_client.get("/api").get_json()["paths"]
    assert "/api/features/collections/communes/items" in paths
    assert "/tiles/{collectionId}/{z}/{x}/{y}.mvt" in paths
    assert "/api/analysis/coverage" in paths
    features = demo_client.get("/api/features/api").get_json()
    assert features["servers"][0]["url"].endswith("/api/features")
    assert "/collections/cooperations/items" in features["paths"]


def test_viewer_uses_local_assets(demo_client):
    page = demo_client.get("/api?f=html").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "http" not in page.split("data-spec-url=")[0]
    js = demo_client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert js.status_code == 200
    js.close()


def _examples(path: str, kinds: set[str]) -> int:
    """EXAMPLES, or SAME_SHAPE_EXAMPLES for a per-kind collection of another kind."""
    match = PER_KIND.search(path)
    if match and match[1] in kinds and match[1] not in FULL_KINDS:
        return SAME_SHAPE_EXAMPLES
    return EXAMPLES


def test_property_based(live_server, demo_engine):
    # Driven by hand rather than through schemathesis' pytest plugin (not compatible with
    # this pytest): every operation of /api, a few examples each, all checks, over real
    # HTTP (gzip included) against the app on the bundled data.
    with demo_engine.connect() as conn:
        kinds = set(conn.execute(text("SELECT code FROM kind")).scalars())
    assert set(FULL_KINDS) <= kinds
    schema = schemathesis.openapi.from_url(f"{live_server}/api")
    failures = []
    operations = 0
    lighter = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        examples = _examples(operation.path, kinds)
        lighter += examples < EXAMPLES

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            # A schema cannot say which strings are valid CQL2 or which x/y exist at a zoom,
            # so a 400 for a schema-valid request is expected: that one check is left out.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            run()
        except BaseException as exc:  # keep going: report every failing operation at once
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert operations > 200
    assert lighter == (0 if SCALE > 1 else 4 * 2 * (len(kinds) - len(FULL_KINDS)))
    assert not failures, "\n\n".join(failures)
