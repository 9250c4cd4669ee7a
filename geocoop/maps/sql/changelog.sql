-- The public changelog: the latest changes of cooperations (never a pending proposal),
-- newest first, optionally of one kind (:kind, before or after the change) and of one
-- territory (:territory, "level:code": the commune of the cooperation before or after,
-- matched directly or through its EPCI, département, région; or a key of its perimeter).
SELECT e.id, e.at, e.actor, e.action, e.via, e.reverts, e.entity_id AS cooperation_id,
       e.before, e.after, t.name AS commune_name
FROM edit_log AS e
LEFT JOIN territory AS t
  ON t.level = 'commune'
 AND t.code = coalesce(e.after->>'commune_code', e.before->>'commune_code')
WHERE e.entity = 'cooperation'
  AND e.id < coalesce(CAST(:before_id AS integer), 2147483647)
  AND (CAST(:kind AS text) IS NULL
       OR CAST(:kind AS text) IN (e.after->>'kind_code', e.before->>'kind_code'))
  AND (CAST(:territory AS text) IS NULL
       OR EXISTS (
            SELECT 1 FROM territory AS x
            WHERE x.level = 'commune'
              AND x.code IN (e.after->>'commune_code', e.before->>'commune_code')
              AND CAST(:territory AS text) IN (
                    'commune:' || x.code, 'epci:' || x.epci_code,
                    'departement:' || x.departement_code, 'region:' || x.region_code))
       OR CAST(:territory AS text) IN (
            SELECT jsonb_array_elements_text(
                coalesce(e.after->'perimeter_codes', '[]'::jsonb)
                || coalesce(e.before->'perimeter_codes', '[]'::jsonb))))
ORDER BY e.id DESC
LIMIT :limit
