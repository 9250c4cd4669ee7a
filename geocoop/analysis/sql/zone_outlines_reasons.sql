-- What names each stored white zone of :kinds and why it is white, computed over its
-- members as the live list does (white_zones.sql, whole zones): the most populated commune
-- (ties: smallest code), its département and EPCI, how many départements the zone spans,
-- the nearest cooperation of the kind (smallest stored edge distance of a member, geodesic
-- metres from the coverage refresh; ties: smallest id) and the kind's service distance.
-- Only zones whose parts changed are written (a cooperation renamed or moved, a zone new or
-- regrown), their sentences emptied for zones.py to build again.
-- With :communes (after one cooperation changed: the communes recomputed), only the zones
-- holding one of them and those stored anew are checked: no other zone's parts can change
-- (the communes it was the nearest of are among those recomputed).
WITH scope AS (
  SELECT a.kind_code, a.zone_id AS label
  FROM analysis_commune_kind AS a
  WHERE CAST(:communes AS text[]) IS NOT NULL
    AND a.kind_code = ANY (CAST(:kinds AS text[])) AND a.zone_id IS NOT NULL
    AND a.commune_code = ANY (CAST(:communes AS text[]))
  UNION
  SELECT a.kind_code, a.zone_id  -- a zone's id is its smallest member's code
  FROM analysis_zone AS z
  JOIN analysis_commune_kind AS a ON a.kind_code = z.kind_code AND a.commune_code = z.zone_id
  WHERE CAST(:communes AS text[]) IS NOT NULL
    AND z.kind_code = ANY (CAST(:kinds AS text[])) AND z.main_commune IS NULL
), m AS (
  SELECT a.kind_code, a.zone_id AS label, a.commune_code, a.nearest_edge_m,
         a.nearest_cooperation_id, COALESCE(t.population, 0) AS pop, t.departement_code
  FROM analysis_commune_kind AS a
  JOIN territory AS t ON t.level = 'commune' AND t.code = a.commune_code
  WHERE a.kind_code = ANY (CAST(:kinds AS text[])) AND a.zone_id IS NOT NULL
    AND (CAST(:communes AS text[]) IS NULL
         OR (a.kind_code, a.zone_id) IN (SELECT kind_code, label FROM scope))
), p AS (
  SELECT kind_code,
         min(commune_code) AS zone_id,
         (array_agg(commune_code ORDER BY pop DESC, commune_code))[1] AS main_commune,
         count(DISTINCT departement_code) AS departements_count,
         min(nearest_edge_m) AS nearest_m,
         (array_agg(nearest_cooperation_id
                    ORDER BY nearest_edge_m NULLS LAST, nearest_cooperation_id))[1]
           AS nearest_id
  FROM m
  GROUP BY kind_code, label
), v AS (
  SELECT p.kind_code, p.zone_id, p.main_commune, mc.name AS main_commune_name,
         mc.departement_code AS main_departement, mc.epci_code AS main_epci,
         e.name AS epci_name, CAST(p.departements_count AS integer) AS departements_count,
         p.nearest_id, c.name AS nearest_name, p.nearest_m,
         CAST(k.service_distance_m AS double precision) AS service_distance_m
  FROM p
  JOIN territory AS mc ON mc.level = 'commune' AND mc.code = p.main_commune
  LEFT JOIN territory AS e ON e.level = 'epci' AND e.code = mc.epci_code
  LEFT JOIN cooperation AS c ON c.id = p.nearest_id
  JOIN kind AS k ON k.code = p.kind_code
)
UPDATE analysis_zone AS z
SET main_commune = v.main_commune,
    main_commune_name = v.main_commune_name,
    main_departement = v.main_departement,
    main_epci = v.main_epci,
    epci_name = v.epci_name,
    departements_count = v.departements_count,
    nearest_cooperation_id = v.nearest_id,
    nearest_cooperation_name = v.nearest_name,
    nearest_distance_m = v.nearest_m,
    service_distance_m = v.service_distance_m,
    rule = 'any',
    name_fr = NULL, name_en = NULL, reason_fr = NULL, reason_en = NULL
FROM v
WHERE z.kind_code = v.kind_code AND z.zone_id = v.zone_id
  AND (z.main_commune, z.main_commune_name, z.main_departement, z.main_epci, z.epci_name,
       z.departements_count, z.nearest_cooperation_id, z.nearest_cooperation_name,
       z.nearest_distance_m, z.service_distance_m)
      IS DISTINCT FROM
      (v.main_commune, v.main_commune_name, v.main_departement, v.main_epci, v.epci_name,
       v.departements_count, v.nearest_id, v.nearest_name, v.nearest_m, v.service_distance_m)
