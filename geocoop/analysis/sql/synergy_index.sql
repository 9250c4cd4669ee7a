-- Per territory: potential links (stored pairs) touching it, and how many are declared.
WITH ct AS (
  {coop_territory}
), links AS (
  SELECT p.a_id, p.b_id,
         EXISTS (SELECT 1 FROM partnership d
                 WHERE d.cooperation_a_id = p.a_id AND d.cooperation_b_id = p.b_id) AS declared
  FROM analysis_synergy_pair p
), lt AS (
  SELECT DISTINCT x.gcode, l.a_id, l.b_id, l.declared
  FROM links l
  JOIN ct x ON x.id IN (l.a_id, l.b_id)
), scoped AS (
  SELECT * FROM ct
  WHERE CAST(:parent_level AS text) IS NULL
     OR (CAST(:parent_level AS text) = 'epci' AND ct.epci_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'departement' AND ct.departement_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'region' AND ct.region_code = CAST(:parent_code AS text))
), g AS (
  SELECT gcode, count(*) AS cooperations FROM scoped GROUP BY gcode
)
SELECT g.gcode AS code,
       COALESCE(tt.name, CASE WHEN CAST(:level AS text) = 'france' THEN 'France' END) AS name,
       g.cooperations,
       count(lt.a_id) AS potential_links,
       count(lt.a_id) FILTER (WHERE lt.declared) AS declared_links
FROM g
LEFT JOIN lt ON lt.gcode = g.gcode
LEFT JOIN territory tt ON tt.level = CAST(:level AS text) AND tt.code = g.gcode
GROUP BY g.gcode, tt.name, g.cooperations
ORDER BY g.gcode;
