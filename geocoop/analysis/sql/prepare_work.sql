-- Session-local scratch tables of one computation (dropped at commit).
-- analysis_communes: the communes in scope, with their geography cast once and their
-- Web Mercator outline (the nearest-neighbour seed of commune_distance.sql);
-- analysis_pts: the points of one kind (after filters), indexed for nearest-neighbour search
-- in degrees and in Web Mercator;
-- analysis_perims: that kind's perimeters; analysis_work: per commune × kind results.
CREATE TEMP TABLE IF NOT EXISTS analysis_communes (
  code text PRIMARY KEY,
  epci_code text,
  geom geometry NOT NULL,
  geog geography NOT NULL,
  center geography NOT NULL,
  mercator geometry NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS analysis_pts (
  id integer NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  geog geography NOT NULL,
  mercator geometry NOT NULL
) ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS analysis_pts_gix ON analysis_pts USING gist (location);
CREATE INDEX IF NOT EXISTS analysis_pts_mercator_gix ON analysis_pts USING gist (mercator);
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
-- "which communes have their row already" (commune_distance*.sql) is an index probe, not a
-- scan of the rows per commune when the planner has no statistics for the table
CREATE INDEX IF NOT EXISTS analysis_work_key ON analysis_work (kind_code, commune_code);
TRUNCATE analysis_work, analysis_communes;
