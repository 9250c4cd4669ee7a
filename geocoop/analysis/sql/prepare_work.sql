-- Session-local scratch tables of one computation (dropped at commit).
-- analysis_communes: the communes in scope, with their geography cast once;
-- analysis_pts: the points of one kind (after filters), indexed for nearest-neighbour search;
-- analysis_perims: that kind's perimeters; analysis_work: per commune × kind results.
CREATE TEMP TABLE IF NOT EXISTS analysis_communes (
  code text PRIMARY KEY,
  epci_code text,
  geom geometry NOT NULL,
  geog geography NOT NULL,
  center geography NOT NULL
) ON COMMIT DROP;
-- the Voronoi cells of nearest_candidates.sql probe the communes' points, not the reverse
CREATE INDEX IF NOT EXISTS analysis_communes_center_gix
  ON analysis_communes USING gist ((center::geometry));
CREATE TEMP TABLE IF NOT EXISTS analysis_pts (
  id integer NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  geog geography NOT NULL
) ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS analysis_pts_gix ON analysis_pts USING gist (location);
CREATE TEMP TABLE IF NOT EXISTS analysis_perims (
  id integer NOT NULL,
  perimeter geometry,
  perimeter_codes text[],
  coded boolean NOT NULL DEFAULT false  -- its codes name communes: no geometry needed
) ON COMMIT DROP;
-- The communes a perimeter names through its territory keys, and through which level.
CREATE TEMP TABLE IF NOT EXISTS analysis_perim_communes (
  id integer NOT NULL,
  code text NOT NULL,
  via text NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS analysis_work (LIKE analysis_commune_kind) ON COMMIT DROP;
TRUNCATE analysis_work, analysis_communes;
-- Set-based nearest search over many communes (nearest_*.sql): the planar Voronoi cells of
-- one kind's points, and per commune a candidate point with the box within which any nearer
-- point must lie (indexed: the points probe the boxes, not the communes the points).
CREATE TEMP TABLE IF NOT EXISTS analysis_cells (
  id integer NOT NULL,
  cell geometry NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS analysis_near (
  code text NOT NULL,
  id integer NOT NULL,
  edge_m double precision NOT NULL,
  box geometry NOT NULL
) ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS analysis_near_gix ON analysis_near USING gist (box);
