"""The OpenAPI documents validate, and a property-based run finds no 5xx nor schema break.

schemathesis generates requests from /api (every read endpoint: features, tiles, analysis)
and runs them against the app on the bundled real data (Bretagne + La Réunion).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Per operation: ~60 operations, about 250 requests in the suite (under a minute idle);
# benchmarks/bench_fuzz.py multiplies it by GEOCOOP_FUZZ_SCALE for the long form.
EXAMPLES = 4 * int(os.environ.get("GEOCOOP_FUZZ_SCALE", "1"))


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


def test_property_based(live_server):
    # Driven by hand rather than through schemathesis' pytest plugin (not compatible with
    # this pytest): every operation of /api, a few examples each, all checks, over real
    # HTTP (gzip included) against the app on the bundled data.
    schema = schemathesis.openapi.from_url(f"{live_server}/api")
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
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
    assert operations > 40
    assert not failures, "\n\n".join(failures)
