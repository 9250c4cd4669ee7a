#!/usr/bin/env python3
"""Time the map's choropleth (`/api/maps/coverage`) for a list of URLs; print JSON.

Run by path (`python benchmarks/choropleth_timing.py DB_URL REPEAT URL…`) so that the
`geocoop` package comes from PYTHONPATH: bench_filters times another checkout's code (the
« before ») on the same database with it. Each request is cold: the map's in-process JSON
cache is emptied before it. Prints {url: {"seconds": [...], "status", "digest"}}, the
digest being a hash of the rows drawn (the same figures give the same digest).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time


def main() -> int:
    from geocoop.features.cache import VersionedCache
    from geocoop.web import create_app

    url, repeat, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    app = create_app(
        {"database_url": url, "statement_timeout_ms": 60000, "pool_size": 2, "jobs_worker": False}
    )
    client = app.test_client()
    out = {}
    client.get("/healthz").get_data()  # the pool's first connection is not a filter's cost
    for _ in range(repeat):
        for path in paths:
            app.extensions["geocoop.maps.cache"] = VersionedCache(max_entries=512)
            started = time.perf_counter()
            response = client.get(path)
            body = response.get_data()
            seconds = time.perf_counter() - started
            entry = out.setdefault(path, {"seconds": [], "status": response.status_code})
            entry["seconds"].append(seconds)
            rows = json.loads(body).get("rows") if response.status_code == 200 else None
            entry["digest"] = hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
