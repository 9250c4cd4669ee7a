"""The stored analysis figures in a canonical form, to compare two refreshes.

The stored analysis figures in a canonical form, to compare two refreshes row for row
(incremental against full: tests/test_analysis_incremental.py, benchmarks/bench_analysis.py).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

SNAPSHOT_SQL = """
SELECT kind_code, commune_code, nearest_cooperation_id, round(nearest_edge_m) AS edge,
       covered_distance, covered_perimeter, perimeter_cooperation_id,
       CASE WHEN zone_id IS NOT NULL
            THEN min(commune_code) OVER (PARTITION BY kind_code, zone_id) END AS zone
FROM analysis_commune_kind
ORDER BY kind_code, commune_code
"""


def stored_snapshot(conn: Connection) -> list[tuple]:
    """The stored per-commune figures, zones named canonically.

    The stored per-commune figures, zones named canonically (smallest member code), so
    an incremental and a full refresh can be compared row for row.
    """
    return [tuple(r) for r in conn.execute(text(SNAPSHOT_SQL))]
