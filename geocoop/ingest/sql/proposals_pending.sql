-- Pending proposals inside a moderator's scope: kinds (:kinds, NULL = all) and territories
-- (:territories as "level:code", NULL = all) matched by the proposal's commune or by any
-- territory of its perimeter (a commune also matches through its EPCI, département,
-- région). :id NULL lists them all (oldest first), else only that one.
SELECT p.id, p.kind_code, p.name, p.fields, p.lon, p.lat, p.commune_code,
       c.name AS commune_name, p.perimeter_codes, p.contact, p.created_at
FROM proposal AS p
LEFT JOIN territory AS c ON c.level = 'commune' AND c.code = p.commune_code
WHERE p.status = 'pending'
  AND (CAST(:id AS integer) IS NULL OR p.id = :id)
  AND (CAST(:kinds AS text[]) IS NULL OR p.kind_code = ANY(CAST(:kinds AS text[])))
  AND (
      CAST(:territories AS text[]) IS NULL
      OR EXISTS (
          SELECT 1
          FROM territory AS x
          WHERE (
                  (x.level = 'commune' AND x.code = p.commune_code)
                  OR x.level || ':' || x.code = ANY(p.perimeter_codes)
                )
            AND (
                  x.level || ':' || x.code = ANY(CAST(:territories AS text[]))
                  OR 'epci:' || x.epci_code = ANY(CAST(:territories AS text[]))
                  OR 'departement:' || x.departement_code = ANY(CAST(:territories AS text[]))
                  OR 'region:' || x.region_code = ANY(CAST(:territories AS text[]))
                )
      )
  )
ORDER BY p.id
LIMIT :limit
