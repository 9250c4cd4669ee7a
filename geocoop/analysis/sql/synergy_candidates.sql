-- Stored potential links without a declared partnership, best score first.
SELECT p.a_id, p.b_id, p.distance_m, p.perimeters_overlap, p.weight,
       CASE WHEN p.perimeters_overlap THEN 1.0
            ELSE 1.0 - p.distance_m / CAST(:max_distance_m AS float8) END AS proximity,
       ca.name AS a_name, ca.kind_code AS a_kind, ca.commune_code AS a_commune,
       cb.name AS b_name, cb.kind_code AS b_kind, cb.commune_code AS b_commune
FROM analysis_synergy_pair p
JOIN cooperation ca ON ca.id = p.a_id
JOIN cooperation cb ON cb.id = p.b_id
WHERE NOT EXISTS (SELECT 1 FROM partnership d
                  WHERE d.cooperation_a_id = p.a_id AND d.cooperation_b_id = p.b_id)
  AND (p.perimeters_overlap OR p.distance_m <= CAST(:max_distance_m AS float8))
  AND (CAST(:kinds AS text[]) IS NULL
       OR ca.kind_code = ANY (CAST(:kinds AS text[]))
       OR cb.kind_code = ANY (CAST(:kinds AS text[])))
  AND (CAST(:ids AS integer[]) IS NULL
       OR p.a_id = ANY (CAST(:ids AS integer[])) OR p.b_id = ANY (CAST(:ids AS integer[])))
ORDER BY p.weight * (CASE WHEN p.perimeters_overlap THEN 1.0
            ELSE 1.0 - p.distance_m / CAST(:max_distance_m AS float8) END) DESC,
         p.a_id, p.b_id
LIMIT :limit;
