"""Load, short form: a few seconds of concurrent clients on loopback, zero errors.

The long form (64 clients, 60 s) is `benchmarks/run`; figures in docs/performance.md.
"""

from __future__ import annotations

from benchmarks.load import run_load


def _paths(app) -> list[str]:
    # Every read endpoint that exists now; the areas add theirs as they land.
    wanted = [
        "/healthz",
        "/api/features/collections/communes/items?limit=50",
        "/tiles/communes/6/31/22.mvt",
        "/api/analysis/white-zones?kind=tiers_lieu",
    ]
    routes = {r.rule.split("<")[0] for r in app.url_map.iter_rules()}
    return [p for p in wanted if any(p.startswith(r) and r != "/" for r in routes)]


def test_short_load_has_no_errors(live_server, demo_app):
    paths = _paths(demo_app)
    result = run_load(live_server, paths, clients=8, seconds=3)
    assert result.requests > 20
    assert result.errors == 0, result.statuses
    print(
        f"\n{len(paths)} endpoints, {result.requests} requests, "
        f"{result.throughput:.0f} req/s, p95 {result.percentile(95):.0f} ms"
    )
