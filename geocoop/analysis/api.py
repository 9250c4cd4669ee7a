"""Public analysis API: what the CLI, the HTTP layer and the map call.

The functions are defined in their own modules (coverage, communes, zones, synergy,
support, selection, data_status, refresh) with their full docstrings; this module only
re-exports them, so callers have one name to import.

Every function takes a SQLAlchemy Connection, never commits, and returns plain dicts/lists
ready for `json.dumps` (numbers are int/float, geometries GeoJSON dicts, no Decimal).
Bad parameters raise `geocoop.errors.BadRequest`, unknown codes `geocoop.errors.NotFound`,
both with a French message.

Shared parameters
- `level`: "commune" | "epci" | "departement" | "region" | "france".
- `parent_code` (+ optional `parent_level`): restrict to territories inside that parent.
  When `parent_level` is omitted it is inferred: a 9-digit code is an EPCI; otherwise the
  parent is a département for levels commune/epci and a région for level departement.
- `kinds`: list of kind codes (table `kind`); None = every cooperation kind, not the
  context layers (support structures `is_support`, public services listed in
  reference_counts.yaml). With several kinds a commune is covered when any of them
  reaches it. Kinds without data are never counted (see `data_status`).
- `rule`: "distance" (a cooperation point within the kind's service distance of the commune
  polygon), "perimeter" (the commune is in a cooperation's territory of action) or "any"
  (either). See docs/analysis.md for thresholds and reference points.
- `distance_m`: overrides every kind's `service_distance_m` for this query.
- `filters`: {"category": [...], "socio_economic_model": [...], "stage": [...]} restricting
  which cooperations count: only those whose value is known and matches (see
  `coverage_status` for how many are unknown). Stored figures are used wherever they hold;
  only the communes a filter or a distance override changes are computed live.
"""

from __future__ import annotations

from geocoop.analysis.communes import commune_coverage
from geocoop.analysis.coverage import coverage, coverage_summary, explain_commune
from geocoop.analysis.data_status import data_status, require_data
from geocoop.analysis.funders import funder_ranking
from geocoop.analysis.planner import developer_posts
from geocoop.analysis.refresh import refresh_all, refresh_for_cooperation
from geocoop.analysis.selection import coverage_status
from geocoop.analysis.support import support_needs, support_needs_by_territory
from geocoop.analysis.synergy import missing_complements, synergy_candidates, synergy_index
from geocoop.analysis.zones import epci_without, white_zones

Rule = str  # "distance" | "perimeter" | "any"

__all__ = [
    "Rule",
    "commune_coverage",
    "coverage",
    "coverage_status",
    "coverage_summary",
    "data_status",
    "developer_posts",
    "epci_without",
    "explain_commune",
    "funder_ranking",
    "missing_complements",
    "refresh_all",
    "refresh_for_cooperation",
    "require_data",
    "support_needs",
    "support_needs_by_territory",
    "synergy_candidates",
    "synergy_index",
    "white_zones",
]
