-- The white zones of :kinds (rule "any") as they stand in analysis_commune_kind: id (the
-- smallest member commune code), a hash of the member codes, the members. A kind without
-- data (no placed cooperation: analysis/data_status.py) has no stored row, hence no zone.
INSERT INTO zone_outline_live (kind_code, zone_id, members_hash, communes)
SELECT a.kind_code,
       min(a.commune_code) AS zone_id,
       md5(string_agg(a.commune_code, ',' ORDER BY a.commune_code)) AS members_hash,
       array_agg(a.commune_code) AS communes
FROM analysis_commune_kind AS a
WHERE a.kind_code = ANY (CAST(:kinds AS text[]))
  AND a.zone_id IS NOT NULL
GROUP BY a.kind_code, a.zone_id
